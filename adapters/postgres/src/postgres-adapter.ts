/**
 * The PostgreSQL adapter: a pg.Pool sized to the threads, sessions with xform's value spelling, cancel via
 * pg_cancel_backend, seeds streamed with COPY ... FROM STDIN. The password is used to connect and for
 * nothing else: it never reaches an error, a log line or describe().
 */
import { createReadStream } from 'node:fs';
import { relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  isXformError,
  redact,
  XformError,
  type Adapter,
  type AdapterFactoryOptions,
  type Capabilities,
  type Connection,
  type PostgresTargetConfig,
  type RunLock,
  type RunLockOptions,
  type SeedLoadRequest,
  type TargetConfig,
  withAcquired,
} from '@xform/core';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PostgresCatalog } from './postgres-catalog.js';
import { PostgresSession, type SessionHooks } from './postgres-connection.js';
import { PostgresDialect } from './postgres-dialect.js';
import { acquirePostgresRunLock } from './postgres-run-lock.js';
import { xformTypes } from './postgres-values.js';

export const POSTGRES_CAPABILITIES: Capabilities = {
  transactionalDdl: true,
  atomicReplaceTable: false,
  swapTables: false,
  merge: true,
  transactionalViews: true,
  renameTakesIdentifierOnly: true,
  // Row locks: sessions deleting and inserting disjoint windows of one table do not block each other.
  concurrentWrites: true,
  // A `limit 0` of the model reads nothing, so an un-audited merge or append reads its query once.
  incrementalFromQuery: true,
};

/** SQLSTATE classes that mean "could not get a working session" rather than "this statement failed". */
const CONNECTION_STATES = /^(08|28|3D|53|57P0[123])/u;

export class PostgresAdapter implements Adapter {
  readonly type = 'postgres';
  readonly dialect = new PostgresDialect();
  /** A copy: MERGE is switched off on the first connection when the server is older than 15. */
  readonly capabilities: Capabilities = { ...POSTGRES_CAPABILITIES };
  private versionChecked = false;
  readonly catalog: PostgresCatalog;
  private readonly pool: pg.Pool;
  /**
   * Connections for the adapter's own questions (catalog, describe). Kept apart from the node pool: a node
   * holding one of `threads` connections may ask the catalog, and if the catalog borrowed from the same
   * pool, `threads` such nodes would wait on each other forever.
   */
  private readonly metaPool: pg.Pool;
  private readonly inUse = new Set<PostgresSession>();
  private readonly broken = new WeakSet<pg.PoolClient>();
  private readonly hooks: SessionHooks;

