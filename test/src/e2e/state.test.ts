/**
 * State-aware CI through the CLI, on DuckDB and PostgreSQL: build production, keep its target/ as the
 * state, change one model's body, one macro and another model's config, then `ls --select state:modified`,
 * `build --select state:modified+ --defer` into an empty schema (unmodified parents read from production),
 * `--favor-state`, and `clone`.
 */
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createAdapter } from '@xform/adapter-duckdb';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, type CliResult } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres, type PostgresServer } from '../postgres-server.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const PROJECT = {
  // A target-dependent config is not a change between production and CI (dbt compares it as written).
  'xform_project.yml': `name: shop\nversion: "1"\nmodels:\n  shop:\n    by_target:\n      +materialized: "{{ 'table' if target.name == 'prod' else 'view' }}"\n`,
  'models/by_target.sql': 'select 2 as y\n',
  'seeds/raw_orders.csv': 'id,amount\n1,100\n2,250\n3,50\n',
  'macros/money.sql': '{% macro to_dollars(col) %}({{ col }} / 100.0){% endmacro %}\n',
  'models/stg_orders.sql': "select id, amount from {{ ref('raw_orders') }} where id <= {{ var('max_id', 99) }}\n",
  'models/orders_usd.sql': "select id, {{ to_dollars('amount') }} as usd from {{ ref('stg_orders') }}\n",
  'models/order_flags.sql': "select id, amount > 100 as big from {{ ref('stg_orders') }}\n",
  'models/big_orders.sql': "{{ config(materialized='view') }}\nselect id, amount from {{ ref('stg_orders') }} where amount > 150\n",
  'models/order_count.sql': "select count(*) as n from {{ ref('big_orders') }}\n",
  'models/by_var.sql': "{{ config(materialized=var('mat', 'view')) }}\nselect 1 as x\n",
};

/** One body, one macro, one config: three modified models (order_count is only their child). */
const CHANGES = {
  'models/order_flags.sql': "select id, amount > 200 as big from {{ ref('stg_orders') }}\n",
  'macros/money.sql': '{% macro to_dollars(col) %}round({{ col }} / 100.0, 2){% endmacro %}\n',
  'models/big_orders.sql': "{{ config(materialized='table') }}\nselect id, amount from {{ ref('stg_orders') }} where amount > 150\n",
};

interface Warehouse {
  profile: (schemas: string[]) => string;
  env: () => Record<string, string>;
  query: (root: string, sql: string) => Promise<Record<string, unknown>[]>;
}

const plain = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) ? Number(v) : v])));

const duckdb: Warehouse = {
  profile: (schemas) => ['shop:', '  target: prod', '  outputs:', ...schemas.map((s) => `    ${s}: {type: duckdb, path: wh.duckdb, schema: ${s}}`), ''].join('\n'),
  env: () => ({}),
  async query(root, sql) {
    const adapter = await createAdapter({ type: 'duckdb', name: 'q', path: path.join(root, 'wh.duckdb'), schema: 'prod', threads: 1 }, { projectRoot: root });
    try {
      return plain((await adapter.withConnection((c) => c.execute(sql))).rows);
    } finally {
      await adapter.close();
    }
  },
};

function postgres(server: () => PostgresServer): Warehouse {
  return {
    profile: (schemas) => {
      const s = server();
      return [
        'shop:',
        '  target: prod',
        '  outputs:',
        ...schemas.map((schema) => `    ${schema}: {type: postgres, host: ${s.host}, port: ${s.port}, user: ${s.user}, password: "{{ env_var('STATE_PG_PASSWORD') }}", dbname: ${s.database}, schema: ${schema}, threads: 2}`),
        '',
      ].join('\n');
    },
    env: () => ({ STATE_PG_PASSWORD: server().password }),
    async query(_root, sql) {
      const client = new pg.Client({ connectionString: server().url });
      await client.connect();
      try {
        return plain((await client.query(sql)).rows as Record<string, unknown>[]);
      } finally {
        await client.end();
      }
    },
  };
}

