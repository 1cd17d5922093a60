/**
 * `xform source freshness` against real warehouses, with load times relative to now. The session time zone
 * is set far from UTC so that comparing local and UTC clocks by mistake changes the outcome.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres, postgresProfile } from '../postgres-server.js';

const utcNow = "(current_timestamp at time zone 'UTC')";

function project(schema: string): Record<string, string> {
  return {
    'xform_project.yml': 'name: shop\nversion: "1"\nmodels:\n  shop:\n    +materialized: table\n',
    // Naive timestamps in UTC, and one timestamptz column.
    'models/loads/fresh_orders.sql': `select 1 as id, ${utcNow} - interval '30 minutes' as loaded_at`,
    'models/loads/tz_customers.sql': `select 1 as id, current_timestamp - interval '3 hours' as updated_at`,
    'models/loads/old_payments.sql': `select 1 as id, ${utcNow} - interval '3 days' as loaded_at`,
    'models/loads/events.sql': [
      `select 'heartbeat' as kind, ${utcNow} as loaded_at`,
      'union all',
      `select 'order' as kind, ${utcNow} - interval '2 days' as loaded_at`,
    ].join('\n'),
    'models/loads/empty_refunds.sql': `select 1 as id, ${utcNow} as loaded_at where 1 = 0`,
    'models/sources.yml': [
      'version: 2',
      'sources:',
      '  - name: shop',
      `    schema: ${schema}`,
      '    loaded_at_field: loaded_at',
      '    freshness:',
      '      warn_after: {count: 1, period: hour}',
      '      error_after: {count: 1, period: day}',
      '    tables:',
      '      - name: orders',
      '        identifier: fresh_orders',
      '      - name: customers',
      '        identifier: tz_customers',
      '        loaded_at_field: updated_at',
      '      - name: payments',
      '        identifier: old_payments',
      '      - name: events',
      '        freshness:',
      '          error_after: {count: 36, period: hour}',
      "          filter: kind = 'order'",
      '      - name: refunds',
      '        identifier: empty_refunds',
      '      - name: ghost',
      '        identifier: does_not_exist',
      '      - name: untracked',
      '        identifier: fresh_orders',
      '        freshness: null',
    ].join('\n'),
  };
}

interface SourcesJson {
  metadata: { dbt_schema_version: string; invocation_id: string };
  results: {
    unique_id: string;
    status: string;
    max_loaded_at?: string | null;
    snapshotted_at?: string;
    max_loaded_at_time_ago_in_s?: number | null;
    criteria?: Record<string, unknown>;
    error?: string;
  }[];
}

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function checkProject(root: string, env: Record<string, string> = {}): Promise<void> {
  const built = await runXform(['run'], { cwd: root, env });
  expect(built.code, built.stdout + built.stderr).toBe(0);

  const all = await runXform(['source', 'freshness'], { cwd: root, env });
  expect(all.code, all.stdout + all.stderr).toBe(1);
  expect(all.stdout).toMatch(/PASS\s+freshness of shop\.orders\s+(29|30|31)m \d+s ago/);
  expect(all.stdout).toMatch(/WARN\s+freshness of shop\.customers\s+(2h 59m|3h 0m|3h 1m) ago \(warn_after 1 hour, error_after 1 day\)/);
  expect(all.stdout).toMatch(/ERROR STALE\s+freshness of shop\.payments\s+3d 0h ago/);
  expect(all.stdout).toMatch(/ERROR STALE\s+freshness of shop\.events\s+(1d 23h|2d 0h) ago \(error_after 36 hours\)/);
  expect(all.stdout).toMatch(/ERROR STALE\s+freshness of shop\.refunds\s+no rows with a load time/);
  expect(all.stdout).toMatch(/ERROR\s+freshness of shop\.ghost/);
  expect(all.stdout).toContain('does_not_exist');
  expect(all.stdout).not.toContain('untracked');
  expect(all.stdout).toContain('Finished with errors: 1 pass, 1 warn, 3 stale, 1 runtime error');

  const file = JSON.parse(await readFile(path.join(root, 'target/sources.json'), 'utf8')) as SourcesJson;
  expect(file.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/sources/v3.json');
  const byId = new Map(file.results.map((r) => [r.unique_id, r]));
  expect([...byId.keys()].sort()).toEqual(
    ['customers', 'events', 'ghost', 'orders', 'payments', 'refunds'].map((t) => `source.shop.shop.${t}`),
  );
  const orders = byId.get('source.shop.shop.orders')!;
  expect(orders.status).toBe('pass');
  expect(orders.max_loaded_at_time_ago_in_s).toBeGreaterThan(29 * 60);
  expect(orders.max_loaded_at_time_ago_in_s).toBeLessThan(32 * 60);
  const ageFromTimes = (Date.parse(orders.snapshotted_at!) - Date.parse(orders.max_loaded_at!)) / 1000;
  expect(Math.abs(ageFromTimes - orders.max_loaded_at_time_ago_in_s!)).toBeLessThan(1);
  expect(Math.abs(Date.parse(orders.snapshotted_at!) - Date.now())).toBeLessThan(5 * 60_000);
  expect(orders.criteria).toEqual({ warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null });
  const customers = byId.get('source.shop.shop.customers')!;
  expect(customers.status).toBe('warn');
  expect(customers.max_loaded_at_time_ago_in_s).toBeGreaterThan(3 * 3600 - 120);
  expect(customers.max_loaded_at_time_ago_in_s).toBeLessThan(3 * 3600 + 120);
  expect(byId.get('source.shop.shop.payments')!.status).toBe('error');
  const events = byId.get('source.shop.shop.events')!;
  expect(events.status).toBe('error');
  expect(events.criteria).toEqual({ warn_after: { count: null, period: null }, error_after: { count: 36, period: 'hour' }, filter: "kind = 'order'" });
  expect(byId.get('source.shop.shop.refunds')).toMatchObject({ status: 'error', max_loaded_at: null, max_loaded_at_time_ago_in_s: null });
  const ghost = byId.get('source.shop.shop.ghost')!;
  expect(ghost.status).toBe('runtime error');
  expect(ghost.error).toContain('does_not_exist');

  // Selecting only fresh sources passes; -o writes the results where asked.
  const one = await runXform(['source', 'freshness', '--select', 'source:shop.orders', 'source:shop.customers', '-o', 'out/fresh.json'], { cwd: root, env });
  expect(one.code, one.stdout + one.stderr).toBe(0);
  expect(one.stdout).toContain('Done: 1 pass, 1 warn, 0 stale, 0 runtime error');
  const custom = JSON.parse(await readFile(path.join(root, 'out/fresh.json'), 'utf8')) as SourcesJson;
  expect(custom.results.map((r) => r.status).sort()).toEqual(['pass', 'warn']);
}

describe('xform source freshness on DuckDB', () => {
  it('grades each source table by its newest load time, in UTC, and writes sources.json', async () => {
    const root = await writeProject({
      ...project('main'),
      'profiles.yml': [
        'shop:',
        '  target: dev',
        '  outputs:',
        '    dev:',
        '      type: duckdb',
        '      path: target/xform.duckdb',
        '      schema: main',
        '      threads: 2',
        '      settings:',
        '        TimeZone: Asia/Kolkata',
      ].join('\n'),
    });
    roots.push(root);
    await checkProject(root);
  });

  it('says so when no selected source has a freshness rule', async () => {
    const root = await writeProject({
      'models/sources.yml': 'version: 2\nsources:\n  - name: shop\n    tables:\n      - name: orders\n',
    });
    roots.push(root);
    const result = await runXform(['source', 'freshness'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain('no selected source has a loaded_at_field and a freshness rule');
    const file = JSON.parse(await readFile(path.join(root, 'target/sources.json'), 'utf8')) as SourcesJson;
    expect(file.results).toEqual([]);
  });
});

describe('xform source freshness on PostgreSQL', () => {
  const server = withPostgres();

  it('grades each source table by its newest load time, in UTC, with the session in another time zone', async () => {
    const pgServer = server();
    const client = new pg.Client({ connectionString: pgServer.url });
    await client.connect();
    try {
      await client.query(`alter database ${pgServer.database} set timezone to 'Asia/Kolkata'`);
    } finally {
      await client.end();
    }
    const root = await writeProject({
      ...project('analytics'),
      'profiles.yml': postgresProfile(pgServer, { schema: 'analytics', threads: 2, passwordEnv: 'SHOP_PG_PASSWORD' }),
    });
    roots.push(root);
    await checkProject(root, { SHOP_PG_PASSWORD: pgServer.password });
  });
});
