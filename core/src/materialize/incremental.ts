/**
 * `incremental`: the first run (or a full refresh, or a target that is not a table) builds a table; later
 * runs stage this run's rows into `<alias>__xform_tmp`, reconcile columns (on_schema_change), let the audit
 * hook look at the staging table, then apply the strategy in one transaction:
 *
 * - merge: update rows whose unique_key matches, insert the others (without MERGE support: delete matching
 *   keys, insert all). The NULL rule is the dialect's (DialectBase): a key with a NULL component matches
 *   nothing, and a NULL-keyed row the target already holds identically is not inserted again, so re-running
 *   on the same input never duplicates rows;
 * - delete+insert: delete target rows whose key appears in staging, insert staging (unique_key required);
 * - append: insert staging;
 * - insert_overwrite (adapters whose dialect has `insertOverwrite`, e.g. BigQuery): replace every partition
 *   (`partition_by`) that staging has rows for with staging's rows.
 * Default: merge when unique_key is set, else append.
 */
import type { Relation } from '../adapter/types.js';
import { didYouMeanHint, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { runHooks } from './hooks.js';
import { dropIfExists, dropQuietly, exec, inTransaction, lookupRelation, nodeRelation, stagingRelation } from './relations.js';
import { ColumnLookup, planSchemaChange, resolveOnSchemaChange } from './schema-change.js';
import { adapterResponse, buildTable, runAudit, type BuildEnv } from './table.js';
import type { MaterializeResult } from './types.js';

export const INCREMENTAL_STRATEGIES = ['merge', 'delete+insert', 'append'] as const;
/** Strategies only some adapters support (their dialect says so). */
export const OPTIONAL_INCREMENTAL_STRATEGIES = ['insert_overwrite'] as const;
export type IncrementalStrategy = (typeof INCREMENTAL_STRATEGIES)[number] | (typeof OPTIONAL_INCREMENTAL_STRATEGIES)[number];

export interface IncrementalPlan {
  strategy: IncrementalStrategy;
  /** Empty when the model has no unique_key. */
  uniqueKey: string[];
  predicates: string[];
}

const location = (node: ExecutableNode) => ({ file: node.original_file_path, ...(node.line === undefined ? {} : { line: node.line }) });

function stringList(node: ExecutableNode, key: 'unique_key' | 'incremental_predicates'): string[] {
  const raw: unknown = node.config[key];
  if (raw === undefined || raw === null) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item) => {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new XformError('XFORM_CONFIG_INVALID', `${node.name}: ${key} must be a column name or a list of them, got ${JSON.stringify(raw)}`, {
        location: location(node),
      });
    }
    return item.trim();
  });
}

/**
 * Validates strategy, unique_key and predicates before any SQL runs, so mistakes surface on the first run.
 * `extraStrategies`: the optional strategies this adapter supports (OPTIONAL_INCREMENTAL_STRATEGIES).
 */
export function resolveIncrementalPlan(node: ExecutableNode, adapterType: string, extraStrategies: readonly IncrementalStrategy[] = []): IncrementalPlan {
  const uniqueKey = stringList(node, 'unique_key');
  const predicates = stringList(node, 'incremental_predicates');
  const raw: unknown = node.config.incremental_strategy;
  const supported: readonly IncrementalStrategy[] = [...INCREMENTAL_STRATEGIES, ...extraStrategies];
  let strategy: IncrementalStrategy;
  if (raw === undefined || raw === null) strategy = uniqueKey.length > 0 ? 'merge' : 'append';
  else if ((supported as readonly unknown[]).includes(raw)) strategy = raw as IncrementalStrategy;
  else {
    throw new XformError(
      'XFORM_INCREMENTAL_STRATEGY_UNKNOWN',
      `${node.name}: incremental_strategy '${String(raw)}' is not supported by the ${adapterType} adapter; expected one of ${supported.join(', ')}`,
      { location: location(node), hint: didYouMeanHint(String(raw), supported) },
    );
  }
  if (strategy === 'delete+insert' && uniqueKey.length === 0) {
    throw new XformError('XFORM_UNIQUE_KEY_REQUIRED', `${node.name}: incremental_strategy 'delete+insert' needs a unique_key`, {
      location: location(node),
      hint: "set unique_key (a column or a list of columns), or use incremental_strategy 'append'",
    });
  }
  return { strategy, uniqueKey, predicates };
}

/** Whether this run rebuilds the whole table: a node's own full_refresh config wins over --full-refresh. */
export function isFullRefresh(node: ExecutableNode, fullRefresh: boolean): boolean {
  return typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : fullRefresh;
}

export interface IncrementalEnv extends BuildEnv {
  fullRefresh: boolean;
  renderSql(isIncremental: boolean): string;
}

