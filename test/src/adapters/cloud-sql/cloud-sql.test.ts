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
