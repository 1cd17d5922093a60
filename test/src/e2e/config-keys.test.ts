/**
 * Unknown config keys and schema YAML keys, through the real CLI. A misspelling of a key xform or dbt knows
 * (`+materialzed`, `colums:`) would silently do nothing — build a view, drop every column test — so it is an
 * error at its file and line with a did-you-mean, and nothing is built. A key of the user's own
 * (`my_owner`) is only a warning, which --warn-error turns into an error.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, type CliResult } from '../helpers/cli.js';
import { duckRows } from '../helpers/duckdb.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function project(files: ProjectFiles): Promise<string> {
  const root = await writeProject(files);
  roots.push(root);
  return root;
}

const ORDERS = { 'models/orders.sql': "select 1 as id, 'placed' as status" };

function expectUserError(result: CliResult): void {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
}

function nothingBuilt(root: string): boolean {
  return !existsSync(path.join(root, 'target/xform.duckdb'));
}

describe('a misspelt config key is an error at its line, and nothing is built', () => {
  it.each(['xform_project.yml', 'dbt_project.yml'])("'+materialzed: table' in %s", async (file) => {
    const root = await project({
      ...ORDERS,
      'xform_project.yml': '',
      [file]: ['name: demo', "version: '1.0'", 'models:', '  demo:', '    +materialzed: table', ''].join('\n'),
    });
    if (file === 'dbt_project.yml') await removeProject(path.join(root, 'xform_project.yml'));
    const result = await runXform(['run'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain(`${file}:5:5: error [XFORM_CONFIG_UNKNOWN_KEY] unknown config key '+materialzed' — did you mean 'materialized'?`);
    expect(nothingBuilt(root)).toBe(true);
  });

  it('a typo in a seeds: or tests: folder config is one too', async () => {
    const root = await project({
      ...ORDERS,
      'seeds/codes.csv': 'code\na\n',
      'xform_project.yml': ['name: demo', 'seeds:', '  demo:', '    +column_type: {code: varchar}', 'data_tests:', '  +severty: warn', ''].join('\n'),
    });
    const result = await runXform(['build'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain("xform_project.yml:4:5: error [XFORM_CONFIG_UNKNOWN_KEY] unknown config key '+column_type' — did you mean 'column_types'?");
    expect(result.stderr).toContain("xform_project.yml:6:3: error [XFORM_CONFIG_UNKNOWN_KEY] unknown config key '+severty' — did you mean 'severity'?");
    expect(nothingBuilt(root)).toBe(true);
  });

  it("config(materialzed='table') in a model: at the model's line of that key", async () => {
    const root = await project({
      'models/orders.sql': ['{{ config(', "    tags=['daily'],", "    materialzed='table'", ') }}', 'select 1 as id'].join('\n'),
    });
    const result = await runXform(['run'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain("models/orders.sql:3:5: error [XFORM_CONFIG_UNKNOWN_KEY] unknown config key 'materialzed' — did you mean 'materialized'?");
    expect(result.stderr).toContain("a setting of your own belongs under 'meta:'");
    expect(result.stderr.match(/materialzed/g)).toHaveLength(1);
    expect(nothingBuilt(root)).toBe(true);
  });

  it('a config: block of schema YAML, and a test config, at their lines', async () => {
    const root = await project({
      ...ORDERS,
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    config:',
        '      materialzed: table',
        '    columns:',
        '      - name: id',
        '        data_tests:',
        '          - unique:',
        '              config: {severty: warn}',
      ].join('\n'),
    });
    const result = await runXform(['build'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain("models/schema.yml:5:7: error [XFORM_CONFIG_UNKNOWN_KEY] unknown config key 'materialzed' — did you mean 'materialized'?");
    expect(result.stderr).toContain("models/schema.yml:10:24: error [XFORM_CONFIG_UNKNOWN_KEY] unknown config key 'severty' — did you mean 'severity'?");
    expect(nothingBuilt(root)).toBe(true);
  });
});

describe('a misspelt schema YAML key is an error', () => {
  it("'severty: warn' beside a test's arguments: at the test's line, with the config key it misspells", async () => {
    const root = await project({
      ...ORDERS,
      'models/schema.yml': ['version: 2', 'models:', '  - name: orders', '    columns:', '      - name: id', '        data_tests:', '          - unique:', '              severty: warn'].join('\n'),
    });
    const result = await runXform(['build'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain("models/schema.yml:7:13: error [XFORM_TEST_ARGUMENT_UNKNOWN] test 'unique' on column 'id' of model 'orders' has no argument 'severty'");
    expect(result.stderr).toContain("did you mean 'severity'?");
    expect(nothingBuilt(root)).toBe(true);
  });

  it("'colums:' would drop the column tests: an error at its line with did-you-mean", async () => {
    const root = await project({
      ...ORDERS,
      'models/schema.yml': ['version: 2', 'models:', '  - name: orders', '    colums:', '      - name: id', '        data_tests: [unique, not_null]'].join('\n'),
    });
    const result = await runXform(['build'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain("models/schema.yml:4:5: error [XFORM_UNKNOWN_KEY] unknown key 'colums' in model 'orders' — did you mean 'columns'?");
    expect(nothingBuilt(root)).toBe(true);
  });

  it("'tets:', 'descripton:' and 'data_test:' on a column and a source table: every one reported", async () => {
    const root = await project({
      ...ORDERS,
      'models/schema.yml': [
        'version: 2',
        'sources:',
        '  - name: raw',
        '    tables:',
        '      - name: payments',
        '        descripton: payments as loaded',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: id',
        '        tets: [unique]',
        '      - name: status',
        '        data_test: [not_null]',
      ].join('\n'),
    });
    const result = await runXform(['compile'], { cwd: root });
    expectUserError(result);
    expect(result.stderr).toContain("models/schema.yml:6:9: error [XFORM_UNKNOWN_KEY] unknown key 'descripton' in table 'payments' of source 'raw' — did you mean 'description'?");
    expect(result.stderr).toContain("models/schema.yml:11:9: error [XFORM_UNKNOWN_KEY] unknown key 'tets' in column 'id' of model 'orders' — did you mean 'tests'?");
    expect(result.stderr).toContain("models/schema.yml:13:9: error [XFORM_UNKNOWN_KEY] unknown key 'data_test' in column 'status' of model 'orders' — did you mean 'data_tests'?");
  });
});

describe("keys of the user's own are warnings; --warn-error makes them errors", () => {
  const CUSTOM: ProjectFiles = {
    'xform_project.yml': ['name: demo', 'models:', '  demo:', '    +my_owner: finance', ''].join('\n'),
    'models/orders.sql': "{{ config(materialized='table', sla_hours=4) }}\nselect 1 as id, '{{ config.get('my_owner') }}' as owner",
    'models/schema.yml': ['version: 2', 'models:', '  - name: orders', '    owner: ann', '    columns:', '      - name: id', '        data_tests: [unique]'].join('\n'),
  };

  it('warns at each line and builds: exit 0, the table holds the custom value', async () => {
    const root = await project(CUSTOM);
    const result = await runXform(['build'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain("xform_project.yml:4:5: warning [XFORM_CONFIG_UNKNOWN_KEY] unknown config key '+my_owner' (kept: macros can read it with config.get)");
    expect(result.stderr).toContain("models/orders.sql:1:33: warning [XFORM_CONFIG_UNKNOWN_KEY] unknown config key 'sla_hours'");
    expect(result.stderr).toContain("models/schema.yml:4:5: warning [XFORM_UNKNOWN_KEY] unknown key 'owner' in model 'orders'");
    expect(result.stderr).not.toContain('error');
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), 'select id, owner from main.orders')).toEqual([{ id: 1, owner: 'finance' }]);
  });

  it('--warn-error fails on them: exit 1, printed as errors, nothing built', async () => {
    const root = await project(CUSTOM);
    const result = await runXform(['build', '--warn-error'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain("xform_project.yml:4:5: error [XFORM_CONFIG_UNKNOWN_KEY] unknown config key '+my_owner'");
    expect(result.stderr).toContain("models/schema.yml:4:5: error [XFORM_UNKNOWN_KEY] unknown key 'owner' in model 'orders'");
    expect(result.stderr).not.toContain('warning [XFORM_CONFIG_UNKNOWN_KEY]');
    expect(nothingBuilt(root)).toBe(true);
  });

  it('--warn-error-options can leave them warnings', async () => {
    const root = await project(CUSTOM);
    const result = await runXform(['build', '--warn-error-options', '{include: all, exclude: [XFORM_CONFIG_UNKNOWN_KEY, XFORM_UNKNOWN_KEY]}'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it("dbt's adapter keys (partition_by, sort, dist, transient, file_format) are accepted without a word", async () => {
    const root = await project({
      'xform_project.yml': ['name: demo', 'models:', '  demo:', '    +transient: false', '    +persist_docs: {relation: true}', ''].join('\n'),
      'models/orders.sql': "{{ config(materialized='table', partition_by={'field': 'id'}, sort='id', dist='all', file_format='delta') }}\nselect 1 as id",
    });
    const result = await runXform(['run'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).not.toContain('XFORM_CONFIG_UNKNOWN_KEY');
  });
});

describe("an installed package's misspellings are its author's to fix", () => {
  it('they are warnings in a package, and the build goes on', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'xform-config-keys-'));
    roots.push(base);
    await writeProject(
      {
        'xform_project.yml': '',
        'dbt_project.yml': ['name: typo_pkg', 'models:', '  typo_pkg:', '    +materialzed: table', ''].join('\n'),
        'models/pkg_orders.sql': "{{ config(materialzed='table') }}\nselect 1 as id",
        'models/schema.yml': ['version: 2', 'models:', '  - name: pkg_orders', '    colums:', '      - name: id'].join('\n'),
      },
      path.join(base, 'typo_pkg'),
    );
    await removeProject(path.join(base, 'typo_pkg', 'xform_project.yml'));
    const root = await writeProject(
      { 'packages.yml': 'packages:\n  - local: ../typo_pkg\n', 'models/report.sql': "select * from {{ ref('typo_pkg', 'pkg_orders') }}" },
      path.join(base, 'shop'),
    );
    const deps = await runXform(['deps'], { cwd: root });
    expect(deps.code, deps.stdout + deps.stderr).toBe(0);
    const result = await runXform(['run'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain("dbt_packages/typo_pkg/dbt_project.yml:4:5: warning [XFORM_CONFIG_UNKNOWN_KEY] unknown config key '+materialzed' — did you mean 'materialized'?");
    expect(result.stderr).toContain("dbt_packages/typo_pkg/models/schema.yml:4:5: warning [XFORM_UNKNOWN_KEY] unknown key 'colums' in model 'pkg_orders' — did you mean 'columns'?");
    expect(result.stderr).toContain("warning [XFORM_CONFIG_UNKNOWN_KEY] unknown config key 'materialzed' — did you mean 'materialized'?");
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), 'select id from main.report')).toEqual([{ id: 1 }]);
  });
});
