/**
 * A compiled project's `{% snapshot %}` block run by executeRun on DuckDB, as `xform build` runs it: in DAG
 * order between a source and a model that reads it, with its tests auditing it before anything is
 * published (write-audit-publish): a failing test leaves the snapshot as it was and skips the model.
 */
import { createAdapter } from '@xform/adapter-duckdb';
import { compileProject, executeRun, loadProject, type Adapter } from '@xform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeProject, writeProject } from '../helpers/project.js';

let root = '';
let adapter: Adapter;

beforeAll(async () => {
  root = await writeProject({
    'xform_project.yml': 'name: shop\nversion: "1"\n',
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: target/shop.duckdb, schema: main}\n',
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables: [{name: customers}]\n',
    'snapshots/customers_history.sql': [
      '{% snapshot customers_history %}',
      "{{ config(strategy='timestamp', unique_key='id', updated_at='updated_at', hard_deletes='invalidate') }}",
      "select * from {{ source('raw', 'customers') }}",
      '{% endsnapshot %}',
      '',
    ].join('\n'),
    'snapshots/schema.yml': 'version: 2\nsnapshots:\n  - name: customers_history\n    columns:\n      - name: tier\n        tests: [not_null]\n',
    'models/current_customers.sql': "select id, tier from {{ ref('customers_history') }} where dbt_valid_to is null",
  });
  adapter = await createAdapter({ type: 'duckdb', name: 'dev', schema: 'main', threads: 2, path: 'target/shop.duckdb' }, { projectRoot: root });
  await adapter.withConnection(async (c) => {
    await c.execute('create schema raw');
    await c.execute("create table raw.customers as select * from (values (1, 'gold', timestamp '2024-01-01'), (2, 'silver', timestamp '2024-01-01')) t(id, tier, updated_at)");
  });
});

afterAll(async () => {
  await adapter?.close();
  await removeProject(root);
});

async function build() {
  const project = await loadProject({ projectDir: root, env: {} });
  const compiled = compileProject(project, { dialect: adapter.dialect, env: {} });
  const selected = new Set(Object.keys(compiled.manifest.nodes));
  const { results } = await executeRun({ compiled, adapter, selected, threads: 2, audit: true });
  return Object.fromEntries(results.map((r) => [compiled.manifest.nodes[r.unique_id]!.name.replace(/^not_null_customers_history_tier$/u, 'not_null_tier'), [r.status, r.message]]));
}

const rows = async (sql: string) => (await adapter.withConnection((c) => c.execute(sql))).rows;

describe('snapshots in a run', () => {
  it('are built in DAG order, audited by their tests, and a failing test keeps the snapshot and skips its children', async () => {
    expect(await build()).toEqual({
      customers_history: ['success', 'CREATE SNAPSHOT (2 rows)'],
      not_null_tier: ['pass', expect.anything()],
      current_customers: ['success', 'CREATE VIEW'],
    });
    await adapter.withConnection((c) => c.execute("update raw.customers set tier = 'platinum', updated_at = timestamp '2024-02-01' where id = 2"));
    expect((await build()).customers_history).toEqual(['success', 'SNAPSHOT 1 inserted, 1 closed']);
    expect(await rows('select id, tier from main.current_customers order by id')).toEqual([
      { id: 1, tier: 'gold' },
      { id: 2, tier: 'platinum' },
    ]);

    await adapter.withConnection((c) => c.execute("update raw.customers set tier = null, updated_at = timestamp '2024-03-01' where id = 1"));
    const blocked = await build();
    expect(blocked.customers_history![0]).toBe('error');
    expect(blocked.customers_history![1]).toMatch(/audit failed, not published: blocked by test not_null_customers_history_tier/u);
    expect(blocked.current_customers![0]).toBe('skipped');
    expect(await rows('select count(*)::int as n from main.customers_history')).toEqual([{ n: 3 }]);
    expect(await rows("select count(*)::int as n from information_schema.tables where table_name like 'customers_history__xform%'")).toEqual([{ n: 0 }]);
  });
});
