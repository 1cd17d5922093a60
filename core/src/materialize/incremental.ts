/**
 * `incremental`: the first run (or a full refresh, or a target that is not a table) builds a table; later
 * runs stage this run's rows into `<alias>__xform_tmp`, reconcile columns (on_schema_change), refuse a batch
 * whose unique_key repeats (XFORM_DUPLICATE_UNIQUE_KEY), let the audit hook look at the staging table, then
 * apply the strategy in one transaction that holds no DDL where DDL is not transactional:
 *
 * - merge: update rows whose unique_key matches, insert the others (without MERGE support: delete matching
 *   keys, insert all). The NULL rule is the dialect's (DialectBase): a key with a NULL component matches
 *   nothing, and a NULL-keyed row the target already holds identically is not inserted again, so re-running
 *   on the same input never duplicates rows;
 * - delete+insert: delete target rows whose key appears in staging, insert staging (unique_key required);
 * - append: insert staging;
 * - insert_overwrite (adapters whose dialect has `insertOverwrite`, e.g. BigQuery): read the partitions
 *   (`partition_by`) staging has rows for, then replace exactly those, named as literals (none: no write).
 * Default: merge when unique_key is set, else append.
 *
 * Where nothing needs the rows in a table (Capabilities.incrementalFromQuery: no audit, merge or append, no
 * column to add), the staging table is skipped: the query's columns come from a `limit 0` of it, and one
 * MERGE ... USING (query) or INSERT ... SELECT reads it once (writeFromQuery). The repeated-key check then
 * runs inside the MERGE, which stops; the keys are looked up afterwards, so the error is the same.
 */
import { DUPLICATE_KEY_MARKER, duplicateCountColumn } from '../adapter/dialect-base.js';
import { isSqlError } from '../adapter/sql-error.js';
import type { Relation, RowSource } from '../adapter/types.js';
import { didYouMeanHint, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { runHooks } from './hooks.js';
import { dropIfExists, dropQuietly, exec, inTransaction, lookupRelation, nodeRelation, stagingRelation } from './relations.js';
import { ColumnLookup, planSchemaChange, resolveOnSchemaChange, type OnSchemaChange } from './schema-change.js';
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
  renderSql(isIncremental: boolean): string | Promise<string>;
}

export async function buildIncremental(env: IncrementalEnv): Promise<MaterializeResult> {
  const { node, adapter } = env;
  const { dialect } = adapter;
  const plan = resolveIncrementalPlan(node, adapter.type, dialect.insertOverwrite ? ['insert_overwrite'] : []);
  const onSchemaChange = resolveOnSchemaChange(node);
  const target = nodeRelation(node);
  const existing = await lookupRelation(env, target);
  if (!existing || existing.kind !== 'table' || isFullRefresh(node, env.fullRefresh)) {
    return buildTable(env, await env.renderSql(false));
  }
  await runHooks(env, 'pre_hook');
  const sql = await env.renderSql(true);
  if (fromQueryPossible(env, plan, onSchemaChange)) {
    const direct = await writeFromQuery(env, plan, onSchemaChange, target, sql);
    if (direct) return direct;
  }
  return writeStaged(env, plan, onSchemaChange, target, sql);
}

/**
 * Whether this run may write straight from the model's query (Capabilities.incrementalFromQuery): nothing
 * audits the new rows, the strategy is merge or append, and on_schema_change may need no DDL typed from
 * the query's columns (sync_all_columns compares types, so it always stages).
 */
function fromQueryPossible(env: IncrementalEnv, plan: IncrementalPlan, onSchemaChange: OnSchemaChange): boolean {
  const { capabilities, dialect } = env.adapter;
  if (!capabilities.incrementalFromQuery || env.audit || onSchemaChange === 'sync_all_columns') return false;
  if (plan.strategy === 'append' || (plan.strategy === 'merge' && plan.uniqueKey.length === 0)) return true;
  return plan.strategy === 'merge' && capabilities.merge && dialect.mergeFromQuery !== undefined;
}