export async function buildIncremental(env: IncrementalEnv): Promise<MaterializeResult> {
  const { node, adapter } = env;
  const { dialect, catalog } = adapter;
  const plan = resolveIncrementalPlan(node, adapter.type, dialect.insertOverwrite ? ['insert_overwrite'] : []);
  const onSchemaChange = resolveOnSchemaChange(node);
  const target = nodeRelation(node);
  const existing = await lookupRelation(env, target);
  if (!existing || existing.kind !== 'table' || isFullRefresh(node, env.fullRefresh)) {
    return buildTable(env, env.renderSql(false));
  }

  const tmp = stagingRelation(env, target);
  await runHooks(env, 'pre_hook');
  await dropIfExists(env, tmp);
  try {
    await exec(env, dialect.createTableAs(tmp, env.renderSql(true), { config: node.config, staging: true }));
    env.relations?.created(tmp, 'table');
    const stagingColumns = await catalog.getColumns(tmp);
    const targetColumns = await catalog.getColumns(target);
    const uniqueKey = resolveKeyColumns(node, plan.uniqueKey, new ColumnLookup(stagingColumns));
    const schema = planSchemaChange(node, onSchemaChange, stagingColumns, targetColumns, dialect, target);
    await runAudit(env, tmp);
    const applied = await inTransaction(env, async () => {
      for (const statement of schema.statements) await exec(env, statement);
      const outcome = await applyStrategy(env, { ...plan, uniqueKey }, target, tmp, schema.columns);
      await runHooks(env, 'post_hook');
      return outcome;
    });
    await dropIfExists(env, tmp);
    return { status: 'success', rowsAffected: applied.rows, message: applied.message, adapterResponse: adapterResponse(applied.message, applied.rows, applied.info) };
  } catch (err) {
    await dropQuietly(env, tmp);
    throw err;
  }
}

/** unique_key columns as the staging table spells them; an unknown column is a user error with a hint. */
function resolveKeyColumns(node: ExecutableNode, keys: string[], staging: ColumnLookup): string[] {
  return keys.map((key) => {
    const found = staging.get(key);
    if (found) return found.name;
    throw new XformError('XFORM_UNIQUE_KEY_NOT_FOUND', `${node.name}: unique_key column '${key}' is not among the model's columns`, {
      location: location(node),
      hint: didYouMeanHint(key, staging.columns.map((c) => c.name)) ?? `columns: ${staging.columns.map((c) => c.name).join(', ')}`,
    });
  });
}

interface Applied {
  rows: number | undefined;
  message: string;
  info?: Record<string, unknown>;
}

async function applyStrategy(env: IncrementalEnv, plan: IncrementalPlan, target: Relation, staging: Relation, columns: string[]): Promise<Applied> {
  const { dialect, capabilities } = env.adapter;
  const insertFrom = async (label: string, sourceSql: string): Promise<Applied> => {
    const r = await exec(env, dialect.insertInto(target, columns, sourceSql));
    return { rows: r.rowsAffected, message: `${label} ${r.rowsAffected ?? ''}`.trim(), info: r.info };
  };

  if (plan.strategy === 'insert_overwrite' && dialect.insertOverwrite) {
    const r = await exec(env, dialect.insertOverwrite({ target, source: staging, columns, config: env.node.config }));
    return { rows: r.rowsAffected, message: `INSERT OVERWRITE ${r.rowsAffected ?? ''}`.trim(), info: r.info };
  }
  if (plan.strategy === 'append' || plan.uniqueKey.length === 0) {
    // append, or merge without a key (dbt: every staged row is new).
    return insertFrom('INSERT', `select * from ${dialect.relationName(staging)}`);
  }
  if (plan.strategy === 'merge' && capabilities.merge) {
    const r = await exec(env, dialect.merge({ target, source: staging, columns, uniqueKey: plan.uniqueKey, predicates: plan.predicates }));
    return { rows: r.rowsAffected, message: `MERGE ${r.rowsAffected ?? ''}`.trim(), info: r.info };
  }
  // delete+insert, and merge where the warehouse has no MERGE: same result inside one transaction. The
  // dialect's incrementalSource leaves out NULL-keyed rows the target already holds (they match no key, so
  // the DELETE kept them), which is what keeps re-runs from duplicating them.
  await exec(env, dialect.deleteMatching(target, staging, plan.uniqueKey, plan.predicates));
  const source = dialect.incrementalSource
    ? dialect.incrementalSource({ target, source: staging, columns, uniqueKey: plan.uniqueKey })
    : `select * from ${dialect.relationName(staging)}`;
  return insertFrom(plan.strategy === 'merge' ? 'MERGE' : 'DELETE+INSERT', source);
}
