/**
 * What a patch compile needs (cli/src/patch-compile.ts), loaded on its own (`@xform/core/patch`): the
 * template engine and render context, not the rest of the compiler.
 */
export { patchCompile, type PatchInput } from './compile/patch-compile.js';
export { patchable, readPatchState, type PatchState } from './compile/patch-state.js';
export { loadProjectSettings } from './project/load-project.js';
export { loadDialect, registerBuiltInDialects } from './adapter/load-adapter.js';
export { parseVarsArg } from './project/vars.js';
