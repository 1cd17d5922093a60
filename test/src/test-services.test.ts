import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { askTestService, type SharedChromium, type SharedPostgres } from './helpers/shared-services.js';
import { postgresDatabase } from './postgres-server.js';

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe("the test run's shared services", () => {
  it('one PostgreSQL server; each caller a database of its own, dropped by its stop()', async () => {
    const shared = await askTestService<SharedPostgres>('/postgres');
    expect(shared).toBeDefined();
    const [a, b] = await Promise.all([postgresDatabase(), postgresDatabase()]);
    try {
      expect([a.port, b.port]).toEqual([shared!.port, shared!.port]);
      expect(a.database).toMatch(/^xform_test_[0-9a-f]{8}$/u);
      expect(b.database).not.toBe(a.database);

      await query(a.url, 'create table only_in_a as select 1 as x');
      expect(await query(a.url, 'select x, current_database() as db from only_in_a')).toEqual([{ x: 1, db: a.database }]);
      await expect(query(b.url, 'select x from only_in_a')).rejects.toThrow(/relation "only_in_a" does not exist/u);

      // A connection still open (a CLI run a test left behind) does not keep the database from going.
      const lingering = new pg.Client({ connectionString: a.url });
      lingering.on('error', () => undefined);
      await lingering.connect();
      await a.stop();
      await expect(query(a.url, 'select 1')).rejects.toThrow(new RegExp(`database "${a.database}" does not exist`, 'u'));
      await lingering.end().catch(() => undefined);
      expect(await query(b.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('one Chromium; each caller connects with pages of its own, and closing one leaves the other', async () => {
    const first = await askTestService<SharedChromium>('/chromium');
    const again = await askTestService<SharedChromium>('/chromium');
    expect(first?.wsEndpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//u);
    expect(again?.wsEndpoint).toBe(first?.wsEndpoint);

    const [one, two] = await Promise.all([launchChromium(), launchChromium()]);
    try {
      const page = await one.newPage();
      await page.setContent('<p id="who">one</p>');
      expect(one.contexts()).toHaveLength(1);
      expect(two.contexts()).toHaveLength(0);
      await one.close();
      const other = await two.newPage();
      await other.setContent('<p id="who">two</p>');
      expect(await other.textContent('#who')).toBe('two');
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
