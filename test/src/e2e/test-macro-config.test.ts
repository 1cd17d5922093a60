/**
 * config() inside a generic test macro through the CLI on DuckDB: fail_calc, severity, warn_if/error_if,
 * where and store_failures set by the macro decide the outcome, and the test's YAML config wins over them.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const FILES = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'seeds/amounts.csv': 'id,n\n1,1\n2,2\n3,4\n4,5\n5,9\n',
  'tests/generic/amount_total.sql': [
    '{% test amount_total(model, column_name, above) %}',
    "{{ config(fail_calc='sum(n)', severity='warn', warn_if='>5', error_if='>10', where='n < 5', store_failures=true) }}",
    'select {{ column_name }} as n from {{ model }} where {{ column_name }} > {{ above }}',
    '{% endtest %}',
  ].join('\n'),
  'seeds/schema.yml': [
    'version: 2',
    'seeds:',
    '  - name: amounts',
    '    columns:',
    '      - name: n',
    '        tests:',
    '          - amount_total:',
    '              name: amount_total_macro_config',
    '              description: only the macro configures this one',
    '              arguments: {above: 0}',
    '          - amount_total:',
    '              name: amount_total_yaml_wins',
    '              above: 0',
    '              config: {severity: error, where: "n < 6"}',
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

describe('config() in a test macro through xform test on DuckDB', () => {
  it('warns or fails by the sum the macro asks for, with the YAML config of the test winning', async () => {
    const root = await writeProject(FILES);
    roots.push(root);
    const seeded = await runXform(['seed'], { cwd: root });
    expect(seeded.code, seeded.stdout + seeded.stderr).toBe(0);
    const result = await runXform(['test'], { cwd: root });
    // sum(n) over n < 5 is 1+2+4 = 7: over warn_if, under error_if.
    expect(result.stdout).toMatch(/WARN\s+test\s+amount_total_macro_config[^\n]*\n\s*WARN 7 failing rows/);
    // YAML where n < 6 adds 5: 12 is over error_if, and YAML severity error lets error_if decide.
    expect(result.stdout).toMatch(/FAIL\s+test\s+amount_total_yaml_wins[^\n]*\n\s*FAIL 12 failing rows/);
    expect(result.code, result.stdout + result.stderr).toBe(1);

    // store_failures=true from the macro: the failing rows of each test are kept.
    const stored = await duckRows(
      root,
      "select xform_test_name as test, count(*)::int as rows, sum(n)::int as total from main_audit.amount_total_yaml_wins group by 1 union all select xform_test_name, count(*)::int, sum(n)::int from main_audit.amount_total_macro_config group by 1 order by 1",
    );
    expect(stored).toEqual([
      { test: 'amount_total_macro_config', rows: 3, total: 7 },
      { test: 'amount_total_yaml_wins', rows: 4, total: 12 },
    ]);
  });
});
