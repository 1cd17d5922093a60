/**
 * `incremental_strategy='microbatch'` (dbt 1.9): the model runs once per batch of event time, each batch
 * rendered with its upstreams filtered to the window (see compile/render-context.ts), and each batch
 * replaces exactly its window of the target, so re-running any batch gives the same table:
 *
 * - the first batch runs alone. When the target does not exist, is not a table, or this is a full refresh,
 *   every batch is built into a table aside (a staging name of this run) and that table is published once
 *   after the last batch, as a `table` model is: a run killed half-way leaves the previous table (or none),
 *   never a table holding only some batches that the next run, planning only the lookback, would not fill.
 *   When the first batch fails the others are not attempted (dbt);
 * - every other batch is staged into the run's staging table, audited (write-audit-publish), then one
 *   transaction deletes the rows in [start, end) of the target (or of the table aside) and inserts the
 *   staged rows (a dialect with `replaceWindow` does both in one atomic statement: BigQuery);
 * - rows the model produces outside the batch's window are not written: dbt inserts them, but then a
 *   re-run would add them again, and each batch must own exactly its window;
 * - a failed batch is reported and the next one runs; the node is `partial success` when some failed,
 *   `error` when all did.
 *
 * The other batches run one after the other on the node's connection, or several at once where that is
 * safe (see runsInParallel). Pre-hooks run before the first batch and post-hooks after the last, as dbt does
 * (when building aside: inside the publishing transaction, where there is one). Built aside, every batch is
 * rendered with is_incremental() false: `this` is not the table being built.
 */
import { createHash } from 'node:crypto';
import { stripTrailingSemicolons } from '../adapter/dialect-base.js';
import type { Connection, Relation } from '../adapter/types.js';
import { batchLabel, batchRender, microbatchConfig, planBatches, type Batch, type MicrobatchConfig } from '../compile/microbatch.js';
import type { BatchRender } from '../compile/render-context.js';
import { XformError } from '../errors.js';
import { runHooks } from './hooks.js';
import { isFullRefresh } from './incremental.js';
import { publish } from './publish.js';
import { dropIfExists, dropQuietly, exec, inTransaction, lookupRelation, nodeRelation, StagingNames, stagingRelation } from './relations.js';
import { planSchemaChange, resolveOnSchemaChange } from './schema-change.js';
import { adapterResponse, countRows, runAudit, type BuildEnv } from './table.js';
import type { BatchReport, MaterializeResult } from './types.js';

export interface MicrobatchEnv extends BuildEnv {
  fullRefresh: boolean;
  /** The model's SQL for one batch. */
  renderBatch(batch: BatchRender, isIncremental: boolean, connection: Connection): string | Promise<string>;
  /** Exactly these batches (`xform retry`), instead of planning them. */
  batches?: readonly Batch[];
  /** --event-time-start / --event-time-end. */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /** The current time for planning; default now. */
  now?: Date;
  onBatch?(report: BatchReport): void;
  /** How many batches may run at once where that is safe (the run's threads). Default 1. */
  concurrency?: number;
}

