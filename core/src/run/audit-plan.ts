/**
 * Write-audit-publish planning: which selected tests audit which model before it is published. A test audits
 * the model it is attached to (generic tests) or, for singular tests, the one model it reads that no other
 * model it reads is downstream of. It runs against the staging relation once everything else it reads is
 * built: other selected dependencies that are not upstream of the model already (the `to` of a relationships
 * test, say) become extra parents of the model in the run. A test reading something downstream of the
 * model can't audit it and runs as an ordinary node after all its parents. An ephemeral model a test reads
 * counts as the models it reads (it is inlined into the test's SQL).
 */
import type { CompiledProject } from '../compile/compiler.js';
import type { ExecutableNode, GraphNode, TestNode } from '../graph/types.js';

const AUDITABLE = new Set(['table', 'incremental', 'view']);

function isAuditable(node: GraphNode | undefined): node is ExecutableNode {
  if (!node) return false;
  // A snapshot's later runs audit the change set (the versions the run closes and inserts), see snapshot.ts.
  if (node.resource_type === 'seed' || node.resource_type === 'snapshot') return true;
  return node.resource_type === 'model' && AUDITABLE.has(String(node.config.materialized ?? 'view'));
}

export interface AuditPlan {
  /** owner unique_id -> the tests that audit it. */
  tests: Map<string, TestNode[]>;
  /** owner unique_id -> nodes it must wait for so that its audit tests can read them. */
  waitFor: Map<string, Set<string>>;
}

/** The write-audit-publish plan of a run's selected ids. */
export function planAudits(compiled: CompiledProject, selected: ReadonlySet<string>): AuditPlan {
  const { manifest, graph } = compiled;
  const plan = new Map<string, TestNode[]>();
  const waitFor = new Map<string, Set<string>>();
  const ancestorsCache = new Map<string, Set<string>>();
  const ancestors = (id: string) => {
    let set = ancestorsCache.get(id);
    if (!set) ancestorsCache.set(id, (set = graph.ancestors(id)));
    return set;
  };
  const throughEphemerals = (ids: readonly string[], seen = new Set<string>()): string[] =>
    ids.flatMap((d) => {
      const node = manifest.nodes[d];
      if (node?.resource_type !== 'model' || node.config.materialized !== 'ephemeral') return [d];
      if (seen.has(d)) return [];
      seen.add(d);
      return throughEphemerals((node as ExecutableNode).depends_on.nodes, seen);
    });
  for (const id of selected) {
    const test = manifest.nodes[id];
    if (!test || test.resource_type !== 'test') continue;
    // Sources are not in manifest.nodes and never run: only models, seeds and snapshots count. Which model
    // a test audits does not depend on the selection: all of them are looked at, selected or not.
    const reads = [...new Set(throughEphemerals((test as TestNode).depends_on.nodes))].filter((d) => manifest.nodes[d] !== undefined);
    let owner: string | undefined = (test as TestNode).attached_node;
    if (owner === undefined || manifest.nodes[owner] === undefined) {
      if (reads.length === 0) continue;
      owner = reads.length === 1 ? reads[0] : reads.find((d) => reads.every((o) => o === d || !ancestors(o).has(d)));
    }
    const o = owner;
    if (o === undefined || !selected.has(o) || !isAuditable(manifest.nodes[o])) continue;
    // Nothing the test reads may be downstream of the model, selected or not: a selected one would wait on the
    // model itself, and an unselected one still holds what was built from the previous version of the model.
    if (reads.some((d) => d !== o && ancestors(d).has(o))) continue;
    // What else it reads and is selected must be built before the audit; the rest is already in the target.
    const deps = reads.filter((d) => selected.has(d));
    for (const d of deps) {
      if (d === o || ancestors(o).has(d)) continue;
      let wait = waitFor.get(o);
      if (!wait) waitFor.set(o, (wait = new Set()));
      wait.add(d);
    }
    let list = plan.get(o);
    if (!list) plan.set(o, (list = []));
    list.push(test as TestNode);
  }
  return { tests: plan, waitFor };
}
