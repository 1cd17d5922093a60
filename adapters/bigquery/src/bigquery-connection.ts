/**
 * One BigQuery "connection": every statement is a query job (jobs.insert, then getQueryResults), sent with
 * the target's location, job labels, maximum_bytes_billed, timeout and priority. What a job reports comes
 * back in `info` (job id, bytes processed and billed, slot milliseconds). A job that fails for a transient
 * reason is sent again (job_retries). Transactions use a BigQuery session (a transaction spans several
 * jobs only in one): BEGIN TRANSACTION is sent just before the first DML statement, so a transaction that
 * writes nothing costs no session. DDL never reaches an open transaction: BigQuery refuses DDL on permanent
 * tables there, and core, reading `transactionalDdl: false`, runs it before begin and hooks after commit.
 */
import type { BigQuery, Job, JobMetadata, Query } from '@google-cloud/bigquery';
import { redact, sqlError, XformError, type Connection, type ExecuteOptions, type QueryResult } from '@xform/core';
import { bigqueryErrorPosition } from './bigquery-errors.js';
import { toPlainValue, typeName } from './bigquery-values.js';

export interface JobSettings {
  location?: string;
  /** Labels on every job. */
  labels?: Record<string, string>;
  maximumBytesBilled?: number;
  jobTimeoutMs?: number;
  priority?: 'interactive' | 'batch';
  /** Extra attempts for a job that failed transiently. */
  retries: number;
  /** Dataset for unqualified table names. */
  defaultDataset: { projectId: string; datasetId: string };
  /** Credentials to keep out of messages. */
  secrets: string[];
  /** Milliseconds before the first retry (doubled each time). Default 1000. */
  retryDelayMs?: number;
}

