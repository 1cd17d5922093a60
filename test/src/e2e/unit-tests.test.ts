/**
 * Model unit tests (`unit_tests:` in schema YAML) through the real CLI, on DuckDB and PostgreSQL: inputs
 * become CTEs of literal rows, nothing real is read or written, and a failing test shows its diff.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform, type CliResult } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres, postgresProfile } from '../postgres-server.js';

const SCHEMA_YML = `
version: 2
sources:
  - name: shop
    tables:
      - name: orders
      - name: events
models:
  - name: code_lengths
    columns:
      - name: code_len
        tests: [not_null]
unit_tests:
  - name: totals_per_customer
    description: sums each customer's orders; a column left out of a row is NULL
    model: order_totals
    given:
      - input: ref('customers')
        format: csv
        rows: |
          id,name
          1,ann
          2,bob
      - input: source('shop', 'orders')
        rows:
          - {id: 1, customer_id: 1, amount: 10, note: gift}
          - {id: 2, customer_id: 1, amount: 5.5}
          - {id: 3, customer_id: 2, amount: 7}
    expect:
      rows:
        - {name: ann, total: 15.5, notes: 1}
        - {name: bob, total: 7, notes: 0}
  - name: totals_wrong
    model: order_totals
    given:
      - input: ref('customers')
        rows: [{id: 1, name: ann}]
      - input: source('shop', 'orders')
        rows: [{id: 1, customer_id: 1, amount: 10, note: null}, {id: 2, customer_id: 1, amount: 5.5}]
    expect:
      rows: [{name: ann, total: 16}]
  - name: code_lengths_typed
    model: code_lengths
    given:
      - input: ref('raw_codes')
        rows: [{id: 1, code: 12345}]
    expect:
      rows: [{id: 1, code_len: 5}]
  - name: incremental_adds_new
    model: new_events
    overrides:
      macros: {is_incremental: true}
    given:
      - input: source('shop', 'events')
        rows: [{id: 1}, {id: 2}, {id: 3}]
      - input: this
        rows: [{id: 2}]
    expect:
      rows: [{id: 3}]
  - name: full_build_takes_all
    model: new_events
    given:
      - input: source('shop', 'events')
        rows: [{id: 1}, {id: 2}]
    expect:
      rows: [{id: 1}, {id: 2}]
  - name: scaled_by_var
    model: scaled
    overrides:
      vars: {factor: 10}
    config:
      tags: [math]
    given:
      - input: ref('raw_codes')
        rows: [{id: 2, code: x}]
    expect:
      rows: [{scaled: 20}]
`;

function project(sourceSchema: string): Record<string, string> {
  return {
    'xform_project.yml': 'name: shop\nversion: "1"\nmodels:\n  shop:\n    +materialized: table\n',
    'models/raw_codes.sql': "select 1 as id, cast('abc' as varchar(20)) as code",
    'models/customers.sql': "select 1 as id, 'real customer' as name",
    'models/code_lengths.sql': "select id, length(code) as code_len from {{ ref('raw_codes') }}",
    'models/order_totals.sql': [
      'select c.name, sum(o.amount) as total, count(o.note) as notes',
      "from {{ source('shop', 'orders') }} o",
      "join {{ ref('customers') }} c on c.id = o.customer_id",
      'group by c.name',
    ].join('\n'),
    'models/new_events.sql': [
      "{{ config(materialized='incremental', unique_key='id') }}",
      "select id from {{ source('shop', 'events') }}",
      '{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}',
    ].join('\n'),
    'models/scaled.sql': "select id * {{ var('factor', 1) }} as scaled from {{ ref('raw_codes') }}",
    'models/schema.yml': SCHEMA_YML.replace('  - name: shop\n', `  - name: shop\n    schema: ${sourceSchema}\n`),
  };
}

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

function expectRan(result: CliResult, status: 'PASS' | 'FAIL', name: string): void {
  expect(result.stdout).toMatch(new RegExp(`${status}\\s+test\\s+${name}\\b`));
}

async function checkProject(root: string, relationExists: (name: string) => Promise<boolean>, query: Query, env: Record<string, string> = {}): Promise<void> {
  const built = await runXform(['run', '-s', 'raw_codes', 'code_lengths'], { cwd: root, env });
  expect(built.code, built.stdout + built.stderr).toBe(0);

  const all = await runXform(['test', '--select', 'test_type:unit'], { cwd: root, env });
  expect(all.code, all.stdout + all.stderr).toBe(1);
  for (const name of ['totals_per_customer', 'code_lengths_typed', 'incremental_adds_new', 'full_build_takes_all', 'scaled_by_var']) {
    expectRan(all, 'PASS', name);
  }
  expectRan(all, 'FAIL', 'totals_wrong');
  expect(all.stdout).toContain('FAIL 1 expected row missing, 1 unexpected row');
  expect(all.stdout).toMatch(/-\s+\|\s+ann\s+\|\s+16\s*\n/);
  expect(all.stdout).toMatch(/\+\s+\|\s+ann\s+\|\s+15\.5\s*\n/);
  expect(all.stdout).not.toContain('not_null_code_lengths_code_len');
  expect(all.stdout + all.stderr).not.toMatch(/at .*\.js:\d+/);

  // Nothing real was read or written: the models under test were never built, the upstream is unchanged.
  for (const name of ['order_totals', 'new_events', 'scaled', 'customers']) expect(await relationExists(name)).toBe(false);
  expect(await query('select id, code from raw_codes')).toEqual([{ id: 1, code: 'abc' }]);

  const good = await runXform(['test', '--select', 'test_type:unit', '--exclude', 'totals_wrong'], { cwd: root, env });
  expect(good.code, good.stdout + good.stderr).toBe(0);
  expect(good.stdout).toContain('Done: 5 ok');

  const data = await runXform(['test', '--select', 'test_type:data'], { cwd: root, env });
  expect(data.code, data.stdout + data.stderr).toBe(0);
  expectRan(data, 'PASS', 'not_null_code_lengths_code_len');
  expect(data.stdout).not.toContain('code_lengths_typed');

  // Selecting a model selects its unit tests and its data tests.
  const byModel = await runXform(['test', '--select', 'code_lengths'], { cwd: root, env });
  expect(byModel.code, byModel.stdout + byModel.stderr).toBe(0);
  expectRan(byModel, 'PASS', 'code_lengths_typed');
  expectRan(byModel, 'PASS', 'not_null_code_lengths_code_len');
  const byTag = await runXform(['test', '--select', 'tag:math'], { cwd: root, env });
  expect(byTag.stdout).toMatch(/1 of 1\s+PASS\s+test\s+scaled_by_var/);
}

describe('unit tests on DuckDB', () => {
  it('run models on fixture rows, pass and fail with a diff, and never touch real tables', async () => {
    const root = await writeProject(project('shop'));
    roots.push(root);
    const query: Query = async (sql) => {
      const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 }, { projectRoot: root });
      try {
        return (await adapter.withConnection((c) => c.execute(sql))).rows;
      } finally {
        await adapter.close();
      }
    };
    const exists = async (name: string) => (await query(`select count(*) as n from information_schema.tables where table_name = '${name}'`))[0]!.n === 1;
    await checkProject(root, exists, query);
  });

  it('reports a parent of the model without fixture rows at its YAML line', async () => {
    const root = await writeProject({
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select id from {{ ref('a') }}",
      'models/schema.yml': ['unit_tests:', '  - name: t', '    model: b', '    given: []', '    expect: {rows: []}', '  - name: u', '    model: bb', '    expect: {rows: []}'].join('\n'),
    });
    roots.push(root);
    const result = await runXform(['test'], { cwd: root });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("models/schema.yml:2:5: error [XFORM_UNIT_TEST_MISSING_INPUT] unit test 't' in models/schema.yml: model 'b' reads ref('a'), which has no rows under 'given:'");
    expect(result.stderr).toContain('add "- input: ref(\'a\')" with its rows');
    expect(result.stderr).toContain("tests model 'bb', which does not exist");
    expect(result.stderr).toContain("did you mean 'b'?");
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('unit tests in xform build', () => {
  it('run before their model; a failing one keeps the model and its children from being built', async () => {
    const files = (expected: number) => ({
      'models/base.sql': 'select 2 as n',
      'models/doubled.sql': "select n * 2 as n from {{ ref('base') }}",
      'models/report.sql': "select n from {{ ref('doubled') }}",
      'models/schema.yml': [
        'unit_tests:',
        '  - name: doubles',
        '    model: doubled',
        "    given: [{input: \"ref('base')\", rows: [{n: 5}]}]",
        `    expect: {rows: [{n: ${expected}}]}`,
      ].join('\n'),
    });
    const root = await writeProject(files(11));
    roots.push(root);
    const failed = await runXform(['build'], { cwd: root });
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    const lines = failed.stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/OK\s+view\s+main\.base/)).toBeGreaterThanOrEqual(0);
    expect(at(/FAIL\s+test\s+doubles/)).toBeGreaterThan(at(/OK\s+view\s+main\.base/));
    expect(failed.stdout).toMatch(/SKIP\s+view\s+main\.doubled/);
    expect(failed.stdout).toMatch(/SKIP\s+view\s+main\.report/);
    expect(failed.stdout).toContain("skipped: upstream unit_test 'doubles' failed");

    await writeProject(files(10), root);
    const passed = await runXform(['build'], { cwd: root });
    expect(passed.code, passed.stdout + passed.stderr).toBe(0);
    const order = passed.stdout.split('\n');
    const idx = (re: RegExp) => order.findIndex((l) => re.test(l));
    expect(idx(/PASS\s+test\s+doubles/)).toBeGreaterThanOrEqual(0);
    expect(idx(/PASS\s+test\s+doubles/)).toBeLessThan(idx(/OK\s+view\s+main\.doubled/));
    expect(idx(/OK\s+view\s+main\.report/)).toBeGreaterThan(0);
  });
});

describe('unit tests on PostgreSQL', () => {
  const server = withPostgres();

  it('run models on fixture rows, pass and fail with a diff, and never touch real tables', async () => {
    const pgServer = server();
    const root = await writeProject({
      ...project('shop'),
      'profiles.yml': postgresProfile(pgServer, { schema: 'analytics', threads: 2 }),
    });
    roots.push(root);
    const query: Query = async (sql) => {
      const client = new pg.Client({ connectionString: pgServer.url });
      await client.connect();
      try {
        await client.query('set search_path to analytics');
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };
    const exists = async (name: string) =>
      Number((await query(`select count(*) as n from information_schema.tables where table_schema = 'analytics' and table_name = '${name}'`))[0]!.n) === 1;
    await checkProject(root, exists, query);
  });
});
