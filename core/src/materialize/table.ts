/**
 * `table` and `view`: build the new relation under a staging name beside the live one, let the audit hook
 * look at it, then publish it in one step (see publish.ts). A build that fails (bad SQL, failed audit)
 * leaves the previous relation exactly as it was and removes the staging relation.
 */
import type { Relation } from '../adapter/types.js';
import { XformError } from '../errors.js';
import { hookTemplates, runHooks, type HookEnv } from './hooks.js';
import { buildsInPlace, publish } from './publish.js';
import { dropIfExists, dropQuietly, exec, inTransaction, lookupRelation, nodeRelation, stagingRelation, type StepEnv } from './relations.js';
import type { AuditHook, MaterializeResult } from './types.js';

export interface BuildEnv extends HookEnv {
  audit?: AuditHook;
}

/** Calls the audit hook, if any; a rejection becomes XFORM_AUDIT_FAILED naming the node's file. */
export async function runAudit(env: StepEnv & { audit?: AuditHook }, staging: Relation): Promise<void> {
  if (!env.audit) return;
  const verdict = await env.audit(staging);
  if (!verdict.ok) {
    throw new XformError('XFORM_AUDIT_FAILED', `${env.node.name}: audit failed, not published${verdict.message ? `: ${verdict.message}` : ''}`, {
      location: { file: env.node.original_file_path },
      hint: 'the previously published relation was left unchanged',
    });
  }
}

/** Row count of a relation, as a number (drivers return bigint or string for count(*)). */
export async function countRows(env: StepEnv, relation: Relation): Promise<number> {
  const result = await exec(env, `select count(*) as row_count from ${env.adapter.dialect.relationName(relation)}`);
  const row = result.rows[0] ?? {};
  const value = row['row_count'] ?? Object.values(row)[0];
  return Number(value ?? 0);
}

export function adapterResponse(message: string, rowsAffected: number | undefined, info?: Record<string, unknown>): Record<string, unknown> {
  return { ...(info ?? {}), _message: message, ...(rowsAffected === undefined ? {} : { rows_affected: rowsAffected }) };
}

/**
 * Builds `sql` into the run's staging relation and publishes it as the node's table. Pre-hooks run first;
 * post-hooks run inside the publishing transaction.
 */
export async function buildTable(env: BuildEnv, sql: string): Promise<MaterializeResult> {
  const target = nodeRelation(env.node);
  const tmp = stagingRelation(env, target);
  await runHooks(env, 'pre_hook');
  if (buildsInPlace(env)) return buildInPlace(env, target, sql);
  await dropIfExists(env, tmp);
  try {
    const created = await exec(env, env.adapter.dialect.createTableAs(tmp, sql, { config: env.node.config, staging: true }));
    env.relations?.created(tmp, 'table');
    const rows = created.rowsAffected ?? (await countRows(env, tmp));
    await runAudit(env, tmp);
    await publish(env, { staged: tmp, stagedKind: 'table', target, beforeCommit: () => runHooks(env, 'post_hook') });
    const message = `CREATE TABLE (${rows} ${rows === 1 ? 'row' : 'rows'})`;
    return { status: 'success', rowsAffected: rows, message, adapterResponse: adapterResponse(message, rows, created.info) };
  } catch (err) {
    await dropQuietly(env, tmp);
    throw err;
  }
}

/**
 * One atomic CREATE OR REPLACE under the node's name (see buildsInPlace): a failed statement leaves the
 * previous table as it was. A view of the same name is dropped first, as publish does on these warehouses.
 */
async function buildInPlace(env: BuildEnv, target: Relation, sql: string): Promise<MaterializeResult> {
  const { dialect } = env.adapter;
  const existing = await lookupRelation(env, target);
  if (existing && existing.kind !== 'table') {
    await exec(env, dialect.dropRelation(target, existing.kind));
    env.relations?.dropped(target);
  }
  const created = await exec(env, dialect.createTableAs(target, sql, { config: env.node.config }));
  env.relations?.created(target, 'table');
  const rows = created.rowsAffected ?? (await countRows(env, target));
  await runHooks(env, 'post_hook');
  const message = `CREATE TABLE (${rows} ${rows === 1 ? 'row' : 'rows'})`;
  return { status: 'success', rowsAffected: rows, message, adapterResponse: adapterResponse(message, rows, created.info) };
}

/**
 * Views. Where views and DDL are transactional the view is created under the staging name and swapped in
 * like a table; this also replaces a table of the same name atomically and avoids CREATE OR REPLACE VIEW's
 * refusal (PostgreSQL) to drop or retype columns. Where the warehouse replaces a view atomically in one
 * statement (capability replaceViewInPlace, DuckDB) and there is no audit, an existing view (or none) is
 * replaced by that statement, with the post-hooks in the same transaction. Elsewhere the dialect's
 * createViewAs replaces in place.
 */
export async function buildView(env: BuildEnv, sql: string): Promise<MaterializeResult> {
  const { dialect, capabilities, catalog } = env.adapter;
  const target = nodeRelation(env.node);
  const tmp = stagingRelation(env, target);
  const result: MaterializeResult = { status: 'success', message: 'CREATE VIEW', adapterResponse: adapterResponse('CREATE VIEW', undefined) };
  await runHooks(env, 'pre_hook');
  await dropIfExists(env, tmp);

  if (capabilities.replaceViewInPlace && !env.audit) {
    const existing = await lookupRelation(env, target);
    if (!existing || existing.kind === 'view') {
      const replace = async (): Promise<void> => {
        await exec(env, dialect.createViewAs(target, sql));
        await runHooks(env, 'post_hook');
      };
      if (capabilities.transactionalDdl && hookTemplates(env.node, 'post_hook').length > 0) await inTransaction(env, replace);
      else await replace();
      env.relations?.created(target, 'view');
      return result;
    }
  }

  if (capabilities.transactionalDdl && capabilities.transactionalViews) {
    try {
      await exec(env, dialect.createViewAs(tmp, sql));
      env.relations?.created(tmp, 'view');
      await runAudit(env, tmp);
      await publish(env, { staged: tmp, stagedKind: 'view', target, beforeCommit: () => runHooks(env, 'post_hook') });
      return result;
    } catch (err) {
      await dropQuietly(env, tmp);
      throw err;
    }
  }

  if (env.audit) {
    // No swap available: audit a throw-away view of the same SQL, then replace the live one.
    try {
      await exec(env, dialect.createViewAs(tmp, sql));
      env.relations?.created(tmp, 'view');
      await runAudit(env, tmp);
    } finally {
      await dropQuietly(env, tmp);
    }
  }
  const existing = await lookupRelation(env, target);
  if (existing && existing.kind !== 'view') await exec(env, dialect.dropRelation(target, existing.kind));
  await exec(env, dialect.createViewAs(target, sql));
  env.relations?.created(target, 'view');
  await runHooks(env, 'post_hook');
  return result;
}
