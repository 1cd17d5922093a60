/**
 * `xform retry` of a microbatch model that partly succeeded: only its failed batches run again
 * (RunResult.batch_results in, ExecuteRunOptions.batches out).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, type CliResult } from '../helpers/cli.js';
import { duckRows } from '../helpers/duckdb.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const say = (r: CliResult) => r.stdout + r.stderr;

describe('xform retry of a microbatch model', () => {
  it('re-runs only the failed batch and keeps the batches that succeeded', async () => {
    const root = await writeProject({
      'xform_project.yml': 'name: shop\nversion: "1"\n',
      // Day 2 holds a value that does not cast to a number: only its batch fails.
      'seeds/events.csv': 'ts,v\n2026-01-01 10:00:00,1\n2026-01-02 10:00:00,oops\n2026-01-03 10:00:00,3\n',
      'seeds/schema.yml': 'seeds:\n  - name: events\n    config:\n      event_time: ts\n      column_types: {ts: timestamp, v: varchar}\n',
      'models/daily.sql': [
        "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2026-01-01') }}",
        "select ts, {% if var('fixed', false) %}try_cast(v as integer){% else %}cast(v as integer){% endif %} as v, '{{ var('tag', 'first') }}' as tag",
        "from {{ ref('events') }}",
      ].join('\n'),
      // Skipped after the partial success; the retry builds it from the completed table.
      'models/per_day.sql': "{{ config(materialized='table') }}select count(*) as days, count(v) as with_v from {{ ref('daily') }}",
    });
    roots.push(root);
    expect((await runXform(['seed'], { cwd: root })).code).toBe(0);
    const first = await runXform(['run', '--event-time-start', '2026-01-01', '--event-time-end', '2026-01-04'], { cwd: root });
    expect(first.code, say(first)).toBe(1);
    const before = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; batch_results?: { successful: string[][]; failed: string[][] } }[] };
    const daily = before.results.find((r) => r.unique_id === 'model.shop.daily')!;
    expect(daily.status).toBe('partial success');
    expect(daily.batch_results!.successful).toHaveLength(2);
    expect(daily.batch_results!.failed).toHaveLength(1);
    expect(daily.batch_results!.failed[0]![0]).toMatch(/^2026-01-02/);
    expect(before.results.find((r) => r.unique_id === 'model.shop.per_day')!.status).toBe('skipped');

    // The tag shows which batches ran again: only day 2.
    const retried = await runXform(['retry', '--vars', '{fixed: true, tag: retry}'], { cwd: root });
    expect(retried.code, say(retried)).toBe(0);
    expect(retried.stderr).toContain('1 failed batch(es) of 1 microbatch model(s)');
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), "select strftime(ts, '%d') as day, v, tag from main.daily order by ts")).toEqual([
      { day: '01', v: 1, tag: 'first' },
      { day: '02', v: null, tag: 'retry' },
      { day: '03', v: 3, tag: 'first' },
    ]);
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), 'select days, with_v from main.per_day')).toEqual([{ days: 3, with_v: 2 }]);
    const after = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as typeof before;
    const merged = after.results.find((r) => r.unique_id === 'model.shop.daily')!;
    expect(merged.status).toBe('success');
    expect(merged.batch_results).toMatchObject({ failed: [] });
    expect(merged.batch_results!.successful).toHaveLength(3);

    const nothing = await runXform(['retry'], { cwd: root });
    expect(nothing.code, say(nothing)).toBe(0);
    expect(nothing.stdout).toContain('nothing to retry');
  });
});
