import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres, withPostgres } from './postgres-server.js';

describe('startPostgres', () => {
  it('starts a server with password auth, answers select 1, and stop() removes everything', async () => {
    const started = Date.now();
    const server = await startPostgres();
    const startupMs = Date.now() - started;
    try {
      expect(existsSync(server.dataDir)).toBe(true);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query('select 1 as one, current_database() as db, current_user as who');
      await client.end();
      expect(rows).toEqual([{ one: 1, db: server.database, who: server.user }]);

      const wrong = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database, password: 'wrong' });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/u);
      await wrong.end().catch(() => undefined);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.dataDir)).toBe(false);
    const after = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 1000 });
    await expect(after.connect()).rejects.toThrow();
    // Informational: the brief's budget is < 3 s on a warm machine.
    console.log(`throw-away PostgreSQL started in ${startupMs} ms`);
  });
});

describe('withPostgres', () => {
  const server = withPostgres({ database: 'xform_other' });

  it('gives the tests of a file one running server', async () => {
    const client = new pg.Client({ connectionString: server().url });
    await client.connect();
    const { rows } = await client.query('select current_database() as db');
    await client.end();
    expect(rows).toEqual([{ db: 'xform_other' }]);
  });
});
