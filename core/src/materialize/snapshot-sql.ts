/**
 * The SELECTs of a snapshot (SCD type 2), built from Dialect pieces only, so every warehouse runs the same
 * algorithm (dbt's build_snapshot_table and snapshot_staging_table, written anew):
 *
 * - first run: the query's rows plus dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to (NULL or
 *   dbt_valid_to_current) and, with hard_deletes new_record, dbt_is_deleted = 'False';
 * - later runs: the change set, one row per row the run writes, `dbt_change_type` saying how:
 *   'insert' rows are new versions (new keys, changed rows, re-inserted keys, and new_record's deletion
 *   records); 'update' and 'delete' rows are current versions as they look once closed (dbt_valid_to set).
 *   Applying it is one UPDATE (close-outs, matched on dbt_scd_id) and one INSERT (new versions).
 *
 * Keys join with `=`, so the join stays a hash join on every warehouse; NULL keys are refused before any
 * write (see keyProblemsQuery), because a NULL key matches nothing and would add a version on every run.
 */
import { stripTrailingSemicolons } from '../adapter/dialect-base.js';
import type { Dialect, Relation } from '../adapter/types.js';
import type { MetaColumns, SnapshotPlan } from './snapshot-config.js';

/** dbt's name for the column saying what a change-set row does. */
export const CHANGE_TYPE = 'dbt_change_type';

const QUERY = 'xform_snapshot_query';
const SRC = 'xform_source_data';
const CUR = 'xform_current';

export interface ChangeSetInput {
  plan: SnapshotPlan;
  sql: string;
  target: Relation;
  /** The query's columns, in order. */
  columns: SnapshotColumn[];
  /** The meta columns as the snapshot table spells them. */
  meta: MetaColumns;
  /** The snapshot table already has dbt_is_deleted (only read with hard_deletes new_record). */
  hasIsDeleted: boolean;
  /** Types of dbt_valid_from and dbt_valid_to in the snapshot table: every time written is cast to them. */
  validFromType: string;
  validToType: string;
  /** A column is being added and check_cols is 'all': every row counts as changed (as dbt does). */
  everyRowChanged: boolean;
  /** check_cols resolved to source column names (check strategy). */
  checkColumns: string[];
}

/** A column of the snapshot's query and what the snapshot table has of it. */
export interface SnapshotColumn {
  /** As the query names it. */
  name: string;
  /** The snapshot table's spelling and type, when it has the column. */
  existing?: { name: string; dataType: string };
  /**
   * The column's type changed: with sync_all_columns the table is retyped, so its values are cast to the new
   * type (`castSnapshotted`); otherwise the table keeps its type and the query's values are cast to it
   * (`castSource`), as an INSERT would.
   */
  castSnapshotted?: string;
  castSource?: string;
}

const keyAliases = (plan: SnapshotPlan) => plan.uniqueKey.map((_k, i) => `xform_key_${i + 1}`);

/** The first run's table: the query's rows with the meta columns. */
export function firstRunSql(d: Dialect, plan: SnapshotPlan, sql: string): string {
  const q = (name: string) => d.quoteIdentifier(name);
  const updated = plan.updatedAt ?? d.snapshotTime();
  const meta = plan.meta;
  const columns = [
    `${QUERY}.*`,
    `${d.snapshotHash([...plan.uniqueKey, updated])} as ${q(meta.dbt_scd_id)}`,
    `${updated} as ${q(meta.dbt_updated_at)}`,
    `${updated} as ${q(meta.dbt_valid_from)}`,
    // Typed like updated_at even when NULL (CREATE TABLE AS needs a type).
    `case when 1 = 0 then ${updated} else ${plan.validToCurrent ?? 'null'} end as ${q(meta.dbt_valid_to)}`,
    ...(plan.hardDeletes === 'new_record' ? [`${d.quoteString('False')} as ${q(meta.dbt_is_deleted)}`] : []),
  ];
  return `select\n  ${columns.join(',\n  ')}\nfrom (\n${stripTrailingSemicolons(sql)}\n) as ${QUERY}`;
}

/** Whether `alias`'s row is a current version: dbt_valid_to NULL, or dbt_valid_to_current. */
export function isCurrent(d: Dialect, plan: SnapshotPlan, meta: MetaColumns, alias: string): string {
  const validTo = `${alias}.${d.quoteIdentifier(meta.dbt_valid_to)}`;
  return plan.validToCurrent ? `(${validTo} = ${plan.validToCurrent} or ${validTo} is null)` : `${validTo} is null`;
}