/** Reasons BigQuery gives for failures worth retrying (documented as transient). */
const TRANSIENT_REASONS = new Set(['backendError', 'rateLimitExceeded', 'internalError', 'jobBackendError', 'jobInternalError']);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const DML = /^\s*(insert|update|delete|merge|truncate)\b/iu;
/** Google's auth library and the API saying the credentials are missing or wrong. */
const AUTH_FAILURE = /could not load the default credentials|invalid_grant|invalid authentication credentials|unauthorized_client/iu;
/** BigQuery's refusal to replace a table whose partitioning or clustering changed. */
const SPEC_CHANGE = /cannot replace a table with a different (partitioning|clustering) spec/iu;
const REPLACE_TABLE = /^\s*create or replace table ((?:`(?:[^`\\]|\\.)*`\.?)+)/iu;

interface RunOptions {
  params?: unknown[];
  /** Start a session with this job (BEGIN TRANSACTION of the first transaction). */
  createSession?: boolean;
  /** Run in the connection's session (statements of a transaction). */
  inSession?: boolean;
}

interface ApiErrorLike {
  code?: number;
  message?: string;
  errors?: { reason?: string; message?: string }[];
}

export class BigQuerySession implements Connection {
  private running: Job | undefined;
  private cancelled = false;
  private transaction: 'none' | 'pending' | 'open' = 'none';
  private sessionId: string | undefined;

  constructor(
    private readonly client: BigQuery,
    private readonly settings: JobSettings,
  ) {}

  get inTransaction(): boolean {
    return this.transaction !== 'none';
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    if (this.transaction === 'pending' && DML.test(sql)) {
      await this.run('begin transaction', { label: options.label, createSession: this.sessionId === undefined, inSession: true });
      this.transaction = 'open';
    }
    // Only a transaction's statements run in the session: a session can expire between nodes.
    return this.run(sql, { label: options.label, params: options.params, inSession: this.transaction === 'open' });
  }

  /** Validates `sql` with a dry-run job: nothing runs, nothing is billed; reports the bytes it would process. */
  async dryRun(sql: string, label?: string): Promise<Record<string, unknown>> {
    try {
      const [job] = await this.client.createQueryJob({ ...this.jobOptions(sql), dryRun: true });
      const stats = job.metadata?.statistics ?? {};
      return { bytes_processed: Number(stats.totalBytesProcessed ?? 0), ...(stats.query?.statementType ? { statement_type: stats.query.statementType } : {}) };
    } catch (err) {
      throw this.wrap(err, sql, label);
    }
  }

  async begin(): Promise<void> {
    this.transaction = 'pending';
  }

  async commit(): Promise<void> {
    const open = this.transaction === 'open';
    this.transaction = 'none';
    if (open) await this.run('commit transaction', { label: 'commit', inSession: true });
  }

  async rollback(): Promise<void> {
    const open = this.transaction === 'open';
    this.transaction = 'none';
    if (open) await this.run('rollback transaction', { label: 'rollback', inSession: true });
  }

  /** Cancels the running job (jobs.cancel); a no-op when idle. */
  async cancel(): Promise<void> {
    const job = this.running;
    if (!job) return;
    this.cancelled = true;
    await job.cancel();
  }

  async close(): Promise<void> {
    await this.cancel().catch(() => undefined);
  }

  private jobOptions(sql: string, extra: RunOptions = {}): Query {
    const s = this.settings;
    return {
      query: sql,
      useLegacySql: false,
      defaultDataset: s.defaultDataset,
      ...(s.location ? { location: s.location } : {}),
      ...(s.labels && Object.keys(s.labels).length > 0 ? { labels: s.labels } : {}),
      ...(s.maximumBytesBilled !== undefined ? { maximumBytesBilled: String(s.maximumBytesBilled) } : {}),
      ...(s.jobTimeoutMs !== undefined ? { jobTimeoutMs: s.jobTimeoutMs } : {}),
      ...(s.priority === 'batch' ? { priority: 'BATCH' } : {}),
      ...(extra.params && extra.params.length > 0 ? { params: extra.params } : {}),
      ...(extra.createSession ? { createSession: true } : {}),
      ...(extra.inSession && this.sessionId ? { connectionProperties: [{ key: 'session_id', value: this.sessionId }] } : {}),
    };
  }

  private async run(sql: string, options: RunOptions & { label?: string }): Promise<QueryResult> {
    this.cancelled = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runOnce(sql, options);
      } catch (err) {
        const replaced = SPEC_CHANGE.test((err as Error).message ?? '') ? REPLACE_TABLE.exec(sql) : null;
        if (replaced && attempt === 0) {
          // BigQuery refuses CREATE OR REPLACE when partitioning or clustering changes; like dbt, drop the
          // table first (the one case where the replace is not atomic) and create it again.
          await this.runOnce(`drop table if exists ${replaced[1]}`, {});
          continue;
        }
        const retry = !this.cancelled && this.transaction !== 'open' && attempt < this.settings.retries && isTransient(err);
        if (!retry) throw this.wrap(err, sql, options.label);
        await delay((this.settings.retryDelayMs ?? 1000) * 2 ** attempt);
      } finally {
        this.running = undefined;
      }
    }
  }

  private async runOnce(sql: string, options: RunOptions): Promise<QueryResult> {
    const [job] = await this.client.createQueryJob(this.jobOptions(sql, options));
    this.running = job;
    if (this.cancelled) await job.cancel();
    const [rows] = await job.getQueryResults({ wrapIntegers: true });
    const [metadata] = await job.getMetadata();
    const stats = metadata.statistics ?? {};
    const session = stats.sessionInfo?.sessionId;
    if (session) this.sessionId = session;
    const fields = stats.query?.schema?.fields ?? [];
    const columns = fields.map((f: { name?: string | null; type?: string | null; mode?: string | null }) => ({ name: f.name ?? '', type: typeName(f) }));
    const plainRows = (rows as Record<string, unknown>[]).map((row) =>
      Object.fromEntries(fields.map((f: { name?: string | null }) => [f.name ?? '', toPlainValue(row[f.name ?? ''], f)])),
    );
    return {
      columns,
      rows: plainRows,
      rowsAffected: await this.rowsAffected(stats),
      info: {
        job_id: job.id,
        ...(metadata.jobReference?.location ? { location: metadata.jobReference.location } : {}),
        bytes_processed: Number(stats.totalBytesProcessed ?? stats.query?.totalBytesProcessed ?? 0),
        bytes_billed: Number(stats.query?.totalBytesBilled ?? 0),
        slot_ms: Number(stats.totalSlotMs ?? stats.query?.totalSlotMs ?? 0),
        ...(stats.query?.statementType ? { statement_type: stats.query.statementType } : {}),
      },
    };
  }

  /** DML reports its row count; CREATE TABLE AS reports none, so the new table's row count is read (free). */
  private async rowsAffected(stats: NonNullable<JobMetadata['statistics']>): Promise<number | undefined> {
    const query = stats.query;
    if (query?.numDmlAffectedRows !== undefined && query.numDmlAffectedRows !== null) return Number(query.numDmlAffectedRows);
    const table = query?.ddlTargetTable;
    if (query?.statementType === 'CREATE_TABLE_AS_SELECT' && table?.datasetId && table.tableId) {
      try {
        const [meta] = await this.client.dataset(table.datasetId, { projectId: table.projectId ?? undefined }).table(table.tableId).getMetadata();
        return meta.numRows === undefined ? undefined : Number(meta.numRows);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  /** An XFORM_SQL_ERROR with BigQuery's message, reason and position (`[line:column]`), credentials redacted. */
  wrap(err: unknown, sql: string, label: string | undefined): Error {
    if (err instanceof XformError) return err;
    const api = err as ApiErrorLike;
    if (api.code === 401 || AUTH_FAILURE.test(api.message ?? '')) {
      const s = this.settings;
      return new XformError('XFORM_CONNECTION_FAILED', `could not authenticate to BigQuery (project ${s.defaultDataset.projectId}): ${redact(api.message ?? String(err), s.secrets)}`, {
        hint: "check 'method' and the credentials of the target in profiles.yml (method oauth needs `gcloud auth application-default login`)",
      });
    }
    const reason = api.errors?.[0]?.reason;
    const message = this.cancelled ? `query cancelled: ${api.message ?? 'job cancelled'}` : (api.message ?? String(err));
    const position = bigqueryErrorPosition(message, sql);
    return sqlError(Object.assign(new Error(message), { cause: err }), sql, {
      label,
      adapter: 'bigquery',
      sqlState: reason,
      position,
      secrets: this.settings.secrets,
    });
  }
}

export function isTransient(err: unknown): boolean {
  const api = err as ApiErrorLike;
  if (api.code !== undefined && TRANSIENT_STATUS.has(api.code)) return true;
  return (api.errors ?? []).some((e) => e.reason !== undefined && TRANSIENT_REASONS.has(e.reason));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
