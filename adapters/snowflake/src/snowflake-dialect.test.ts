import { fileURLToPath } from 'node:url';
import { readGolden, renderDialectSamples, type Relation } from '@xform/core';
import { describe, expect, it } from 'vitest';
import { displayName, SnowflakeDialect, storedName } from './snowflake-dialect.js';

const orders: Relation = { database: 'analytics_db', schema: 'marts', identifier: 'fct_orders' };
const staging: Relation = { ...orders, identifier: 'fct_orders__xform_tmp' };
const model = 'select * from analytics_db.staging.stg_orders';

/** Snowflake-only statements: transient / permanent / clustered tables, swap, qualified renames. */
function extras(d: SnowflakeDialect): string {
  const samples: [string, string][] = [
    ['createTableAs clustered (transient by default)', d.createTableAs(orders, model, { config: { cluster_by: ['order_date', 'customer_id'] } })],
    ['createTableAs transient: false, copy_grants', d.createTableAs(orders, model, { config: { transient: false, copy_grants: true } })],
    ['createTableAs with the target default transient: false', new SnowflakeDialect({ transient: false }).createTableAs(orders, model, { config: { cluster_by: 'order_date' } })],
    ['createTableAs scratch (incremental staging): transient whatever the model says, no grants or clustering', d.createTableAs(staging, model, { staging: true, scratch: true, config: { transient: false, copy_grants: true, cluster_by: 'order_date' } })],
    ['swapTables', d.swapTables(orders, staging)],
    ['renameRelation with database', d.renameRelation(staging, 'table', 'fct_orders')],
    ['dropRelation external', d.dropRelation(orders, 'external')],
    ['quoteIdentifier reserved word and mixed case', `${d.quoteIdentifier('order')}, ${d.quoteIdentifier('OrderId')}, ${d.quoteIdentifier('order_id')}`],
    ['quoteString with backslash', d.quoteString('C:\\temp\\it\'s')],
  ];
  return samples.map(([title, sql]) => `\n-- ${title}\n${sql};\n`).join('');
}

describe('SnowflakeDialect', () => {
  it('renders every statement exactly as the golden file', () => {
    const dialect = new SnowflakeDialect();
    const actual = renderDialectSamples(dialect) + extras(dialect);
    const golden = fileURLToPath(new URL('./__golden__/snowflake-dialect.sql', import.meta.url));
    expect(actual).toBe(readGolden(golden, actual));
  });

  it('maps names between how xform writes them and how Snowflake stores them', () => {
    expect(storedName('fct_orders')).toBe('FCT_ORDERS');
    expect(storedName('Mixed Case')).toBe('Mixed Case');
    expect(storedName('order')).toBe('order');
    expect(displayName('FCT_ORDERS')).toBe('fct_orders');
    expect(displayName('Mixed Case')).toBe('Mixed Case');
    expect(displayName('ORDER')).toBe('ORDER');
    expect(() => new SnowflakeDialect().createTableAs(orders, model, { config: { cluster_by: [1] } })).toThrow(/cluster_by must be a column name/u);
  });
});
