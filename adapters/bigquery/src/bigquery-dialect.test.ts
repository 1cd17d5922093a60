import { fileURLToPath } from 'node:url';
import { readGolden, renderDialectSamples, type Relation } from '@xform/core';
import { describe, expect, it } from 'vitest';
import { BigQueryDialect } from './bigquery-dialect.js';

const orders: Relation = { database: 'my-project', schema: 'analytics', identifier: 'fct_orders' };
const staging: Relation = { ...orders, identifier: 'fct_orders__xform_tmp' };
const model = 'select * from `my-project`.`analytics`.`stg_orders`';
const columns = ['order_id', 'order_date', 'amount'];

/** BigQuery-only statements: table settings from config, staging tables, insert_overwrite per partition type. */
function extras(d: BigQueryDialect): string {
  const samples: [string, string][] = [
    ['createTableAs partitioned by date, clustered, labelled', d.createTableAs(orders, model, {
      config: { partition_by: { field: 'order_date', data_type: 'date' }, cluster_by: ['customer_id', 'status'], labels: { team: 'finance' }, require_partition_filter: true, partition_expiration_days: 30 },
    })],
    ['createTableAs partitioned by timestamp hour', d.createTableAs(orders, model, { config: { partition_by: { field: 'created_at', data_type: 'timestamp', granularity: 'hour' } } })],
    ['createTableAs partitioned by date month, expiring, encrypted', d.createTableAs(orders, model, {
      config: { partition_by: { field: 'order_date', granularity: 'month' }, hours_to_expiration: 6, kms_key_name: 'projects/p/locations/eu/keyRings/r/cryptoKeys/k' },
    })],
    ['createTableAs partitioned by datetime year', d.createTableAs(orders, model, { config: { partition_by: { field: 'updated', data_type: 'datetime', granularity: 'year' } } })],
    ['createTableAs partitioned by int64 range', d.createTableAs(orders, model, { config: { partition_by: { field: 'customer_id', data_type: 'int64', range: { start: 0, end: 100000, interval: 1000 } }, cluster_by: 'order_id' } })],
    ['createTableAs staging (settings left to the final table)', d.createTableAs(staging, model, { staging: true, config: { partition_by: { field: 'order_date' }, require_partition_filter: true } })],
    ['insertOverwrite by date partition', d.insertOverwrite({ target: orders, source: staging, columns, config: { partition_by: { field: 'order_date', data_type: 'date' } }, partitions: ['2024-01-01', '2024-01-02'] })],
    ['insertOverwrite by timestamp day, with the NULL partition', d.insertOverwrite({ target: orders, source: staging, columns, config: { partition_by: { field: 'created_at', data_type: 'timestamp' } }, partitions: ['2024-01-01 00:00:00+00', null] })],
    ['insertOverwrite by int64 range', d.insertOverwrite({ target: orders, source: staging, columns, config: { partition_by: { field: 'order_id', data_type: 'int64', range: { start: 0, end: 1000, interval: 10 } } }, partitions: ['0', '10'] })],
    ['insertOverwrite by datetime month, only the NULL partition', d.insertOverwrite({ target: orders, source: staging, columns, config: { partition_by: { field: 'updated', data_type: 'datetime', granularity: 'month' } }, partitions: [null] })],
    ['partitionsQuery by timestamp day', d.partitionsQuery({ source: staging, config: { partition_by: { field: 'created_at', data_type: 'timestamp' } } })],
    ['partitionsQuery by int64 range', d.partitionsQuery({ source: staging, config: { partition_by: { field: 'order_id', data_type: 'int64', range: { start: 0, end: 1000, interval: 10 } } } })],
    ['createSchema in a location', new BigQueryDialect({ location: 'EU' }).createSchema('analytics', 'my-project')],
    ['quoteString with backslash and newline', d.quoteString('a\\b\nc')],
  ];
  return samples.map(([title, sql]) => `\n-- ${title}\n${sql};\n`).join('');
}

describe('BigQueryDialect', () => {
  it('renders every statement exactly as the golden file', () => {
    const dialect = new BigQueryDialect();
    const actual = renderDialectSamples(dialect) + extras(dialect);
    const golden = fileURLToPath(new URL('./__golden__/bigquery-dialect.sql', import.meta.url));
    expect(actual).toBe(readGolden(golden, actual));
  });

  it('names the partitions to replace as literals, never as a subquery (so BigQuery prunes the others)', () => {
    const sql = new BigQueryDialect().insertOverwrite({
      target: orders,
      source: staging,
      columns,
      config: { partition_by: { field: 'order_date', data_type: 'date' }, require_partition_filter: true },
      partitions: ["2024-01-01", "it's"],
    });
    expect(sql).toContain("when not matched by source and (xform_target.`order_date` in (date '2024-01-01', date 'it\\'s')) then delete");
    expect(sql).not.toMatch(/in \(\s*select/iu);
  });

  it('rejects a malformed partition_by with the key, what was expected and a did-you-mean', () => {
    const d = new BigQueryDialect();
    const attempt = (partition_by: unknown) => {
      try {
        d.createTableAs(orders, model, { config: { partition_by } });
      } catch (err) {
        return err as { code: string; message: string; hint?: string };
      }
      throw new Error('expected an error');
    };
    expect(attempt({ field: 'd', data_type: 'dat' })).toMatchObject({
      code: 'XFORM_CONFIG_INVALID',
      message: "partition_by.data_type must be one of date, timestamp, datetime, int64, got 'dat'",
      hint: "did you mean 'date'?",
    });
    expect(attempt({ field: 'd', granularity: 'months' }).hint).toBe("did you mean 'month'?");
    expect(attempt('order_date').message).toMatch(/^partition_by must be a mapping with a 'field'/u);
    expect(attempt({ field: 'id', data_type: 'int64' }).message).toMatch(/needs range: \{start, end, interval\}/u);
    expect(() => d.insertOverwrite({ target: orders, source: staging, columns, config: {}, partitions: ['1'] })).toThrow(/insert_overwrite' needs partition_by/u);
    expect(() => d.partitionsQuery({ source: staging, config: {} })).toThrow(/insert_overwrite' needs partition_by/u);
    expect(() => d.createTableAs(orders, model, { config: { cluster_by: ['a', 'b', 'c', 'd', 'e'] } })).toThrow(/at most 4/u);
  });
});
