/**
 * A throw-away PostgreSQL server for tests: a fresh cluster in a temp dir, on a free 127.0.0.1 port, with
 * password (scram) auth, fsync off. Uses Debian's binaries (`/usr/lib/postgresql/<v>/bin`) or `initdb` on
 * PATH. initdb and postgres refuse to run as root, so as root they run as the `postgres` system user (or a
 * dedicated `xform-pg` user, created when neither exists).
 *
 * In a test file:
 *   const pg = withPostgres();            // a database of the file's own, made in beforeAll, dropped in afterAll
 *   it('...', () => { const { url } = pg(); ... });
 * or call `postgresDatabase()` / `server.stop()` yourself. A test run has one server, started on first use
 * by its globalSetup (test/src/test-services.ts), and each file a database on it; `startPostgres()` starts a
 * server of its own (the globalSetup's, and files run without it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { askTestService, type SharedPostgres } from './helpers/shared-services.js';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  database: string;
  password: string;
  /** postgres://user:password@host:port/database */
  url: string;
  /** The cluster's data directory (removed by stop() of a server from startPostgres()). */
  dataDir: string;
  /** Stops the server (startPostgres()), or drops the file's database (postgresDatabase()). */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Database created for the tests. Default `xform_test`. */
  database?: string;
  /** Superuser name. Default `xform`. */
  user?: string;
  /** How long to wait for the server to accept connections. Default 20 s. */
  timeoutMs?: number;
  /** The server's max_connections. Default 60. */
  maxConnections?: number;
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

