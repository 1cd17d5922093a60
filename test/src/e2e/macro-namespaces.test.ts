/**
 * Macro namespaces through the CLI on DuckDB: a root `{% test not_null %}` replaces the built-in one for
 * the whole project while `dbt.not_null` still reaches it, `<project>.macro()` works, and the project's
 * `dispatch:` search order decides which implementation adapter.dispatch() picks.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const PROJECT_YML = 'name: shop\nversion: "1"\n';
const DISPATCH_YML = `${PROJECT_YML}dispatch:\n  - macro_namespace: dbt\n    search_order: [dbt]\n`;

const FILES = {
  'xform_project.yml': DISPATCH_YML,
  'seeds/raw_orders.csv': 'order_id,amount,status\n1,10.5,placed\n2,20,n/a\n',
  'models/schema.yml': [
    'version: 2',
    'seeds:',
    '  - name: raw_orders',
    '    columns:',
    '      - name: status',
    '        tests:',
    '          - not_null: {config: {severity: warn}}',
    '          - dbt.not_null',
  ].join('\n'),
  // The project's own not_null also treats 'n/a' as missing.
  'tests/generic/not_null.sql': [
    '{% test not_null(model, column_name) %}',
    "select * from {{ model }} where coalesce(cast({{ column_name }} as varchar), 'n/a') = 'n/a'",
    '{% endtest %}',
  ].join('\n'),
  'macros/money.sql': [
    '{% macro cents(col) %}cast({{ col }} * 100 as integer){% endmacro %}',
    "{% macro default__xform_string_literal(value) %}'root:{{ value }}'{% endmacro %}",
  ].join('\n'),
  'models/orders.sql': [
    "select order_id, {{ shop.cents('amount') }} as cents,",
    "  {{ adapter.dispatch('xform_string_literal', 'dbt')('x') }} as dispatched,",
    "  {{ xform_string_literal('y') }} as bare",
    "from {{ ref('raw_orders') }}",
  ].join('\n'),
};

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

describe('macro namespaces through xform build on DuckDB', () => {
  it("runs the root project's not_null instead of the built-in one, keeps dbt.not_null, and follows dispatch:", async () => {
    const root = await writeProject(FILES);
    roots.push(root);
    const result = await runXform(['build'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/WARN\s+test\s+not_null_raw_orders_status/);
    expect(result.stdout).toMatch(/PASS\s+test\s+dbt_not_null_raw_orders_status/);

    // dispatch: [dbt] skips the root's default__xform_string_literal; a bare call still finds the root's.
    const rows = await duckRows(root, 'select order_id, cents, dispatched, bare from main.orders order by order_id');
    expect(rows).toEqual([
      { order_id: 1, cents: 1050, dispatched: 'x', bare: 'root:y' },
      { order_id: 2, cents: 2000, dispatched: 'x', bare: 'root:y' },
    ]);

    const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as {
      macros: Record<string, { package_name: string }>;
      nodes: Record<string, { name: string; depends_on: { macros: string[] } }>;
    };
    expect(manifest.macros['macro.shop.test_not_null']?.package_name).toBe('shop');
    expect(manifest.macros['macro.dbt.test_not_null']?.package_name).toBe('dbt');
    const testMacros = Object.values(manifest.nodes)
      .filter((n) => n.name.includes('not_null'))
      .map((n) => [n.name, n.depends_on.macros]);
    expect(testMacros.sort()).toEqual([
      ['dbt_not_null_raw_orders_status', ['macro.dbt.test_not_null']],
      ['not_null_raw_orders_status', ['macro.shop.test_not_null']],
    ]);

    // Without dispatch:, adapter.dispatch('...', 'dbt') searches the root project first, as dbt does.
    await writeFile(path.join(root, 'xform_project.yml'), PROJECT_YML);
    expect((await runXform(['compile'], { cwd: root })).code).toBe(0);
    const compiled = await readFile(path.join(root, 'target/compiled/models/orders.sql'), 'utf8');
    expect(compiled).toContain("'root:x' as dispatched");
  });
});
