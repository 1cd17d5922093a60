/** `xform clean`, `show`, `run-operation` and `parse` through the built CLI on DuckDB. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { duckRows } from '../helpers/duckdb.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function project(files: Record<string, string>): Promise<string> {
  const root = await writeProject(files);
  roots.push(root);
  return root;
}

const SHOP = {
  'models/orders.sql': "{{ config(materialized='table') }}select range as id, 'o' || range as code from range(1, 11)",
  'models/big_orders.sql': "select * from {{ ref('orders') }} where id > 3",
};

describe('xform clean', () => {
  it('deletes the target folder and dbt_packages by default, and only them', async () => {
    const root = await project({ ...SHOP, 'dbt_packages/p/x.sql': 'select 1', 'notes/keep.txt': 'mine' });
    expect((await runXform(['compile'], { cwd: root })).code).toBe(0);
    expect(existsSync(path.join(root, 'target/manifest.json'))).toBe(true);
    const result = await runXform(['clean'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('cleaned target/');
    expect(existsSync(path.join(root, 'target'))).toBe(false);
    expect(existsSync(path.join(root, 'dbt_packages'))).toBe(false);
    expect(existsSync(path.join(root, 'notes/keep.txt'))).toBe(true);
    expect(existsSync(path.join(root, 'models/orders.sql'))).toBe(true);
  });

  it('deletes the clean-targets of the project file', async () => {
    const root = await project({ 'xform_project.yml': 'name: demo\nversion: "1"\nclean-targets: [build_out]\n', 'build_out/x.txt': 'x', 'target/keep.txt': 'x' });
    expect((await runXform(['clean'], { cwd: root })).code).toBe(0);
    expect(existsSync(path.join(root, 'build_out'))).toBe(false);
    expect(existsSync(path.join(root, 'target/keep.txt'))).toBe(true);
  });

  it('refuses a target outside the project, or one holding its models, deleting nothing', async () => {
    const outside = path.join(tmpdir(), `xform-clean-outside-${process.pid}`);
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'precious.txt'), 'x');
    roots.push(outside);
    const root = await project({ 'xform_project.yml': `name: demo\nversion: "1"\nclean-targets: [target, "${outside}"]\n`, 'target/x.txt': 'x' });
    const result = await runXform(['clean'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[XFORM_CLEAN_REFUSED]');
    expect(result.stderr).toContain('outside the project folder');
    expect(existsSync(path.join(outside, 'precious.txt'))).toBe(true);
    expect(existsSync(path.join(root, 'target/x.txt'))).toBe(true);

    // Asked for, the path outside is deleted.
    const asked = await runXform(['clean', '--no-clean-project-files-only'], { cwd: root });
    expect(asked.code, asked.stderr).toBe(0);
    expect(existsSync(outside)).toBe(false);

    const models = await project({ 'xform_project.yml': 'name: demo\nversion: "1"\nclean-targets: ["."]\n', ...SHOP });
    expect((await runXform(['clean'], { cwd: models })).code).toBe(2);
    expect(existsSync(path.join(models, 'models/orders.sql'))).toBe(true);
  });
});

describe('xform show', () => {
  it("prints the first rows of a model's SQL without building it", async () => {
    const root = await project(SHOP);
    expect((await runXform(['run', '-s', 'orders'], { cwd: root })).code).toBe(0);
    const result = await runXform(['show', '--select', 'big_orders', '--limit', '2'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Previewing node 'big_orders':");
    expect(result.stdout).toMatch(/\|\s+id \| code \|/);
    expect(result.stdout).toMatch(/\|\s+4 \| o4\s+\|/);
    expect(result.stdout).toMatch(/\|\s+5 \| o5\s+\|/);
    expect(result.stdout).not.toContain('o6');
    // Nothing was built: big_orders is still not in the warehouse.
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), "select count(*) as n from information_schema.tables where table_name = 'big_orders'")).toEqual([{ n: 0 }]);
  });

  it('runs --inline SQL with ref() and prints JSON with --output json', async () => {
    const root = await project(SHOP);
    expect((await runXform(['run', '-s', 'orders'], { cwd: root })).code).toBe(0);
    const result = await runXform(['show', '--inline', "select id from {{ ref('orders') }} order by id desc", '--limit', '3', '--output', 'json'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ node: 'inline', show: [{ id: 10 }, { id: 9 }, { id: 8 }] });
  });

  it('names the model it cannot find, with a did-you-mean', async () => {
    const root = await project(SHOP);
    const result = await runXform(['show', '--select', 'ordrs'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean 'orders'");
  });
});

describe('xform run-operation', () => {
  const MACROS = {
    'macros/ops.sql': [
      '{% macro make_numbers(table_name, n=2) %}',
      '  {% do run_query("create or replace table main." ~ table_name ~ " as select range as i from range(" ~ n ~ ")") %}',
      '  {% call statement("count", fetch_result=True) %}select count(*) from main.{{ table_name }}{% endcall %}',
      '  {{ log("made " ~ load_result("count")["data"][0][0] ~ " rows in " ~ table_name, info=True) }}',
      '{% endmacro %}',
    ].join('\n'),
  };

  it('calls a macro with YAML --args on a live connection: run_query and statement run in the warehouse', async () => {
    const root = await project({ ...SHOP, ...MACROS });
    const result = await runXform(['run-operation', 'make_numbers', '--args', '{table_name: numbers, n: 4}'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('made 4 rows in numbers');
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), 'select count(*) as n from main.numbers')).toEqual([{ n: 4 }]);
  });

  it('suggests the macro meant when the name is unknown', async () => {
    const root = await project({ ...SHOP, ...MACROS });
    const result = await runXform(['run-operation', 'make_number'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[XFORM_MACRO_NOT_FOUND]');
    expect(result.stderr).toContain("did you mean 'make_numbers'");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('xform parse', () => {
  it('writes manifest.json without connecting and prints timings; --no-write-manifest writes nothing', async () => {
    // An unreachable PostgreSQL target: parse never connects.
    const profile = 'demo:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: 127.0.0.1, port: 1, user: u, password: p, dbname: d, schema: s}\n';
    const root = await project({ ...SHOP, 'profiles.yml': profile });
    const dry = await runXform(['parse', '--no-write-manifest'], { cwd: root });
    expect(dry.code, dry.stderr).toBe(0);
    expect(existsSync(path.join(root, 'target/manifest.json'))).toBe(false);
    const result = await runXform(['parse', '--write-manifest'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Parsed 2 models, \d+ macros in \d+\.\d\ds/);
    const manifest = JSON.parse(readFileSync(path.join(root, 'target/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.nodes).sort()).toEqual(['model.demo.big_orders', 'model.demo.orders']);
  });
});

describe('on PostgreSQL', () => {
  const server = withPostgres();

  it('run-operation creates a table, show previews a model, and --empty builds it with no rows', async () => {
    const s = server();
    const root = await project({
      'xform_project.yml': 'name: shop\nversion: "1"\n',
      'profiles.yml': postgresProfile(s, { profile: 'shop', schema: 'clitools' }),
      'macros/ops.sql': '{% macro load_raw(n) %}{% do run_query("create schema if not exists " ~ target.schema) %}{% do run_query("create table " ~ target.schema ~ ".raw_items as select generate_series(1, " ~ n ~ ") as id") %}{% endmacro %}',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: clitools\n    tables:\n      - name: raw_items\n',
      'models/items.sql': "{{ config(materialized='table') }}select id, id * 10 as price from {{ source('raw', 'raw_items') }}",
    });
    const op = await runXform(['run-operation', 'load_raw', '--args', '{n: 6}'], { cwd: root });
    expect(op.code, op.stdout + op.stderr).toBe(0);
    const show = await runXform(['show', '-s', 'items', '--limit', '2', '-o', 'json'], { cwd: root });
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout).show).toHaveLength(2);
    const empty = await runXform(['run', '--empty'], { cwd: root });
    expect(empty.code, empty.stdout + empty.stderr).toBe(0);
    const client = new pg.Client({ connectionString: s.url });
    await client.connect();
    try {
      expect((await client.query('select count(*)::int as n from clitools.raw_items')).rows).toEqual([{ n: 6 }]);
      expect((await client.query('select count(*)::int as n from clitools.items')).rows).toEqual([{ n: 0 }]);
      const columns = await client.query("select column_name from information_schema.columns where table_schema = 'clitools' and table_name = 'items' order by ordinal_position");
      expect(columns.rows.map((r) => r.column_name)).toEqual(['id', 'price']);
    } finally {
      await client.end();
    }
  });
});