export async function buildMicrobatch(env: MicrobatchEnv): Promise<MaterializeResult> {
  const { node, adapter } = env;
  const config = microbatchConfig(node);
  const target = nodeRelation(node);
  const existing = await lookupRelation(env, target);
  const fresh = !existing || existing.kind !== 'table' || isFullRefresh(node, env.fullRefresh);
  // A new table is built aside under a name of this run (one the next run drops as a leftover if this one is killed).
  const aside = fresh ? (env.names?.forWorker(0) ?? workerNames(0)).staging(target) : undefined;
  const batches = env.batches
    ? [...env.batches]
    : planBatches(config, { now: env.now, incremental: !fresh, start: env.eventTimeStart, end: env.eventTimeEnd });
  const successful: Batch[] = [];
  const failed: Batch[] = [];
  let rows = 0;
  let firstError: unknown;
  // Hooks run once around all batches, not per batch.
  const quiet: MicrobatchEnv = { ...env, node: { ...node, config: { ...node.config, pre_hook: [], post_hook: [] } } };

  const runBatch = async (i: number, worker: MicrobatchEnv): Promise<void> => {
    const batch = batches[i]!;
    const started = performance.now();
    const report = (status: BatchReport['status'], message: string, extra: Partial<BatchReport> = {}) =>
      env.onBatch?.({ batch, label: batchLabel(batch, config.batchSize), index: i + 1, total: batches.length, status, message, seconds: (performance.now() - started) / 1000, ...extra });
    if (i > 0 && successful.length === 0 && firstError !== undefined) {
      // dbt: when the first batch fails (the table may not even exist), the others are not attempted.
      failed.push(batch);
      report('skipped', 'skipped: the first batch failed');
      return;
    }
    try {
      const render = batchRender(adapter.dialect, config, batch);
      const sql = await env.renderBatch(render, aside === undefined, worker.connection);
      const written = aside && i === 0 ? await createAside(worker, aside, windowed(worker, config, batch, sql)) : await replaceWindow(worker, config, batch, sql, aside ?? target);
      rows += written.rowsAffected ?? 0;
      successful.push(batch);
      report('success', written.message, { rows: written.rowsAffected });
    } catch (err) {
      if (env.signal?.aborted) throw err;
      firstError ??= err;
      failed.push(batch);
      report('error', err instanceof Error ? err.message : String(err), { error: err });
    }
  };

  if (batches.length > 0) {
    await runHooks(env, 'pre_hook');
    // The first batch runs alone: it may create the table, and when it fails the others are skipped.
    await runBatch(0, quiet);
    const parallel = runsInParallel(env, config) ? Math.min(env.concurrency ?? 1, batches.length - 1) : 1;
    await runBatches(env, quiet, batches.length, parallel, runBatch);
  }
  if (aside) await publishAside(env, aside, target, successful.length > 0);
  else if (successful.length > 0) await runHooks(env, 'post_hook');
  const byStart = (a: Batch, b: Batch) => a[0].localeCompare(b[0]);
  const batchResults = { successful: successful.sort(byStart), failed: failed.sort(byStart) };
  if (batches.length > 0 && successful.length === 0) return { status: 'error', message: 'ERROR', error: firstError, batchResults };
  const status = failed.length === 0 ? 'success' : 'partial success';
  const message =
    failed.length === 0 ? `MICROBATCH ${batches.length} batch${batches.length === 1 ? '' : 'es'} (${rows} rows)` : `PARTIAL SUCCESS (${successful.length}/${batches.length} batches)`;
  return { status, message, rowsAffected: rows, adapterResponse: adapterResponse(message, rows), batchResults, ...(firstError === undefined ? {} : { error: firstError }) };
}

/**
 * Whether batches after the first may run at once (dbt's rule): the warehouse lets several sessions write
 * one table (capability concurrentWrites), no audit runs, and concurrent_batches says so or, unset, the
 * model reads neither `this` nor is_incremental() (a batch that reads the table it writes depends on the
 * others).
 */
