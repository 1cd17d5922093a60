/**
 * dbt's classic jaffle_shop, as its users have it: the unmodified project (its own dbt_project.yml, its
 * docs blocks, its 20 tests) copied to a temporary folder, a dbt-style profiles.yml in a separate
 * --profiles-dir, and `xform build` on DuckDB and on PostgreSQL. Test names are dbt's, so the results are
 * checked by the names dbt gives those tests.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createAdapter } from '@xform/adapter-duckdb';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/dbt/jaffle_shop', import.meta.url));

/** The names dbt gives jaffle_shop's tests (a dbt run of the project lists exactly these). */
const DBT_TEST_NAMES = [
  'unique_customers_customer_id',
  'not_null_customers_customer_id',
  'unique_orders_order_id',
  'not_null_orders_order_id',
  'not_null_orders_customer_id',
  'relationships_orders_customer_id__customer_id__ref_customers_',
  'accepted_values_orders_status__placed__shipped__completed__return_pending__returned',
  'not_null_orders_amount',
  'not_null_orders_credit_card_amount',
  'not_null_orders_coupon_amount',
  'not_null_orders_bank_transfer_amount',
  'not_null_orders_gift_card_amount',
  'unique_stg_customers_customer_id',
  'not_null_stg_customers_customer_id',
  'unique_stg_orders_order_id',
  'not_null_stg_orders_order_id',
  'accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned',
  'unique_stg_payments_payment_id',
  'not_null_stg_payments_payment_id',
  'accepted_values_stg_payments_payment_method__credit_card__coupon__bank_transfer__gift_card',
];

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map(removeProject));
});

/** The fixture copied as it is, and a folder holding only profiles.yml. */
async function jaffleShop(profiles: (root: string) => string): Promise<{ root: string; profilesDir: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-jaffle-'));
  const profilesDir = await mkdtemp(path.join(tmpdir(), 'xform-jaffle-profiles-'));
  dirs.push(root, profilesDir);
  await cp(FIXTURE, root, { recursive: true });
  await writeFile(path.join(profilesDir, 'profiles.yml'), profiles(root));
  return { root, profilesDir };
}

interface RunResults {
  results: { unique_id: string; status: string }[];
}

async function expectGreenBuild(root: string, profilesDir: string, env: Record<string, string> = {}): Promise<void> {
  const build = await runXform(['build', '--profiles-dir', profilesDir], { cwd: root, env, timeoutMs: 180_000 });
  expect(build.code, build.stdout + build.stderr).toBe(0);
  const { results } = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as RunResults;
  const byKind = (kind: string) => results.filter((r) => r.unique_id.startsWith(`${kind}.`));
  expect(byKind('seed').map((r) => [r.unique_id, r.status]).sort()).toEqual(
    ['raw_customers', 'raw_orders', 'raw_payments'].map((s) => [`seed.jaffle_shop.${s}`, 'success']),
  );
  expect(byKind('model').map((r) => [r.unique_id, r.status]).sort()).toEqual(
    ['customers', 'orders', 'stg_customers', 'stg_orders', 'stg_payments'].map((m) => [`model.jaffle_shop.${m}`, 'success']),
  );
  const tests = byKind('test').map((r) => [r.unique_id.split('.')[2], r.status]);
  expect(tests.sort()).toEqual(DBT_TEST_NAMES.map((name) => [name, 'pass']).sort());
}

describe('dbt jaffle_shop, unmodified', () => {
  it('builds green on DuckDB: 3 seeds, 5 models, its 20 tests by their dbt names', async () => {
    const { root, profilesDir } = await jaffleShop((dir) =>
      ['jaffle_shop:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', `      path: ${JSON.stringify(path.join(dir, 'jaffle_shop.duckdb'))}`, '      threads: 2', ''].join('\n'),
    );
    await expectGreenBuild(root, profilesDir);
    // Its docs blocks: the orders' status is described by {{ doc("orders_status") }}, and the overview is kept.
    const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as {
      docs: Record<string, { block_contents: string }>;
      nodes: Record<string, { columns: Record<string, { description: string }> }>;
    };
    expect(manifest.docs['doc.jaffle_shop.__overview__']!.block_contents).toMatch(/^## Data Documentation for Jaffle Shop\n/);
    expect(manifest.nodes['model.jaffle_shop.orders']!.columns.status!.description).toMatch(/^Orders can be one of the following statuses:\n\n\| status/);
    const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: path.join(root, 'jaffle_shop.duckdb'), schema: 'main', threads: 1 }, { projectRoot: root });
    try {
      const rows = await adapter.withConnection((c) => c.execute('select (select count(*) from main.customers) as customers, (select count(*) from main.orders) as orders'));
      expect(rows.rows.map((r) => ({ customers: Number(r.customers), orders: Number(r.orders) }))).toEqual([{ customers: 100, orders: 99 }]);
    } finally {
      await adapter.close();
    }
  });

  describe('on PostgreSQL', () => {
    const server = withPostgres();

    it('builds green on PostgreSQL: 3 seeds, 5 models, its 20 tests by their dbt names', async () => {
      const pgServer = server();
      const { root, profilesDir } = await jaffleShop(() => postgresProfile(pgServer, { profile: 'jaffle_shop', schema: 'dbt_jaffle', threads: 4, passwordEnv: 'JAFFLE_PG_PASSWORD' }));
      await expectGreenBuild(root, profilesDir, { JAFFLE_PG_PASSWORD: pgServer.password });
      const client = new pg.Client({ connectionString: pgServer.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ customers: string; orders: string }>(
          'select (select count(*) from dbt_jaffle.customers) as customers, (select count(*) from dbt_jaffle.orders) as orders',
        );
        expect(rows).toEqual([{ customers: '100', orders: '99' }]);
      } finally {
        await client.end();
      }
    });
  });
});
