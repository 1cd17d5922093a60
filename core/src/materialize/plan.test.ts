import { describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { ExecutableNode } from '../graph/types.js';
import type { NodeConfig } from '../project/types.js';
import { isFullRefresh, resolveIncrementalPlan } from './incremental.js';
import { suffixedRelation, TMP_SUFFIX, BACKUP_SUFFIX } from './relations.js';
import { planSchemaChange, resolveOnSchemaChange } from './schema-change.js';

function model(config: NodeConfig): ExecutableNode {
  return {
    unique_id: 'model.shop.orders',
    resource_type: 'model',
    name: 'orders',
    package_name: 'shop',
    original_file_path: 'models/orders.sql',
    fqn: ['shop', 'orders'],
    description: '',
    tags: [],
    meta: {},
    config: { materialized: 'incremental', ...config },
    columns: {},
    depends_on: { nodes: [], macros: [] },
    raw_code: 'select 1',
    checksum: { name: 'sha256', checksum: '' },
    schema: 'main',
    alias: 'orders',
    refs: [],
    sources: [],
  };
}

describe('resolveIncrementalPlan', () => {
  it('defaults to merge with a unique_key and to append without one', () => {
    expect(resolveIncrementalPlan(model({ unique_key: 'id' }), 'duckdb')).toEqual({ strategy: 'merge', uniqueKey: ['id'], predicates: [] });
    expect(resolveIncrementalPlan(model({}), 'duckdb').strategy).toBe('append');
    expect(resolveIncrementalPlan(model({ unique_key: ['a', 'b'], incremental_predicates: ['x > 1'] }), 'duckdb')).toEqual({
      strategy: 'merge',
      uniqueKey: ['a', 'b'],
      predicates: ['x > 1'],
    });
  });

  it('rejects an unknown strategy with the file and a did-you-mean', () => {
    expect(() => resolveIncrementalPlan(model({ incremental_strategy: 'delete_insert' as never }), 'postgres')).toThrow(
      expect.objectContaining({ code: 'XFORM_INCREMENTAL_STRATEGY_UNKNOWN', location: { file: 'models/orders.sql' }, hint: "did you mean 'delete+insert'?" }),
    );
    expect(() => resolveIncrementalPlan(model({ incremental_strategy: 'insert_overwrite' }), 'postgres')).toThrow(/not supported by the postgres adapter/);
  });

  it('accepts an optional strategy only from an adapter that supports it', () => {
    expect(resolveIncrementalPlan(model({ incremental_strategy: 'insert_overwrite' }), 'bigquery', ['insert_overwrite']).strategy).toBe('insert_overwrite');
  });

  it('requires a unique_key for delete+insert', () => {
    expect(() => resolveIncrementalPlan(model({ incremental_strategy: 'delete+insert' }), 'duckdb')).toThrow(
      expect.objectContaining({ code: 'XFORM_UNIQUE_KEY_REQUIRED', location: { file: 'models/orders.sql' } }),
    );
  });

  it('lets a model full_refresh config override the flag', () => {
    expect(isFullRefresh(model({}), true)).toBe(true);
    expect(isFullRefresh(model({ full_refresh: false }), true)).toBe(false);
    expect(isFullRefresh(model({ full_refresh: true }), false)).toBe(true);
  });
});

describe('planSchemaChange', () => {
  const dialect = new DialectBase();
  const target = { schema: 'main', identifier: 'orders' };
  const targetCols = [
    { name: 'id', dataType: 'INTEGER' },
    { name: 'amount', dataType: 'INTEGER' },
    { name: 'old', dataType: 'VARCHAR' },
  ];
  const staging = [
    { name: 'id', dataType: 'INTEGER' },
    { name: 'amount', dataType: 'DOUBLE' },
    { name: 'new_col', dataType: 'VARCHAR' },
  ];

  it('ignore writes only shared columns and runs no DDL', () => {
    const plan = planSchemaChange(model({}), 'ignore', staging, targetCols, dialect, target);
    expect(plan.statements).toEqual([]);
    expect(plan.columns).toEqual(['id', 'amount']);
  });

  it('fail lists added and removed columns', () => {
    expect(() => planSchemaChange(model({}), 'fail', staging, targetCols, dialect, target)).toThrow(
      expect.objectContaining({ code: 'XFORM_SCHEMA_CHANGE', message: expect.stringContaining('added: new_col; removed: old') }),
    );
    expect(planSchemaChange(model({}), 'fail', targetCols, targetCols, dialect, target).columns).toEqual(['id', 'amount', 'old']);
  });

  it('append_new_columns adds; sync_all_columns adds, drops and retypes', () => {
    const append = planSchemaChange(model({}), 'append_new_columns', staging, targetCols, dialect, target);
    expect(append.statements).toEqual(['alter table "main"."orders" add column "new_col" VARCHAR']);
    expect(append.columns).toEqual(['id', 'amount', 'new_col']);
    const sync = planSchemaChange(model({}), 'sync_all_columns', staging, targetCols, dialect, target);
    expect(sync.statements).toEqual([
      'alter table "main"."orders" drop column "old"',
      'alter table "main"."orders" add column "new_col" VARCHAR',
      'alter table "main"."orders" alter column "amount" type DOUBLE using cast("amount" as DOUBLE)',
    ]);
  });

  it('validates the mode', () => {
    expect(resolveOnSchemaChange(model({}))).toBe('ignore');
    expect(() => resolveOnSchemaChange(model({ on_schema_change: 'append_new_column' as never }))).toThrow(
      expect.objectContaining({ hint: "did you mean 'append_new_columns'?" }),
    );
  });
});

describe('suffixedRelation', () => {
  it('keeps tmp and backup names distinct within 63 bytes for long aliases', () => {
    const long = { schema: 's', identifier: 'x'.repeat(60) };
    const tmp = suffixedRelation(long, TMP_SUFFIX).identifier;
    const backup = suffixedRelation(long, BACKUP_SUFFIX).identifier;
    expect(Buffer.byteLength(tmp)).toBeLessThanOrEqual(63);
    expect(Buffer.byteLength(backup)).toBeLessThanOrEqual(63);
    expect(tmp.slice(0, 40)).not.toBe(backup);
    expect(tmp).toMatch(/__xform_tmp$/);
    expect(suffixedRelation({ schema: 's', identifier: 'orders' }, TMP_SUFFIX).identifier).toBe('orders__xform_tmp');
  });
});