/**
 * merge or append reading the model's query once, inside one statement: MERGE ... USING (query), or
 * INSERT ... SELECT. The query's columns come from a `limit 0` of it. Undefined (nothing written) when
 * on_schema_change has columns to add: that DDL wants the types the staging table reports.
 */
async function writeFromQuery(
  env: IncrementalEnv,
  plan: IncrementalPlan,
  onSchemaChange: OnSchemaChange,
  target: Relation,
  sql: string,
): Promise<MaterializeResult | undefined> {
  const { dialect, catalog } = env.adapter;
  const described = await exec(env, dialect.limitZero(sql));
  const queryColumns = described.columns.map((c) => ({ name: c.name, dataType: c.type }));
  const targetColumns = await catalog.getColumns(target);
  const lookup = new ColumnLookup(queryColumns);
  const uniqueKey = resolveKeyColumns(env.node, plan.uniqueKey, lookup);
  const schema = planSchemaChange(env.node, onSchemaChange, queryColumns, targetColumns, dialect, target);
  if (schema.statements.length > 0) return undefined;
  const write: WritePlan = { ...plan, uniqueKey, columns: schema.columns, columnTypes: columnTypes(lookup, [...uniqueKey, ...schema.columns]) };
  const ddlInTransaction = env.adapter.capabilities.transactionalDdl;
  let applied: Applied;
  try {
    applied = await inTransaction(env, async () => {
      const outcome = await applyFromQuery(env, write, target, sql);
      if (ddlInTransaction) await runHooks(env, 'post_hook');
      return outcome;
    });
  } catch (err) {
    // The statement stopped on a repeated key (see Dialect.mergeFromQuery) and was rolled back: find the
    // keys as the staged path does, from the query, so the error is the same.
    if (stoppedOnDuplicateKey(err)) await checkDuplicateKeys(env, write, { sql });
    throw err;
  }
  if (!ddlInTransaction) await runHooks(env, 'post_hook');
  return { status: 'success', rowsAffected: applied.rows, message: applied.message, adapterResponse: adapterResponse(applied.message, applied.rows, applied.info) };
}

/** The database's message (without its excerpt of the statement, which holds the marker too) names the marker. */
function stoppedOnDuplicateKey(err: unknown): boolean {
  if (!isSqlError(err)) return false;
  const message = err.positionText ? err.message.replace(err.positionText, '') : err.message;
  return message.includes(DUPLICATE_KEY_MARKER);
}

async function applyFromQuery(env: IncrementalEnv, plan: WritePlan, target: Relation, sql: string): Promise<Applied> {
  const { dialect } = env.adapter;
  if (plan.strategy === 'merge' && plan.uniqueKey.length > 0 && dialect.mergeFromQuery) {
    const r = await exec(env, dialect.mergeFromQuery({ target, sql, columns: plan.columns, uniqueKey: plan.uniqueKey, predicates: plan.predicates, columnTypes: plan.columnTypes }));
    return { rows: r.rowsAffected, message: `MERGE ${r.rowsAffected ?? ''}`.trim(), info: r.info };
  }
  // append, or merge without a key (dbt: every new row is inserted).
  const r = await exec(env, dialect.insertInto(target, plan.columns, sql));
  return { rows: r.rowsAffected, message: `INSERT ${r.rowsAffected ?? ''}`.trim(), info: r.info };
}