  constructor(
    readonly target: PostgresTargetConfig,
    private readonly projectRoot: string,
    threads: number,
  ) {
    this.pool = new pg.Pool({ ...clientConfig(target), max: Math.max(1, threads), types: xformTypes });
    this.metaPool = new pg.Pool({ ...clientConfig(target), max: 2, types: xformTypes });
    for (const pool of [this.pool, this.metaPool]) {
      // A client whose server went away emits 'error' (via the pool while idle, on the client while checked
      // out); without listeners that would crash the process. A broken client is destroyed on release.
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => this.broken.add(client)));
    }
    this.hooks = {
      cancelBackend: (pid) => this.cancelBackend(pid),
      secrets: [target.password],
      typeNames: new Map(),
    };
    this.catalog = new PostgresCatalog(async (sql, params) =>
      (await this.meta((session) => session.execute(sql, { params, label: 'catalog' }))).rows,
    );
  }

  async acquire(): Promise<Connection> {
    const session = await this.connect(this.pool);
    this.inUse.add(session);
    return session;
  }

  release(connection: Connection): void {
    const session = connection as PostgresSession;
    if (!this.inUse.delete(session)) return;
    if (this.broken.has(session.client)) {
      session.client.release(true);
    } else if (session.inTransaction) {
      session.rollback().then(
        () => session.client.release(),
        (err: unknown) => session.client.release(err instanceof Error ? err : true),
      );
    } else {
      session.client.release();
    }
  }

  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return withAcquired(this, fn);
  }

  /** COPY ... FROM STDIN, streaming the file: memory stays flat whatever the seed's size. */
  async loadSeed(connection: Connection, request: SeedLoadRequest): Promise<number> {
    const session = connection as PostgresSession;
    const d = this.dialect;
    const columns = request.columns.map((column) => d.quoteIdentifier(column.name)).join(', ');
    const sql =
      `copy ${d.relationName(request.relation)} (${columns}) from stdin ` +
      `with (format csv, header true, delimiter ${d.quoteString(request.delimiter)}, null '')`;
    const copy = session.client.query(copyFrom(sql));
    try {
      await pipeline(createReadStream(request.file), copy);
      return copy.rowCount;
    } catch (err) {
      throw this.seedError(err, sql, request.file, session);
    }
  }

  /** A session-level advisory lock on a connection of its own (see postgres-run-lock.ts). */
  acquireRunLock(options: RunLockOptions): Promise<RunLock> {
    return acquirePostgresRunLock(clientConfig(this.target), this.target, options, (err) => connectionError(this.target, err));
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.inUse].map((session) => session.cancel().catch(() => undefined)));
  }

  async describe(): Promise<Record<string, string>> {
    const rows = await this.meta(
      async (c) =>
        (
          await c.execute(
            `select current_setting('server_version') as version, current_database() as database, current_user as "user"`,
            { label: 'debug' },
          )
        ).rows,
    );
    return {
      type: 'postgres',
      version: String(rows[0]?.version),
      database: String(rows[0]?.database),
      user: String(rows[0]?.user),
      host: `${this.target.host}:${this.target.port}`,
      schema: this.target.schema,
    };
  }

  async close(): Promise<void> {
    await this.cancelAll();
    await Promise.all([this.pool.end(), this.metaPool.end()]);
  }

  private async connect(pool: pg.Pool): Promise<PostgresSession> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw connectionError(this.target, err);
    }
    if (!this.versionChecked) {
      this.versionChecked = true;
      try {
        const { rows } = await client.query<{ v: number }>(`select current_setting('server_version_num')::int as v`);
        if ((rows[0]?.v ?? 150000) < 150000) this.capabilities.merge = false;
      } catch (err) {
        client.release(true);
        this.versionChecked = false;
        throw connectionError(this.target, err);
      }
    }
    return new PostgresSession(client, this.hooks);
  }

  private async meta<T>(fn: (session: PostgresSession) => Promise<T>): Promise<T> {
    const session = await this.connect(this.metaPool);
    try {
      return await fn(session);
    } finally {
      session.client.release(this.broken.has(session.client) ? true : undefined);
    }
  }

  /** From a separate, unpooled connection (the pool may be full) without the role: cancelling needs the login user. */
  private async cancelBackend(pid: number): Promise<void> {
    const client = new pg.Client({ ...clientConfig(this.target, { withRole: false }), statement_timeout: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select pg_cancel_backend($1)', [pid]);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** COPY's CSV errors carry the line in `where` ("COPY t, line 3: ..."): report them against the file. */
  private seedError(err: unknown, sql: string, file: string, session: PostgresSession): unknown {
    const path = relative(this.projectRoot, file).split('\\').join('/');
    if ((err as { code?: string }).code === 'ENOENT') {
      return new XformError('XFORM_SEED_NOT_FOUND', `seed file ${path} does not exist`, { location: { file: path } });
    }
    const where = (err as { where?: string }).where ?? '';
    const line = /line (\d+)/u.exec(where);
    const wrapped = isXformError(err) ? err : session.wrap(err, sql, 'seed');
    if (!line) return wrapped;
    return new XformError('XFORM_SEED_MALFORMED', `${path}: CSV error on line ${line[1]}: ${(err as Error).message}`, {
      location: { file: path, line: Number(line[1]) },
      hint: 'quote fields that contain the delimiter, quotes (doubled: "") or line breaks',
      cause: wrapped,
    });
  }
}

/** pg connection settings from the target. `options` carries search_path and role to every session. */
function clientConfig(target: PostgresTargetConfig, { withRole = true } = {}): pg.ClientConfig {
  const options = [
    target.search_path ? startupOption('search_path', target.search_path) : undefined,
    withRole && target.role ? startupOption('role', target.role) : undefined,
  ].filter((option) => option !== undefined);
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.dbname,
    ssl: sslConfig(target.sslmode),
    connectionTimeoutMillis: (target.connect_timeout ?? 10) * 1000,
    statement_timeout: target.statement_timeout && target.statement_timeout > 0 ? target.statement_timeout : undefined,
    application_name: target.application_name ?? 'xform',
    ...(target.keepalives_idle ? { keepAlive: true, keepAliveInitialDelayMillis: target.keepalives_idle * 1000 } : {}),
    ...(options.length > 0 ? { options: options.join(' ') } : {}),
  };
}

/** `-c name=value` for the startup packet; spaces and backslashes are escaped with a backslash. */
function startupOption(name: string, value: string): string {
  return `-c ${name}=${value.replace(/[\\ ]/gu, (c) => `\\${c}`)}`;
}

/**
 * libpq's sslmode for node-postgres. node-postgres cannot fall back from TLS to plain text, so `prefer` and
 * `allow` connect without TLS (as libpq does with a server without TLS); `require` encrypts without
 * checking the certificate; `verify-ca` checks the chain; `verify-full` also checks the host name.
 */
function sslConfig(mode: PostgresTargetConfig['sslmode']): pg.ClientConfig['ssl'] {
  switch (mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return false;
  }
}

function connectionError(target: PostgresTargetConfig, err: unknown): XformError {
  const raw = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const reason = redact(raw || code || 'unknown error', [target.password]);
  const leaks = target.password !== undefined && target.password.length >= 3 && raw.includes(target.password);
  return new XformError(
    'XFORM_CONNECTION_FAILED',
    `could not connect to PostgreSQL at ${target.host}:${target.port} (database ${target.dbname}, user ${target.user}): ${reason}`,
    {
      hint: CONNECTION_STATES.test(code ?? '')
        ? `check the credentials and database of target '${target.name}' in profiles.yml`
        : `check that the server is running and reachable, and the host/port of target '${target.name}' in profiles.yml`,
      cause: leaks ? undefined : err,
    },
  );
}

export async function createAdapter(target: TargetConfig, options: AdapterFactoryOptions): Promise<Adapter> {
  if (target.type !== 'postgres') {
    throw new XformError('XFORM_ADAPTER_MISMATCH', `the PostgreSQL adapter cannot run a ${target.type} target`);
  }
  return new PostgresAdapter(target, options.projectRoot, options.threads ?? target.threads);
}
