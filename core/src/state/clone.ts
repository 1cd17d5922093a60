/**
 * `xform clone`: the state's relations of the selected models, seeds and snapshots created in the target,
 * as dbt's clone materialization does. A table the warehouse can clone zero-copy (Dialect.cloneTable:
 * Snowflake, BigQuery) is cloned; anything else becomes a view reading the state's relation (DuckDB,
 * PostgreSQL: same database or attached file). A table already in the target is kept unless fullRefresh,
 * since it may hold a developer's work; a view is replaced.
 */
import type { Manifest } from '../compile/manifest.js';
import type { Adapter, Relation } from '../adapter/types.js';
import type { ExecutableNode } from '../graph/types.js';
import { stateRelationOf } from './defer.js';
import type { PreviousState } from './previous-state.js';

export type CloneStatus = 'cloned' | 'view' | 'skipped' | 'error';

export interface CloneResult {
  unique_id: string;
  status: CloneStatus;
  /** Why a node was skipped, or the error. */
  message?: string;
  relation: Relation;
  source: Relation;
}

export interface CloneOptions {
  manifest: Manifest;
  selected: ReadonlySet<string>;
  state: PreviousState;
  adapter: Adapter;
  /** Replace tables that already exist in the target. Default false. */
  fullRefresh?: boolean;
  onResult?: (result: CloneResult) => void;
}

const RELATIONAL = new Set(['model', 'seed', 'snapshot']);

export async function cloneFromState(options: CloneOptions): Promise<CloneResult[]> {
  const { manifest, selected, state, adapter } = options;
  const { dialect, catalog } = adapter;
  const results: CloneResult[] = [];
  const schemas = new Set<string>();
  const ids = [...selected].filter((id) => RELATIONAL.has(manifest.nodes[id]?.resource_type ?? '')).sort();
  for (const id of ids) {
    const node = manifest.nodes[id] as ExecutableNode;
    const relation: Relation = { database: node.database, schema: node.schema, identifier: node.alias };
    const old = state.manifest.nodes[id] as ExecutableNode | undefined;
    const report = (status: CloneStatus, source: Relation, message?: string) => {
      const result: CloneResult = { unique_id: id, status, relation, source, ...(message === undefined ? {} : { message }) };
      results.push(result);
      options.onResult?.(result);
    };
    if (node.config.materialized === 'ephemeral') continue;
    if (old === undefined || old.config?.materialized === 'ephemeral') {
      report('skipped', relation, old === undefined ? 'not in the state' : 'ephemeral in the state');
      continue;
    }
    const source = stateRelationOf(old);
    try {
      const [sourceRelation, existing] = await Promise.all([catalog.getRelation(source), catalog.getRelation(relation)]);
      if (sourceRelation === undefined) {
        report('skipped', source, `the state's relation ${dialect.relationName(source)} does not exist`);
        continue;
      }
      if (sameRelation(relation, source)) {
        report('skipped', source, 'the target already is the state relation');
        continue;
      }
      if (existing !== undefined && existing.kind !== 'view' && options.fullRefresh !== true) {
        report('skipped', source, `${dialect.relationName(relation)} already exists as a ${existing.kind} (use --full-refresh to replace it)`);
        continue;
      }
      const zeroCopy = dialect.cloneTable !== undefined && sourceRelation.kind === 'table';
      await adapter.withConnection(async (connection) => {
        const schemaKey = `${relation.database ?? ''}.${relation.schema}`;
        if (!schemas.has(schemaKey)) {
          await connection.execute(dialect.createSchema(relation.schema, relation.database), { label: id });
          schemas.add(schemaKey);
        }
        if (existing !== undefined && !(zeroCopy && existing.kind === 'table')) {
          await connection.execute(dialect.dropRelation(relation, existing.kind), { label: id });
        }
        const sql = zeroCopy ? dialect.cloneTable!(relation, source) : dialect.createViewAs(relation, `select * from ${dialect.relationName(source)}`);
        await connection.execute(sql, { label: id });
      });
      report(zeroCopy ? 'cloned' : 'view', source);
    } catch (err) {
      report('error', source, (err as Error).message);
    }
  }
  return results;
}

function sameRelation(a: Relation, b: Relation): boolean {
  return (a.database ?? '') === (b.database ?? '') && a.schema === b.schema && a.identifier === b.identifier;
}