/** Stages the new rows in `<alias>__xform_tmp`, checks and audits them there, then applies the strategy. */
async function writeStaged(env: IncrementalEnv, plan: IncrementalPlan, onSchemaChange: OnSchemaChange, target: Relation, sql: string): Promise<MaterializeResult> {
  const { node, adapter } = env;
  const { dialect, catalog, capabilities } = adapter;
  const tmp = stagingRelation(env, target);
  await dropIfExists(env, tmp);
  try {
    await exec(env, dialect.createTableAs(tmp, sql, { config: node.config, staging: true, scratch: true }));
    env.relations?.created(tmp, 'table');
    const stagingColumns = await catalog.getColumns(tmp);
    const targetColumns = await catalog.getColumns(target);
    const staging = new ColumnLookup(stagingColumns);
    const uniqueKey = resolveKeyColumns(node, plan.uniqueKey, staging);
    const schema = planSchemaChange(node, onSchemaChange, stagingColumns, targetColumns, dialect, target);
    const write: WritePlan = { ...plan, uniqueKey, columns: schema.columns, columnTypes: columnTypes(staging, [...uniqueKey, ...schema.columns]) };
    await checkDuplicateKeys(env, write, tmp);
    await runAudit(env, tmp);
    const partitions = await overwritePartitions(env, write, tmp);
    // Snowflake commits the open transaction before any DDL, and BigQuery refuses DDL on permanent tables
    // inside one (see Capabilities.transactionalDdl): there, the schema change runs first and the
    // transaction holds only DML, so a failed INSERT after a DELETE rolls both back. Post-hooks (often
    // grants, which are DDL there) run after the commit for the same reason.
    const ddlInTransaction = capabilities.transactionalDdl;
    if (!ddlInTransaction) for (const statement of schema.statements) await exec(env, statement);
    const applied = await inTransaction(env, async () => {
      if (ddlInTransaction) for (const statement of schema.statements) await exec(env, statement);
      const outcome = await applyStrategy(env, write, target, tmp, partitions);
      if (ddlInTransaction) await runHooks(env, 'post_hook');
      return outcome;
    });
    if (!ddlInTransaction) await runHooks(env, 'post_hook');
    await dropIfExists(env, tmp);
    return { status: 'success', rowsAffected: applied.rows, message: applied.message, adapterResponse: adapterResponse(applied.message, applied.rows, applied.info) };
  } catch (err) {
    await dropQuietly(env, tmp);
    throw err;
  }
}

/** What applyStrategy writes: the plan with key and columns as the tables spell them. */
interface WritePlan extends IncrementalPlan {
  /** Columns to insert/update, in order, as the target names them. */
  columns: string[];
  /** Staging types of those columns and the key (for the dialect's identity check of NULL-keyed rows). */
  columnTypes: Record<string, string>;
}

function columnTypes(staging: ColumnLookup, columns: string[]): Record<string, string> {
  const types: Record<string, string> = {};
  for (const column of columns) {
    const found = staging.get(column);
    if (found) types[column] = found.dataType;
  }
  return types;
}

/** How many duplicated keys an error lists. */
const DUPLICATE_EXAMPLES = 5;

/**
 * merge and delete+insert need each key once per batch: PostgreSQL's MERGE fails on a second match without
 * saying which key, DuckDB keeps both rows. One grouped query on staging finds the first few, before
 * anything is written, so every warehouse reports the same error with the key values.
 */
async function checkDuplicateKeys(env: IncrementalEnv, plan: WritePlan, staging: RowSource): Promise<void> {
  const { dialect } = env.adapter;
  if (plan.uniqueKey.length === 0 || !dialect.duplicateKeysQuery) return;
  if (plan.strategy !== 'merge' && plan.strategy !== 'delete+insert') return;
  const { rows } = await exec(env, dialect.duplicateKeysQuery(staging, plan.uniqueKey, DUPLICATE_EXAMPLES + 1));
  if (rows.length === 0) return;
  const examples = rows.slice(0, DUPLICATE_EXAMPLES).map((row) => {
    const values = plan.uniqueKey.map((key) => `${key}=${showValue(field(row, key))}`).join(', ');
    return `${values} (${Number(field(row, duplicateCountColumn(plan.uniqueKey)))} rows)`;
  });
  const more = rows.length > DUPLICATE_EXAMPLES ? '; and more' : '';
  const keys = plan.uniqueKey.join(', ');
  throw new XformError(
    'XFORM_DUPLICATE_UNIQUE_KEY',
    `${env.node.name}: unique_key (${keys}) is not unique among this run's rows: ${examples.join('; ')}${more}`,
    {
      location: location(env.node),
      hint: `deduplicate in the model (e.g. qualify row_number() over (partition by ${keys} order by <newest first>) = 1), or fix unique_key; the table was left unchanged`,
    },
  );
}