function runsInParallel(env: MicrobatchEnv, config: MicrobatchConfig): boolean {
  if (env.adapter.capabilities.concurrentWrites !== true) return false;
  // Audits (xform build) query on the node's own connection, which a batch may hold in a transaction.
  if (env.audit) return false;
  if (config.concurrentBatches !== undefined) return config.concurrentBatches;
  return !/\bthis\b|\bis_incremental\s*\(/u.test(env.node.raw_code ?? '');
}

/**
 * Runs batches 1.. on `parallel` workers: the node's own connection, and connections taken from the pool as
 * they become free. Only the own worker is awaited for its turn: a node never waits for a second
 * connection (two nodes doing so could wait on each other forever), and a connection that arrives when no
 * batch is left goes straight back.
 */
async function runBatches(env: MicrobatchEnv, own: MicrobatchEnv, total: number, parallel: number, run: (i: number, worker: MicrobatchEnv) => Promise<void>): Promise<void> {
  let next = 1;
  const work = async (worker: MicrobatchEnv) => {
    while (next < total) await run(next++, worker);
  };
  let helping = Promise.resolve();
  for (let k = 1; k < parallel; k++) {
    const taken = env.adapter.withConnection(async (connection) => {
      if (next >= total) return;
      const done = work({ ...own, connection, names: own.names?.forWorker(k) ?? workerNames(k) });
      helping = Promise.all([helping, done]).then(() => undefined);
      // Awaited below once the own worker is done; until then a failure must not count as unhandled.
      helping.catch(() => undefined);
      await done;
    });
    // A helper that never got a connection before the run ended (the pool closed) is no failure.
    void taken.catch(() => undefined);
  }
  await work(own);
  await helping;
}

function workerNames(k: number): StagingNames {
  return new StagingNames(createHash('sha256').update(`worker ${k}`).digest('hex'));
}

/** The model's rows within the batch's window only. */
function windowed(env: MicrobatchEnv, config: MicrobatchConfig, batch: Batch, sql: string): string {
  const filter = env.adapter.dialect.eventTimeFilter!(config.eventTime, batch[0], batch[1]);
  return `select * from (\n${stripTrailingSemicolons(sql)}\n) as xform_batch\nwhere ${filter}`;
}

/** The first batch of a new table: the table aside, audited with the batch's rows. */
async function createAside(env: MicrobatchEnv, aside: Relation, sql: string): Promise<MaterializeResult> {
  await dropIfExists(env, aside);
  try {
    const created = await exec(env, env.adapter.dialect.createTableAs(aside, sql, { config: env.node.config, staging: true }));
    env.relations?.created(aside, 'table');
    const rows = created.rowsAffected ?? (await countRows(env, aside));
    await runAudit(env, aside);
    const message = `CREATE TABLE (${rows} ${rows === 1 ? 'row' : 'rows'})`;
    return { status: 'success', rowsAffected: rows, message, adapterResponse: adapterResponse(message, rows, created.info) };
  } catch (err) {
    await dropQuietly(env, aside);
    throw err;
  }
}

/** Publishes the table built aside when a batch went in (post-hooks before the commit); drops it otherwise. */
async function publishAside(env: MicrobatchEnv, aside: Relation, target: Relation, anyBatch: boolean): Promise<void> {
  if (!anyBatch) return dropQuietly(env, aside);
  try {
    await publish(env, { staged: aside, stagedKind: 'table', target, beforeCommit: () => runHooks(env, 'post_hook') });
  } catch (err) {
    await dropQuietly(env, aside);
    throw err;
  }
}

/**
 * One batch into an existing table (the target, or the table aside): stage, reconcile columns, audit, then
 * replace the window atomically.
 */
async function replaceWindow(env: MicrobatchEnv, config: MicrobatchConfig, batch: Batch, sql: string, target: Relation): Promise<MaterializeResult> {
  const { node, adapter } = env;
  const { dialect, catalog, capabilities } = adapter;
  const tmp = stagingRelation(env, nodeRelation(node));
  await dropIfExists(env, tmp);
  try {
    await exec(env, dialect.createTableAs(tmp, windowed(env, config, batch, sql), { config: node.config, staging: true, scratch: true }));
    env.relations?.created(tmp, 'table');
    const schema = planSchemaChange(node, resolveOnSchemaChange(node), await catalog.getColumns(tmp), await catalog.getColumns(target), dialect, target);
    await runAudit(env, tmp);
    const ddlInTransaction = capabilities.transactionalDdl;
    if (!ddlInTransaction) for (const statement of schema.statements) await exec(env, statement);
    const written = await inTransaction(env, async () => {
      if (ddlInTransaction) for (const statement of schema.statements) await exec(env, statement);
      return writeWindow(env, config, batch, target, tmp, schema.columns);
    });
    await dropIfExists(env, tmp);
    const message = `DELETE+INSERT ${written ?? ''}`.trim();
    return { status: 'success', rowsAffected: written, message, adapterResponse: adapterResponse(message, written) };
  } catch (err) {
    await dropQuietly(env, tmp);
    throw err;
  }
}

async function writeWindow(env: MicrobatchEnv, config: MicrobatchConfig, batch: Batch, target: Relation, staging: Relation, columns: string[]): Promise<number | undefined> {
  const { dialect } = env.adapter;
  const [start, end] = batch;
  if (dialect.replaceWindow) {
    const r = await exec(env, dialect.replaceWindow({ target, source: staging, columns, column: config.eventTime, start, end }));
    return r.rowsAffected;
  }
  if (!dialect.deleteWhere) throw new XformError('XFORM_ADAPTER_CONTRACT', `the ${dialect.name} dialect has no deleteWhere: microbatch models need it`);
  await exec(env, dialect.deleteWhere(target, dialect.eventTimeFilter!(config.eventTime, start, end)));
  const r = await exec(env, dialect.insertInto(target, columns, `select * from ${dialect.relationName(staging)}`));
  return r.rowsAffected;
}
