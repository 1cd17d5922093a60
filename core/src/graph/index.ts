/** The lineage graph: name lookup for ref()/source(), the DAG, cycles, layer rules and node selection. */
export { NodeIndex } from './node-index.js';
export { LineageGraph } from './lineage-graph.js';
export { checkLayerRules } from './layer-rules.js';
export { selectNodes, evaluate as evaluateSelector, type SelectionOptions } from './select.js';
export {
  parseSelector,
  SELECTOR_METHODS,
  STATE_VALUES,
  type StateValue,
  RESOURCE_TYPES,
  type SelectorExpr,
  type SelectorAtom,
  type SelectorSet,
  type SelectorMethod,
  type GraphOperator,
} from './selector-parse.js';
export { fqnMatches, type StateMethods, type Predicate as NodePredicate } from './selector-methods.js';
export { describeNode, displayName, isEnabled } from './describe.js';
export { fnmatch } from './glob.js';
export type * from './types.js';
export { loadSelectorsFile, evaluateYamlSelector, SELECTORS_FILE, type SelectorsFile, type YamlSelector } from './yaml-selectors.js';
