/** State-aware development: `--state` artifacts, `state:`/`result:`/`source_status:` selection, `--defer` and clone. */
export * from './previous-state.js';
export { StateComparison, changedMacros, contractChecksum } from './modified.js';
export { stateMethods } from './state-methods.js';
export { deferredRelations, stateRelationOf, type DeferOptions } from './defer.js';
export { cloneFromState, type CloneOptions, type CloneResult, type CloneStatus } from './clone.js';
