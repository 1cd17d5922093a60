/**
 * Incremental: an incremental model (unique_key, so merge) over an N-row DuckDB source. Each run first
 * rebuilds the model with --full-refresh from the N base rows, then adds 1% new rows to the source and runs
 * the model incrementally; the row count afterwards proves the new rows arrived exactly once. The figure is
 * the model's own execution time (run_results.json) of the incremental run divided by that of the full
 * refresh: both are the same process otherwise, and the fixed start-up cost is the run-overhead figure's.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { duckdbExec } from '../lib/duckdb-exec.mjs';
import { duckdbProfile, writeTree } from '../lib/files.mjs';
import { CACHE_DIR } from '../lib/load-ts.mjs';
import { nodeSeconds, readRunResults, timeXform } from '../lib/measure.mjs';
import { median } from '../lib/stats.mjs';

const PROJECT = {
  'xform_project.yml': 'name: inc\nversion: "1.0"\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: events\n',
  'models/events.sql': [
    "{{ config(materialized='incremental', unique_key='id') }}",
    'select id, customer_id, amount, status, created_at',
    "from {{ source('raw', 'events') }}",
    '{% if is_incremental() %}',
    'where id > (select max(id) from {{ this }})',
    '{% endif %}',
    '',
  ].join('\n'),
};

/** Rows [from, to) of the source: deterministic, a few column types. */
function sourceRows(from, to) {
  return (
    `select range as id, range % 100000 as customer_id, (range % 9973) / 100.0 as amount, ` +
    `case range % 4 when 0 then 'new' when 1 then 'paid' when 2 then 'shipped' else 'returned' end as status, ` +
    `timestamp '2024-01-01' + to_seconds(range) as created_at from range(${from}, ${to})`
  );
}

export async function incrementalSuite({ rows, newFraction, runs, record }) {
  const dir = path.join(CACHE_DIR, `incremental-${rows}`);
  await writeTree(dir, { ...PROJECT, 'profiles.yml': duckdbProfile('inc', { dbFile: 'bench.duckdb' }) });
  const db = path.join(dir, 'bench.duckdb');
  await rm(db, { force: true });
  await rm(`${db}.wal`, { force: true });
  const added = Math.max(1, Math.round(rows * newFraction));
  const sql = (statements) => duckdbExec(db, statements, { cwd: dir, scratch: dir });
  await sql(['create schema raw', `create table raw.events as ${sourceRows(0, rows)}`]);

  const full = [];
  const incremental = [];
  for (let i = 0; i < runs; i++) {
    await sql([`delete from raw.events where id >= ${rows}`]);
    await timeXform(['run', '--full-refresh'], { cwd: dir });
    full.push(nodeSeconds(await readRunResults(dir), 'events'));
    await sql([`insert into raw.events ${sourceRows(rows, rows + added)}`]);
    await timeXform(['run'], { cwd: dir });
    incremental.push(nodeSeconds(await readRunResults(dir), 'events'));
    const check = await sql(['select count(*)::bigint as n, count(distinct id)::bigint as ids from main.events']);
    const { n, ids } = check.rows[0];
    if (Number(n) !== rows + added || Number(ids) !== rows + added) {
      throw new Error(`after the incremental run main.events has ${n} rows (${ids} ids), expected ${rows + added}`);
    }
  }
  const label = `${rows.toLocaleString('en-US')}-row DuckDB table + ${added.toLocaleString('en-US')} new rows`;
  record({ id: 'incremental.full_refresh', label: `incremental, ${label}: full refresh`, unit: 's', samples: full });
  record({ id: 'incremental.run', label: `incremental, ${label}: incremental run`, unit: 's', samples: incremental });
  record({
    id: 'incremental.ratio',
    label: `incremental, ${label} (incremental / full refresh)`,
    unit: 'x',
    samples: incremental.map((x, i) => x / full[i]),
    value: median(incremental) / median(full),
    target: 0.1,
    // The incremental run, from the state each measured one started in.
    profile: {
      name: 'incremental.ratio',
      prepare: async () => {
        await sql([`delete from raw.events where id >= ${rows}`]);
        await timeXform(['run', '--full-refresh'], { cwd: dir });
        await sql([`insert into raw.events ${sourceRows(rows, rows + added)}`]);
        return { args: ['run'], cwd: dir };
      },
    },
  });
}
