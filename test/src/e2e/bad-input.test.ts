/**
 * Bad input a user writes, through the real CLI: each must be one error at the file and line where the
 * mistake is, saying what was expected (with a did-you-mean where one exists), never a warehouse error or
 * a stack trace from far away.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, type CliResult } from '../helpers/cli.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function xform(files: ProjectFiles, args: string[] = ['compile']): Promise<CliResult> {
  const root = await writeProject(files);
  roots.push(root);
  return runXform(args, { cwd: root });
}

function expectUserError(result: CliResult): void {
  expect(result.code).toBe(2);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
}

const ORDERS = { 'models/orders.sql': "select 1 as id, 'placed' as status" };

describe('generic tests without their required arguments', () => {
  it('accepted_values with value: instead of values: is reported at the YAML line, with a did-you-mean', async () => {
    const result = await xform({
      ...ORDERS,
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: status',
        '        tests:',
        '          - accepted_values:',
        "              value: ['placed', 'shipped']",
      ].join('\n'),
    });
    expectUserError(result);
    expect(result.stderr).toContain("models/schema.yml:7:13: error [XFORM_TEST_ARGUMENT_MISSING] test 'accepted_values' on column 'status' of model 'orders' is missing its required argument 'values'");
    expect(result.stderr).toContain("did you mean 'values:' instead of 'value:'?");
    expect(result.stderr).not.toContain('not in ()');
  });

  it('accepted_values with an empty values: list is reported at the YAML line', async () => {
    const result = await xform({
      ...ORDERS,
      'models/schema.yml': ['version: 2', 'models:', '  - name: orders', '    columns:', '      - name: status', '        tests:', '          - accepted_values:', '              values: []'].join('\n'),
    });
    expectUserError(result);
    expect(result.stderr).toContain("models/schema.yml:7:13: error [XFORM_TEST_ARGUMENT_MISSING] test 'accepted_values' on column 'status' of model 'orders' has an empty 'values' list");
  });

  it.each([
    { label: 'relationships without field', yaml: "relationships:\n              to: ref('orders')", test: 'relationships', argument: 'field', expected: 'the column of the parent relation' },
    { label: 'relationships without to', yaml: 'relationships:\n              field: id', test: 'relationships', argument: 'to', expected: "to: ref('customers')" },
    { label: 'expression_is_true without expression', yaml: 'expression_is_true', test: 'expression_is_true', argument: 'expression', expected: 'a SQL condition every row must meet' },
  ])('$label: the missing argument is named, with what it holds', async ({ yaml, test, argument, expected }) => {
    const result = await xform({
      ...ORDERS,
      'models/schema.yml': ['version: 2', 'models:', '  - name: orders', '    columns:', '      - name: id', '        tests:', `          - ${yaml}`].join('\n'),
    });
    expectUserError(result);
    expect(result.stderr).toContain(`models/schema.yml:7:`);
    expect(result.stderr).toContain(`test '${test}' on column 'id' of model 'orders' is missing its required argument '${argument}'`);
    expect(result.stderr).toContain(expected);
  });
});

describe('ref() and source() without their names', () => {
  it("ref() with no argument names the model file and line, not a model 'undefined'", async () => {
    const result = await xform({ ...ORDERS, 'models/b.sql': '-- the second model\nselect *\nfrom {{ ref() }}\n' });
    expectUserError(result);
    expect(result.stderr).toContain('models/b.sql:3:');
    expect(result.stderr).toContain('ref() needs a model name, got no argument');
    expect(result.stderr).not.toContain("'undefined'");
  });

  it('source() with one argument and ref() of an undefined variable are reported at their lines', async () => {
    const result = await xform({
      ...ORDERS,
      'models/c.sql': "select * from {{ source('shop') }}\n",
      'models/d.sql': 'select 1 as x\nunion all\nselect * from {{ ref(model_name) }}\n',
    });
    expectUserError(result);
    expect(result.stderr).toContain('models/c.sql:1:');
    expect(result.stderr).toContain('source() needs a source name and a table name, got "shop"');
    expect(result.stderr).toContain('models/d.sql:3:');
    expect(result.stderr).toContain('ref() needs a model name, got an undefined value');
    expect(result.stderr).not.toContain("'undefined'");
  });
});

describe('a seed that is not UTF-8', () => {
  it('DuckDB: names the seed, the real line and column, and that the file is not UTF-8', async () => {
    const root = await writeProject({});
    roots.push(root);
    const rows = ['id,name', ...[1, 2, 3, 4, 5].map((i) => `${i},name${i}`), '6,Jos\u00e9', '7,x', '8,y'];
    await mkdir(path.join(root, 'seeds'));
    await writeFile(path.join(root, 'seeds', 'people.csv'), Buffer.from(rows.join('\n') + '\n', 'latin1'));
    const result = await runXform(['seed'], { cwd: root });
    expect(result.code).toBe(1);
    // DuckDB's own message quotes line 6 ("5,name5") as the culprit.
    expect(result.stdout).toContain('seeds/people.csv:7: the file is not UTF-8: byte 0xE9 at column 6 (byte 53 of the file) is not a UTF-8 character');
    expect(result.stdout).toContain('save the file as UTF-8');
    expect(result.stdout).not.toContain('5,name5');
  });
});

describe('a folder as the DuckDB path', () => {
  it("is reported at profiles.yml's path: line as a folder, not as a lock held by another process", async () => {
    const root = await writeProject({
      ...ORDERS,
      'data/readme.txt': 'the warehouse file goes here\n',
      'profiles.yml': ['demo:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', '      path: data', ''].join('\n'),
    });
    roots.push(root);
    const result = await runXform(['run'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain("profiles.yml:6:13: error [XFORM_DUCKDB_PATH_IS_DIRECTORY] the DuckDB path 'data' of target 'dev' is a folder; expected a database file");
    expect(result.stderr).toContain('data/xform.duckdb');
    expect(result.stderr).not.toMatch(/lock|another process/i);
  });
});

describe('an unknown materialization', () => {
  it("a folder's +materialized: tabel is reported at xform_project.yml's line with a did-you-mean, not at each model", async () => {
    const result = await xform({
      'xform_project.yml': ['name: demo', 'version: "1.0"', 'models:', '  demo:', '    staging:', '      +materialized: tabel', ''].join('\n'),
      'models/staging/stg_a.sql': 'select 1 as id',
      'models/staging/stg_b.sql': 'select 2 as id',
    });
    expectUserError(result);
    expect(result.stderr).toContain("xform_project.yml:6:22: error [XFORM_UNKNOWN_MATERIALIZATION] unknown materialization 'tabel' for the models under 'models.demo.staging'");
    expect(result.stderr).toContain("did you mean 'table'?");
    expect(result.stderr).not.toContain('stg_a');
  });

  it("a model's own config(materialized='tabel') stays reported at the model, at the config() line", async () => {
    const result = await xform({ 'models/b.sql': "-- b\n{{ config(materialized='tabel') }}\nselect 1 as id\n" });
    expectUserError(result);
    expect(result.stderr).toContain("models/b.sql:2:11: error [XFORM_UNKNOWN_MATERIALIZATION] model 'b' has materialized='tabel'");
    expect(result.stderr).toContain("did you mean 'table'?");
  });

  it("a model's config: in schema YAML is reported at the YAML line", async () => {
    const result = await xform({
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': ['version: 2', 'models:', '  - name: a', '    config:', '      materialized: tabel', ''].join('\n'),
    });
    expectUserError(result);
    expect(result.stderr).toContain("models/schema.yml:5:21: error [XFORM_UNKNOWN_MATERIALIZATION] unknown materialization 'tabel' for model 'a'");
    expect(result.stderr).toContain("did you mean 'table'?");
    expect(result.stderr).not.toContain('models/a.sql');
  });

  it('the other closed sets at folder level (on_schema_change, incremental_strategy, layer) are reported at xform_project.yml too', async () => {
    const result = await xform({
      'xform_project.yml': ['name: demo', 'version: "1.0"', 'models:', '  demo:', '    +on_schema_change: fial', '    +incremental_strategy: mrege', '    +layer: sliver', ''].join('\n'),
      'models/a.sql': 'select 1 as id',
    });
    expectUserError(result);
    expect(result.stderr).toContain("xform_project.yml:5:5: error [XFORM_CONFIG_INVALID] config 'on_schema_change' must be one of");
    expect(result.stderr).toContain("did you mean 'fail'?");
    expect(result.stderr).toContain("xform_project.yml:6:5: error [XFORM_CONFIG_INVALID] config 'incremental_strategy'");
    expect(result.stderr).toContain("did you mean 'merge'?");
    expect(result.stderr).toMatch(/xform_project\.yml:7:\d+: error \[XFORM_LAYER_UNKNOWN\] unknown layer 'sliver'/);
  });
});

describe('macro recursion', () => {
  it('prints a few short lines naming the macro, its line and the depth limit, not a 29 KB call list', async () => {
    const result = await xform({
      'macros/m.sql': '{% macro helper() %}x{% endmacro %}\n\n{% macro loop_me(n) %}\n  {{ loop_me(n + 1) }}\n{% endmacro %}\n',
      'models/a.sql': 'select {{ loop_me(0) }} as id\n',
    });
    expectUserError(result);
    expect(result.stderr).toContain("macros/m.sql:3: error [XFORM_MACRO_RECURSION] macro 'loop_me' calls itself without end: more than 256 nested macro calls");
    expect(result.stderr).toContain('... 253 more');
    expect(result.stderr.length).toBeLessThan(600);
    expect(result.stderr).not.toContain('Maximum call stack');
  });
});