/** The change set of a later run (see the file comment), one SELECT. */
export function changeSetSql(d: Dialect, input: ChangeSetInput): string {
  const { plan, meta, columns } = input;
  const q = (name: string) => d.quoteIdentifier(name);
  const col = (alias: string, name: string) => `${alias}.${q(name)}`;
  const keys = keyAliases(plan);
  const now = `cast(${d.snapshotTime(input.validFromType)} as ${input.validFromType})`;
  const updated = `cast(${plan.updatedAt ?? d.snapshotTime(input.validFromType)} as ${input.validFromType})`;
  const validToCurrent = `cast(${plan.validToCurrent ?? 'null'} as ${input.validToType})`;
  const isDeleted = input.hasIsDeleted ? col(CUR, meta.dbt_is_deleted) : d.quoteString('False');
  const wasDeleted = `coalesce(${isDeleted}, ${d.quoteString('False')}) = ${d.quoteString('True')}`;
  const newRecord = plan.hardDeletes === 'new_record';
  const keyJoin = keys.map((k) => `${CUR}.${k} = ${SRC}.${k}`).join(' and ');

  const cast = (expression: string, type: string | undefined) => (type ? `cast(${expression} as ${type})` : expression);
  const sourceValue = (c: SnapshotColumn) => cast(col(SRC, c.name), c.castSource);
  // A version taken from the snapshot table; columns it lacks are NULL, typed like the query's values.
  const snapshottedValue = (c: SnapshotColumn) => (c.existing ? cast(col(CUR, c.existing.name), c.castSnapshotted) : `case when 1 = 0 then ${sourceValue(c)} end`);
  const snapshotted = columns.map((c) => `${snapshottedValue(c)} as ${q(c.name)}`);
  const fromSource = columns.map((c) => `${sourceValue(c)} as ${q(c.name)}`);
  const metaAs = (scd: string, upd: string, from: string, to: string, deleted?: string) => [
    `${scd} as ${q(meta.dbt_scd_id)}`,
    `${upd} as ${q(meta.dbt_updated_at)}`,
    `${from} as ${q(meta.dbt_valid_from)}`,
    `${to} as ${q(meta.dbt_valid_to)}`,
    ...(newRecord ? [`${deleted} as ${q(meta.dbt_is_deleted)}`] : []),
  ];
  const current = (column: keyof MetaColumns) => col(CUR, meta[column]);

  let changed: string;
  if (plan.strategy === 'timestamp') changed = `${current('dbt_valid_from')} < ${SRC}.xform_updated_at`;
  else if (input.everyRowChanged) changed = '1 = 1';
  else {
    const checked = new Set(input.checkColumns);
    const compared = columns.filter((c) => c.existing && checked.has(c.name));
    const differ = (c: SnapshotColumn) => d.valuesDiffer(snapshottedValue(c), sourceValue(c), c.castSnapshotted ?? c.existing!.dataType);
    changed = compared.length === 0 ? '1 = 0' : compared.map(differ).join('\n    or ');
  }
  if (newRecord) changed = `${changed}\n    or ${wasDeleted}`;

  const select = (type: string, columns: string[], from: string, where: string) =>
    `select\n  ${d.quoteString(type)} as ${CHANGE_TYPE},\n  ${columns.join(',\n  ')}\nfrom ${from}\nwhere ${where}`;
  const branches = [
    select(
      'insert',
      [...fromSource, ...metaAs(d.snapshotHash([...keys.map((k) => `${SRC}.${k}`), `${SRC}.xform_updated_at`]), `${SRC}.xform_updated_at`, `${SRC}.xform_updated_at`, validToCurrent, d.quoteString('False'))],
      `${SRC}\nleft join ${CUR} on ${keyJoin}`,
      `${CUR}.${keys[0]} is null\n  or (\n    ${changed}\n  )`,
    ),
    select(
      'update',
      [...snapshotted, ...metaAs(current('dbt_scd_id'), current('dbt_updated_at'), current('dbt_valid_from'), `${SRC}.xform_updated_at`, isDeleted)],
      `${SRC}\njoin ${CUR} on ${keyJoin}`,
      `(\n    ${changed}\n  )`,
    ),
  ];
  if (plan.hardDeletes !== 'ignore') {
    const gone = `${CUR}\nleft join ${SRC} on ${keyJoin}`;
    // A deletion record already current is not deleted again (new_record), so re-runs add nothing.
    const where = `${SRC}.${keys[0]} is null${newRecord ? `\n  and not (${wasDeleted})` : ''}`;
    branches.push(select('delete', [...snapshotted, ...metaAs(current('dbt_scd_id'), current('dbt_updated_at'), current('dbt_valid_from'), now, isDeleted)], gone, where));
    if (newRecord) {
      const scd = d.snapshotHash([current('dbt_scd_id'), now]);
      branches.push(select('insert', [...snapshotted, ...metaAs(scd, now, now, current('dbt_valid_to'), d.quoteString('True'))], gone, where));
    }
  }
  const keyColumns = plan.uniqueKey.map((k, i) => `${k} as ${keys[i]}`).join(', ');
  return [
    `with ${SRC} as (`,
    `  select ${QUERY}.*, ${keyColumns}, ${updated} as xform_updated_at`,
    `  from (\n${stripTrailingSemicolons(input.sql)}\n  ) as ${QUERY}`,
    `), ${CUR} as (`,
    `  select xform_snapshotted.*, ${keyColumns}`,
    `  from ${d.relationName(input.target)} as xform_snapshotted`,
    `  where ${isCurrent(d, plan, meta, 'xform_snapshotted')}`,
    ')',
    branches.join('\nunion all\n'),
  ].join('\n');
}

/**
 * Up to `limit` unique-key values that are NULL or repeat among the rows a run inserts: either would give
 * a key several current versions. `onlyInserts`: the staging relation is a change set.
 */
export function keyProblemsQuery(d: Dialect, plan: SnapshotPlan, staging: Relation, onlyInserts: boolean, limit: number): string {
  const keys = keyAliases(plan);
  const where = onlyInserts ? `\n  where ${CHANGE_TYPE} = ${d.quoteString('insert')}` : '';
  return [
    `select ${keys.join(', ')}, count(*) as xform_count`,
    `from (\n  select ${plan.uniqueKey.map((k, i) => `${k} as ${keys[i]}`).join(', ')}\n  from ${d.relationName(staging)}${where}\n) as xform_keys`,
    `group by ${keys.join(', ')}`,
    `having count(*) > 1 or ${keys.map((k) => `${k} is null`).join(' or ')}`,
    'order by xform_count desc',
    `limit ${limit}`,
  ].join('\n');
}
