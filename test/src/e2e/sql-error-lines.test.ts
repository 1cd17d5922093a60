/**
 * A warehouse error in a model names the line of the model's own .sql file (with its Jinja), shows it with a
 * caret, and names the compiled file and its line: on DuckDB (which reports `LINE n` of the wrapped
 * statement in its message) and PostgreSQL (which reports a character position in the statement).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const MODEL = [
  "{{ config(materialized='table') }}", // 1
  '{% set with_extra = false %}', // 2
  'select', // 3
  '  {{ cols(', // 4
  "       'x') }},", // 5
  '  {% if with_extra %}', // 6
  '  3 as extra,', // 7
  '  {% endif %}', // 8
  '  no_such_col + id as broken', // 9
  'from (select 1 as id) as s', // 10
  '',
].join('\n');

/** The error is in what a macro printed: it points at the call, and shows the compiled line that failed. */
const IN_MACRO = ["{{ config(materialized='view') }}", 'select', "  {{ cols('y', bad=true) }}", 'from (select 1 as id) as s', ''].join('\n');

const PROJECT: ProjectFiles = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'macros/cols.sql': [
    "{% macro cols(prefix, bad=false) %}",
    '  1 as {{ prefix }}_a,',
    '  0 as {{ prefix }}_z,',
    "  {{ 'missing_col' if bad else '2' }} as {{ prefix }}_b",
    '{% endmacro %}',
    '',
  ].join('\n'),
  'models/marts/orders_summary.sql': MODEL,
  'models/in_macro.sql': IN_MACRO,
  'models/fine.sql': 'select 1 as id\n',
};

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

/** The `path:line:column` the output names for the compiled file, and that file's lines. */
async function compiledRef(root: string, output: string, file: string): Promise<{ line: number; column: number; lines: string[] }> {
  const m = new RegExp(`compiled SQL: (${file.replace(/[.]/g, '\\.')}):(\\d+):(\\d+)`).exec(output);
  expect(m, output).not.toBeNull();
  const text = await readFile(path.join(root, m![1]!), 'utf8');
  return { line: Number(m![2]), column: Number(m![3]), lines: text.split('\n') };
}

async function expectMappedErrors(root: string, env?: Record<string, string>): Promise<void> {
  const run = await runXform(['run'], { cwd: root, env });
  const out = run.stdout + run.stderr;
  expect(run.code, out).toBe(1);
  expect(out).toMatch(/OK\s+\w+\s+\w+\.fine/);

  // The source line of the model, its column, and the line itself under a caret.
  expect(out).toContain('models/marts/orders_summary.sql:9:3: ');
  expect(out).toContain(['        9 |   no_such_col + id as broken', '          |   ^'].join('\n'));
  // The compiled file exists after the failure, holds the SQL that ran, and its line is named.
  const compiled = await compiledRef(root, out, 'target/run/models/marts/orders_summary.sql');
  expect(compiled.lines[compiled.line - 1]).toBe('  no_such_col + id as broken');
  expect(compiled.column).toBe(3);
  expect(compiled.line).not.toBe(9);
  expect(compiled.lines.join('\n')).toContain('1 as x_a,');
  // No line number of the wrapped statement is left to confuse (DuckDB's `LINE n:`).
  expect(out).not.toMatch(/LINE \d+:/);

  // An error inside a macro's output: the line of the call, and the compiled line that failed.
  expect(out).toContain('models/in_macro.sql:3:3: ');
  expect(out).toContain(["        3 |   {{ cols('y', bad=true) }}", '          |   ^'].join('\n'));
  const inMacro = await compiledRef(root, out, 'target/run/models/in_macro.sql');
  expect(inMacro.lines[inMacro.line - 1]).toBe('  missing_col as y_b');
  expect(out).toContain(`        ${inMacro.line} |   missing_col as y_b\n`);

  const results = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; message: string }[] };
  const failed = results.results.find((r) => r.unique_id === 'model.shop.orders_summary')!;
  expect(failed.message).toContain(`compiled SQL: target/run/models/marts/orders_summary.sql:${compiled.line}:3`);
}

