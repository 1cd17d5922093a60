/**
 * Microbatch models end to end on DuckDB and PostgreSQL, through the built CLI: a 30-day backfill, a
 * re-run of some days leaving every table identical, late events inside and outside lookback, and a batch
 * that fails on bad data while the others succeed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresDialect } from '@xform/adapter-postgres';
import { runXform } from '../helpers/cli.js';
import { removeProject } from '../helpers/project.js';
import { withPostgres } from '../postgres-server.js';
import { checksums, createMicrobatchProject, dailyEvents, duckdbWarehouse, insertEvents, postgresWarehouse, type Warehouse } from './microbatch-project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const day = (d: Date, offsetDays: number) => new Date(d.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

function microbatchSuite(name: string, makeWarehouse: () => (root: string) => Warehouse) {
  let n = 0;
  const setup = async (begin: string) => {
    const rawSchema = `raw_${name}_${++n}`;
    const made = await createMicrobatchProject(makeWarehouse(), { begin, rawSchema });
    roots.push(made.root);
    return { ...made, rawSchema };
  };
  const xform = async (root: string, args: string[]) => {
    const r = await runXform(args, { cwd: root });
    return { ...r, output: r.stdout + r.stderr };
  };

  describe(`microbatch on ${name}`, () => {
    it('a 30-day backfill, then a re-run of days 10-12, leaves every table checksum identical', async () => {
      const { root, warehouse, rawSchema } = await setup('2026-01-01');
      await insertEvents(warehouse, rawSchema, dailyEvents(new Date('2026-01-01T00:00:00Z'), 30));
      // Outside the backfilled range: the batches' upstream filter must leave them out.
      await insertEvents(warehouse, rawSchema, [
        { id: 900, at: '2025-12-31 23:59:59', payload: '1' },
        { id: 901, at: '2026-01-31 00:00:00', payload: '1' },
      ]);

      const backfill = await xform(root, ['run', '--event-time-start', '2026-01-01', '--event-time-end', '2026-01-31']);
      expect(backfill.code, backfill.output).toBe(0);
      expect(backfill.stdout).toContain('batch 3/30 2026-01-03 OK');
      expect(backfill.stdout).toContain('batch 30/30 2026-01-30 OK');
      const first = await checksums(warehouse);
      expect(first.stg_events.rows).toBe(90);
      expect(first.daily.rows).toBe(30);
      const ids = await warehouse.rows(`select min(id) as lo, max(id) as hi from ${warehouse.schema}.stg_events`);
      expect(ids.map((r) => [Number(r.lo), Number(r.hi)])).toEqual([[1, 90]]);

      const rerun = await xform(root, ['run', '--event-time-start', '2026-01-10', '--event-time-end', '2026-01-13']);
      expect(rerun.code, rerun.output).toBe(0);
      expect(rerun.stdout).toContain('batch 1/3 2026-01-10 OK');
      expect(rerun.stdout).toContain('batch 3/3 2026-01-12 OK');
      expect(rerun.stdout).not.toContain('2026-01-13');
      expect(await checksums(warehouse)).toEqual(first);

      const results = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8'));
      expect(results.args.event_time_start).toBe('2026-01-10T00:00:00Z');
      expect(results.args.event_time_end).toBe('2026-01-13T00:00:00Z');
      const stg = results.results.find((r: { unique_id: string }) => r.unique_id === 'model.mb.stg_events');
      expect(stg.status).toBe('success');
      expect(stg.batch_results).toEqual({
        successful: [
          ['2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z'],
          ['2026-01-11T00:00:00Z', '2026-01-12T00:00:00Z'],
          ['2026-01-12T00:00:00Z', '2026-01-13T00:00:00Z'],
        ],
        failed: [],
      });
    });

    it('a late event inside lookback lands in its day on the next normal run; one outside lands only when backfilled', async () => {
      const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
      const { root, warehouse, rawSchema } = await setup(day(today, -10));
      await insertEvents(warehouse, rawSchema, dailyEvents(new Date(`${day(today, -10)}T00:00:00Z`), 10));
      const first = await xform(root, ['run']);
      expect(first.code, first.output).toBe(0);
      // begin .. today: ten past days and today.
      expect(first.stdout).toContain(`batch 11/11 ${day(today, 0)} OK`);

      await insertEvents(warehouse, rawSchema, [
        { id: 500, at: `${day(today, -1)} 12:00:00`, payload: '7' },
        { id: 501, at: `${day(today, -5)} 12:00:00`, payload: '8' },
      ]);
      const normal = await xform(root, ['run']);
      expect(normal.code, normal.output).toBe(0);
      expect(normal.stdout).toContain(`batch 1/2 ${day(today, -1)} OK`);
      const late = async () =>
        (await warehouse.rows(`select id, cast(cast(occurred_at as date) as varchar(10)) as d from ${warehouse.schema}.stg_events where id >= 500 order by id`)).map((r) => [
          Number(r.id),
          String(r.d),
        ]);
      expect(await late()).toEqual([[500, day(today, -1)]]);
      const daily = await warehouse.rows(`select n from ${warehouse.schema}.daily where cast(day as varchar(10)) = '${day(today, -1)}'`);
      expect(daily.map((r) => Number(r.n))).toEqual([4]);

      const backfill = await xform(root, ['run', '--event-time-start', day(today, -5), '--event-time-end', day(today, -4)]);
      expect(backfill.code, backfill.output).toBe(0);
      expect(await late()).toEqual([
        [500, day(today, -1)],
        [501, day(today, -5)],
      ]);
    });

    it('a batch that fails on bad data is reported per batch; the others succeed and the model is a partial success', async () => {
      const { root, warehouse, rawSchema } = await setup('2026-03-01');
      await insertEvents(warehouse, rawSchema, dailyEvents(new Date('2026-03-01T00:00:00Z'), 5));
      await insertEvents(warehouse, rawSchema, [{ id: 700, at: '2026-03-03 10:00:00', payload: 'oops' }]);

      const run = await xform(root, ['run', '--event-time-start', '2026-03-01', '--event-time-end', '2026-03-06']);
      expect(run.code, run.output).toBe(1);
      expect(run.stdout).toContain('batch 2/5 2026-03-02 OK');
      expect(run.stdout).toMatch(/batch 3\/5 2026-03-03 ERROR/);
      expect(run.stdout).toContain('batch 4/5 2026-03-04 OK');
      expect(run.stdout).toMatch(/PARTIAL\s+incremental/);
      expect(run.stdout).toMatch(/SKIP\s+table\s+\S*daily/);
      expect(run.stdout).not.toMatch(/^\s+at /m);

      const days = await warehouse.rows(`select distinct cast(cast(occurred_at as date) as varchar(10)) as d from ${warehouse.schema}.stg_events order by 1`);
      expect(days.map((r) => String(r.d))).toEqual(['2026-03-01', '2026-03-02', '2026-03-04', '2026-03-05']);

      const results = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8'));
      const stg = results.results.find((r: { unique_id: string }) => r.unique_id === 'model.mb.stg_events');
      expect(stg.status).toBe('partial success');
      expect(stg.batch_results.failed).toEqual([['2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z']]);
      expect(stg.batch_results.successful).toHaveLength(4);

      // The bad row fixed, re-running that day alone completes the table.
      await warehouse.exec(`update ${rawSchema}.events set payload = '3' where id = 700`);
      const fix = await xform(root, ['run', '-s', 'stg_events', '--event-time-start', '2026-03-03', '--event-time-end', '2026-03-04']);
      expect(fix.code, fix.output).toBe(0);
      const counts = await warehouse.rows(`select count(*) as n from ${warehouse.schema}.stg_events`);
      expect(Number(counts[0]!.n)).toBe(16);
    });
  });
}

microbatchSuite('duckdb', () => duckdbWarehouse);

describe('microbatch mistakes on the command line and in config', () => {
  it('refuses bad --event-time-start/--event-time-end values with exit 2 and a clear message', async () => {
    const { root } = await createMicrobatchProject(duckdbWarehouse, { begin: '2026-01-01', rawSchema: 'raw_cli' });
    roots.push(root);
    const bad = await runXform(['run', '--event-time-start', '2026-13-01'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--event-time-start expects an ISO date or datetime (2026-01-10 or 2026-01-10T06:00:00Z), got '2026-13-01'");
    const reversed = await runXform(['build', '--event-time-start', '2026-01-12', '--event-time-end', '2026-01-10'], { cwd: root });
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('--event-time-start (2026-01-12T00:00:00Z) must be before --event-time-end (2026-01-10T00:00:00Z)');
    for (const r of [bad, reversed]) expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('reports a misspelt batch_size at compile time with the file, the line and a did-you-mean', async () => {
    const { root } = await createMicrobatchProject(duckdbWarehouse, { begin: '2026-01-01', rawSchema: 'raw_cfg' });
    roots.push(root);
    const file = path.join(root, 'models/stg_events.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replace("batch_size='day'", "batch_size='dya'"));
    const r = await runXform(['compile'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('models/stg_events.sql:1');
    expect(r.stderr).toContain('batch_size must be one of hour, day, month, year, got "dya"');
    expect(r.stderr).toContain("did you mean 'day'?");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('writes only the rows inside each batch window, so an upstream without event_time does not duplicate rows', async () => {
    const { root, warehouse } = await createMicrobatchProject(duckdbWarehouse, { begin: '2026-01-01', rawSchema: 'raw_win' });
    roots.push(root);
    await insertEvents(warehouse, 'raw_win', dailyEvents(new Date('2026-01-01T00:00:00Z'), 3));
    // Without event_time on the source, every batch reads every event.
    await writeFile(path.join(root, 'models/sources.yml'), 'version: 2\nsources:\n  - name: raw\n    schema: raw_win\n    tables:\n      - name: events\n');
    for (let i = 0; i < 2; i++) {
      const r = await runXform(['run', '-s', 'stg_events', '--event-time-start', '2026-01-01', '--event-time-end', '2026-01-04'], { cwd: root });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('batch 2/3 2026-01-02 OK 3 rows');
    }
    const rows = await warehouse.rows('select count(*) as n, count(distinct id) as d from main.stg_events');
    expect(rows.map((r) => [Number(r.n), Number(r.d)])).toEqual([[9, 9]]);
  });

  it("xform build audits each batch (a batch failing a test is not written), then tests the whole table", async () => {
    const { root, warehouse } = await createMicrobatchProject(duckdbWarehouse, { begin: '2026-01-01', rawSchema: 'raw_wap' });
    roots.push(root);
    await insertEvents(warehouse, 'raw_wap', dailyEvents(new Date('2026-01-01T00:00:00Z'), 4));
    // Day 3 holds ids 7-9: a second id 7 the same day fails `unique` within the batch.
    await insertEvents(warehouse, 'raw_wap', [{ id: 7, at: '2026-01-03 12:00:00', payload: '1' }]);
    await writeFile(path.join(root, 'models/schema.yml'), 'version: 2\nmodels:\n  - name: stg_events\n    columns:\n      - name: id\n        data_tests: [unique]\n');
    const args = ['build', '--threads', '1', '--event-time-start', '2026-01-01', '--event-time-end', '2026-01-05'];
    const r = await runXform(args, { cwd: root });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/batch 2\/4 2026-01-02 OK/);
    expect(r.stdout).toMatch(/batch 3\/4 2026-01-03 ERROR/);
    expect(r.stdout).toContain('audit failed, not published: blocked by test unique_stg_events_id');
    expect(r.stdout).toMatch(/PARTIAL\s+incremental/);
    const days = async () => (await warehouse.rows('select distinct cast(cast(occurred_at as date) as varchar(10)) as d from main.stg_events order by 1')).map((row) => String(row.d));
    expect(await days()).toEqual(['2026-01-01', '2026-01-02', '2026-01-04']);

    // Each batch passes on its own, but id 1 of day 1 comes again on day 3: only the whole table shows it.
    await warehouse.exec("update raw_wap.events set id = 1 where id = 7 and occurred_at = timestamp '2026-01-03 12:00:00'");
    const whole = await runXform(args, { cwd: root });
    expect(whole.code, whole.stdout + whole.stderr).toBe(1);
    expect(whole.stdout).toMatch(/batch 3\/4 2026-01-03 OK/);
    expect(whole.stdout).toMatch(/OK\s+incremental\s+main\.stg_events/);
    expect(whole.stdout).toMatch(/FAIL\s+test\s+unique_stg_events_id/);
    expect(await days()).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
  });
});

const pgServer = withPostgres();
let pgSchemas = 0;
microbatchSuite('postgres', () => (_root) => postgresWarehouse(pgServer(), `mb_${++pgSchemas}`));

describe('microbatch batches at once on PostgreSQL', () => {
  /** [start, end] of each batch in ms, from the JSON log. */
  const intervals = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => line.includes('"type":"batch_finish"'))
      .map((line) => JSON.parse(line) as { ts: string; seconds: number; index: number })
      .filter((e) => e.index > 1)
      .map((e) => [Date.parse(e.ts) - e.seconds * 1000, Date.parse(e.ts)] as const);
  const overlapping = (spans: (readonly [number, number])[]) => spans.some((a, i) => spans.some((b, j) => i !== j && a[0] < b[1] - 20 && b[0] < a[1] - 20));

  it('keeps date, timestamp and timestamptz event times in their UTC window whatever the session time zone', async () => {
    const dialect = new PostgresDialect();
    const window = (column: string) => dialect.eventTimeFilter(column, '2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z');
    const client = new pg.Client({ connectionString: pgServer().url });
    await client.connect();
    try {
      await client.query("set time zone 'America/New_York'");
      const { rows } = await client.query(
        `select ${window('d')} as in_d, ${window('ts')} as in_ts, ${window('tz')} as in_tz, ${window('late')} as in_late
         from (values (date '2026-01-10', timestamp '2026-01-10 23:30:00', timestamptz '2026-01-10 02:00:00+00', timestamptz '2026-01-11 03:00:00+00')) as t(d, ts, tz, late)`,
      );
      expect(rows).toEqual([{ in_d: true, in_ts: true, in_tz: true, in_late: false }]);
    } finally {
      await client.end();
    }
  });

  it('runs batches after the first in parallel, unless the model reads this', async () => {
    const { root, warehouse, rawSchema } = await (async () => {
      const made = await createMicrobatchProject(() => postgresWarehouse(pgServer(), `mb_par_${++pgSchemas}`), { begin: '2026-01-01', rawSchema: 'raw_par' });
      roots.push(made.root);
      return { ...made, rawSchema: 'raw_par' };
    })();
    await insertEvents(warehouse, rawSchema, dailyEvents(new Date('2026-01-01T00:00:00Z'), 6));
    const model = path.join(root, 'models/stg_events.sql');
    const slow = (await readFile(model, 'utf8')).replace("{{ source('raw', 'events') }}", "{{ source('raw', 'events') }} cross join (select pg_sleep(0.4)) as slow");
    await writeFile(model, slow);
    const args = ['run', '-s', 'stg_events', '--threads', '4', '--log-format', 'json', '--event-time-start', '2026-01-01', '--event-time-end', '2026-01-07'];
    const parallel = await runXform(args, { cwd: root });
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(overlapping(intervals(parallel.stdout))).toBe(true);
    expect(Number((await warehouse.rows(`select count(*) as n from ${warehouse.schema}.stg_events`))[0]!.n)).toBe(18);

    await writeFile(model, slow.replace('as slow', 'as slow{% if is_incremental() %} where (select count(*) from {{ this }}) >= 0{% endif %}'));
    const sequential = await runXform(args, { cwd: root });
    expect(sequential.code, sequential.stderr + sequential.stdout).toBe(0);
    expect(intervals(sequential.stdout)).toHaveLength(5);
    expect(overlapping(intervals(sequential.stdout))).toBe(false);
  });
});
