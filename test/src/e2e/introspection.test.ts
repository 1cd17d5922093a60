/**
 * Run-time introspection through `xform build` on DuckDB and on PostgreSQL: models calling run_query,
 * adapter.get_columns_in_relation, {% call statement %} + load_result, load_relation and get_relation
 * build with the warehouse's answers, and target/compiled and target/run show the SQL that ran.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createAdapter } from '@xform/adapter-duckdb';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const FILES = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'seeds/a.csv': 'id,name,amount\n1,x,10\n2,y,20\n3,z,30\n',
  'models/max_id.sql': `{{ config(materialized='table') }}
{% set r = run_query("select max(id) as m from " ~ ref('a')) %}
{%- if execute %}select {{ r.columns[0].values()[0] }} as m, {{ r.rows[0]['m'] }} as by_name, '{{ r.columns[0].name }}' as col{% endif %}
`,
  'models/some_cols.sql': `{{ config(materialized='table') }}
{%- set cols = adapter.get_columns_in_relation(ref('a')) -%}
select {% for c in cols if c.name != 'name' %}{{ c.quoted }}, {% endfor %}1 as one
from {{ ref('a') }}
`,
  'models/counted.sql': `{{ config(materialized='table') }}
{% call statement('cnt', fetch_result=True) %}select count(*) as n from {{ ref('a') }}{% endcall %}
{%- set result = load_result('cnt') -%}
select {{ result['data'][0][0] if execute else 0 }} as n,
  '{{ result['table'].columns[0].name if execute else "" }}' as col,
  {{ 'true' if load_relation(ref('a')) is not none else 'false' }} as a_exists,
  {{ 'true' if adapter.get_relation(this.database, this.schema, 'nope') is none else 'false' }} as nope_missing
`,
};

const QUERIES = (schema: string) => ({
  max_id: `select m, by_name, col from ${schema}.max_id`,
  some_cols: `select * from ${schema}.some_cols order by id`,
  counted: `select * from ${schema}.counted`,
});

const EXPECTED = {
  max_id: [{ m: 3, by_name: 3, col: 'm' }],
  some_cols: [
    { id: 1, amount: 10, one: 1 },
    { id: 2, amount: 20, one: 1 },
    { id: 3, amount: 30, one: 1 },
  ],
  counted: [{ n: 3, col: 'n', a_exists: true, nope_missing: true }],
};

async function expectCompiledFiles(root: string, relationA: string): Promise<void> {
  for (const dir of ['compiled', 'run']) {
    const file = (name: string) => readFile(path.join(root, 'target', dir, 'models', `${name}.sql`), 'utf8');
    expect((await file('max_id')).trim()).toBe(`select 3 as m, 3 as by_name, 'm' as col`);
    expect(await file('some_cols')).toContain(`select "id", "amount", 1 as one\nfrom ${relationA}`);
    expect(await file('counted')).toContain(`select 3 as n,\n  'n' as col,\n  true as a_exists,\n  true as nope_missing`);
  }
}

const plain = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' || typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v])));

describe('run-time introspection in models', () => {
  it('xform compile connects only for the nodes that query the warehouse, says so, and writes their real SQL', async () => {
    const root = await writeProject({ ...FILES, 'models/plain.sql': "select 1 as id\n" });
    roots.push(root);
    // The seed must exist for the answers; a build of the seed alone, then a compile of everything.
    expect((await runXform(['seed'], { cwd: root })).code).toBe(0);
    const compile = await runXform(['compile'], { cwd: root });
    expect(compile.code, compile.stdout + compile.stderr).toBe(0);
    expect(compile.stderr).toMatch(/connecting to target 'dev' \(duckdb\): 3 nodes query the warehouse while rendering \((?=.*max_id)(?=.*some_cols)(?=.*counted)[^)]*\)/);
    expect(compile.stderr).not.toMatch(/plain/);
    const file = (name: string) => readFile(path.join(root, 'target', 'compiled', 'models', `${name}.sql`), 'utf8');
    expect((await file('max_id')).trim()).toBe(`select 3 as m, 3 as by_name, 'm' as col`);
    const manifest = JSON.parse(await readFile(path.join(root, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string }> };
    expect(manifest.nodes['model.shop.some_cols']?.compiled_code).toContain('select "id", "amount", 1 as one');

    // A project whose models do not introspect compiles without touching the warehouse.
    const quiet = await writeProject({ 'xform_project.yml': 'name: quiet\n', 'models/plain.sql': 'select 1 as id\n' });
    roots.push(quiet);
    const none = await runXform(['compile'], { cwd: quiet });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).not.toMatch(/connecting/);
  });

  it('builds on DuckDB with the answers of run_query, get_columns_in_relation and statement, and writes the SQL that ran', async () => {
    const root = await writeProject(FILES);
    roots.push(root);
    const compile = await runXform(['compile'], { cwd: root });
    expect(compile.code, compile.stdout + compile.stderr).toBe(0);
    const build = await runXform(['build'], { cwd: root });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 }, { projectRoot: root });
    try {
      for (const [name, sql] of Object.entries(QUERIES('main'))) {
        const { rows } = await adapter.withConnection((c) => c.execute(sql));
        expect(plain(rows), name).toEqual(EXPECTED[name as keyof typeof EXPECTED]);
      }
    } finally {
      await adapter.close();
    }
    await expectCompiledFiles(root, '"main"."a"');
  });

  it('answers run_query on {{ this }} in the incremental branch of a second build', async () => {
    const root = await writeProject({
      ...FILES,
      'models/inc.sql': `{{ config(materialized='incremental') }}
{%- if is_incremental() %}{% set hi = run_query('select max(id) from ' ~ this).columns[0].values()[0] %}{% else %}{% set hi = 0 %}{% endif -%}
select id from {{ ref('a') }} where id > {{ hi }}
`,
    });
    roots.push(root);
    for (let i = 0; i < 2; i++) {
      const build = await runXform(['build'], { cwd: root });
      expect(build.code, build.stdout + build.stderr).toBe(0);
    }
    expect(await readFile(path.join(root, 'target/run/models/inc.sql'), 'utf8')).toContain('where id > 3');
    expect(await readFile(path.join(root, 'target/compiled/models/inc.sql'), 'utf8')).toContain('where id > 3');
    const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 }, { projectRoot: root });
    try {
      const { rows } = await adapter.withConnection((c) => c.execute('select id from main.inc order by id'));
      expect(plain(rows)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    } finally {
      await adapter.close();
    }
  });

  describe('on PostgreSQL', () => {
    const server = withPostgres();

    it('builds on PostgreSQL with the answers of run_query, get_columns_in_relation and statement, and writes the SQL that ran', async () => {
      const pgServer = server();
      const root = await writeProject({ ...FILES, 'profiles.yml': postgresProfile(pgServer, { schema: 'intro', threads: 2, passwordEnv: 'SHOP_PG_PASSWORD' }) });
      roots.push(root);
      const build = await runXform(['build'], { cwd: root, env: { SHOP_PG_PASSWORD: pgServer.password } });
      expect(build.code, build.stdout + build.stderr).toBe(0);
      const client = new pg.Client({ connectionString: pgServer.url });
      await client.connect();
      try {
        for (const [name, sql] of Object.entries(QUERIES('intro'))) {
          const { rows } = await client.query(sql);
          expect(plain(rows), name).toEqual(EXPECTED[name as keyof typeof EXPECTED]);
        }
      } finally {
        await client.end();
      }
      await expectCompiledFiles(root, `"${pgServer.database}"."intro"."a"`);
    });
  });
});
