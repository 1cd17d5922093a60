/**
 * The Snowflake adapter: snowflake-sdk sessions in a pool sized to the threads, each set up with the
 * target's role, warehouse, database, schema and query tag; password, key-pair (SNOWFLAKE_JWT) or another
 * authenticator; seeds by batched binds. Credentials are handed to the SDK and redacted from every error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Pool,
  redact,
  XformError,
  type Adapter,
  type AdapterFactoryOptions,
  type Capabilities,
  type Connection,
  type SeedLoadRequest,
  type SnowflakeTargetConfig,
  type TargetConfig,
  withAcquired,
} from '@xform/core';
import type snowflake from 'snowflake-sdk';
import { SNOWFLAKE_CAPABILITIES } from './snowflake-capabilities.js';
import { SnowflakeCatalog } from './snowflake-catalog.js';
import { SnowflakeSession } from './snowflake-connection.js';
import { SnowflakeDialect } from './snowflake-dialect.js';
import { loadSeedWithBinds } from './snowflake-seeds.js';

/**
 * The SDK (with the AWS SDK under it, ~0.5 s to load) loads with the first session: compiling needs only the
 * dialect. aws-sdk-env settles the AWS SDK's environment (a Node version warning off) before it loads.
 */
let sdk: Promise<typeof snowflake> | undefined;
function loadSdk(): Promise<typeof snowflake> {
  sdk ??= import('./aws-sdk-env.js')
    .then(() => import('snowflake-sdk'))
    .then(({ default: loaded }) => {
      // The SDK logs to a file and the console by default; xform reports errors itself.
      loaded.configure({ logLevel: 'OFF' as never });
      return loaded;
    });
  return sdk;
}

export interface SnowflakeAdapterOptions {
  /** Full URL of the Snowflake endpoint (tests point it at a local server). Default from `account`/`host`. */
  accessUrl?: string;
}

export class SnowflakeAdapter implements Adapter {
  readonly type = 'snowflake';
  readonly dialect: SnowflakeDialect;
  readonly capabilities: Capabilities = { ...SNOWFLAKE_CAPABILITIES };
  readonly catalog: SnowflakeCatalog;
  private readonly pool: Pool<SnowflakeSession>;
  private meta: Promise<SnowflakeSession> | undefined;
  private readonly secrets: string[];
  private readonly connectionOptions: snowflake.ConnectionOptions;

  constructor(
    readonly target: SnowflakeTargetConfig,
    private readonly projectRoot: string,
    threads: number,
    options: SnowflakeAdapterOptions = {},
  ) {
    this.dialect = new SnowflakeDialect({ transient: target.transient ?? true });
    this.connectionOptions = connectionOptions(target, projectRoot, options);
    this.secrets = [target.password, target.private_key, target.private_key_passphrase, this.connectionOptions.privateKey].filter(
      (s): s is string => typeof s === 'string' && s.length >= 3,
    );
    this.pool = new Pool<SnowflakeSession>({
      max: Math.max(1, threads),
      create: () => this.connect(),
      reset: async (session) => {
        if (session.inTransaction) await session.rollback().catch(() => undefined);
      },
      destroy: (session) => session.close(),
    });
    // Catalog questions on a session of their own (a node holding a session may ask the catalog).
    // profiles.yml requires a database for Snowflake targets.
    this.catalog = new SnowflakeCatalog(this.dialect, target.database ?? '', async (sql, params) => {
      this.meta ??= this.connect();
      const session = await this.meta.catch((err: unknown) => {
        this.meta = undefined;
        throw err;
      });
      return session.execute(sql, { params, label: 'catalog' });
    });
  }

  acquire(): Promise<Connection> {
    return this.pool.acquire();
  }

