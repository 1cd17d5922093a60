import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres, postgresProfile } from '../postgres-server.js';

/** A small medallion project: seeds -> bronze view -> silver table -> gold incremental + table. */
const MEDALLION = {
  'xform_project.yml': [
    'name: shop',
    'version: "1"',
    'models:',
    '  shop:',
    '    bronze: {+materialized: view, +layer: bronze}',
    '    silver: {+materialized: table, +layer: silver}',
    '    gold: {+materialized: table, +layer: gold}',
    'layer-rules:',
    '  forbid-backward: true',
    '  forbid-skip: true',
  ].join('\n'),
  'seeds/raw_orders.csv': 'order_id,customer,amount,status\n1,ann,10.5,placed\n2,bob,20,shipped\n3,ann,5,cancelled\n4,"O\'Brien, Pat",7.25,placed\n',
  'models/bronze/brz_orders.sql': "select * from {{ ref('raw_orders') }}",
  'models/silver/slv_orders.sql': "select order_id, customer, amount from {{ ref('brz_orders') }} where status <> 'cancelled'",
  'models/gold/gld_revenue.sql': "select customer, sum(amount) as revenue from {{ ref('slv_orders') }} group by customer",
  'models/gold/gld_orders_inc.sql': [
    "{{ config(materialized='incremental', unique_key='order_id') }}",
    "select order_id, amount from {{ ref('slv_orders') }}",
    '{% if is_incremental() %}where order_id > (select max(order_id) from {{ this }}){% endif %}',
  ].join('\n'),
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: slv_orders',
    '    columns:',
    '      - name: order_id',
    '        tests: [not_null, unique]',
  ].join('\n'),
};

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function duckRows(root: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await createAdapter(
    { type: 'duckdb', name: 'dev', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 },
    { projectRoot: root },
  );
  try {
    return (await adapter.withConnection((c) => c.execute(sql))).rows;
  } finally {
    await adapter.close();
  }
}

describe('xform build on embedded DuckDB with no profile', () => {
  it('builds seeds, models and tests in DAG order, and a second build converges', async () => {
    const root = await writeProject(MEDALLION);
    roots.push(root);
    const first = await runXform(['build'], { cwd: root });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/OK\s+seed\s+main\.raw_orders/);
    expect(first.stdout).toMatch(/PASS\s+test\s+unique_slv_orders_order_id/);
    expect(first.stdout).toContain('Done');
    expect(await duckRows(root, 'select customer, revenue from main.gld_revenue order by customer')).toEqual([
      { customer: "O'Brien, Pat", revenue: 7.25 },
      { customer: 'ann', revenue: 10.5 },
      { customer: 'bob', revenue: 20 },
    ]);
    const second = await runXform(['build'], { cwd: root });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(await duckRows(root, 'select count(*) as n from main.gld_orders_inc')).toEqual([{ n: 3 }]);
    const results = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as { results: { status: string }[] };
    expect(results.results.length).toBeGreaterThan(0);
    expect(results.results.every((r) => r.status === 'success' || r.status === 'pass')).toBe(true);
  });

  it('keeps the previous table when a model fails, and skips its descendants', async () => {
    const root = await writeProject(MEDALLION);
    roots.push(root);
    expect((await runXform(['build'], { cwd: root })).code).toBe(0);
    await writeFile(path.join(root, 'models/silver/slv_orders.sql'), "select order_id, no_such_column from {{ ref('brz_orders') }}");
    const broken = await runXform(['run'], { cwd: root });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/ERROR\s+table\s+main\.slv_orders/);
    expect(broken.stdout).toContain('no_such_column');
    expect(broken.stdout).toMatch(/SKIP\s+table\s+main\.gld_revenue/);
    expect(broken.stdout).toMatch(/skipped: upstream model 'slv_orders' failed/);
    expect(await duckRows(root, 'select count(*) as n from main.slv_orders')).toEqual([{ n: 3 }]);
    const leftovers = await duckRows(root, "select table_name from information_schema.tables where table_name like '%xform%'");
    expect(leftovers).toEqual([]);
  });

  it('selects with --select and prints JSON events with --log-format json', async () => {
    const root = await writeProject(MEDALLION);
    roots.push(root);
    expect((await runXform(['seed'], { cwd: root })).code).toBe(0);
    const result = await runXform(['run', '-s', '+slv_orders', '--log-format', 'json'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; id?: string; status?: string });
    const finished = events.filter((e) => e.type === 'node_finish').map((e) => e.id);
    expect(finished.sort()).toEqual(['model.shop.brz_orders', 'model.shop.slv_orders']);
    expect(events.at(-1)).toMatchObject({ type: 'summary', ok: 2, error: 0 });
  });
});

describe('xform build on PostgreSQL with a profile', () => {
  const server = withPostgres();

  it('builds the same project, reading the password from an env var', async () => {
    const pgServer = server();
    const root = await writeProject({
      ...MEDALLION,
      'profiles.yml': postgresProfile(pgServer, { schema: 'analytics', threads: 4, passwordEnv: 'SHOP_PG_PASSWORD' }),
    });
    roots.push(root);
    const env = { SHOP_PG_PASSWORD: pgServer.password };
    const debug = await runXform(['debug'], { cwd: root, env });
    expect(debug.code, debug.stdout + debug.stderr).toBe(0);
    expect(debug.stdout).toContain('Connection OK');
    const result = await runXform(['build'], { cwd: root, env });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(pgServer.password);
    const client = new pg.Client({ connectionString: pgServer.url });
    await client.connect();
    try {
      const { rows } = await client.query('select customer, revenue::float8 as revenue from analytics.gld_revenue order by customer collate "C"');
      expect(rows).toEqual([
        { customer: "O'Brien, Pat", revenue: 7.25 },
        { customer: 'ann', revenue: 10.5 },
        { customer: 'bob', revenue: 20 },
      ]);
    } finally {
      await client.end();
    }
  });
});
