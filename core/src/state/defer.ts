/**
 * `--defer` (dbt's rules): a ref from a selected node to a node that is NOT selected reads the state's
 * relation of that node when the node's own relation does not exist in the target; with `--favor-state`
 * it reads the state's relation whenever the state has one. Ephemeral nodes (here or in the state) are
 * never deferred: they have no relation. Only the direct parents of selected nodes are looked up.
 */
import type { Manifest } from '../compile/manifest.js';
import type { LineageGraph } from '../graph/lineage-graph.js';
import type { ExecutableNode, RelationRef } from '../graph/types.js';
import type { PreviousState } from './previous-state.js';

export interface DeferOptions {
  graph: LineageGraph;
  manifest: Manifest;
  selected: ReadonlySet<string>;
  state: PreviousState;
  /** `--favor-state`: use the state's relation even when the target has the node's own. Default false. */
  favorState?: boolean;
  /** Whether a relation exists in the target (asked only without favorState). */
  exists: (relation: RelationRef) => Promise<boolean>;
}

const RELATIONAL = new Set(['model', 'seed', 'snapshot']);

/** unique_id -> the state's relation, for compileProject's `deferred`. */
export async function deferredRelations(options: DeferOptions): Promise<Map<string, RelationRef>> {
  const { graph, manifest, selected, state } = options;
  const candidates = new Set<string>();
  for (const id of selected) {
    for (const parent of graph.parentsView(id)) if (!selected.has(parent)) candidates.add(parent);
  }
  const out = new Map<string, RelationRef>();
  await Promise.all(
    [...candidates].sort().map(async (id) => {
      const node = manifest.nodes[id] as ExecutableNode | undefined;
      const old = state.manifest.nodes[id] as ExecutableNode | undefined;
      if (node === undefined || old === undefined || !RELATIONAL.has(node.resource_type)) return;
      if (node.config.materialized === 'ephemeral' || old.config?.materialized === 'ephemeral') return;
      const stateRelation = stateRelationOf(old);
      if (options.favorState !== true && (await options.exists({ database: node.database, schema: node.schema, identifier: node.alias }))) return;
      out.set(id, stateRelation);
    }),
  );
  return out;
}

/** Where the state built a node. */
export function stateRelationOf(node: ExecutableNode): RelationRef {
  const relation: RelationRef = { schema: node.schema, identifier: node.alias ?? node.name };
  if (node.database !== undefined && node.database !== null) relation.database = node.database;
  return relation;
}