  release(connection: Connection): void {
    this.pool.release(connection as SnowflakeSession);
  }

  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return withAcquired(this, fn);
  }

  loadSeed(connection: Connection, request: SeedLoadRequest): Promise<number> {
    return loadSeedWithBinds(connection, this.dialect, request, this.projectRoot);
  }

  async cancelAll(): Promise<void> {
    const sessions = [...this.pool.inUse];
    if (this.meta) sessions.push(await this.meta.catch(() => undefined as never));
    await Promise.all(sessions.filter(Boolean).map((s) => s.cancel().catch(() => undefined)));
  }

  async describe(): Promise<Record<string, string>> {
    const result = await this.catalogSession((s) =>
      s.execute('select current_version() as version, current_role() as role, current_warehouse() as warehouse, current_user() as "user"', { label: 'debug' }),
    );
    const row = result.rows[0] ?? {};
    return {
      type: 'snowflake',
      account: this.target.account,
      user: String(row.user ?? this.target.user),
      version: String(row.version ?? ''),
      role: String(row.role ?? this.target.role ?? ''),
      warehouse: String(row.warehouse ?? this.target.warehouse ?? ''),
      database: this.target.database ?? '',
      schema: this.target.schema,
    };
  }

  async close(): Promise<void> {
    await this.cancelAll();
    await this.pool.close();
    const meta = await this.meta?.catch(() => undefined);
    await meta?.close();
  }

  private async catalogSession<T>(fn: (session: SnowflakeSession) => Promise<T>): Promise<T> {
    this.meta ??= this.connect();
    return fn(await this.meta);
  }

  /** A new session: login, then the query tag (the SDK has no option for it). */
  private async connect(): Promise<SnowflakeSession> {
    const connection = (await loadSdk()).createConnection(this.connectionOptions);
    await new Promise<void>((resolve, reject) => {
      connection.connect((err) => (err ? reject(this.connectionError(err)) : resolve()));
    });
    const session = new SnowflakeSession(connection, this.secrets);
    if (this.target.query_tag) {
      await session.execute(`alter session set query_tag = ${this.dialect.quoteString(this.target.query_tag)}`, { label: 'session' });
    }
    return session;
  }

  private connectionError(err: unknown): XformError {
    const raw = err instanceof Error ? err.message : String(err);
    const reason = redact(raw, this.secrets);
    const leaks = this.secrets.some((s) => raw.includes(s));
    return new XformError('XFORM_CONNECTION_FAILED', `could not connect to Snowflake account ${this.target.account} as ${this.target.user}: ${reason}`, {
      hint: `check account, user and credentials of target '${this.target.name}' in profiles.yml`,
      cause: leaks ? undefined : err,
    });
  }
}

function connectionOptions(target: SnowflakeTargetConfig, projectRoot: string, options: SnowflakeAdapterOptions): snowflake.ConnectionOptions {
  const keyPair = target.private_key !== undefined || target.private_key_path !== undefined;
  let privateKey = target.private_key;
  if (target.private_key_path !== undefined && privateKey === undefined) {
    try {
      privateKey = readFileSync(path.resolve(projectRoot, target.private_key_path), 'utf8');
    } catch {
      throw new XformError('XFORM_PROFILE_INVALID', `target '${target.name}' (snowflake): the private key file ${target.private_key_path} cannot be read`, {
        hint: 'check private_key_path in profiles.yml (relative paths start at the project directory)',
      });
    }
  }
  if (!keyPair && target.password === undefined && target.authenticator === undefined) {
    throw new XformError('XFORM_PROFILE_INVALID', `target '${target.name}' (snowflake): set 'password', 'private_key_path' / 'private_key', or 'authenticator'`);
  }
  const accessUrl = options.accessUrl ?? (target.host ? `https://${target.host}` : undefined);
  return {
    account: target.account,
    username: target.user,
    database: target.database,
    schema: target.schema,
    application: 'xform',
    ...(accessUrl ? { accessUrl } : {}),
    ...(target.role ? { role: target.role } : {}),
    ...(target.warehouse ? { warehouse: target.warehouse } : {}),
    ...(target.password !== undefined && !keyPair ? { password: target.password } : {}),
    ...(keyPair ? { authenticator: 'SNOWFLAKE_JWT', privateKey, ...(target.private_key_passphrase ? { privateKeyPass: target.private_key_passphrase } : {}) } : {}),
    ...(target.authenticator && !keyPair ? { authenticator: target.authenticator } : {}),
    ...(target.client_session_keep_alive !== undefined ? { clientSessionKeepAlive: target.client_session_keep_alive } : {}),
  };
}

export async function createAdapter(target: TargetConfig, options: AdapterFactoryOptions & SnowflakeAdapterOptions): Promise<Adapter> {
  if (target.type !== 'snowflake') {
    throw new XformError('XFORM_ADAPTER_MISMATCH', `the Snowflake adapter cannot run a ${target.type} target`);
  }
  return new SnowflakeAdapter(target, options.projectRoot, options.threads ?? target.threads, options);
}