/** Production built into schema `prod`, its target/ copied to `old/`, then the three changes made. */
async function changedProject(w: Warehouse, schemas: string[]): Promise<{ root: string; xform: (...args: string[]) => Promise<CliResult> }> {
  const root = await writeProject({ ...PROJECT, 'profiles.yml': w.profile(['prod', ...schemas]) });
  roots.push(root);
  const xform = (...args: string[]) => runXform(args, { cwd: root, env: w.env() });
  const prod = await xform('build');
  expect(prod.code, prod.stdout + prod.stderr).toBe(0);
  await cp(path.join(root, 'target'), path.join(root, 'old'), { recursive: true });
  await writeProject({ 'xform_project.yml': PROJECT['xform_project.yml'], ...CHANGES }, root);
  return { root, xform };
}

const lines = (r: CliResult) => r.stdout.trim().split('\n').filter((l) => l !== '').sort();

function stateSuite(name: string, warehouse: () => Warehouse, schema: (s: string) => string): void {
  it(`${name}: state:modified lists exactly the changed body, macro and config; + adds their children`, async () => {
    const { xform } = await changedProject(warehouse(), ['ci']);
    const modified = await xform('ls', '--select', 'state:modified', '--state', 'old');
    expect(modified.code, modified.stderr).toBe(0);
    expect(lines(modified)).toEqual(['shop.big_orders', 'shop.order_flags', 'shop.orders_usd']);
    expect(lines(await xform('ls', '--select', 'state:modified', '--state', 'old', '-t', 'ci'))).toEqual(lines(modified));
    const withChildren = await xform('ls', '--select', 'state:modified+', '--state', 'old');
    expect(lines(withChildren)).toEqual(['shop.big_orders', 'shop.order_count', 'shop.order_flags', 'shop.orders_usd']);
    // Each part on its own.
    const part = async (p: string) => lines(await xform('ls', '-s', `state:modified.${p}`, '--state', 'old', '--resource-type', 'model'));
    // big_orders' config() is in its file, so its text changed too (as dbt sees it).
    expect(await part('body')).toEqual(['shop.big_orders', 'shop.order_flags']);
    expect(await part('macros')).toEqual(['shop.orders_usd']);
    expect(await part('configs')).toEqual(['shop.big_orders']);
    expect(await part('relation')).toEqual([]);
    // A var in config() is compared as written, as dbt does by default: another value is no change.
    const byVar = await xform('ls', '-s', 'state:modified', '--state', 'old', '--resource-type', 'model', '--vars', '{mat: table}');
    expect(lines(byVar)).toEqual(lines(modified));
  });

  it(`${name}: build state:modified+ --defer into an empty schema reads unmodified parents from production`, async () => {
    const w = warehouse();
    const { root, xform } = await changedProject(w, ['ci']);
    // Without --defer the empty schema has no stg_orders: the build cannot succeed.
    const alone = await xform('build', '-t', 'ci', '--select', 'state:modified+', '--state', 'old');
    expect(alone.code).toBe(1);
    const build = await xform('build', '-t', 'ci', '--select', 'state:modified+', '--defer', '--state', 'old');
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stderr).toMatch(/deferring 1 unselected node to .*old: stg_orders/);
    const runResults = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> };
    expect(runResults.args).toMatchObject({ select: ['state:modified+'], state: 'old', defer: true, favor_state: false });
    expect(await w.query(root, `select id, usd from ${schema('ci')}.orders_usd order by id`)).toEqual([
      { id: 1, usd: 1 },
      { id: 2, usd: 2.5 },
      { id: 3, usd: 0.5 },
    ]);
    expect(await w.query(root, `select id, big from ${schema('ci')}.order_flags order by id`)).toEqual([
      { id: 1, big: false },
      { id: 2, big: true },
      { id: 3, big: false },
    ]);
    expect(await w.query(root, `select n from ${schema('ci')}.order_count`)).toEqual([{ n: 1 }]);
    // Nothing unselected was built in the CI schema.
    await expect(w.query(root, `select * from ${schema('ci')}.stg_orders`)).rejects.toThrow();
  });

  it(`${name}: --favor-state reads production even where the target has its own relation`, async () => {
    const w = warehouse();
    const { root, xform } = await changedProject(w, ['cif']);
    // The CI schema's own stg_orders holds only order 1 (amount 100: not big).
    const own = await xform('run', '-t', 'cif', '-s', 'stg_orders', '--defer', '--state', 'old', '--vars', '{max_id: 1}');
    expect(own.code, own.stdout + own.stderr).toBe(0);
    const deferred = await xform('run', '-t', 'cif', '-s', 'big_orders', '--defer', '--state', 'old');
    expect(deferred.code, deferred.stdout + deferred.stderr).toBe(0);
    expect(await w.query(root, `select id from ${schema('cif')}.big_orders order by id`)).toEqual([]);
    const favored = await xform('run', '-t', 'cif', '-s', 'big_orders', '--defer', '--favor-state', '--state', 'old');
    expect(favored.code, favored.stdout + favored.stderr).toBe(0);
    expect(await w.query(root, `select id from ${schema('cif')}.big_orders order by id`)).toEqual([{ id: 2 }]);
  });

  it(`${name}: clone creates the state's relations in the target, readable`, async () => {
    const w = warehouse();
    const { root, xform } = await changedProject(w, ['dev']);
    const clone = await xform('clone', '-t', 'dev', '--state', 'old');
    expect(clone.code, clone.stdout + clone.stderr).toBe(0);
    expect(clone.stdout).toMatch(/clone: 0 cloned, 8 as views, 0 skipped, 0 errors/);
    expect(await w.query(root, `select id, amount from ${schema('dev')}.stg_orders order by id`)).toEqual([
      { id: 1, amount: 100 },
      { id: 2, amount: 250 },
      { id: 3, amount: 50 },
    ]);
    expect(await w.query(root, `select n from ${schema('dev')}.order_count`)).toEqual([{ n: 1 }]);
    // --select narrows it; an existing view is replaced, not an error.
    const again = await xform('clone', '-t', 'dev', '--state', 'old', '-s', 'big_orders');
    expect(again.stdout).toMatch(/clone: 0 cloned, 1 as views, 0 skipped, 0 errors/);
    // A table the developer built in the target is kept, unless --full-refresh.
    expect((await xform('run', '-t', 'dev', '-s', 'big_orders', '--defer', '--state', 'old')).code).toBe(0);
    const kind = async () => (await w.query(root, `select table_type from information_schema.tables where table_schema = 'dev' and table_name = 'big_orders'`))[0]?.table_type;
    expect(await kind()).toBe('BASE TABLE');
    const kept = await xform('clone', '-t', 'dev', '--state', 'old', '-s', 'big_orders');
    expect(kept.stdout).toMatch(/SKIP .*big_orders: .*already exists as a table \(use --full-refresh to replace it\)/);
    expect(await kind()).toBe('BASE TABLE');
    const replaced = await xform('clone', '-t', 'dev', '--state', 'old', '-s', 'big_orders', '--full-refresh');
    expect(replaced.stdout).toMatch(/clone: 0 cloned, 1 as views, 0 skipped, 0 errors/);
    expect(await kind()).toBe('VIEW');
    // Production rebuilds its tables with the target's views reading them, which keep working.
    const rebuild = await xform('build');
    expect(rebuild.code, rebuild.stdout + rebuild.stderr).toBe(0);
    expect(await w.query(root, `select count(*) as n from ${schema('dev')}.stg_orders`)).toEqual([{ n: 3 }]);
  });
}

