/**
 * The publish paths for warehouses without transactional DDL (BigQuery-, Snowflake-like capabilities),
 * which no local database can exercise: checked as the statement sequence sent to a recording connection.
 * PostgreSQL and DuckDB run the transactional path for real in test/src/conformance.
 */
import { describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { Adapter, Capabilities, CatalogRelation, Connection, Relation } from '../adapter/types.js';
import type { ExecutableNode } from '../graph/types.js';
import { publish } from './publish.js';

class SwapDialect extends DialectBase {
  swapTables(target: Relation, other: Relation): string {
    return `alter table ${this.relationName(target)} swap with ${this.relationName(other)}`;
  }
}

function fakeEnv(capabilities: Partial<Capabilities>, existing: Record<string, CatalogRelation['kind']>, dialect = new DialectBase(), config: Record<string, unknown> = {}) {
  const log: string[] = [];
  const connection: Connection = {
    execute: async (sql) => {
      log.push(sql);
      if (sql.includes('fail_here')) throw Object.assign(new Error('rename failed'), { code: 'XFORM_SQL_ERROR' });
      return { columns: [], rows: [] };
    },
    begin: async () => void log.push('BEGIN'),
    commit: async () => void log.push('COMMIT'),
    rollback: async () => void log.push('ROLLBACK'),
    cancel: async () => undefined,
    close: async () => undefined,
  };
  const adapter = {
    type: 'fake',
    dialect,
    capabilities: { transactionalDdl: false, atomicReplaceTable: false, swapTables: false, merge: true, transactionalViews: false, renameTakesIdentifierOnly: true, ...capabilities },
    catalog: {
      getRelation: async (r: Relation) => (existing[r.identifier] ? { ...r, kind: existing[r.identifier]! } : undefined),
    },
  } as unknown as Adapter;
  const node = { unique_id: 'model.p.orders', name: 'orders', original_file_path: 'models/orders.sql', config } as unknown as ExecutableNode;
  return { env: { adapter, connection, node }, log };
}

const target = { schema: 's', identifier: 'orders' };
const staged = { schema: 's', identifier: 'orders__xform_tmp' };

describe('publish without transactional DDL', () => {
  it('swaps tables where the warehouse can, then drops the old one under the staging name', async () => {
    const { env, log } = fakeEnv({ swapTables: true }, { orders: 'table' }, new SwapDialect());
    await publish(env, { staged, stagedKind: 'table', target });
    expect(log).toEqual(['alter table "s"."orders" swap with "s"."orders__xform_tmp"', 'drop table if exists "s"."orders__xform_tmp" cascade']);
  });

  it('with copy_grants, replaces with CREATE OR REPLACE instead of swapping, so the live table keeps its grants', async () => {
    const { env, log } = fakeEnv({ swapTables: true, atomicReplaceTable: true }, { orders: 'table' }, new SwapDialect(), { copy_grants: true });
    await publish(env, { staged, stagedKind: 'table', target });
    expect(log).toEqual(['create table "s"."orders" as (\nselect * from "s"."orders__xform_tmp"\n)', 'drop table if exists "s"."orders__xform_tmp" cascade']);
  });

  it('refuses a swapTables capability without the dialect method', async () => {
    const { env } = fakeEnv({ swapTables: true }, { orders: 'table' });
    await expect(publish(env, { staged, stagedKind: 'table', target })).rejects.toMatchObject({ code: 'XFORM_ADAPTER_CONTRACT' });
  });

  it('replaces atomically with the dialect CREATE (OR REPLACE) TABLE where the warehouse can', async () => {
    const { env, log } = fakeEnv({ atomicReplaceTable: true }, { orders: 'view' });
    const hooks: string[] = [];
    await publish(env, { staged, stagedKind: 'table', target, beforeCommit: async () => void hooks.push('post') });
    expect(log).toEqual([
      'drop view if exists "s"."orders" cascade',
      'create table "s"."orders" as (\nselect * from "s"."orders__xform_tmp"\n)',
      'drop table if exists "s"."orders__xform_tmp" cascade',
    ]);
    expect(hooks).toEqual(['post']);
  });

  it('falls back to renames, putting the old relation back when the second rename fails', async () => {
    const { env, log } = fakeEnv({}, { orders: 'table' });
    await expect(publish(env, { staged: { schema: 's', identifier: 'fail_here' }, stagedKind: 'table', target })).rejects.toThrow('rename failed');
    expect(log).toEqual([
      'alter table "s"."orders" rename to "orders__xform_backup"',
      'alter table "s"."fail_here" rename to "orders"',
      'alter table "s"."orders__xform_backup" rename to "orders"',
    ]);
  });

  it('uses one transaction where DDL is transactional', async () => {
    const { env, log } = fakeEnv({ transactionalDdl: true }, { orders: 'view' });
    await publish(env, { staged, stagedKind: 'table', target });
    expect(log).toEqual([
      'BEGIN',
      'alter view "s"."orders" rename to "orders__xform_backup"',
      'alter table "s"."orders__xform_tmp" rename to "orders"',
      'drop view if exists "s"."orders__xform_backup" cascade',
      'COMMIT',
    ]);
  });
});
