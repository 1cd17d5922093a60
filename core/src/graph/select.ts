/**
 * dbt node selection: `--select`, `--exclude`, `--resource-type` and indirect selection of tests.
 *
 * Order, as in dbt: evaluate `select` (or take every node), add tests indirectly, subtract `exclude`
 * (which itself always pulls in the tests of what it excludes, eagerly, as dbt does), then keep only
 * `resourceTypes`. Disabled nodes are never selected. Each selector atom costs O(V) and each graph
 * operator O(V+E) over the whole matched set at once, never per node.
 */
import { isTestNode } from './describe.js';
import type { LineageGraph } from './lineage-graph.js';
import { matchAtom, type MatchContext, type StateMethods } from './selector-methods.js';
import { parseSelector, type SelectorAtom, type SelectorExpr } from './selector-parse.js';
import type { ResourceType } from './types.js';

export interface SelectionOptions {
  /**
   * Selection arguments; each element may hold several space-separated selectors, as the CLI passes
   * them. Elements are unioned. Default: empty, which selects every node.
   */
  select?: string[];
  /** Nodes to remove after indirect selection; same syntax as `select`. Default: none. */
  exclude?: string[];
  /** Keep only these resource types (applied last). Default: every type. */
  resourceTypes?: ResourceType[];
  /**
   * How tests are pulled in by the nodes they test. Default 'eager'.
   * - 'eager': a test is selected when ANY of its parents is selected;
   * - 'cautious': only when ALL of its parents are selected;
   * - 'empty': only tests that were selected directly.
   */
  indirectSelection?: 'eager' | 'cautious' | 'empty';
  /** Root project name; lets `package:this` mean the root project. Default: none (`this` is a literal name). */
  projectName?: string;
  /**
   * Nodes already chosen (a `--selector` from selectors.yml), used instead of `select`; indirect selection,
   * `exclude` and `resourceTypes` still apply. Default: none.
   */
  chosen?: ReadonlySet<string>;
  /** `state:`/`result:`/`source_status:` with `--state` (see core/src/state). Default: none; those methods then fail. */
  stateMethods?: StateMethods;
}

/** The unique_ids of the selected nodes. A selector that matches nothing yields an empty set, not an error. */
export function selectNodes(graph: LineageGraph, options: SelectionOptions): Set<string> {
  // Parse everything first so that a typo fails before any work is done.
  const selectExprs = nonEmpty(options.select).map(parseSelector);
  const excludeExprs = nonEmpty(options.exclude).map(parseSelector);
  const ctx: MatchContext = { projectName: options.projectName, stateMethods: options.stateMethods };

  let selected: Set<string>;
  if (options.chosen !== undefined) {
    selected = new Set(options.chosen);
  } else if (selectExprs.length === 0) {
    selected = new Set(graph.nodeIds());
  } else {
    selected = new Set();
    for (const expr of selectExprs) for (const id of evaluate(graph, expr, ctx)) selected.add(id);
  }
  dropDisabled(graph, selected);
  selected = addIndirectTests(graph, selected, options.indirectSelection ?? 'eager');

  if (excludeExprs.length > 0) {
    let excluded = new Set<string>();
    for (const expr of excludeExprs) for (const id of evaluate(graph, expr, ctx)) excluded.add(id);
    excluded = addIndirectTests(graph, excluded, 'eager');
    for (const id of excluded) selected.delete(id);
  }

  if (options.resourceTypes !== undefined && options.resourceTypes.length > 0) {
    const keep = new Set<string>(options.resourceTypes);
    for (const id of selected) if (!keep.has(graph.node(id)!.resource_type)) selected.delete(id);
  }
  dropDisabled(graph, selected);
  return selected;
}

/** The set an expression selects, graph operators applied, before indirect test selection. */
export function evaluate(graph: LineageGraph, expr: SelectorExpr, ctx: MatchContext = {}): Set<string> {
  if (expr.kind === 'atom') return evaluateAtom(graph, expr, ctx);
  const sets = expr.items.map((item) => evaluate(graph, item, ctx));
  if (expr.kind === 'union') {
    const out = new Set<string>();
    for (const set of sets) for (const id of set) out.add(id);
    return out;
  }
  sets.sort((a, b) => a.size - b.size);
  const [smallest, ...others] = sets;
  const out = new Set<string>();
  for (const id of smallest ?? []) if (others.every((s) => s.has(id))) out.add(id);
  return out;
}

function evaluateAtom(graph: LineageGraph, atom: SelectorAtom, ctx: MatchContext): Set<string> {
  const base = matchAtom(graph, atom, ctx);
  if (base.size === 0) return base;
  if (atom.childrensParents) {
    const down = graph.descendantsOf(base);
    for (const id of base) down.add(id);
    const up = graph.ancestorsOf(down);
    for (const id of up) down.add(id);
    return down;
  }
  const out = new Set(base);
  if (atom.parents !== undefined) for (const id of graph.ancestorsOf(base, atom.parents.depth)) out.add(id);
  if (atom.children !== undefined) for (const id of graph.descendantsOf(base, atom.children.depth)) out.add(id);
  return out;
}

/** Adds the tests (and unit tests) whose parents are selected: any parent ('eager') or all of them ('cautious'). */
function addIndirectTests(graph: LineageGraph, selected: Set<string>, mode: 'eager' | 'cautious' | 'empty'): Set<string> {
  if (mode === 'empty') return selected;
  const out = new Set(selected);
  const considered = new Set<string>();
  for (const id of selected) {
    for (const childId of graph.childrenView(id)) {
      if (out.has(childId) || considered.has(childId)) continue;
      const child = graph.node(childId)!;
      if (!isTestNode(child)) continue;
      considered.add(childId);
      if (mode === 'eager' || graph.parentsView(childId).every((p) => selected.has(p))) out.add(childId);
    }
  }
  return out;
}

function dropDisabled(graph: LineageGraph, ids: Set<string>): void {
  for (const id of graph.disabledIds()) ids.delete(id);
}

function nonEmpty(args: string[] | undefined): string[] {
  return (args ?? []).filter((a) => a.trim() !== '');
}
