/**
 * The PostgreSQL run lock: a session-level advisory lock on a key derived from the database and the target
 * schema, held on a connection of its own for the whole run. The server releases it when that session ends,
 * so a killed run (SIGKILL, lost machine once TCP keepalive notices) never keeps it.
 *
 * The lock connection's application_name says who holds it (`xform <invocation> pid <pid> host <host>`);
 * a second run reads that, and when the holder took it (the lock connection's last statement is the one
 * that took the lock), from pg_locks and pg_stat_activity. Nothing else about the holder is read.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { formatLockTime, pollLock, targetLockedError, type LockHeld, type PostgresTargetConfig, type RunLock, type RunLockOptions } from '@xform/core';
import pg from 'pg';

/** PostgreSQL keeps the first 63 bytes of application_name (NAMEDATALEN - 1). */
const MAX_APPLICATION_NAME = 63;

/** The 64-bit advisory lock key of a database and schema, as pg_locks shows it (classid, objid). */
export function runLockKey(database: string, schema: string): { key: string; classid: number; objid: number } {
  const digest = createHash('sha256').update(`xform run lock\u0000${database}\u0000${schema}`).digest();
  const unsigned = digest.readBigUInt64BE(0);
  return {
    key: BigInt.asIntN(64, unsigned).toString(),
    classid: Number(unsigned >> 32n),
    objid: Number(unsigned & 0xffffffffn),
  };
}

/** `xform 1a2b3c4d pid 4242 host build-1`, cut to what PostgreSQL keeps. */
export function lockApplicationName(invocationId: string, pid = process.pid, host = hostname()): string {
  let name = `xform ${invocationId.slice(0, 8)} pid ${pid} host ${host}`;
  while (Buffer.byteLength(name) > MAX_APPLICATION_NAME) name = name.slice(0, -1);
  return name;
}

const APPLICATION_NAME = /^xform (\S+) pid (\d+)(?: host (.*))?$/u;

interface HolderRow {
  backend_pid: number;
  application_name: string | null;
  query_start: Date | null;
  backend_start: Date | null;
  client_addr: string | null;
}

/** The holder in words, from what pg_stat_activity shows this role (other roles' sessions may be hidden). */
export function describeHolder(row: HolderRow | undefined): string {
  if (!row) return '(it has just released it)';
  const since = row.query_start ?? row.backend_start;
  const at = since ? `since ${formatLockTime(since)} ` : '';
  const parsed = APPLICATION_NAME.exec(row.application_name ?? '');
  if (!parsed) return `${at}(PostgreSQL backend pid ${row.backend_pid}${row.client_addr ? `, client ${row.client_addr}` : ''})`;
  const host = parsed[3] ?? row.client_addr ?? 'unknown host';
  return `${at}(pid ${parsed[2]}, host ${host}, invocation ${parsed[1]})`;
}

const HOLDER_SQL = `
select l.pid as backend_pid, a.application_name, a.query_start, a.backend_start, host(a.client_addr) as client_addr
from pg_locks l
left join pg_stat_activity a on a.pid = l.pid
where l.locktype = 'advisory' and l.granted and l.objsubid = 1
  and l.database = (select oid from pg_database where datname = current_database())
  and l.classid = $1::bigint::oid and l.objid = $2::bigint::oid
limit 1`;

/**
 * Takes the run lock of `target` on a new connection made from `config` (the adapter's, without its
 * password ever reaching a message). `onConnectError` turns a failed connection into the adapter's error.
 */
export async function acquirePostgresRunLock(
  config: pg.ClientConfig,
  target: PostgresTargetConfig,
  options: RunLockOptions,
  onConnectError: (err: unknown) => Error,
): Promise<RunLock> {
  const { key, classid, objid } = runLockKey(target.dbname, target.schema);
  const client = new pg.Client({ ...config, application_name: lockApplicationName(options.invocationId), statement_timeout: undefined, keepAlive: true });
  // A lost lock connection means a lost lock; the run's own connections see the same failure and report it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw onConnectError(err);
  }
  const end = () => client.end().catch(() => undefined);
  try {
    await pollLock<RunLock>(
      options,
      async (): Promise<RunLock | LockHeld> => {
        // A holder that ends between the two queries is not "holding": ask again.
        for (let tries = 0; ; tries++) {
          const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [key]);
          if (rows[0]?.locked === true) return { release: end };
          const holder = (await client.query<HolderRow>(HOLDER_SQL, [classid, objid])).rows[0];
          if (holder || tries >= 2) return { held: true, holder: describeHolder(holder) };
        }
      },
      (holder, waited) => targetLockedError(target, target.schema, holder, waited),
    );
  } catch (err) {
    await end();
    throw err;
  }
  // Ending the session releases a session-level advisory lock; no unlock statement is needed.
  return { release: end };
}
