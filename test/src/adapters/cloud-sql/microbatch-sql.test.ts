/**
 * Microbatch SQL for BigQuery and Snowflake without a warehouse: the statements core sends for a first
 * build and for batches into an existing table, as golden files, each statement parsed by the warehouse's
 * parser, and checked against the vendors' documented rules (no DDL inside a transaction; BigQuery compares
 * the event time as TIMESTAMP, dbt-bigquery's form, and replaces a window in one atomic MERGE).
 */
import { fileURLToPath } from 'node:url';
import { BIGQUERY_CAPABILITIES, BigQueryDialect } from '@xform/adapter-bigquery';
import { SNOWFLAKE_CAPABILITIES, SnowflakeDialect } from '@xform/adapter-snowflake';
import { readGolden, type Capabilities, type Dialect } from '@xform/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { materialize } from '../../../../core/src/materialize/index.js';
import { modelNode } from '../../conformance/helpers.js';
import { RecordingAdapter } from './recording-adapter.js';
import { parserReady, parseStatement, type ParserDialect } from './sql-parse.js';

const WAREHOUSES: { name: ParserDialect; dialect: Dialect; capabilities: Capabilities }[] = [
  { name: 'bigquery', dialect: new BigQueryDialect(), capabilities: BIGQUERY_CAPABILITIES },
  { name: 'snowflake', dialect: new SnowflakeDialect(), capabilities: SNOWFLAKE_CAPABILITIES },
];

const CONFIG = { materialized: 'incremental', incremental_strategy: 'microbatch', event_time: 'order_date', batch_size: 'day', begin: '2026-01-01' };
const BATCHES: [string, string][] = [
  ['2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z'],
  ['2026-01-11T00:00:00Z', '2026-01-12T00:00:00Z'],
];

async function samples(w: (typeof WAREHOUSES)[number]): Promise<[string, string[]][]> {
  const out: [string, string[]][] = [];
  for (const [title, existing] of [
    ['microbatch, first build: both batches go into a table aside, published after the last one', {}],
    ['microbatch, two batches into the existing table', { fct_orders: 'table' as const }],
  ] as const) {
    const adapter = new RecordingAdapter(w.name, w.dialect, w.capabilities, { existing, defaultColumns: ['order_id', 'order_date', 'amount'] });
    const result = await materialize({
      adapter,
      connection: await adapter.acquire(),
      node: modelNode('analytics', 'fct_orders', CONFIG),
      fullRefresh: false,
      batches: BATCHES,
      // The upstream as a batch render gives it: filtered to the window in dbt's form.
      renderSql: (_incremental, batch) =>
        `select order_id, order_date, amount\nfrom (select * from ${w.dialect.relationName({ schema: 'staging', identifier: 'orders' })} where ${batch!.filter('order_date')}) _dbt_et_filter_subq_orders`,
      renderHook: (sql) => sql,
    });
    expect(result.status, String(result.error)).toBe('success');
    out.push([title, adapter.statements]);
  }
  return out;
}

beforeAll(async () => {
  await parserReady();
});

for (const w of WAREHOUSES) {
  describe(`${w.name} microbatch SQL`, () => {
    it('matches the golden file and every statement parses', async () => {
      const sections = await samples(w);
      const actual =
        `-- Statements core sends to ${w.name} for microbatch models (regenerate with XFORM_UPDATE_GOLDEN=1).\n` +
        sections.map(([title, statements]) => `\n-- ${title}\n${statements.map((s) => (s.startsWith('-- ') ? s : `${s};`)).join('\n')}\n`).join('');
      expect(actual).toBe(readGolden(fileURLToPath(new URL(`./__golden__/${w.name}-microbatch.sql`, import.meta.url)), actual));
      for (const [, statements] of sections) for (const sql of statements.filter((s) => !s.startsWith('-- '))) parseStatement(sql, w.name);
    });

    it('replaces each window inside a transaction that holds no DDL, and only that window', async () => {
      const [, existing] = (await samples(w))[1]!;
      const ddl = /^\s*(create|alter|drop|grant)\b/iu;
      let open = false;
      let windows = 0;
      for (const sql of existing) {
        if (sql === '-- begin') open = true;
        else if (sql === '-- commit') open = false;
        else if (open) {
          expect(ddl.test(sql), `DDL inside a transaction:\n${sql}`).toBe(false);
          if (/^(delete|merge)/u.test(sql)) {
            windows++;
            const [start, end] = BATCHES[windows - 1]!.map((iso) => iso.slice(0, 10));
            expect(sql).toContain(`${start} 00:00:00`);
            expect(sql).toContain(`${end} 00:00:00`);
          }
        }
      }
      expect(windows).toBe(2);
      if (w.name === 'bigquery') {
        // One MERGE per batch (atomic on its own), the event time compared as TIMESTAMP (DATE columns too).
        expect(existing.filter((s) => s.startsWith('merge into'))).toHaveLength(2);
        expect(existing.some((s) => s.startsWith('delete'))).toBe(false);
        expect(existing.find((s) => s.startsWith('merge into'))).toContain("cast(xform_target.order_date as timestamp) >= timestamp '2026-01-10 00:00:00+00'");
      } else {
        expect(existing.filter((s) => s.startsWith('delete from'))).toHaveLength(2);
      }
    });
  });
}
