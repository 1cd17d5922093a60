/**
 * Unit tests gate the models they test. In a run that also builds the model (`xform build`), a unit test
 * needs no built model — it reads fixture rows, never the model's relation — so it runs before the model,
 * after the model's own parents (whose catalog types its fixtures borrow), and a failing unit test skips the
 * model and everything downstream, like dbt's build. Without the model in the run (`xform test`), nothing
 * changes.
 */
import type { Manifest } from '../compile/manifest.js';
import type { SchedulerNode } from './scheduler.js';

/** Rewires the scheduler nodes in place and returns them: unit test -> model instead of model -> unit test. */
export function unitTestsBeforeModels(manifest: Pick<Manifest, 'nodes'>, nodes: SchedulerNode[]): SchedulerNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const node of nodes) {
    const test = manifest.nodes[node.id];
    if (test?.resource_type !== 'unit_test' || !('unit_test' in test) || test.unit_test === undefined) continue;
    const model = byId.get(test.unit_test.model);
    if (!model) continue;
    node.parents = model.parents.filter((p) => p !== node.id);
    model.parents = [...model.parents, node.id];
  }
  return nodes;
}
