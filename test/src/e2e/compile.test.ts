import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProject } from '../fixtures/generate-project.js';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
async function project(files: Record<string, string>): Promise<string> {
  const root = await writeProject(files);
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

interface ManifestLike {
  nodes: Record<string, { name: string; resource_type: string; compiled_code?: string; depends_on: { nodes: string[] }; layer?: string }>;
  sources: Record<string, { name: string }>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(text).not.toContain('internal error');
}

describe('xform compile on a generated 2,000-model project', () => {
  it('compiles every model and records the right parents in the manifest', async () => {
    const gen = generateProject({ models: 2000 });
    const root = await project(gen.files);
    const result = await runXform(['compile'], { cwd: root });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Compiled 2000 models, \d+ tests, 4 sources/);

    const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as ManifestLike;
    const models = Object.entries(manifest.nodes).filter(([, n]) => n.resource_type === 'model');
    expect(models).toHaveLength(2000);
    for (const [id, node] of models) {
      const expected = gen.parents[node.name]!.map((p) =>
        p.startsWith('source:') ? `source.gen.${p.slice('source:'.length)}` : `model.gen.${p}`,
      );
      expect(manifest.parent_map[id]!.slice().sort(), node.name).toEqual(expected.sort());
      expect(node.layer).toBe(gen.layers[node.name]);
      expect(node.compiled_code).not.toContain('{{');
      expect(node.compiled_code).not.toContain('ref(');
    }
    // A child map that mirrors the parent map.
    for (const [child, ps] of Object.entries(manifest.parent_map)) {
      for (const p of ps) expect(manifest.child_map[p]).toContain(child);
    }
    const compiledDir = path.join(root, 'target/compiled/models/gold');
    expect((await readdir(compiledDir)).length).toBeGreaterThan(0);
  });
});

describe('xform compile output', () => {
  it('renders refs, sources, macros and vars into runnable SQL files', async () => {
    const root = await project({
      'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  min_amount: 10\nmodels:\n  shop:\n    marts:\n      +schema: marts\n',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: orders\n',
      'models/stg_orders.sql': "select id, amount from {{ source('raw', 'orders') }} where amount >= {{ var('min_amount') }}",
      'models/marts/fct_orders.sql': "{{ config(materialized='table', alias='orders') }}\nselect {{ upper_id('id') }} from {{ ref('stg_orders') }}",
      'macros/ids.sql': '{% macro upper_id(col) %}upper({{ col }}) as {{ col }}{% endmacro %}',
    });
    const result = await runXform(['compile'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const stg = await readFile(path.join(root, 'target/compiled/models/stg_orders.sql'), 'utf8');
    expect(stg.trim()).toBe('select id, amount from "landing"."orders" where amount >= 10');
    const fct = await readFile(path.join(root, 'target/compiled/models/marts/fct_orders.sql'), 'utf8');
    expect(fct.trim()).toBe('select upper(id) as id from "main"."stg_orders"');
    const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as {
      nodes: Record<string, { relation_name?: string; schema: string; alias: string }>;
    };
    expect(manifest.nodes['model.shop.fct_orders']).toMatchObject({ schema: 'main_marts', alias: 'orders', relation_name: '"main_marts"."orders"' });
  });

  it('prints one compiled snippet with --inline', async () => {
    const root = await project({ 'models/base.sql': 'select 1 as id' });
    const result = await runXform(['compile', '--inline', "select * from {{ ref('base') }} where {{ 1 + 1 }} = 2"], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('select * from "main"."base" where 2 = 2');
  });

  it('inlines ephemeral models as CTEs', async () => {
    const root = await project({
      'models/eph.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
      'models/final.sql': "with x as (select * from {{ ref('eph') }}) select * from x",
    });
    const result = await runXform(['compile'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    const sql = await readFile(path.join(root, 'target/compiled/models/final.sql'), 'utf8');
    expect(sql.trim()).toBe('with __xform__cte__eph as (\nselect 1 as id\n),\nx as (select * from __xform__cte__eph) select * from x');
  });
});

describe('xform compile on broken projects', () => {
  it('reports a cycle with every file in it, without a stack trace', async () => {
    const root = await project({
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('b') }}",
    });
    const result = await runXform(['compile'], { cwd: root });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/cycle/i);
    for (const f of ['models/a.sql', 'models/b.sql', 'models/c.sql']) expect(result.stderr).toContain(f);
    expectNoStackTrace(result.stderr);
  });

  it('reports a missing ref with file, line and a suggestion', async () => {
    const root = await project({
      'models/stg_orders.sql': 'select 1 as id',
      'models/fct.sql': "-- revenue\nselect *\nfrom {{ ref('stg_ordrs') }}",
    });
    const result = await runXform(['compile'], { cwd: root });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('models/fct.sql:3');
    expect(result.stderr).toContain('stg_ordrs');
    expect(result.stderr).toContain("did you mean 'stg_orders'");
    expectNoStackTrace(result.stderr);
  });

  it('reports a bad YAML key with file and line, and suggests the right key', async () => {
    const root = await project({
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - nmae: orders\n    description: all orders\n',
    });
    const result = await runXform(['compile'], { cwd: root });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('models/schema.yml:3');
    expect(result.stderr).toContain("did you mean 'name'");
    expectNoStackTrace(result.stderr);
  });

  it('reports a template syntax error at its line', async () => {
    const root = await project({ 'models/bad.sql': 'select 1\n{% if true %}\nfrom x\n' });
    const result = await runXform(['compile'], { cwd: root });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('models/bad.sql');
    expectNoStackTrace(result.stderr);
  });
});

describe('xform compile against the warehouse identifier limit', () => {
  const profile = (type: 'postgres' | 'duckdb') =>
    type === 'postgres'
      ? 'shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: 127.0.0.1, port: 1, user: u, password: p, dbname: db, schema: analytics}\n'
      : 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: target/w.duckdb, schema: analytics}\n';
  const long = `orders_${'x'.repeat(63)}`;

  it('rejects a model name over 63 bytes on PostgreSQL before connecting (exit 2), and DuckDB compiles it', async () => {
    const files = { 'xform_project.yml': 'name: shop\nversion: "1"\n', [`models/${long}.sql`]: 'select 1 as id' };
    const pg = await project({ ...files, 'profiles.yml': profile('postgres') });
    const result = await runXform(['compile'], { cwd: pg });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`models/${long}.sql`);
    expect(result.stderr).toContain('[XFORM_NAME_TOO_LONG]');
    expect(result.stderr).toContain(`the name of model '${long}' is 70 bytes long: postgres allows at most 63 bytes in a name`);
    expect(result.stderr).toContain("give it a shorter alias (the file name can stay): {{ config(alias='...') }}");
    expectNoStackTrace(result.stderr);

    const duck = await project({ ...files, 'profiles.yml': profile('duckdb') });
    const ok = await runXform(['compile'], { cwd: duck });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });
});
