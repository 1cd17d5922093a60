/**
 * The flags every command takes (--warn-error, -q, --debug, --log-level, --log-path, --log-format, the log
 * file), --empty and --selector, and usage errors, through the built CLI on DuckDB. Each test fails when its
 * flag does nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function project(files: Record<string, string>): Promise<string> {
  const root = await writeProject(files);
  roots.push(root);
  return root;
}

async function duckRows(root: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await createAdapter({ type: 'duckdb', name: 'check', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 }, { projectRoot: '/' });
  try {
    return (await adapter.withConnection((c) => c.execute(sql))).rows;
  } finally {
    await adapter.close();
  }
}

const SHOP = {
  'seeds/raw_orders.csv': 'id,amount\n1,10\n2,20\n3,\n',
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: orders',
    '    columns:',
    '      - name: amount',
    '        tests:',
    '          - not_null: {config: {severity: warn}}',
  ].join('\n'),
  'models/orders.sql': "{{ config(materialized='table') }}select id, amount, 'eur' as currency from {{ ref('raw_orders') }}",
  'models/order_totals.sql': "{{ config(materialized='table', tags=['finance']) }}select count(*) as n, sum(amount) as total from {{ ref('orders') }}",
  'models/events.sql': "{{ config(materialized='view', tags=['finance']) }}select 1 as id",
};

const APPENDING = "{{ config(materialized='incremental') }}select 1 as id";

describe('--warn-error and --warn-error-options', () => {
  it('turns a compile warning (XFORM_APPEND_DUPLICATES) into an error: exit 1, nothing built', async () => {
    const root = await project({ 'models/appends.sql': APPENDING });
    const plain = await runXform(['run'], { cwd: root });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('warning [XFORM_APPEND_DUPLICATES]');

    const strict = await project({ 'models/appends.sql': APPENDING });
    const result = await runXform(['run', '--warn-error'], { cwd: strict });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error [XFORM_APPEND_DUPLICATES]');
    expect(result.stderr).not.toContain('warning [XFORM_APPEND_DUPLICATES]');
    expect(existsSync(path.join(strict, 'target/xform.duckdb'))).toBe(false);
  });

  it('fails a warning test with include [XFORM_TEST_WARN], and not when it is excluded', async () => {
    const root = await project(SHOP);
    const warned = await runXform(['build'], { cwd: root });
    expect(warned.code, warned.stdout + warned.stderr).toBe(0);
    expect(warned.stdout).toMatch(/WARN\s+test\s+not_null_orders_amount/);

    const failed = await runXform(['build', '--warn-error-options', '{"include": ["XFORM_TEST_WARN"]}'], { cwd: root });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAIL\s+test\s+not_null_orders_amount/);
    expect(failed.stdout).toContain('failed by --warn-error');

    const excluded = await runXform(['build', '--warn-error-options', '{include: all, exclude: [XFORM_TEST_WARN]}'], { cwd: root });
    expect(excluded.code, excluded.stdout).toBe(0);
  });

  it('fails a run whose selection matches nothing (XFORM_NOTHING_SELECTED)', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const plain = await runXform(['run', '-s', 'tag:none'], { cwd: root });
    expect(plain.code).toBe(0);
    const strict = await runXform(['run', '-s', 'tag:none', '--warn-error'], { cwd: root });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('error nothing to run: no nodes match the selection');
  });

  it('fails source freshness on a source past warn_after (XFORM_FRESHNESS_WARN)', async () => {
    const root = await project({
      'models/loads.sql': "{{ config(materialized='table') }}select current_timestamp - interval '2 hours' as loaded_at",
      'models/sources.yml': 'version: 2\nsources:\n  - name: shop\n    schema: main\n    loaded_at_field: loaded_at\n    freshness: {warn_after: {count: 1, period: hour}}\n    tables:\n      - {name: a, identifier: loads}\n',
    });
    expect((await runXform(['run'], { cwd: root })).code).toBe(0);
    const plain = await runXform(['source', 'freshness'], { cwd: root });
    expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    expect(plain.stdout).toContain('WARN');
    expect((await runXform(['source', 'freshness', '--warn-error'], { cwd: root })).code).toBe(1);
  });

  it('rejects unknown keys of --warn-error-options (exit 2)', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const result = await runXform(['compile', '--warn-error-options', '{includes: all}'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown key 'includes'");
  });
});

describe('--empty', () => {
  it('builds models with zero rows and the right columns, reading refs and sources as empty relations', async () => {
    const files = {
      ...SHOP,
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: main\n    tables:\n      - name: raw_orders\n',
      'models/from_source.sql': "{{ config(materialized='table') }}select id * 2 as doubled from {{ source('raw', 'raw_orders') }}",
    };
    const root = await project(files);
    expect((await runXform(['seed'], { cwd: root })).code).toBe(0);
    const result = await runXform(['run', '--empty'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await duckRows(root, 'select * from main.orders')).toEqual([]);
    expect(await duckRows(root, 'select * from main.from_source')).toEqual([]);
    expect(await duckRows(root, "select column_name from information_schema.columns where table_name = 'orders' order by ordinal_position")).toEqual([
      { column_name: 'id' },
      { column_name: 'amount' },
      { column_name: 'currency' },
    ]);
    // The aggregate over an empty ref still returns its one row: the model ran, over no input.
    expect(await duckRows(root, 'select n from main.order_totals')).toEqual([{ n: 0 }]);
    // Without --empty the same project builds its rows.
    expect((await runXform(['run'], { cwd: root })).code).toBe(0);
    expect(await duckRows(root, 'select count(*) as n from main.orders')).toEqual([{ n: 3 }]);
  });
});

describe('--selector and selectors.yml', () => {
  const SELECTORS = [
    'selectors:',
    '  - name: finance_tables',
    '    definition:',
    '      union:',
    '        - method: tag',
    '          value: finance',
    '          parents: true',
    '        - exclude:',
    '            - method: config.materialized',
    '              value: view',
    '            - "resource_type:seed"',
    '  - name: just_orders',
    '    default: true',
    '    definition:',
    '      intersection:',
    '        - {method: fqn, value: orders, children: true}',
    '        - {method: selector, value: finance_tables}',
  ].join('\n');

  it('selects by a named definition: union, exclude, parents flag, intersection and selector references', async () => {
    const root = await project({ ...SHOP, 'selectors.yml': SELECTORS });
    const result = await runXform(['ls', '--selector', 'finance_tables', '--resource-type', 'model', '-o', 'name'], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').sort()).toEqual(['order_totals', 'orders']);
    // The default selector (just_orders) selects no seed: name it.
    expect((await runXform(['seed', '-s', 'raw_orders'], { cwd: root })).code).toBe(0);
    const run = await runXform(['run', '--selector', 'finance_tables'], { cwd: root });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toContain('main.events');
    expect(run.stdout).toContain('main.order_totals');
  });

  it('applies the default: true selector when no selection is given', async () => {
    const root = await project({ ...SHOP, 'selectors.yml': SELECTORS });
    const result = await runXform(['ls', '--resource-type', 'model', '-o', 'name'], { cwd: root });
    expect(result.stdout.trim().split('\n').sort()).toEqual(['order_totals', 'orders']);
    const explicit = await runXform(['ls', '-s', 'events', '-o', 'name'], { cwd: root });
    expect(explicit.stdout.trim()).toBe('events');
  });

  it('selects the sources of source freshness', async () => {
    const root = await project({
      'models/loads.sql': "{{ config(materialized='table') }}select current_timestamp as loaded_at",
      'models/sources.yml': [
        'version: 2',
        'sources:',
        '  - name: shop',
        '    schema: main',
        '    loaded_at_field: loaded_at',
        '    freshness: {warn_after: {count: 1, period: day}}',
        '    tables:',
        '      - {name: a, identifier: loads}',
        '      - {name: b, identifier: loads}',
      ].join('\n'),
      'selectors.yml': 'selectors:\n  - name: only_a\n    definition: "source:shop.a"\n',
    });
    expect((await runXform(['run'], { cwd: root })).code).toBe(0);
    const result = await runXform(['source', 'freshness', '--selector', 'only_a'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const file = JSON.parse(readFileSync(path.join(root, 'target/sources.json'), 'utf8')) as { results: { unique_id: string }[] };
    expect(file.results.map((r) => r.unique_id)).toEqual(['source.demo.shop.a']);
  });

  it('names an unknown selector with a did-you-mean (exit 2)', async () => {
    const root = await project({ ...SHOP, 'selectors.yml': SELECTORS });
    const result = await runXform(['ls', '--selector', 'finance_table'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean 'finance_tables'");
  });
});

describe('terminal output levels', () => {
  it('-q prints only errors; the failing node and its message still show', async () => {
    const root = await project({ 'models/good.sql': 'select 1 as id', 'models/bad.sql': 'select * from no_such_table' });
    const loud = await runXform(['run'], { cwd: root });
    expect(loud.stdout).toMatch(/OK\s+view\s+main\.good/);
    const quiet = await runXform(['run', '-q'], { cwd: root });
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).not.toContain('main.good');
    expect(quiet.stdout).not.toContain('Done');
    expect(quiet.stdout).toMatch(/ERROR\s+view\s+main\.bad/);
    expect(quiet.stdout).toContain('no_such_table');
    expect(quiet.stdout).toContain('Finished with errors');
  });

  it('takes the flags before the command too, as dbt users write them', async () => {
    const root = await project({ 'models/good.sql': 'select 1 as id' });
    const quiet = await runXform(['-q', 'run'], { cwd: root });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toBe('');
    const json = await runXform(['--log-format', 'json', 'run'], { cwd: root });
    expect(JSON.parse(json.stdout.trim().split('\n')[0]!)).toMatchObject({ type: 'run_start' });
  });

  it('-q keeps the results of ls', async () => {
    const root = await project({ 'models/good.sql': 'select 1 as id' });
    const result = await runXform(['ls', '-q', '-o', 'name'], { cwd: root });
    expect(result.stdout.trim()).toBe('good');
  });

  it('--log-level error hides info lines, --log-level warn keeps warnings', async () => {
    const root = await project({ 'models/appends.sql': APPENDING });
    const errorOnly = await runXform(['run', '--log-level', 'error'], { cwd: root });
    expect(errorOnly.code).toBe(0);
    expect(errorOnly.stdout).not.toContain('main.appends');
    expect(errorOnly.stderr).not.toContain('XFORM_APPEND_DUPLICATES');
    const warn = await runXform(['run', '--log-level', 'warn'], { cwd: root });
    expect(warn.stdout).not.toContain('main.appends');
    expect(warn.stderr).toContain('warning [XFORM_APPEND_DUPLICATES]');
  });

  it('--debug prints debug lines', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const plain = await runXform(['compile'], { cwd: root });
    expect(plain.stderr).not.toContain("running 'compile'");
    const result = await runXform(['compile', '--debug'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^xform \S+ on node v\d+.*running 'compile'/m);
    expect(result.stderr).toMatch(/finished in \d+\.\d\ds with exit code 0/);
  });
});

describe('the log file', () => {
  it('logs/xform.log holds each command, its lines and debug lines, with secrets scrubbed', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const env = { DBT_ENV_SECRET_TOKEN: 'tok-5ecret-value' };
    expect((await runXform(['run', '--vars', '{token: tok-5ecret-value}'], { cwd: root, env })).code).toBe(0);
    expect((await runXform(['ls'], { cwd: root, env })).code).toBe(0);
    const log = readFileSync(path.join(root, 'logs/xform.log'), 'utf8');
    expect(log).toMatch(/\| xform run --vars \{token: \*+\}/);
    expect(log).toMatch(/\[info \] 1 of 1 {2}OK\s+view\s+main\.a/);
    expect(log).toMatch(/\[debug\] xform \S+ on node .*running 'run'/);
    expect(log).toMatch(/\[debug\] SQL \(model\.demo\.a\): create or replace view "main"\."a"/);
    expect(log).toMatch(/\[info \] Done: 1 ok/);
    expect(log).toContain('| xform ls ');
    expect(log).not.toContain('tok-5ecret-value');
  });

  it('rolls over before passing --log-file-max-bytes, keeping five older logs, as dbt.log does', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id', 'models/b.sql': 'select 2 as id' });
    const log = (suffix = '') => path.join(root, `logs/xform.log${suffix}`);
    // Each `ls` logs ~400 bytes: with a 500-byte limit every command after the first starts a new log.
    for (let n = 1; n <= 8; n++) {
      const result = await runXform(['ls', '--vars', `{pass: ${n}}`, '--log-file-max-bytes', '500'], { cwd: root });
      expect(result.code).toBe(0);
    }
    const header = (n: number) => `| xform ls --vars {pass: ${n}} --log-file-max-bytes 500 =`;
    expect(readFileSync(log(), 'utf8')).toContain(header(8));
    for (let backup = 1; backup <= 5; backup++) {
      const text = readFileSync(log(`.${backup}`), 'utf8');
      expect(text).toContain(header(8 - backup));
      expect(text).toContain('demo.a');
    }
    expect(existsSync(log('.6'))).toBe(false);
    const all = [log(), ...[1, 2, 3, 4, 5].map((n) => log(`.${n}`))].map((f) => readFileSync(f, 'utf8')).join('');
    expect(all).not.toContain(header(1));
    expect(all).not.toContain(header(2));

    // 0: no limit, as in dbt; the environment variable is read when the flag is not given.
    for (const n of [9, 10]) expect((await runXform(['ls', '--vars', `{pass: ${n}}`], { cwd: root, env: { XFORM_LOG_FILE_MAX_BYTES: '0' } })).code).toBe(0);
    expect(readFileSync(log(), 'utf8')).toContain(header(8).replace('8', '9').replace(' --log-file-max-bytes 500', ''));
    expect(readFileSync(log(), 'utf8')).toContain('{pass: 10}');
    expect(readFileSync(log('.1'), 'utf8')).toContain(header(7));

    // An unchanged compile (answered without loading the compiler) rolls the log over too.
    expect((await runXform(['compile'], { cwd: root })).code).toBe(0);
    const before = readFileSync(log(), 'utf8');
    expect((await runXform(['compile'], { cwd: root, env: { XFORM_LOG_FILE_MAX_BYTES: '500' } })).code).toBe(0);
    expect(readFileSync(log('.1'), 'utf8')).toBe(before);
    expect(readFileSync(log(), 'utf8')).toMatch(/nothing changed since the last compile/);
  });

  it('a log size limit that is not a number of bytes is a usage error naming where it came from', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const flag = await runXform(['ls', '--log-file-max-bytes', '10MB'], { cwd: root });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--log-file-max-bytes expects a number of bytes (0 for no limit), got '10MB'");
    expect(flag.stderr).toContain('e.g. --log-file-max-bytes 10485760');
    // Also where a compile would otherwise be answered without loading the compiler.
    expect((await runXform(['compile'], { cwd: root })).code).toBe(0);
    const env = await runXform(['compile'], { cwd: root, env: { XFORM_LOG_FILE_MAX_BYTES: '-1' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("XFORM_LOG_FILE_MAX_BYTES expects a number of bytes (0 for no limit), got '-1'");
    expect(env.stderr).not.toMatch(/\n\s+at /);
  });

  it('--log-path puts it elsewhere', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    expect((await runXform(['compile', '--log-path', 'elsewhere'], { cwd: root })).code).toBe(0);
    expect(readFileSync(path.join(root, 'elsewhere/xform.log'), 'utf8')).toContain('| xform compile --log-path elsewhere');
    expect(existsSync(path.join(root, 'logs/xform.log'))).toBe(false);
  });
});

describe('--log-format', () => {
  it('json prints every line as a JSON object', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const result = await runXform(['compile', '--log-format', 'json'], { cwd: root });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: expect.any(String) });
  });

  it('debug prefixes every line with its time and level', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const result = await runXform(['compile', '--log-format', 'debug'], { cwd: root });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} \[info \] /);
  });

  it('an unknown format is a usage error with a did-you-mean', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const result = await runXform(['ls', '--log-format', 'jsn'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--log-format expects one of text, json, debug, got 'jsn'");
    expect(result.stderr).toContain("did you mean 'json'");
    const xml = await runXform(['run', '--log-format', 'xml'], { cwd: root });
    expect(xml.code).toBe(2);
  });
});

describe('usage errors and --help', () => {
  it('exit 2 for an unknown flag, an unknown command and a missing argument', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    expect((await runXform(['run', '--no-such-flag'], { cwd: root })).code).toBe(2);
    const unknown = await runXform(['biuld'], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('build');
    expect((await runXform(['run-operation'], { cwd: root })).code).toBe(2);
    expect((await runXform(['--help'], { cwd: root })).code).toBe(0);
  });

  it("each command's --help lists its flags", async () => {
    const root = await project({});
    const run = await runXform(['run', '--help'], { cwd: root });
    expect(run.code).toBe(0);
    for (const flag of ['--empty', '--selector', '--warn-error', '--warn-error-options', '-q, --quiet', '--debug', '--log-level', '--log-path', '--log-format']) {
      expect(run.stdout).toContain(flag);
    }
    const show = await runXform(['show', '--help'], { cwd: root });
    for (const flag of ['--select', '--inline', '--limit', '--output', '--log-level']) expect(show.stdout).toContain(flag);
  });
});