/** A result column by name, whatever case the warehouse reports it in (Snowflake upper-cases). */
function field(row: Record<string, unknown>, name: string): unknown {
  if (name in row) return row[name];
  const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : row[key];
}

function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return String(value);
}

/**
 * insert_overwrite's partitions, read from staging before the write so the statement can name them as
 * literals (undefined for the other strategies).
 */
async function overwritePartitions(env: IncrementalEnv, plan: WritePlan, staging: Relation): Promise<(string | null)[] | undefined> {
  const { dialect, type } = env.adapter;
  if (plan.strategy !== 'insert_overwrite') return undefined;
  if (!dialect.partitionsQuery) {
    throw new XformError('XFORM_ADAPTER_CONTRACT', `adapter '${type}' has insertOverwrite but no partitionsQuery`);
  }
  const { rows } = await exec(env, dialect.partitionsQuery({ source: staging, config: env.node.config }));
  return rows.map((row) => {
    const value = field(row, 'partition_value');
    return value === null || value === undefined ? null : String(value);
  });
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

async function applyStrategy(env: IncrementalEnv, plan: WritePlan, target: Relation, staging: Relation, partitions: (string | null)[] | undefined): Promise<Applied> {
  const { dialect, capabilities } = env.adapter;
  const { columns, columnTypes: types } = plan;
  const insertFrom = async (label: string, sourceSql: string): Promise<Applied> => {
    const r = await exec(env, dialect.insertInto(target, columns, sourceSql));
    return { rows: r.rowsAffected, message: `${label} ${r.rowsAffected ?? ''}`.trim(), info: r.info };
  };

  if (plan.strategy === 'insert_overwrite' && dialect.insertOverwrite) {
    // No partition in staging: nothing to replace and nothing to insert.
    if (!partitions || partitions.length === 0) return { rows: 0, message: 'INSERT OVERWRITE 0' };
    const r = await exec(env, dialect.insertOverwrite({ target, source: staging, columns, config: env.node.config, partitions }));
    return { rows: r.rowsAffected, message: `INSERT OVERWRITE ${r.rowsAffected ?? ''}`.trim(), info: r.info };
  }
  if (plan.strategy === 'append' || plan.uniqueKey.length === 0) {
    // append, or merge without a key (dbt: every staged row is new).
    return insertFrom('INSERT', `select * from ${dialect.relationName(staging)}`);
  }
  if (plan.strategy === 'merge' && capabilities.merge) {
    const r = await exec(env, dialect.merge({ target, source: staging, columns, uniqueKey: plan.uniqueKey, predicates: plan.predicates, columnTypes: types }));
    return { rows: r.rowsAffected, message: `MERGE ${r.rowsAffected ?? ''}`.trim(), info: r.info };
  }
  // delete+insert, and merge where the warehouse has no MERGE: same result inside one transaction. The
  // dialect's incrementalSource leaves out NULL-keyed rows the target already holds (they match no key, so
  // the DELETE kept them), which is what keeps re-runs from duplicating them.
  await exec(env, dialect.deleteMatching(target, staging, plan.uniqueKey, plan.predicates));
  const source = dialect.incrementalSource
    ? dialect.incrementalSource({ target, source: staging, columns, uniqueKey: plan.uniqueKey, columnTypes: types })
    : `select * from ${dialect.relationName(staging)}`;
  return insertFrom(plan.strategy === 'merge' ? 'MERGE' : 'DELETE+INSERT', source);
}
