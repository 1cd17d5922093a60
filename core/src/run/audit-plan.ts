/**
 * Write-audit-publish planning: which selected tests audit which model before it is published. A test audits
 * the model it is attached to (generic tests) or, for singular tests, the one model it reads that every other
 * model it reads is upstream of. It can only run against the staging relation when everything else it reads
 * is already built by then: each other selected dependency must be an ancestor of that model. Tests that
 * don't qualify run as ordinary nodes after all their parents.
 */
import type { CompiledProject } from '../compile/compiler.js';
import type { ExecutableNode, GraphNode, TestNode } from '../graph/types.js';

const AUDITABLE = new Set(['table', 'incremental', 'view']);

function isAuditable(node: GraphNode | undefined): node is ExecutableNode {
  if (!node) return false;
  if (node.resource_type === 'seed') return true;
  return node.resource_type === 'model' && AUDITABLE.has(String(node.config.materialized ?? 'view'));
}

/** owner unique_id -> the tests that audit it, for the run's selected ids. */
export function planAudits(compiled: CompiledProject, selected: ReadonlySet<string>): Map<string, TestNode[]> {
  const { manifest, graph } = compiled;
  const plan = new Map<string, TestNode[]>();
  const ancestorsCache = new Map<string, Set<string>>();
  const ancestors = (id: string) => {
    let set = ancestorsCache.get(id);
    if (!set) ancestorsCache.set(id, (set = graph.ancestors(id)));
    return set;
  };
  for (const id of selected) {
    const test = manifest.nodes[id];
    if (!test || test.resource_type !== 'test') continue;
    // Sources are not in manifest.nodes and never run: only the selected models and seeds count.
    const deps = (test as TestNode).depends_on.nodes.filter((d) => selected.has(d) && manifest.nodes[d] !== undefined);
    let owner: string | undefined = (test as TestNode).attached_node;
    if (owner === undefined || manifest.nodes[owner] === undefined) {
      if (deps.length === 0) continue;
      owner = deps.length === 1 ? deps[0] : deps.find((d) => deps.every((o) => o === d || ancestors(d).has(o)));
    }
    if (owner === undefined || !selected.has(owner) || !isAuditable(manifest.nodes[owner])) continue;
    if (!deps.every((d) => d === owner || ancestors(owner!).has(d))) continue;
    let list = plan.get(owner);
    if (!list) plan.set(owner, (list = []));
    list.push(test as TestNode);
  }
  return plan;
}
