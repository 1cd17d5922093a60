/**
 * Microbatch models: batches planned as dbt's MicrobatchBuilder plans them, config mistakes reported at
 * compile time with file, line and a did-you-mean, and batch renders that filter upstreams with event_time.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { Adapter, Connection } from '../adapter/types.js';
import { isXformError, type XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject, type CompiledProject } from './compiler.js';
import { batchRender, keepModelAliases, microbatchConfig, parseEventTime, planBatches, type MicrobatchConfig } from './microbatch.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compile(files: Record<string, string>): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-microbatch-'));
  dirs.push(root);
  const all = { 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return compileProject(await loadProject({ projectDir: root, env: {} }), { dialect: new DialectBase(), env: {} });
}

async function compileError(files: Record<string, string>): Promise<XformError> {
  const err = await compile(files).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isXformError(err)) throw new Error(`expected an XformError, got ${String(err)}`);
  return err;
}

const day: MicrobatchConfig = { eventTime: 'ts', batchSize: 'day', begin: new Date('2026-01-01T00:00:00Z'), lookback: 1 };

describe('planBatches', () => {
  it('plans a first run from begin to the end of the current batch, the last batch ending there', () => {
    const batches = planBatches(day, { incremental: false, now: new Date('2026-01-04T10:30:00Z') });
    expect(batches).toEqual([
      ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
      ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'],
      ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z'],
      ['2026-01-04T00:00:00Z', '2026-01-05T00:00:00Z'],
    ]);
  });

  it('plans a later run as the current batch and `lookback` batches before it', () => {
    const now = new Date('2026-01-15T10:30:00Z');
    expect(planBatches(day, { incremental: true, now }).map((b) => b[0])).toEqual(['2026-01-14T00:00:00Z', '2026-01-15T00:00:00Z']);
    expect(planBatches({ ...day, lookback: 0 }, { incremental: true, now }).map((b) => b[0])).toEqual(['2026-01-15T00:00:00Z']);
    expect(planBatches({ ...day, lookback: 3 }, { incremental: true, now })).toHaveLength(4);
  });

  it('takes --event-time-start/--event-time-end over begin and lookback, truncating the start and ceiling the end', () => {
    const batches = planBatches(day, { incremental: true, start: new Date('2026-01-10T05:00:00Z'), end: new Date('2026-01-12T01:00:00Z') });
    expect(batches.map((b) => b[0])).toEqual(['2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z', '2026-01-12T00:00:00Z']);
    expect(batches.at(-1)![1]).toBe('2026-01-13T00:00:00Z');
  });

  it('steps hours, calendar months and years', () => {
    const hour = planBatches({ ...day, batchSize: 'hour' }, { incremental: false, start: new Date('2026-03-29T00:00:00Z'), end: new Date('2026-03-29T03:00:00Z') });
    expect(hour).toHaveLength(3);
    const month = planBatches({ ...day, batchSize: 'month' }, { incremental: false, start: new Date('2026-01-31T00:00:00Z'), end: new Date('2026-03-15T00:00:00Z') });
    expect(month.map((b) => b[0])).toEqual(['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z']);
    expect(month.at(-1)![1]).toBe('2026-04-01T00:00:00Z');
    const year = planBatches({ ...day, batchSize: 'year' }, { incremental: false, start: new Date('2025-06-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z') });
    expect(year).toEqual([['2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z']]);
  });
});

describe('parseEventTime', () => {
  it('reads dates and datetimes as UTC unless an offset is given', () => {
    expect(parseEventTime('2026-01-10')?.toISOString()).toBe('2026-01-10T00:00:00.000Z');
    expect(parseEventTime('2026-01-10 06:30')?.toISOString()).toBe('2026-01-10T06:30:00.000Z');
    expect(parseEventTime('2026-01-10T06:30:00+02:00')?.toISOString()).toBe('2026-01-10T04:30:00.000Z');
    expect(parseEventTime('2026-01-10T06:30:00Z')?.toISOString()).toBe('2026-01-10T06:30:00.000Z');
  });

  it('refuses what is not a real date', () => {
    for (const bad of ['2026-02-30', 'yesterday', '2026-1-5', '2026-01-10T25:00:00', '']) expect(parseEventTime(bad), bad).toBeUndefined();
  });
});

const MB = "materialized='incremental', incremental_strategy='microbatch'";

describe('microbatch config', () => {
  it('reads event_time, batch_size, begin, lookback (default 1) and concurrent_batches', async () => {
    const c = await compile({
      'models/up.sql': 'select 1 as id',
      'models/m.sql': `{{ config(${MB}, event_time='ts', batch_size='hour', begin='2026-01-01T06:00:00Z', concurrent_batches=true) }}select * from {{ ref('up') }}`,
    });
    const config = microbatchConfig(c.manifest.nodes['model.shop.m'] as ExecutableNode);
    expect(config).toEqual({ eventTime: 'ts', batchSize: 'hour', begin: new Date('2026-01-01T06:00:00Z'), lookback: 1, concurrentBatches: true });
  });

  it('reports a misspelt batch_size at its line with a did-you-mean', async () => {
    const err = await compileError({ 'models/m.sql': `\n{{ config(${MB}, event_time='ts',\n  batch_size='days', begin='2026-01-01') }}select 1 as ts` });
    expect(err.message).toContain("batch_size must be one of hour, day, month, year, got \"days\"");
    const diagnostic = (err as XformError & { diagnostics?: { code: string; location?: { file: string; line?: number }; hint?: string }[] }).diagnostics?.[0];
    expect(diagnostic?.code).toBe('XFORM_MICROBATCH_CONFIG');
    expect(diagnostic?.location).toMatchObject({ file: 'models/m.sql', line: 3 });
    expect(diagnostic?.hint).toContain("'day'");
  });

  it('reports a missing begin or event_time, a bad begin and a strategy outside incremental', async () => {
    expect((await compileError({ 'models/m.sql': `{{ config(${MB}, event_time='ts', batch_size='day') }}select 1 as ts` })).message).toContain('needs begin');
    expect((await compileError({ 'models/m.sql': `{{ config(${MB}, batch_size='day', begin='2026-01-01') }}select 1 as ts` })).message).toContain('needs event_time');
    expect((await compileError({ 'models/m.sql': `{{ config(${MB}, event_time='ts', batch_size='day', begin='last week') }}select 1 as ts` })).message).toContain(
      'begin must be a date or datetime',
    );
    expect(
      (await compileError({ 'models/m.sql': `{{ config(materialized='table', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2026-01-01') }}select 1 as ts` })).message,
    ).toContain("needs materialized='incremental'");
    expect((await compileError({ 'models/m.sql': `{{ config(${MB}, event_time='ts', batch_size='day', begin='2026-01-01', lookback=-1) }}select 1 as ts` })).message).toContain(
      'lookback must be a whole number',
    );
  });
});

describe('microbatch inputs', () => {
  const mb = `{{ config(${MB}, event_time='ts', batch_size='day', begin='2026-01-01') }}select * from {{ ref('up') }}`;

  it('warns, as dbt does, when no input has event_time: every batch would read everything', async () => {
    const c = await compile({ 'models/up.sql': 'select 1 as ts', 'models/m.sql': mb });
    const warning = c.diagnostics.find((d) => d.code === 'XFORM_MICROBATCH_UNFILTERED');
    expect(warning?.message).toBe("microbatch model 'm' has no input with event_time: every batch reads all of its inputs");
    expect(warning?.location?.file).toBe('models/m.sql');
    const filtered = await compile({ 'models/up.sql': "{{ config(event_time='ts') }}select 1 as ts", 'models/m.sql': mb });
    expect(filtered.diagnostics.filter((d) => d.code === 'XFORM_MICROBATCH_UNFILTERED')).toEqual([]);
  });

  it("refuses an input whose event_time is not a column name", async () => {
    const err = await compileError({ 'models/up.sql': '{{ config(event_time=5) }}select 1 as ts', 'models/m.sql': mb });
    expect(err.message).toContain("model 'm': its input 'up' has event_time 5, expected a column name");
  });
});

describe('rendering a batch', () => {
  const files = {
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n        config:\n          event_time: at\n      - name: plain\n',
    'models/up.sql': "{{ config(materialized='table', event_time='created_at') }}select 1 as id",
    'models/dim.sql': "{{ config(materialized='table') }}select 1 as id",
    'models/m.sql': [
      `{{ config(${MB}, event_time='ts', batch_size='day', begin='2026-01-01') }}`,
      "select * from {{ ref('up') }} join {{ ref('dim') }} using (id) join {{ source('raw', 'events') }} using (id)",
      "join {{ source('raw', 'plain') }} using (id) join {{ ref('up').render() }} using (id)",
      "where '{{ model.batch.event_time_start }}' < '{{ model.batch.event_time_end }}' -- {{ model.batch.id }} {{ this }}",
    ].join('\n'),
  };
  const noWarehouse = { connection: {} as Connection, adapter: {} as Adapter };

  it("filters refs and sources with event_time to the batch in dbt's form, leaves the others, .render() and this unfiltered", async () => {
    const c = await compile(files);
    const node = c.manifest.nodes['model.shop.m'] as ExecutableNode;
    const batch = batchRender(new DialectBase(), { ...day }, ['2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z']);
    const sql = await c.renderForExecution(node, { isIncremental: true, ...noWarehouse, batch });
    const schema = c.project.target.schema;
    expect(sql).toContain(
      `(select * from "${schema}"."up" where created_at >= '2026-01-10 00:00:00+00:00' and created_at < '2026-01-11 00:00:00+00:00') _dbt_et_filter_subq_up`,
    );
    expect(sql).toContain(`join "${schema}"."dim" using`);
    expect(sql).toMatch(/\(select \* from "[^"]+"\."events" where at >= '2026-01-10 00:00:00\+00:00' and at < '2026-01-11 00:00:00\+00:00'\) _dbt_et_filter_subq_events/);
    expect(sql).toMatch(/join "[^"]+"\."plain" using/);
    expect(sql).toContain(`join "${schema}"."up" using`);
    expect(sql).toContain("where '2026-01-10 00:00:00+00:00' < '2026-01-11 00:00:00+00:00' -- 20260110");
    expect(sql).toContain(`-- 20260110 "${schema}"."m"`);
  });

  it('compiles (no batch) without filters, model.batch fields None', async () => {
    const c = await compile(files);
    const sql = (c.manifest.nodes['model.shop.m'] as ExecutableNode).compiled_code!;
    expect(sql).not.toContain('_dbt_et_filter_subq_');
    expect(sql).toContain("where 'None' < 'None'");
  });
});

describe('a filtered input with the model’s own alias', () => {
  const filtered = (name: string) => `(select * from "s"."${name}" where t >= '2026-01-10') _dbt_et_filter_subq_${name}`;

  it('gives way to `as e` and to a bare alias, so the SQL parses', () => {
    expect(keepModelAliases(`select * from ${filtered('events')} as e join ${filtered('visits')} v on v.id = e.id`)).toBe(
      `select * from (select * from "s"."events" where t >= '2026-01-10') as e join (select * from "s"."visits" where t >= '2026-01-10') v on v.id = e.id`,
    );
    expect(keepModelAliases(`from ${filtered('events')}\n    AS "E"`)).toBe(`from (select * from "s"."events" where t >= '2026-01-10')\n    AS "E"`);
  });

  it('keeps the generated alias when a keyword or nothing follows', () => {
    for (const rest of ['', ' where x', '\nleft join y using (id)', ' group by 1', ')', ' union all select 1', ' on true']) {
      const sql = `select * from ${filtered('events')}${rest}`;
      expect(keepModelAliases(sql)).toBe(sql);
    }
  });
});
