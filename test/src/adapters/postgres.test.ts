/** The adapter suite on a throw-away PostgreSQL server, plus PostgreSQL-only behaviour. */
import { createAdapter } from '@xform/adapter-postgres';
import type { PostgresTargetConfig } from '@xform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDatabase, type PostgresServer } from '../postgres-server.js';
import { defineAdapterSuite } from './adapter-suite.js';

let server: PostgresServer | undefined;
let starting: Promise<PostgresServer> | undefined;

/** One database for the whole file (on the run's server), made by whichever block needs it first. */
function ensureServer(): Promise<PostgresServer> {
  starting ??= postgresDatabase().then((s) => (server = s));
  return starting;
}

function target(s: PostgresServer, extra: Partial<PostgresTargetConfig> = {}): PostgresTargetConfig {
  return {
    type: 'postgres',
    name: 'test',
    schema: 'public',
    threads: 4,
    host: s.host,
    port: s.port,
    user: s.user,
    password: s.password,
    dbname: s.database,
    ...extra,
  };
}

afterAll(async () => {
  await server?.stop();
});

defineAdapterSuite('postgres', async () => createAdapter(target(await ensureServer()), { projectRoot: process.cwd() }), {
  param: (i) => `$${i}`,
  longQuery: 'select pg_sleep(30)',
});

describe('postgres adapter', () => {
  let s: PostgresServer;
  beforeAll(async () => {
    s = await ensureServer();
  });

  it('fails to connect with host, port, database and user in the message, never the password', async () => {
    const secret = 'Sup3r-Secret-Pw';
    const adapter = await createAdapter(target(s, { password: secret }), { projectRoot: process.cwd() });
    const err = (await adapter.withConnection((c) => c.execute('select 1')).catch((e: unknown) => e)) as Error & {
      code: string;
    };
    await adapter.close();
    expect(err.code).toBe('XFORM_CONNECTION_FAILED');
    expect(err.message).toContain(`${s.host}:${s.port}`);
    expect(err.message).toContain(`database ${s.database}`);
    expect(err.message).toContain(`user ${s.user}`);
    expect(err.message).toMatch(/password authentication failed/u);
    const everything = JSON.stringify({ message: err.message, hint: (err as { hint?: string }).hint, stack: err.stack });
    expect(everything).not.toContain(secret);

    const closed = await createAdapter(target(s, { port: 1, connect_timeout: 2 }), { projectRoot: process.cwd() });
    const refused = await closed.acquire().catch((e: unknown) => e);
    await closed.close();
    expect(refused).toMatchObject({ code: 'XFORM_CONNECTION_FAILED', message: expect.stringContaining('127.0.0.1:1') });
    expect(JSON.stringify(refused)).not.toContain(s.password);
  });

  it('applies search_path, role, application_name and statement_timeout to every session', async () => {
    const adapter = await createAdapter(
      target(s, { search_path: 'xform_path, public', application_name: 'xform-test', statement_timeout: 200, role: s.user }),
      { projectRoot: process.cwd() },
    );
    try {
      const info = await adapter.withConnection((c) =>
        c.execute(
          `select current_setting('search_path') as path, current_setting('application_name') as app, current_user as who`,
        ),
      );
      expect(info.rows[0]).toEqual({ path: 'xform_path, public', app: 'xform-test', who: s.user });
      const err = await adapter.withConnection((c) => c.execute('select pg_sleep(2)')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR', sqlState: '57014' });
      expect((await adapter.describe())).toMatchObject({ type: 'postgres', database: s.database, user: s.user, host: `${s.host}:${s.port}` });
    } finally {
      await adapter.close();
    }
  });

  it('reports the SQL position of an error as line and column', async () => {
    const adapter = await createAdapter(target(s), { projectRoot: process.cwd() });
    try {
      const err = await adapter.withConnection((c) => c.execute('select 1\nfrom nowhere_at_all')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR', sqlState: '42P01', sqlPosition: { line: 2, column: 6 } });
    } finally {
      await adapter.close();
    }
  });
});
