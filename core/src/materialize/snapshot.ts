/**
 * `snapshot` (SCD type 2, dbt's snapshot materialization). The first run builds the table aside and
 * publishes it like any table (table.ts: audit, post-hooks, grants behave the same). Later runs stage the
 * change set (snapshot-sql.ts) into the run's staging relation, check its keys, let the audit hook look at
 * it, then close the changed versions and insert the new ones in one transaction; DDL (new columns,
 * retyped ones with sync_all_columns, dbt_is_deleted) runs before that transaction where the warehouse's DDL
 * is not transactional, as incremental.ts does.
 * --full-refresh does not rebuild a snapshot: its history is not derivable from the query (dbt alike).
 */
import type { ColumnInfo, Relation } from '../adapter/types.js';
import { didYouMeanHint, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { runHooks } from './hooks.js';
import { dropIfExists, dropQuietly, exec, inTransaction, lookupRelation, nodeRelation, stagingRelation } from './relations.js';
import { ColumnLookup, planSchemaChange } from './schema-change.js';
import { resolveSnapshotConfig, type MetaColumns, type SnapshotPlan } from './snapshot-config.js';
import { CHANGE_TYPE, changeSetSql, firstRunSql, isCurrent, keyProblemsQuery, type SnapshotColumn } from './snapshot-sql.js';
import { adapterResponse, buildTable, runAudit, type BuildEnv } from './table.js';
import type { AuditHook, MaterializeResult } from './types.js';

export interface SnapshotEnv extends BuildEnv {
  renderSql(isIncremental: boolean): string | Promise<string>;
}

const location = (node: ExecutableNode) => ({ file: node.original_file_path, ...(node.line === undefined ? {} : { line: node.line }) });
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/u;
/** How many bad keys an error lists. */
const KEY_EXAMPLES = 5;

export async function buildSnapshot(env: SnapshotEnv): Promise<MaterializeResult> {
  const { node, adapter } = env;
  const plan = resolveSnapshotConfig(node);
  const target = nodeRelation(node);
  const existing = await lookupRelation(env, target);
  if (existing && existing.kind !== 'table') {
    throw new XformError('XFORM_SNAPSHOT_TARGET_INVALID', `${node.name}: ${adapter.dialect.relationName(target)} is a ${existing.kind.replace('_', ' ')}, not a snapshot table`, {
      location: location(node),
      hint: 'drop it, or give the snapshot another alias or schema; a snapshot keeps history, so xform never replaces a relation to build one',
    });
  }
  const sql = await env.renderSql(false);
  if (!existing) {
    checkQueryColumns(node, plan, (await exec(env, adapter.dialect.limitZero(sql))).columns.map((c) => c.name));
    // Always staged, even where a table could be built in place: the keys are checked before publishing.
    const result = await buildTable({ ...env, audit: checkedAudit(env, plan, false) }, firstRunSql(adapter.dialect, plan, sql));
    const message = result.message.replace(/^CREATE TABLE/u, 'CREATE SNAPSHOT');
    return { ...result, message, adapterResponse: adapterResponse(message, result.rowsAffected, result.adapterResponse) };
  }
  return applyChanges(env, plan, target, sql);
}

/** The audit of a staged snapshot: its keys first (see checkKeys), then the caller's audit, if any. */
function checkedAudit(env: SnapshotEnv, plan: SnapshotPlan, changeSet: boolean): AuditHook {
  return async (staging) => {
    await checkKeys(env, plan, staging, changeSet);
    return env.audit ? env.audit(staging) : { ok: true };
  };
}

async function applyChanges(env: SnapshotEnv, plan: SnapshotPlan, target: Relation, sql: string): Promise<MaterializeResult> {
  const { node, adapter } = env;
  const { dialect, catalog, capabilities } = adapter;
  const targetColumns = await catalog.getColumns(target);
  const inTarget = new ColumnLookup(targetColumns);
  const meta = targetMeta(node, plan, inTarget, dialect.relationName(target));
  const isMeta = new Set(Object.values(plan.meta).map((n) => n.toLowerCase()));
  const dataColumns = targetColumns.filter((c) => !isMeta.has(c.name.toLowerCase()));
  const inData = new ColumnLookup(dataColumns);
  const hasIsDeleted = inTarget.get(plan.meta.dbt_is_deleted) !== undefined;
  const tmp = stagingRelation(env, target);
  await runHooks(env, 'pre_hook');
  await dropIfExists(env, tmp);
  try {
    const queried = await queryColumns(env, tmp, sql);
    checkQueryColumns(node, plan, queried.map((c) => c.name));
    const schema = planSchemaChange(node, plan.onSchemaChange, queried, dataColumns, dialect, target);
    if (plan.hardDeletes === 'new_record' && !hasIsDeleted) {
      // hard_deletes switched to new_record on an existing snapshot: its versions so far were no deletions.
      schema.statements.push(dialect.addColumn(target, { name: meta.dbt_is_deleted, dataType: dialect.stringType }));
    }
    const sync = plan.onSchemaChange === 'sync_all_columns';
    const retyped = new Map(schema.diff.changed.map((c) => [c.name.toLowerCase(), c]));
    const columns: SnapshotColumn[] = queried.map((q) => {
      const there = inData.get(q.name);
      const change = there ? retyped.get(there.name.toLowerCase()) : undefined;
      return {
        name: q.name,
        ...(there ? { existing: { name: there.name, dataType: there.dataType } } : {}),
        ...(change ? (sync ? { castSnapshotted: change.to } : { castSource: change.from }) : {}),
      };
    });
    const inQuery = new ColumnLookup(queried);
    const checkColumns = plan.checkCols === 'all' ? queried.map((c) => c.name) : plan.checkCols.map((c) => inQuery.get(c)?.name ?? c);
    // dbt: a checked column the table is only now given makes every current row a change (its value was unknown).
    const added = new Set(sync || plan.onSchemaChange === 'append_new_columns' ? schema.diff.added.map((c) => c.name) : []);
    const changeSet = changeSetSql(dialect, {
      plan,
      sql,
      target,
      columns,
      meta,
      hasIsDeleted,
      validFromType: inTarget.get(meta.dbt_valid_from)!.dataType,
      validToType: inTarget.get(meta.dbt_valid_to)!.dataType,
      everyRowChanged: plan.strategy === 'check' && checkColumns.some((c) => added.has(c)),
      checkColumns,
    });
    await exec(env, dialect.createTableAs(tmp, changeSet, { config: node.config, staging: true, scratch: true }));
    env.relations?.created(tmp, 'table');
    await checkKeys(env, plan, tmp, true);
    await runAudit(env, tmp);
    const metaColumns = [meta.dbt_scd_id, meta.dbt_updated_at, meta.dbt_valid_from, meta.dbt_valid_to, ...(plan.hardDeletes === 'new_record' ? [meta.dbt_is_deleted] : [])];
    const insertColumns = [...schema.columns, ...metaColumns];
    const ddlInTransaction = capabilities.transactionalDdl;
    if (!ddlInTransaction) for (const statement of schema.statements) await exec(env, statement);
    const applied = await inTransaction(env, async () => {
      if (ddlInTransaction) for (const statement of schema.statements) await exec(env, statement);
      const closed = await exec(
        env,
        dialect.updateFrom({
          target,
          source: tmp,
          set: [{ column: meta.dbt_valid_to, value: `xform_source.${dialect.quoteIdentifier(meta.dbt_valid_to)}` }],
          where: [
            `xform_source.${dialect.quoteIdentifier(meta.dbt_scd_id)} = xform_target.${dialect.quoteIdentifier(meta.dbt_scd_id)}`,
            `xform_source.${CHANGE_TYPE} in (${dialect.quoteString('update')}, ${dialect.quoteString('delete')})`,
            isCurrent(dialect, plan, meta, 'xform_target'),
          ],
        }),
      );
      const inserted = await exec(env, dialect.insertInto(target, insertColumns, `select * from ${dialect.relationName(tmp)} where ${CHANGE_TYPE} = ${dialect.quoteString('insert')}`));
      if (ddlInTransaction) await runHooks(env, 'post_hook');
      return { closed: closed.rowsAffected, inserted: inserted.rowsAffected, info: inserted.info };
    });
    if (!ddlInTransaction) await runHooks(env, 'post_hook');
    await dropIfExists(env, tmp);
    const message = `SNAPSHOT ${applied.inserted ?? '?'} inserted, ${applied.closed ?? '?'} closed`;
    return { status: 'success', rowsAffected: applied.inserted, message, adapterResponse: adapterResponse(message, applied.inserted, applied.info) };
  } catch (err) {
    await dropQuietly(env, tmp);
    throw err;
  }
}

/**
 * The query's columns with their types as the catalog spells them (the same spelling as the snapshot
 * table's, which a driver's result metadata is not on every warehouse): an empty table of the query is
 * created under the staging name, described, and dropped.
 */
async function queryColumns(env: SnapshotEnv, staging: Relation, sql: string): Promise<ColumnInfo[]> {
  const { dialect, catalog } = env.adapter;
  await exec(env, dialect.createTableAs(staging, dialect.limitZero(sql), { config: env.node.config, staging: true, scratch: true }));
  env.relations?.created(staging, 'table');
  const columns = await catalog.getColumns(staging);
  await exec(env, dialect.dropRelation(staging, 'table'));
  env.relations?.dropped(staging);
  return columns;
}

/** The meta columns as the snapshot table spells them; a table without them is no snapshot (dbt alike). */
function targetMeta(node: ExecutableNode, plan: SnapshotPlan, inTarget: ColumnLookup, name: string): MetaColumns {
  const missing = (['dbt_scd_id', 'dbt_valid_from', 'dbt_valid_to', 'dbt_updated_at'] as const).filter((k) => !inTarget.get(plan.meta[k]));
  if (missing.length > 0) {
    throw new XformError('XFORM_SNAPSHOT_TARGET_INVALID', `${node.name}: ${name} has no column ${missing.map((k) => plan.meta[k]).join(', ')}, so it is not a snapshot table (or snapshot_meta_column_names changed)`, {
      location: location(node),
      hint: 'a snapshot table keeps the meta columns it was built with: restore snapshot_meta_column_names, or rename the columns in the table',
    });
  }
  const spelled = (column: string) => inTarget.get(column)?.name ?? column;
  return {
    dbt_scd_id: spelled(plan.meta.dbt_scd_id),
    dbt_updated_at: spelled(plan.meta.dbt_updated_at),
    dbt_valid_from: spelled(plan.meta.dbt_valid_from),
    dbt_valid_to: spelled(plan.meta.dbt_valid_to),
    dbt_is_deleted: spelled(plan.meta.dbt_is_deleted),
  };
}

/** The query must not produce a meta column, and must have updated_at, check_cols and plain-name keys. */
function checkQueryColumns(node: ExecutableNode, plan: SnapshotPlan, columns: string[]): void {
  const lookup = new ColumnLookup(columns.map((name) => ({ name, dataType: '' })));
  const metaTaken = Object.values(plan.meta).filter((m) => lookup.get(m) || m.toLowerCase() === CHANGE_TYPE);
  if (metaTaken.length > 0) {
    throw new XformError('XFORM_SNAPSHOT_COLUMN_CONFLICT', `${node.name}: the snapshot's query has a column named ${metaTaken.join(', ')}, which the snapshot adds itself`, {
      location: location(node),
      hint: 'rename it in the query, or choose other names with snapshot_meta_column_names',
    });
  }
  const wanted: [string, string][] = [
    ...plan.uniqueKey.filter((k) => PLAIN_NAME.test(k)).map((k): [string, string] => ['unique_key', k]),
    ...(plan.updatedAt && PLAIN_NAME.test(plan.updatedAt) ? [['updated_at', plan.updatedAt] as [string, string]] : []),
    ...(plan.checkCols === 'all' ? [] : plan.checkCols.map((c): [string, string] => ['check_cols', c])),
  ];
  for (const [key, column] of wanted) {
    if (lookup.get(column)) continue;
    throw new XformError('XFORM_SNAPSHOT_COLUMN_NOT_FOUND', `${node.name}: ${key} column '${column}' is not among the snapshot query's columns`, {
      location: location(node),
      hint: didYouMeanHint(column, columns) ?? `columns: ${columns.join(', ')}`,
    });
  }
}

/** A result column by name, whatever case the warehouse reports it in. */
function field(row: Record<string, unknown>, name: string): unknown {
  if (name in row) return row[name];
  const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : row[key];
}

/**
 * A NULL key matches nothing and a repeated key would give one key two current versions: both refused
 * before anything is written, with the offending values.
 */
async function checkKeys(env: SnapshotEnv, plan: SnapshotPlan, staging: Relation, changeSet: boolean): Promise<void> {
  const { rows } = await exec(env, keyProblemsQuery(env.adapter.dialect, plan, staging, changeSet, KEY_EXAMPLES + 1));
  if (rows.length === 0) return;
  const keyList = plan.uniqueKey.join(', ');
  const examples = rows.slice(0, KEY_EXAMPLES).map((row) => {
    const values = plan.uniqueKey.map((k, i) => {
      const v = field(row, `xform_key_${i + 1}`);
      return `${k}=${v === null || v === undefined ? 'NULL' : typeof v === 'string' ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v)}`;
    });
    return `${values.join(', ')} (${Number(field(row, 'xform_count'))} row${Number(field(row, 'xform_count')) === 1 ? '' : 's'})`;
  });
  throw new XformError(
    'XFORM_SNAPSHOT_KEY',
    `${env.node.name}: unique_key (${keyList}) must be unique and not NULL in the snapshot's query: ${examples.join('; ')}${rows.length > KEY_EXAMPLES ? '; and more' : ''}`,
    {
      location: location(env.node),
      hint: `filter NULL keys (where ${plan.uniqueKey[0]} is not null) and deduplicate in the query, or fix unique_key; the snapshot was left unchanged`,
    },
  );
}
