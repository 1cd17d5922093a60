/**
 * The BigQuery adapter: a pool of job sessions sized to the threads (BigQuery has no connections; the pool
 * bounds concurrent jobs), the catalog on its own session, seeds through load jobs, dry runs for
 * `xform compile --dry-run`. Credentials go to Google's auth library only and are redacted from errors.
 */
import { BigQuery } from '@google-cloud/bigquery';
import {
  Pool,
  XformError,
  type Adapter,
  type AdapterFactoryOptions,
  type BigQueryTargetConfig,
  type Capabilities,
  type Connection,
  type SeedLoadRequest,
  type TargetConfig,
  withAcquired,
} from '@xform/core';
import { BIGQUERY_CAPABILITIES } from './bigquery-capabilities.js';
import { BigQueryCatalog } from './bigquery-catalog.js';
import { createBigQueryClient, secretsOf } from './bigquery-client.js';
import { BigQuerySession, type JobSettings } from './bigquery-connection.js';
import { BigQueryDialect } from './bigquery-dialect.js';
import { loadSeedFile } from './bigquery-seeds.js';

export interface BigQueryAdapterOptions {
  /** Milliseconds before the first retry of a failed job (tests shorten it). Default 1000. */
  retryDelayMs?: number;
}

export class BigQueryAdapter implements Adapter {
  readonly type = 'bigquery';
  readonly dialect: BigQueryDialect;
  readonly capabilities: Capabilities = { ...BIGQUERY_CAPABILITIES };
  readonly catalog: BigQueryCatalog;
  readonly client: BigQuery;
  private readonly pool: Pool<BigQuerySession>;
  private readonly metaSession: BigQuerySession;
  private readonly settings: JobSettings;
  private readonly secrets: string[];

  constructor(
    readonly target: BigQueryTargetConfig,
    private readonly projectRoot: string,
    threads: number,
    options: BigQueryAdapterOptions = {},
  ) {
    this.client = createBigQueryClient(target, projectRoot);
    this.dialect = new BigQueryDialect({ location: target.location });
    this.secrets = secretsOf(target);
    this.settings = {
      location: target.location,
      labels: target.labels,
      maximumBytesBilled: target.maximum_bytes_billed,
      jobTimeoutMs: target.job_timeout_seconds === undefined ? undefined : Math.round(target.job_timeout_seconds * 1000),
      priority: target.priority,
      retries: target.job_retries ?? 1,
      defaultDataset: { projectId: target.project, datasetId: target.dataset },
      secrets: this.secrets,
      retryDelayMs: options.retryDelayMs,
    };
    this.pool = new Pool<BigQuerySession>({
      max: Math.max(1, threads),
      create: async () => new BigQuerySession(this.client, this.settings),
      // A node that failed mid-transaction must not leave it open for the next one.
      reset: async (session) => {
        if (session.inTransaction) await session.rollback().catch(() => undefined);
      },
      destroy: (session) => session.close(),
    });
    // Catalog questions run apart from the node pool (a node holding a session may ask the catalog).
    this.metaSession = new BigQuerySession(this.client, this.settings);
    this.catalog = new BigQueryCatalog(this.client, this.dialect, target.project, (sql, params) =>
      this.metaSession.execute(sql, { params, label: 'catalog' }),
    );
  }

  acquire(): Promise<Connection> {
    return this.pool.acquire();
  }

  release(connection: Connection): void {
    this.pool.release(connection as BigQuerySession);
  }

  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return withAcquired(this, fn);
  }

  loadSeed(_connection: Connection, request: SeedLoadRequest): Promise<number> {
    return loadSeedFile(this.client, { defaultProject: this.target.project, location: this.target.location, labels: this.target.labels, projectRoot: this.projectRoot, secrets: this.secrets }, request);
  }

  /** A dry-run job: checks the SQL and the tables it reads, and reports the bytes it would process. */
  dryRun(sql: string, label?: string): Promise<Record<string, unknown>> {
    return this.metaSession.dryRun(sql, label);
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.pool.inUse, this.metaSession].map((session) => session.cancel().catch(() => undefined)));
  }

  async describe(): Promise<Record<string, string>> {
    return {
      type: 'bigquery',
      project: this.target.project,
      dataset: this.target.dataset,
      location: this.target.location ?? '(BigQuery default)',
      method: this.target.method,
      ...(this.target.maximum_bytes_billed !== undefined ? { maximum_bytes_billed: String(this.target.maximum_bytes_billed) } : {}),
    };
  }

  async close(): Promise<void> {
    await this.cancelAll();
    await this.pool.close();
  }
}

export async function createAdapter(target: TargetConfig, options: AdapterFactoryOptions & BigQueryAdapterOptions): Promise<Adapter> {
  if (target.type !== 'bigquery') {
    throw new XformError('XFORM_ADAPTER_MISMATCH', `the BigQuery adapter cannot run a ${target.type} target`);
  }
  return new BigQueryAdapter(target, options.projectRoot, options.threads ?? target.threads, options);
}