/** The folder holding initdb and postgres, newest Debian version first, else from PATH. */
export function findPostgresBinaries(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')) && existsSync(join(debian, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) were not found: install the Debian package `postgresql` ' +
      '(npm test does that as root or with sudo, unless XFORM_SKIP_SYSTEM_PACKAGES=1), or put its bin folder on PATH',
  );
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBinaries();
  const user = options.user ?? 'xform';
  const database = options.database ?? 'xform_test';
  const password = randomBytes(18).toString('base64url');
  const runAs = process.getuid?.() === 0 ? systemUser() : undefined;

  const root = mkdtempSync(join(tmpdir(), 'xform-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  mkdirSync(socketDir);
  const pwfile = join(root, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (runAs) for (const path of [root, socketDir, pwfile]) chownSync(path, runAs.uid, runAs.gid);

  let child: ChildProcess | undefined;
  const cleanupOnExit = () => {
    child?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', cleanupOnExit);
  try {
    execFileSync(
      ...command(runAs, join(bin, 'initdb'), [
        '-D', dataDir, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256',
        '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions',
      ]),
      { stdio: 'pipe' },
    );
    rmSync(pwfile);
    const port = await freePort();
    const log: string[] = [];
    const [file, args] = command(runAs, join(bin, 'postgres'), [
      '-D', dataDir, '-k', socketDir, '-h', '127.0.0.1', '-p', String(port),
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=16MB', '-c', `max_connections=${options.maxConnections ?? 60}`, '-c', 'log_min_messages=warning',
    ]);
    child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    const server = child;
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));

    const admin = { host: '127.0.0.1', port, user, password, database: 'postgres' };
    await waitUntilReady(admin, exited, log, options.timeoutMs ?? 20_000);
    const client = new pg.Client(admin);
    await client.connect();
    await client.query(`create database "${database.replaceAll('"', '""')}"`);
    await client.end();

    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= (async () => {
        if (server.exitCode === null && server.signalCode === null) {
          server.kill('SIGINT'); // fast shutdown: disconnects clients, no checkpoint wait beyond what fsync=off costs
          const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(root, { recursive: true, force: true });
        process.removeListener('exit', cleanupOnExit);
      })();
      return stopped;
    };
    const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    return { host: '127.0.0.1', port, user, database, password, url, dataDir, stop };
  } catch (err) {
    cleanupOnExit();
    process.removeListener('exit', cleanupOnExit);
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not start a throw-away PostgreSQL server: ${stderr || (err as Error).message}`, { cause: err });
  }
}

/**
 * A database of the caller's own on the test run's shared server (test/src/test-services.ts); its stop()
 * drops the database, closing what is still connected to it. Named `database` when given (unique per run),
 * else `xform_test_<random>`. Outside such a run, or for a superuser of its own (`user`), a server of its
 * own (startPostgres()).
 */
export async function postgresDatabase(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const shared = options.user === undefined ? await askTestService<SharedPostgres>('/postgres') : undefined;
  if (!shared) return startPostgres(options);
  const { host, port, user, password, dataDir } = shared;
  const database = options.database ?? `xform_test_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ host, port, user, password, database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const quoted = `"${database.replaceAll('"', '""')}"`;
  await admin(`create database ${quoted}`);
  let dropped: Promise<void> | undefined;
  const stop = () => (dropped ??= admin(`drop database if exists ${quoted} with (force)`));
  const url = `postgres://${user}:${encodeURIComponent(password)}@${host}:${port}/${database}`;
  return { host, port, user, database, password, url, dataDir, stop };
}

/**
 * Registers beforeAll/afterAll in the calling test file and returns a getter for its database (see
 * postgresDatabase()). One database per test file; tests inside share it (give each its own schema).
 */
export function withPostgres(options: StartPostgresOptions = {}): () => PostgresServer {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await postgresDatabase(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the PostgreSQL server is not running (withPostgres() must be called at file level)');
    return server;
  };
}

/** [file, args] running `program` as `runAs` when set: setpriv execs in place, so signals reach postgres. */
function command(runAs: RunAs | undefined, program: string, args: string[]): [string, string[]] {
  if (!runAs) return [program, args];
  if (existsOnPath('setpriv')) {
    return ['setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--', program, ...args]];
  }
  return ['runuser', ['-u', runAs.name, '--', program, ...args]];
}

/** The `postgres` system user, or a dedicated `xform-pg` user created for the purpose. */
function systemUser(): RunAs {
  for (const name of ['postgres', 'xform-pg']) {
    const found = lookupUser(name);
    if (found) return found;
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'xform-pg'], { stdio: 'pipe' });
  const created = lookupUser('xform-pg');
  if (!created) throw new Error('could not create the xform-pg system user to run PostgreSQL as (running as root)');
  return created;
}

function lookupUser(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { stdio: 'pipe' }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', name], { stdio: 'pipe' }).toString().trim());
    return { uid, gid, name };
  } catch {
    return undefined;
  }
}

function existsOnPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(
  config: pg.ClientConfig,
  exited: Promise<number | null>,
  log: string[],
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code ?? -1));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`postgres exited (${exitCode}): ${log.join('').trim()}`);
    const client = new pg.Client({ ...config, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections in ${timeoutMs} ms: ${log.join('').trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }
}

export interface PostgresProfileOptions {
  /** Profile name (the project's name or its `profile:`). Default `shop`. */
  profile?: string;
  schema: string;
  threads?: number;
  /** Read the password with env_var() from this variable instead of writing it into the file. */
  passwordEnv?: string;
}

/** profiles.yml text whose `dev` target is this server. */
export function postgresProfile(server: PostgresServer, options: PostgresProfileOptions): string {
  const password = options.passwordEnv ? `"{{ env_var('${options.passwordEnv}') }}"` : server.password;
  return [
    `${options.profile ?? 'shop'}:`,
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: postgres',
    `      host: ${server.host}`,
    `      port: ${server.port}`,
    `      user: ${server.user}`,
    `      password: ${password}`,
    `      dbname: ${server.database}`,
    `      schema: ${options.schema}`,
    ...(options.threads === undefined ? [] : [`      threads: ${options.threads}`]),
    '',
  ].join('\n');
}
