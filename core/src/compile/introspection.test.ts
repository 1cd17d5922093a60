/**
 * Run-time introspection (run_query, statement/load_result, adapter.get_*): parse-time answers when
 * compiling without a warehouse, and answers from the node's connection in the execute phase.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { Adapter, Connection, QueryResult } from '../adapter/types.js';
import { isXformError, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject, type CompiledProject } from './compiler.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compile(files: Record<string, string>): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-introspect-'));
  dirs.push(root);
  const all = { 'xform_project.yml': 'name: shop\nversion: "1"\n', 'models/a.sql': 'select 1 as id, 2 as amount', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: {} });
  return compileProject(project, { dialect: new DialectBase(), env: {} });
}

const model = (c: CompiledProject, name: string) => c.manifest.nodes[`model.shop.${name}`] as ExecutableNode;

const INTROSPECTING = `{% set r = run_query("select max(id) as m from " ~ ref('a')) %}
{%- set cols = adapter.get_columns_in_relation(ref('a')) -%}
{% call statement('cnt', fetch_result=True) %}select count(*) as n from {{ ref('a') }}{% endcall %}
{%- if execute -%}
select {{ r.columns[0].values()[0] }} as m, {{ load_result('cnt')['data'][0][0] }} as n, {% for c in cols %}{{ c.quoted }}, {% endfor %}'{{ adapter.type() }}' as t
{%- else -%}
select null as m
{%- endif %}`;

/** A warehouse that answers every query with one row holding `value`, and knows relation "a". */
function fakeWarehouse(value: unknown, fail?: string) {
  const sent: string[] = [];
  const connection = {
    execute: async (sql: string): Promise<QueryResult> => {
      sent.push(sql);
      if (fail !== undefined && sql.includes(fail)) throw new XformError('XFORM_SQL_ERROR', 'boom');
      return { columns: [{ name: 'v', type: 'BIGINT' }], rows: [{ v: value }] };
    },
  } as unknown as Connection;
  const adapter = {
    catalog: {
      getRelation: async (r: { identifier: string }) => (r.identifier === 'a' ? { ...r, kind: 'table' } : undefined),
      getColumns: async () => [
        { name: 'id', dataType: 'INTEGER' },
        { name: 'amount', dataType: 'NUMERIC(10,2)' },
      ],
    },
  } as unknown as Adapter;
  return { sent, connection, adapter };
}

describe('run-time introspection', () => {
  it('compiles without a warehouse a model whose introspection is guarded by {% if execute %}', async () => {
    const c = await compile({ 'models/m.sql': INTROSPECTING });
    expect(model(c, 'm').compiled_code).toBe('select null as m');
  });

  it('answers as dbt does while parsing when there is no warehouse: none, no columns, no relation', async () => {
    const c = await compile({
      'models/p.sql': "select {{ adapter.get_columns_in_relation(ref('a')) | length }} as n, {{ run_query('select 1') is none }} as q, {{ adapter.get_relation(none, 'main', 'a') is none }} as r, {{ load_result('x') is none }} as l",
    });
    expect(model(c, 'p').compiled_code).toBe('select 0 as n, True as q, True as r, True as l');
  });

  it('answers run_query, statement/load_result and get_columns_in_relation from the connection, each query once', async () => {
    const c = await compile({ 'models/m.sql': INTROSPECTING });
    const w = fakeWarehouse(42n);
    const sql = await c.renderForExecution(model(c, 'm'), { isIncremental: false, connection: w.connection, adapter: w.adapter });
    expect(sql).toBe(`select 42 as m, 42 as n, "id", "amount", 'postgres' as t`.replace('postgres', c.project.target.type));
    expect(w.sent).toEqual(['select max(id) as m from "main"."a"'.replace('"main"', `"${c.project.target.schema}"`), `select count(*) as n from "${c.project.target.schema}"."a"`]);
  });

  it("answers dbt's get_columns_in_query with the column names of the query wrapped to return no rows", async () => {
    const c = await compile({ 'models/q.sql': "{% set cols = get_columns_in_query('select id, amount from ' ~ ref('a')) %}select '{{ cols | join(\",\") }}' as c, {{ dbt.get_columns_in_query('select 1') | length }} as n" });
    expect(model(c, 'q').compiled_code).toBe("select '' as c, 0 as n");
    const w = fakeWarehouse(1);
    const sql = await c.renderForExecution(model(c, 'q'), { isIncremental: false, connection: w.connection, adapter: w.adapter });
    expect(sql).toBe("select 'v' as c, 1 as n");
    expect(w.sent[0]?.replace(/\s+/g, ' ').trim()).toBe(`select * from ( select id, amount from "${c.project.target.schema}"."a" ) as __dbt_sbq where false limit 0`);
  });

  it("reports a DuckDB target's database as dbt-duckdb does: the database file's name", async () => {
    const c = await compile({ 'models/d.sql': "select '{{ target.database }}' as db" });
    expect(model(c, 'd').compiled_code).toBe("select 'xform' as db");
  });

  it('answers get_missing_columns with the columns of the first relation the second lacks, and get_relation with its type', async () => {
    const c = await compile({
      'models/b.sql': 'select 1 as id',
      'models/m.sql':
        "{% set rel = adapter.get_relation(none, this.schema, 'a') %}select '{{ adapter.get_missing_columns(ref('a'), ref('b')) | map(attribute='name') | join(',') }}' as missing, '{{ rel.type }}' as kind, {{ adapter.get_relation(none, this.schema, 'zz') is none }} as gone",
    });
    const w = fakeWarehouse(1);
    const columns: Record<string, { name: string; dataType: string }[]> = {
      a: [
        { name: 'id', dataType: 'INTEGER' },
        { name: 'amount', dataType: 'NUMERIC(10,2)' },
      ],
      b: [{ name: 'ID', dataType: 'INTEGER' }],
    };
    const adapter = {
      catalog: {
        getRelation: async (r: { identifier: string }) => (r.identifier in columns ? { ...r, kind: 'view' } : undefined),
        getColumns: async (r: { identifier: string }) => columns[r.identifier] ?? [],
      },
    } as unknown as Adapter;
    const sql = await c.renderForExecution(model(c, 'm'), { isIncremental: false, connection: w.connection, adapter });
    expect(sql).toBe("select 'amount' as missing, 'view' as kind, True as gone");
  });

  it('gives a failing introspection query the model file as its location', async () => {
    const c = await compile({ 'models/m.sql': INTROSPECTING });
    const w = fakeWarehouse(1, 'count(*)');
    const err = await c.renderForExecution(model(c, 'm'), { isIncremental: false, connection: w.connection, adapter: w.adapter }).catch((e: unknown) => e);
    expect(isXformError(err) && err.location?.file).toBe('models/m.sql');
  });
});