describe('state:modified, --defer and clone', () => {
  stateSuite('DuckDB', () => duckdb, (s) => s);

  it('a missing --state folder names the path and exits 2; state: without --state says what to add', async () => {
    const root = await writeProject({ ...PROJECT, 'profiles.yml': duckdb.profile(['prod']) });
    roots.push(root);
    const missing = await runXform(['ls', '-s', 'state:modified', '--state', 'no-such-dir'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`XFORM_STATE_NOT_FOUND] --state no-such-dir: no such folder (${path.join(root, 'no-such-dir')})`);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    await writeProject({ 'xform_project.yml': PROJECT['xform_project.yml'], 'empty/readme.txt': 'no manifest here\n', 'broken/manifest.json': '{"nodes": ' }, root);
    const empty = await runXform(['build', '-s', 'state:modified', '--state', 'empty'], { cwd: root });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`XFORM_STATE_NOT_FOUND] --state: ${path.join(root, 'empty')} has no manifest.json`);
    const broken = await runXform(['ls', '-s', 'state:new', '--state', 'broken'], { cwd: root });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`XFORM_STATE_INVALID] --state: ${path.join(root, 'broken', 'manifest.json')} is not valid JSON`);
    const noState = await runXform(['ls', '-s', 'state:modified+'], { cwd: root });
    expect(noState.code).toBe(2);
    expect(noState.stderr).toMatch(/XFORM_STATE_REQUIRED.*no --state was given\n.*--state <dir>/);
    const deferAlone = await runXform(['build', '--defer'], { cwd: root });
    expect(deferAlone.code).toBe(2);
    expect(deferAlone.stderr).toMatch(/--defer needs --state/);
  });

  it('compile --defer writes SQL reading the state relation; result:error+ selects what failed last time and its children', async () => {
    const { root, xform } = await changedProject(duckdb, ['ci']);
    const compiledFlags = () => readFile(path.join(root, 'target/compiled/models/order_flags.sql'), 'utf8');
    expect((await xform('compile', '-t', 'ci', '-s', 'order_flags', '--state', 'old')).code).toBe(0);
    expect(await compiledFlags()).toMatch(/from "ci"\."stg_orders"/);
    const deferred = await xform('compile', '-t', 'ci', '-s', 'order_flags', '--defer', '--state', 'old');
    expect(deferred.code, deferred.stderr).toBe(0);
    expect(await compiledFlags()).toMatch(/from "prod"\."stg_orders"/);

    await writeProject({ 'xform_project.yml': PROJECT['xform_project.yml'], 'models/broken.sql': 'select * from no_such_table\n', 'models/after_broken.sql': "select * from {{ ref('broken') }}\n" }, root);
    expect((await xform('run', '-s', 'broken+', 'stg_orders')).code).toBe(1);
    await cp(path.join(root, 'target'), path.join(root, 'failed'), { recursive: true });
    expect(lines(await xform('ls', '-s', 'result:error+', '--state', 'failed'))).toEqual(['shop.after_broken', 'shop.broken']);
    expect(lines(await xform('ls', '-s', 'result:skipped', '--state', 'failed'))).toEqual(['shop.after_broken']);
    expect(lines(await xform('ls', '-s', 'result:success', '--state', 'failed'))).toEqual(['shop.stg_orders']);
  });

  it('source_status:fresher+ selects the sources loaded since the state\'s freshness check, and their children', async () => {
    const events = (day: string) => `id,loaded_at\n1,2024-01-0${day} 00:00:00\n`;
    const root = await writeProject({
      'xform_project.yml': PROJECT['xform_project.yml'],
      'profiles.yml': duckdb.profile(['prod']),
      'seeds/events.csv': events('1'),
      'seeds/other_events.csv': events('1'),
      'models/sources.yml': 'sources:\n  - name: raw\n    schema: prod\n    loaded_at_field: loaded_at\n    freshness: {warn_after: {count: 1, period: day}}\n    tables: [{name: events}, {name: other_events}]\n',
      'models/recent.sql': "select * from {{ source('raw', 'events') }}\n",
      'models/other.sql': "select * from {{ source('raw', 'other_events') }}\n",
    });
    roots.push(root);
    const xform = (...args: string[]) => runXform(args, { cwd: root });
    expect((await xform('seed')).code).toBe(0);
    await xform('source', 'freshness');
    await cp(path.join(root, 'target'), path.join(root, 'old'), { recursive: true });
    await writeProject({ 'xform_project.yml': PROJECT['xform_project.yml'], 'seeds/events.csv': events('2') }, root);
    expect((await xform('seed', '-s', 'events')).code).toBe(0);
    await xform('source', 'freshness');
    expect(lines(await xform('ls', '-s', 'source_status:fresher+', '--state', 'old'))).toEqual(['shop.recent', 'source:raw.events']);
  });

  describe('on PostgreSQL', () => {
    const server = withPostgres();
    stateSuite('PostgreSQL', () => postgres(server), (s) => s);
  });
});
