/**
 * BigQuery and Snowflake SQL, checked two ways without a warehouse: golden files hold the exact statements
 * of every materialization path, seed and generic test (a change shows up as a diff), and every generated
 * statement - those and each Dialect sample - must parse with a real parser for that warehouse's dialect.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIGQUERY_CAPABILITIES, BigQueryDialect } from '@xform/adapter-bigquery';
import { SNOWFLAKE_CAPABILITIES, SnowflakeDialect } from '@xform/adapter-snowflake';
import { dialectSamples, readGolden, type Capabilities, type Dialect } from '@xform/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericTestSamples } from './generic-test-samples.js';
import { materializationSamples } from './materialization-samples.js';
import { parserReady, parseStatement, sampleAsStatement, type ParserDialect } from './sql-parse.js';

interface Warehouse {
  name: ParserDialect;
  dialect: Dialect;
  capabilities: Capabilities;
  profile: string;
  extraStrategies: string[];
}

const WAREHOUSES: Warehouse[] = [
  { name: 'bigquery', dialect: new BigQueryDialect(), capabilities: BIGQUERY_CAPABILITIES, profile: '{type: bigquery, project: my-project, dataset: analytics}', extraStrategies: ['insert_overwrite'] },
  { name: 'snowflake', dialect: new SnowflakeDialect(), capabilities: SNOWFLAKE_CAPABILITIES, profile: '{type: snowflake, account: acme, user: xform, database: analytics_db, schema: marts}', extraStrategies: [] },
];

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'xform-cloud-sql-'));
  await parserReady();
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function render(sections: [string, string[]][]): string {
  return sections.map(([title, statements]) => `\n-- ${title}\n${statements.map((s) => (s.startsWith('-- ') ? s : `${s};`)).join('\n')}\n`).join('');
}

for (const w of WAREHOUSES) {
  describe(`${w.name} SQL`, () => {
    it('renders every materialization, strategy and seed exactly as the golden file, and each statement parses', async () => {
      const sections = await materializationSamples(w.name, w.dialect, w.capabilities, scratch, w.extraStrategies);
      const actual = `-- Statements core sends to ${w.name} for each materialization path (regenerate with XFORM_UPDATE_GOLDEN=1).\n${render(sections)}`;
      const golden = fileURLToPath(new URL(`./__golden__/${w.name}-materializations.sql`, import.meta.url));
      expect(actual).toBe(readGolden(golden, actual));
      let parsed = 0;
      for (const [, statements] of sections) {
        for (const sql of statements.filter((s) => !s.startsWith('-- '))) {
          parseStatement(sql, w.name);
          parsed++;
        }
      }
      expect(parsed).toBeGreaterThanOrEqual(30);
    });

    it('keeps DDL out of every transaction: schema changes and post-hooks run outside begin..commit', async () => {
      // Snowflake commits an open transaction before any DDL, BigQuery refuses DDL on permanent tables in one
      // (see the capabilities' comments): a DDL statement between begin and commit breaks atomicity.
      const sections = await materializationSamples(w.name, w.dialect, w.capabilities, scratch, w.extraStrategies);
      const ddl = /^\s*(create|alter|drop|grant|revoke|comment|undrop)\b/iu;
      let transactions = 0;
      for (const [title, statements] of sections) {
        let open = false;
        for (const sql of statements) {
          if (sql === '-- begin') open = true;
          else if (sql === '-- commit' || sql === '-- rollback') {
            open = false;
            transactions++;
          } else if (open) expect(ddl.test(sql), `${title}: DDL inside a transaction:\n${sql}`).toBe(false);
        }
      }
      expect(transactions).toBeGreaterThanOrEqual(5);
      const sync = sections.find(([title]) => title.startsWith('incremental delete+insert, on_schema_change sync_all_columns'))![1];
      const begin = sync.indexOf('-- begin');
      expect(sync.slice(0, begin).filter((s) => /^alter table/u.test(s))).toHaveLength(2);
      expect(sync.slice(begin + 1, sync.indexOf('-- commit')).map((s) => s.split(' ')[0])).toEqual(['delete', 'insert']);
      expect(sync.slice(sync.indexOf('-- commit') + 1).filter((s) => /^grant select on/u.test(s))).toHaveLength(1);
    });

    it('applies a snapshot run in one transaction of DML only: the close-out UPDATE and the INSERT of new versions', async () => {
      const sections = new Map(await materializationSamples(w.name, w.dialect, w.capabilities, scratch, w.extraStrategies));
      const later = sections.get('snapshot, later run: timestamp, hard_deletes new_record, a new source column, a post-hook')!;
      const begin = later.indexOf('-- begin');
      const commit = later.indexOf('-- commit');
      // The query's columns are learnt from an empty table, the change set staged and its keys checked, the new
      // column added: all before the transaction.
      expect(later.slice(0, begin).map((s) => s.split(/\s/u)[0])).toEqual(['create', 'drop', 'create', 'select', 'alter']);
      expect(later.slice(begin + 1, commit).map((s) => s.split(' ')[0])).toEqual(['update', 'insert']);
      expect(later.slice(commit + 1).map((s) => s.split(' ')[0])).toEqual(['grant']);
      const audited = sections.get('snapshot, later run: check on a composite key, invalidate, dbt_valid_to_current, renamed meta columns, an audit')!;
      expect(audited.filter((s) => s === '-- begin')).toHaveLength(1);
      expect(audited.join('\n')).not.toMatch(/^alter /mu);
      // The first run is built aside and published like a table, after its keys were checked.
      const first = sections.get('snapshot, first run (timestamp strategy)')!;
      expect(first.map((s) => s.split(/\s/u)[0])).toEqual(['select', 'create', 'select', w.name === 'bigquery' ? 'create' : 'alter', ...(w.name === 'bigquery' ? ['drop'] : [])]);
      expect(first[2]).toMatch(/having count\(\*\) > 1/u);
    });

    it('writes each table once without an audit, keeps the live grants with copy_grants, and stages incremental rows without Fail-safe', async () => {
      const sections = new Map(await materializationSamples(w.name, w.dialect, w.capabilities, scratch, w.extraStrategies));
      const writes = (title: string) => sections.get(title)!.filter((s) => /^(create|insert|merge)\b/iu.test(s));
      const section = (title: string) => sections.get(title)!.join('\n');
      if (w.name === 'bigquery') {
        // Staging + copy would bill the bytes twice; CREATE OR REPLACE is atomic on its own.
        for (const title of ['table, first build', 'table, rebuild', 'incremental, first build', 'table with warehouse settings']) {
          expect(writes(title), title).toHaveLength(1);
          expect(section(title), title).not.toContain('__xform_tmp');
        }
        expect(writes('table, rebuild with an audit')).toHaveLength(2);
        // Static partitions: the MERGE names them as literals, and an empty staging table deletes nothing.
        const overwrite = sections.get('incremental insert_overwrite by day: the partitions read first, then named as literals')!;
        expect(overwrite.findIndex((s) => s.includes('partition_value'))).toBeLessThan(overwrite.findIndex((s) => s.startsWith('merge')));
        expect(overwrite.find((s) => s.startsWith('merge'))).toMatch(/`order_date` in \(date '2024-01-01', date '2024-01-02'\)\) then delete/u);
        expect(overwrite.join('\n')).not.toMatch(/in \(\s*select/iu);
        expect(section('incremental insert_overwrite, staging without rows: nothing deleted')).not.toMatch(/merge|delete/iu);
      } else {
        // A swap would hand the live table's grants to staging (SWAP WITH swaps grants too).
        for (const title of ['table, rebuild with copy_grants', 'table, rebuild with copy_grants and an audit']) {
          expect(section(title), title).not.toMatch(/swap with/iu);
          expect(sections.get(title)!.find((s) => s.startsWith('create or replace transient table analytics.fct_orders\n')), title).toContain('copy grants');
        }
        expect(section('table, rebuild')).toMatch(/swap with/u);
        const staging = sections.get('incremental, staging of a model with transient: false')![0]!;
        expect(staging).toMatch(/^create or replace transient table analytics\.fct_orders__xform_tmp\nas/u);
      }
    });

    it('renders every built-in generic test exactly as the golden file, and each parses', async () => {
      const samples = await genericTestSamples(w.profile, w.dialect);
      expect(samples.map(([name]) => name)).toEqual([
        'accepted_values_orders_status__placed__shipped__returned',
        'accepted_values_quoted',
        'expression_is_true_orders_amount_0',
        'not_null_orders_order_id',
        'not_null_orders_status',
        'relationships_orders_customer_id__customer_id__ref_customers_',
        'row_count_orders_1000000__1',
        'unique_combination_of_columns_orders_order_id__status',
        'unique_orders_order_id',
      ]);
      const actual = `-- Built-in generic tests compiled for ${w.name}, as run (regenerate with XFORM_UPDATE_GOLDEN=1).\n${render(samples.map(([t, s]) => [t, [s]]))}`;
      const golden = fileURLToPath(new URL(`./__golden__/${w.name}-generic-tests.sql`, import.meta.url));
      expect(actual).toBe(readGolden(golden, actual));
      for (const [, sql] of samples) parseStatement(sql, w.name);
    });

    it('every Dialect sample parses', () => {
      const samples = dialectSamples(w.dialect).map(([title, make]) => [title, make] as const);
      let parsed = 0;
      for (const [title, sql] of samples) {
        const statement = sampleAsStatement(title, sql);
        if (statement === undefined) continue;
        parseStatement(statement, w.name);
        parsed++;
      }
      expect(parsed).toBeGreaterThan(30);
    });
  });
}

describe('the parser check itself', () => {
  it('rejects a slip in either dialect', () => {
    expect(() => parseStatement('merge into `d`.`t` using `d`.`s` on true when matched then updat set a = 1', 'bigquery')).toThrow(/bigquery parser rejected/u);
    expect(() => parseStatement('create or replace transient tabel t as (select 1)', 'snowflake')).toThrow(/snowflake parser rejected/u);
    expect(() => parseStatement('select 1; select 2', 'snowflake')).toThrow(/exactly one/u);
  });
});