/** An incremental model whose later runs (MERGE ... USING (its query) there) fail on line 6. */
const INCREMENTAL: ProjectFiles = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'models/inc.sql': [
    "{{ config(materialized='incremental', unique_key='id') }}",
    "select id, 'a' as name",
    'from (select 1 as id) as s',
    '{% if is_incremental() %}',
    'where id > (',
    '  select max(bad_col) from {{ this }})', // 6
    '{% endif %}',
    '',
  ].join('\n'),
};

async function expectIncrementalMapped(root: string): Promise<void> {
  const first = await runXform(['run'], { cwd: root });
  expect(first.code, first.stdout + first.stderr).toBe(0);
  const run = await runXform(['run'], { cwd: root });
  const out = run.stdout + run.stderr;
  expect(run.code, out).toBe(1);
  expect(out).toMatch(/models\/inc\.sql:6:\d+: /u);
  expect(out).toContain('        6 |   select max(bad_col) from');
  const compiled = await compiledRef(root, out, 'target/run/models/inc.sql');
  expect(compiled.lines[compiled.line - 1]).toMatch(/^ {2}select max\(bad_col\) from /u);
  expect(out).not.toMatch(/LINE \d+:/);
}

describe('a warehouse error points at the line of the model', () => {
  it("on DuckDB, in an incremental model's later run", async () => {
    const root = await writeProject(INCREMENTAL);
    roots.push(root);
    await expectIncrementalMapped(root);
  });

  it('on DuckDB', async () => {
    const root = await writeProject(PROJECT);
    roots.push(root);
    await expectMappedErrors(root);
  });

  it("on DuckDB, in a snapshot's {% snapshot %} block and in a microbatch model", async () => {
    const root = await writeProject({
      'xform_project.yml': 'name: shop\nversion: "1"\n',
      'models/src.sql': "select 1 as id, timestamp '2024-01-01 10:00:00' as ts\n",
      'snapshots/snap.sql': [
        '{% snapshot snap %}',
        "{{ config(unique_key='id', strategy='check', check_cols='all') }}",
        'select',
        '  id,',
        '  {% if false %}',
        '  ts,',
        '  {% endif %}',
        '  nope_col', // 8
        "from {{ ref('src') }}",
        '{% endsnapshot %}',
        '',
      ].join('\n'),
      'models/events.sql': [
        "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', begin='2024-01-01', batch_size='day') }}",
        '',
        'select',
        '  ts,',
        '  bad_col', // 5
        "from {{ ref('src') }}",
        '',
      ].join('\n'),
    });
    roots.push(root);
    const build = await runXform(['build', '--event-time-start', '2024-01-01', '--event-time-end', '2024-01-02'], { cwd: root });
    const out = build.stdout + build.stderr;
    expect(build.code, out).toBe(1);
    expect(out).toContain('      snapshots/snap.sql:8:3: Binder Error: Referenced column "nope_col"');
    expect(out).toContain(['        8 |   nope_col', '          |   ^'].join('\n'));
    const snap = await compiledRef(root, out, 'target/run/snapshots/snap.sql');
    expect(snap.lines[snap.line - 1]).toBe('  nope_col');
    expect(out).toContain('      models/events.sql:5:3: Binder Error: Referenced column "bad_col"');
    expect(out).toContain(['        5 |   bad_col', '          |   ^'].join('\n'));
    const events = await compiledRef(root, out, 'target/run/models/events.sql');
    expect(events.lines[events.line - 1]).toBe('  bad_col');
  });

  describe('on PostgreSQL', () => {
    const server = withPostgres();
    it('maps the position PostgreSQL reports', async () => {
      const root = await writeProject({ ...PROJECT, 'profiles.yml': postgresProfile(server(), { schema: 'errlines' }) });
      roots.push(root);
      await expectMappedErrors(root);
    });

    it("in an incremental model's later run", async () => {
      const root = await writeProject({ ...INCREMENTAL, 'profiles.yml': postgresProfile(server(), { schema: 'errlines_inc' }) });
      roots.push(root);
      await expectIncrementalMapped(root);
    });
  });
});
