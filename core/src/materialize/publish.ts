/**
 * Publishing a fully built staging relation under the node's name, so that readers never see a missing or
 * half-built relation. Which path is taken depends only on the adapter's declared capabilities:
 *
 * - transactional DDL (PostgreSQL, DuckDB): one transaction renames the old relation (table or view) to
 *   `<alias>__xform_backup`, the staging relation to `<alias>`, drops the backup, recreates the views that
 *   were bound to the old relation (PostgreSQL: `Dialect.dependentViewsQuery`), runs post-hooks, commits;
 * - `swapTables` (Snowflake): `ALTER TABLE <alias> SWAP WITH <staging>`, then drop the staging name;
 * - `atomicReplaceTable` (BigQuery; Snowflake when `copy_grants` is set, since a swap would exchange the
 *   grants too): `createTableAs(<alias>, select * from <staging>)`, whose dialect statement is a CREATE OR
 *   REPLACE on such warehouses;
 * - otherwise: the same renames without a transaction, renaming the old relation back if the second fails.
 *
 * Where nothing needs the staging table (no audit) and publishing from it would cost a second write,
 * `buildsInPlace` tells table.ts to build the table under its own name in one atomic statement instead.
 */
import type { Dialect, Relation, RelationKind } from '../adapter/types.js';
import { XformError } from '../errors.js';
import { stripTrailingSemicolons } from '../adapter/dialect-base.js';
import { backupRelation, dropIfExists, dropQuietly, exec, inTransaction, lookupRelation, type StepEnv } from './relations.js';

/**
 * Optional dialect method for warehouses whose capabilities declare `swapTables`. Not (yet) part of the
 * shared Dialect contract; a dialect that declares the capability provides it.
 */
export interface SwapTablesDialect extends Dialect {
  swapTables(target: Relation, other: Relation): string;
}

function hasSwapTables(dialect: Dialect): dialect is SwapTablesDialect {
  return typeof (dialect as Partial<SwapTablesDialect>).swapTables === 'function';
}

export interface PublishOptions {
  staged: Relation;
  stagedKind: 'table' | 'view';
  target: Relation;
  /** Runs just before the publish commits (post-hooks); inside the transaction where there is one. */
  beforeCommit?: () => Promise<void>;
}

/**
 * dbt's `copy_grants`: the rebuilt table keeps the grants of the table it replaces. A swap exchanges grants
 * along with the data (Snowflake, ALTER TABLE ... SWAP WITH: "also swaps all access control privilege
 * grants"), so where CREATE OR REPLACE ... COPY GRANTS is atomic that is used instead, as dbt-snowflake's
 * create_table_as does.
 */
function copiesGrants(env: StepEnv): boolean {
  return env.node.config.copy_grants === true && env.adapter.capabilities.atomicReplaceTable;
}

/**
 * Whether buildTable should skip staging and build the table under its own name with the dialect's CREATE
 * OR REPLACE: only where that is atomic and no audit has to look at the rows first; then where publishing
 * from staging copies the data (no swap: BigQuery would bill the bytes twice) or would lose the live
 * table's grants (copy_grants).
 */
export function buildsInPlace(env: StepEnv & { audit?: unknown }): boolean {
  const { capabilities } = env.adapter;
  if (env.audit || !capabilities.atomicReplaceTable || capabilities.transactionalDdl) return false;
  return !capabilities.swapTables || copiesGrants(env);
}

export async function publish(env: StepEnv, options: PublishOptions): Promise<void> {
  const { staged, stagedKind, target } = options;
  const { adapter } = env;
  const { dialect, capabilities } = adapter;
  const existing = await lookupRelation(env, target);
  const backup = backupRelation(env, target);
  // Recorded once the publish went through; a failure makes the run forget the node's relations instead.
  const published = (): void => {
    env.relations?.dropped(staged);
    env.relations?.dropped(backup);
    env.relations?.created(target, stagedKind);
  };

  if (capabilities.transactionalDdl) {
    await dropIfExists(env, backup);
    await inTransaction(env, async () => {
      // Views bound to the old relation would go with it (drop ... cascade): read their definitions first,
      // while they still name the relation as `<alias>`, and recreate them on the new one before commit.
      const dependents = existing && dialect.dependentViewsQuery ? (await exec(env, dialect.dependentViewsQuery(target))).rows : [];
      if (existing) await exec(env, dialect.renameRelation(target, existing.kind, backup.identifier));
      await exec(env, dialect.renameRelation(staged, stagedKind, target.identifier));
      if (existing) await exec(env, dialect.dropRelation(backup, existing.kind));
      for (const view of dependents) await exec(env, recreateViewSql(dialect, view));
      await options.beforeCommit?.();
    });
    published();
    return;
  }

  const keepGrants = existing?.kind === 'table' && copiesGrants(env);
  if (stagedKind === 'table' && capabilities.swapTables && existing?.kind === 'table' && !keepGrants) {
    if (!hasSwapTables(dialect)) {
      throw new XformError('XFORM_ADAPTER_CONTRACT', `adapter '${adapter.type}' declares swapTables but its dialect has no swapTables()`);
    }
    await exec(env, dialect.swapTables(target, staged));
    // After the swap the staging name holds the previous table.
    await exec(env, dialect.dropRelation(staged, 'table'));
    published();
    await options.beforeCommit?.();
    return;
  }

  if (stagedKind === 'table' && capabilities.atomicReplaceTable && (!capabilities.swapTables || keepGrants)) {
    if (existing && existing.kind !== 'table') await exec(env, dialect.dropRelation(target, existing.kind));
    // The node's config carries the warehouse's table settings (partitioning, clustering) to the live table.
    await exec(env, dialect.createTableAs(target, `select * from ${dialect.relationName(staged)}`, { config: env.node.config }));
    await exec(env, dialect.dropRelation(staged, 'table'));
    published();
    await options.beforeCommit?.();
    return;
  }

  await renameWithoutTransaction(env, { staged, stagedKind, target, backup, existingKind: existing?.kind });
  published();
  await options.beforeCommit?.();
}

function recreateViewSql(dialect: Dialect, row: Record<string, unknown>): string {
  const relation: Relation = { schema: String(row.schema_name), identifier: String(row.view_name) };
  const definition = stripTrailingSemicolons(String(row.definition));
  if (row.kind === 'materialized_view') return `create materialized view ${dialect.relationName(relation)} as ${definition}`;
  return dialect.createViewAs(relation, definition);
}

async function renameWithoutTransaction(
  env: StepEnv,
  r: { staged: Relation; stagedKind: RelationKind; target: Relation; backup: Relation; existingKind?: RelationKind },
): Promise<void> {
  const { dialect } = env.adapter;
  await dropIfExists(env, r.backup);
  if (r.existingKind) await exec(env, dialect.renameRelation(r.target, r.existingKind, r.backup.identifier));
  try {
    await exec(env, dialect.renameRelation(r.staged, r.stagedKind, r.target.identifier));
  } catch (err) {
    if (r.existingKind) {
      try {
        await env.connection.execute(dialect.renameRelation(r.backup, r.existingKind, r.target.identifier), { label: env.node.unique_id });
      } catch {
        // The original error explains what happened; the backup is still there under its name.
      }
    }
    throw err;
  }
  if (r.existingKind) await dropQuietly(env, r.backup);
}
