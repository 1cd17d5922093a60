import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, type CliResult } from '../helpers/cli.js';
import { duckRows } from '../helpers/duckdb.js';
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

/** The per-node lines a run printed, as "STATUS kind relation" (timings left out). */
function nodeLines(result: CliResult): string[] {
  return [...result.stdout.matchAll(/^\s*\d+ of \d+\s+(\S+)\s+(\S+)\s+(\S+)/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`).sort();
}

async function runResults(root: string): Promise<{ args: Record<string, unknown>; results: { unique_id: string; status: string }[] }> {
  return JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: { unique_id: string; status: string }[] };
}

async function statuses(root: string): Promise<{ which: unknown; target: unknown; results: Record<string, string> }> {
  const file = await runResults(root);
  return { which: file.args.which, target: file.args.target, results: Object.fromEntries(file.results.map((r) => [r.unique_id, r.status]).sort()) };
}

const say = (r: CliResult) => r.stdout + r.stderr;

/** raw (seed) -> stg (view) -> fct (table; fails while var broken is true) -> rpt (view); other stands alone. */
const SHOP = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'seeds/raw.csv': 'id,v\n1,10\n2,20\n',
  'models/stg.sql': "select * from {{ ref('raw') }}",
  'models/fct.sql': "{{ config(materialized='table') }}select id, v{% if var('broken', false) %} + 'not a number'::integer{% endif %} as v from {{ ref('stg') }}",
  'models/rpt.sql': "select sum(v) as total from {{ ref('fct') }}",
  'models/other.sql': 'select 1 as one',
};

describe('xform retry', () => {
  it('run: re-runs exactly the failed model and its skipped child with the same target and vars, then has nothing to retry', async () => {
    const root = await project({
      ...SHOP,
      // The prod database file is named by a secret: it must not reach run_results.json, and a retry reads it afresh.
      'profiles.yml': [
        'shop:',
        '  target: dev',
        '  outputs:',
        '    dev: {type: duckdb, path: target/dev.duckdb}',
        "    prod: {type: duckdb, path: \"{{ env_var('XFORM_ENV_SECRET_PROD_DB') }}\", schema: analytics}",
      ].join('\n'),
    });
    const env = { XFORM_ENV_SECRET_PROD_DB: 'target/hidden-prod-name.duckdb' };
    const prodDb = path.join(root, 'target/hidden-prod-name.duckdb');
    expect((await runXform(['seed', '--target', 'prod'], { cwd: root, env })).code).toBe(0);
    const first = await runXform(['run', '--target', 'prod', '--vars', '{broken: true}', '--threads', '1'], { cwd: root, env });
    expect(first.code, say(first)).toBe(1);
    expect(nodeLines(first)).toEqual(['ERROR table analytics.fct', 'OK view analytics.other', 'OK view analytics.stg', 'SKIP view analytics.rpt']);
    expect(await readFile(path.join(root, 'target/run_results.json'), 'utf8')).not.toContain('hidden-prod-name');

    // The profile is read again, not taken from the previous run: without its secret there is no retry.
    const noSecret = await runXform(['retry'], { cwd: root });
    expect(noSecret.code, say(noSecret)).toBe(2);
    expect(noSecret.stderr).toContain('XFORM_ENV_SECRET_PROD_DB');
    expect(noSecret.stderr).not.toMatch(/\bat .*\.js:\d+/);

    // Replayed with the run's own vars, the model fails again: nothing else is run.
    const again = await runXform(['retry'], { cwd: root, env });
    expect(again.code, say(again)).toBe(1);
    expect(nodeLines(again)).toEqual(['ERROR table analytics.fct', 'SKIP view analytics.rpt']);
    expect(again.stderr).toContain("retrying 2 node(s) of the previous 'xform run'");

    const fixed = await runXform(['retry', '--vars', '{broken: false}'], { cwd: root, env });
    expect(fixed.code, say(fixed)).toBe(0);
    expect(nodeLines(fixed)).toEqual(['OK table analytics.fct', 'OK view analytics.rpt']);
    expect(await duckRows(prodDb, 'select total from analytics.rpt')).toEqual([{ total: 30 }]);
    // The retry's run results describe the whole run, so that another retry continues from them.
    expect(await statuses(root)).toEqual({
      which: 'run',
      target: 'prod',
      results: { 'model.shop.fct': 'success', 'model.shop.other': 'success', 'model.shop.rpt': 'success', 'model.shop.stg': 'success' },
    });
    // The first run's flags, with the retry's own --vars: what a further retry would replay.
    expect((await runResults(root)).args).toMatchObject({ which: 'run', target: 'prod', threads: 1, vars: { broken: false } });

    const nothing = await runXform(['retry'], { cwd: root, env });
    expect(nothing.code, say(nothing)).toBe(0);
    expect(nothing.stdout).toContain("nothing to retry: no node of the previous 'xform run'");
    expect(nodeLines(nothing)).toEqual([]);
  });

  it('takes its own --project-dir, --profiles-dir, --threads and --log-format', async () => {
    const root = await project({ ...SHOP, 'conf/profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: target/dev.duckdb}\n    ci: {type: duckdb, path: target/ci.duckdb}\n' });
    expect((await runXform(['build', '--profiles-dir', 'conf', '--target', 'ci', '--vars', '{broken: true}'], { cwd: root })).code).toBe(1);
    const elsewhere = path.dirname(root);
    const retried = await runXform(
      ['retry', '--project-dir', root, '--profiles-dir', path.join(root, 'conf'), '--threads', '2', '--log-format', 'json', '--vars', '{broken: false}'],
      { cwd: elsewhere },
    );
    expect(retried.code, say(retried)).toBe(0);
    const events = retried.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; id?: string; status?: string });
    expect(events.filter((e) => e.type === 'node_finish').map((e) => `${e.id} ${e.status}`).sort()).toEqual(['model.shop.fct success', 'model.shop.rpt success']);
    expect(await duckRows(path.join(root, 'target/ci.duckdb'), 'select total from main.rpt')).toEqual([{ total: 30 }]);
    expect((await runResults(root)).args).toMatchObject({ which: 'build', target: 'ci', threads: 2 });
  });

  it('build: a failing test blocks its model; the retry rebuilds the model and runs all of its tests again', async () => {
    const root = await project({
      ...SHOP,
      'models/fct.sql': "{{ config(materialized='table') }}select id, case when id = 2 and {{ var('bad', true) }} then null else v end as v from {{ ref('stg') }}",
      'models/schema.yml': ['models:', '  - name: fct', '    columns:', '      - name: id', '        tests: [unique]', '      - name: v', '        tests: [not_null]'].join('\n'),
    });
    const first = await runXform(['build'], { cwd: root });
    expect(first.code, say(first)).toBe(1);
    expect((await statuses(root)).results).toMatchObject({
      'model.shop.fct': 'error',
      'model.shop.rpt': 'skipped',
      'model.shop.stg': 'success',
      'seed.shop.raw': 'success',
    });

    const retried = await runXform(['retry', '--vars', '{bad: false}'], { cwd: root });
    expect(retried.code, say(retried)).toBe(0);
    expect(nodeLines(retried)).toEqual(['OK table main.fct', 'OK view main.rpt', 'PASS test not_null_fct_v', 'PASS test unique_fct_id']);
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), 'select total from main.rpt')).toEqual([{ total: 30 }]);
    const after = await statuses(root);
    expect(after.which).toBe('build');
    expect(Object.values(after.results).every((s) => s === 'success' || s === 'pass')).toBe(true);
    expect(Object.keys(after.results)).toHaveLength(7);
  });

  it('test: re-runs only the failing test', async () => {
    const root = await project({
      ...SHOP,
      'tests/small_values.sql': "select * from {{ ref('fct') }} where v > {{ var('max_v', 15) }}",
      'tests/ids_positive.sql': "select * from {{ ref('fct') }} where id <= 0",
    });
    expect((await runXform(['build', '--exclude', 'test_type:singular'], { cwd: root })).code).toBe(0);
    const tested = await runXform(['test'], { cwd: root });
    expect(tested.code, say(tested)).toBe(1);
    expect(nodeLines(tested)).toEqual(['FAIL test small_values', 'PASS test ids_positive']);
    const retried = await runXform(['retry', '--vars', '{max_v: 100}'], { cwd: root });
    expect(retried.code, say(retried)).toBe(0);
    expect(nodeLines(retried)).toEqual(['PASS test small_values']);
  });

  it('warns about a failed node removed since, and runs what is left', async () => {
    const root = await project({ ...SHOP, 'models/leaf.sql': 'select 1 / 0 as boom from no_such_table' });
    const first = await runXform(['build'], { cwd: root });
    expect(first.code, say(first)).toBe(1);
    await rm(path.join(root, 'models/leaf.sql'));
    const retried = await runXform(['retry'], { cwd: root });
    expect(retried.code, say(retried)).toBe(0);
    expect(retried.stderr).toContain('warning not in the project any more, not retried: model.shop.leaf');
    expect(retried.stdout).toContain('nothing to retry');
  });

  it('reads another target folder with --state, and refuses a missing or unretriable run with exit 2', async () => {
    const root = await project({ ...SHOP, 'models/fct.sql': "{{ config(materialized='table') }}select * from {{ ref('stg') }} where v > {{ var('min', 'x') }}" });
    const missing = await runXform(['retry'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no previous run to retry: ${path.join(root, 'target/run_results.json')} does not exist`);
    expect(missing.stderr).not.toMatch(/\bat .*\.js:\d+/);

    expect((await runXform(['build', '--vars', '{min: 15}'], { cwd: root })).code).toBe(0);
    const saved = path.join(root, 'prod-artifacts');
    await cp(path.join(root, 'target'), saved, { recursive: true });
    const failed = await runXform(['run', '--select', 'fct+'], { cwd: root });
    expect(failed.code, say(failed)).toBe(1);
    await cp(path.join(root, 'target/run_results.json'), path.join(saved, 'run_results.json'));
    await writeFile(path.join(root, 'target/run_results.json'), JSON.stringify({ results: [], args: { which: 'docs' } }));
    const unsupported = await runXform(['retry'], { cwd: root });
    expect(unsupported.code).toBe(2);
    expect(unsupported.stderr).toContain("records an 'xform docs', which retry cannot run again");

    const fromState = await runXform(['retry', '--state', 'prod-artifacts', '--vars', '{min: 0}'], { cwd: root });
    expect(fromState.code, say(fromState)).toBe(0);
    expect(nodeLines(fromState)).toEqual(['OK table main.fct', 'OK view main.rpt']);
  });
});
