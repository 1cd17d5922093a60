/**
 * snapshot (SCD type 2): both strategies, every hard_deletes mode, re-inserted keys, composite keys, NULLs
 * in check columns, unchanged and repeated runs, dbt_valid_to_current. Each test changes a source table
 * between runs and reads the versions back; times the run records itself (deletions, the check strategy's
 * valid_from) read as NOW.
 */
import { describe, expect, it } from 'vitest';
import type { NodeConfig } from '../../../core/src/project/types.js';
import type { ConformanceContext } from './suite.js';
import { execute, query, rejection, relationNames, relationOf, runModel, snapshotNode, valuesSql } from './helpers.js';
import type { AuditHook } from '../../../core/src/materialize/index.js';

type Row = Record<string, number | string | null>;
const cols = { id: 'integer', name: 'text', updated_at: 'timestamp' };
const T1 = '2024-01-01 00:00:00';
const T2 = '2024-02-01 00:00:00';
const T3 = '2024-03-01 00:00:00';

/** A schema with a `src` table and a snapshot `snap` of `select * from src`. */
export async function setupSnapshot(ctx: ConformanceContext, label: string, rows: Row[], config: NodeConfig, types: Record<string, string> = cols) {
  const adapter = ctx.adapter();
  const schema = await ctx.schema(label);
  const src = adapter.dialect.relationName({ schema, identifier: 'src' });
  await execute(adapter, `create table ${src} as ${valuesSql(rows, types)}`);
  const node = snapshotNode(schema, 'snap', config);
  const snap = adapter.dialect.relationName(relationOf(node));
  const run = (options: { sql?: string; audit?: AuditHook; config?: NodeConfig } = {}) =>
    runModel(adapter, options.config ? { ...node, config: { ...node.config, ...options.config } } : node, { sql: options.sql ?? `select * from ${src}`, audit: options.audit });
  const sql = (statement: string) => execute(adapter, statement.replaceAll('{src}', src));
  /** Every version: the given columns, then valid_from/valid_to as text (run times as NOW), oldest first per key. */
  const versions = async (columns: string[] = ['id', 'name'], meta = { from: 'dbt_valid_from', to: 'dbt_valid_to' }, extra: string[] = []) => {
    const q = (c: string) => adapter.dialect.quoteIdentifier(c);
    const rows = await query(
      adapter,
      `select ${[...columns, ...extra].map(q).join(', ')}, cast(${q(meta.from)} as varchar) as valid_from, cast(${q(meta.to)} as varchar) as valid_to from ${snap} order by ${columns.map((c) => `${q(c)} nulls first`).join(', ')}, ${q(meta.from)}, ${q(meta.to)} nulls last`,
    );
    const when = (v: unknown) => (v === null || v === undefined ? null : String(v) >= '2025' && !String(v).startsWith('9999') ? 'NOW' : String(v).slice(0, 19));
    return rows.map((r) => ({ ...r, valid_from: when(r.valid_from), valid_to: when(r.valid_to) }));
  };
  const count = async (where = '1 = 1') => Number((await query(adapter, `select count(*) as n from ${snap} where ${where}`))[0]!.n);
  return { adapter, schema, src, snap, node, run, sql, versions, count };
}

const start: Row[] = [
  { id: 1, name: 'a', updated_at: T1 },
  { id: 2, name: 'b', updated_at: T1 },
];

export function defineSnapshotTests(ctx: ConformanceContext): void {
  describe('snapshot', () => {
    it('timestamp: first run, change, insert, unchanged and repeated runs add no versions; deletes ignored by default', async () => {
      const t = await setupSnapshot(ctx, 'snap_ts', start, { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' });
      expect((await t.run()).message).toBe('CREATE SNAPSHOT (2 rows)');
      expect(await t.versions()).toEqual([
        { id: 1, name: 'a', valid_from: T1, valid_to: null },
        { id: 2, name: 'b', valid_from: T1, valid_to: null },
      ]);
      expect((await t.run()).message).toBe('SNAPSHOT 0 inserted, 0 closed');
      await t.sql(`update {src} set name = 'b2', updated_at = cast('${T2}' as timestamp) where id = 2`);
      await t.sql(`insert into {src} values (3, 'c', cast('${T2}' as timestamp))`);
      expect((await t.run()).message).toBe('SNAPSHOT 2 inserted, 1 closed');
      const after = [
        { id: 1, name: 'a', valid_from: T1, valid_to: null },
        { id: 2, name: 'b', valid_from: T1, valid_to: T2 },
        { id: 2, name: 'b2', valid_from: T2, valid_to: null },
        { id: 3, name: 'c', valid_from: T2, valid_to: null },
      ];
      expect(await t.versions()).toEqual(after);
      await t.run();
      await t.run();
      expect(await t.versions()).toEqual(after);
      // A row changed without a newer updated_at is no new version (the timestamp strategy trusts updated_at).
      await t.sql(`update {src} set name = 'silent' where id = 1`);
      await t.sql(`delete from {src} where id = 3`);
      await t.run();
      expect(await t.versions()).toEqual(after);
      expect(await t.count('dbt_scd_id is null')).toBe(0);
      expect(await t.count(`dbt_updated_at = dbt_valid_from`)).toBe(4);
      expect(await relationNames(t.adapter, t.schema)).toEqual(['snap', 'src']);
    });

    for (const [label, config] of [
      ['hard_deletes invalidate', { hard_deletes: 'invalidate' }],
      ['invalidate_hard_deletes: true', { invalidate_hard_deletes: true }],
    ] as const) {
      it(`${label}: a deleted key is closed once; re-inserted it gets a new version`, async () => {
        const t = await setupSnapshot(ctx, 'snap_inv', start, { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', ...config });
        await t.run();
        await t.sql(`delete from {src} where id = 1`);
        expect((await t.run()).message).toBe('SNAPSHOT 0 inserted, 1 closed');
        const deleted = [
          { id: 1, name: 'a', valid_from: T1, valid_to: 'NOW' },
          { id: 2, name: 'b', valid_from: T1, valid_to: null },
        ];
        expect(await t.versions()).toEqual(deleted);
        await t.run();
        expect(await t.versions()).toEqual(deleted);
        await t.sql(`insert into {src} values (1, 'a', cast('${T3}' as timestamp))`);
        await t.run();
        await t.run();
        expect(await t.versions()).toEqual([
          { id: 1, name: 'a', valid_from: T1, valid_to: 'NOW' },
          { id: 1, name: 'a', valid_from: T3, valid_to: null },
          { id: 2, name: 'b', valid_from: T1, valid_to: null },
        ]);
        expect(await t.count('dbt_valid_to is null')).toBe(2);
      });
    }

    it('hard_deletes new_record: a deletion record becomes current; re-inserting closes it; re-runs add nothing', async () => {
      const t = await setupSnapshot(ctx, 'snap_newrec', start, { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', hard_deletes: 'new_record' });
      await t.run();
      expect(await t.count(`dbt_is_deleted = 'False'`)).toBe(2);
      await t.sql(`delete from {src} where id = 1`);
      expect((await t.run()).message).toBe('SNAPSHOT 1 inserted, 1 closed');
      const deleted = [
        { id: 1, name: 'a', dbt_is_deleted: 'False', valid_from: T1, valid_to: 'NOW' },
        { id: 1, name: 'a', dbt_is_deleted: 'True', valid_from: 'NOW', valid_to: null },
        { id: 2, name: 'b', dbt_is_deleted: 'False', valid_from: T1, valid_to: null },
      ];
      expect(await t.versions(['id', 'name'], undefined, ['dbt_is_deleted'])).toEqual(deleted);
      await t.run();
      expect(await t.versions(['id', 'name'], undefined, ['dbt_is_deleted'])).toEqual(deleted);
      await t.sql(`insert into {src} values (1, 'a2', cast('2030-01-01 00:00:00' as timestamp))`);
      await t.run();
      await t.run();
      const current = await query(t.adapter, `select id, name, dbt_is_deleted from ${t.snap} where dbt_valid_to is null order by id`);
      expect(current).toEqual([
        { id: 1, name: 'a2', dbt_is_deleted: 'False' },
        { id: 2, name: 'b', dbt_is_deleted: 'False' },
      ]);
      expect(await t.count()).toBe(4);
      expect(await t.count(`dbt_is_deleted = 'True' and dbt_valid_to is not null`)).toBe(1);
    });

    it('a timestamp with time zone records deletions at the real instant, whatever the session time zone', async () => {
      const types = { id: 'integer', name: 'text', updated_at: 'timestamptz' };
      const rows = start.map((r) => ({ ...r, updated_at: `${r.updated_at}+00` }));
      const config = { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', hard_deletes: 'invalidate' } as const;
      const t = await setupSnapshot(ctx, 'snap_tz', rows, config, types);
      await t.run();
      await t.sql(`delete from {src} where id = 2`);
      // Far from UTC: a UTC wall time read as Tokyo time would be nine hours early.
      await t.run({ config: { pre_hook: ["set session timezone = 'Asia/Tokyo'"], post_hook: ["set session timezone = 'UTC'"] } });
      const closed = await query(t.adapter, `select id, abs(extract(epoch from (dbt_valid_to - current_timestamp))) < 600 as recent from ${t.snap} where dbt_valid_to is not null`);
      expect(closed).toEqual([{ id: 2, recent: true }]);
    });

    it('check with a column list: NULL to a value and a value to NULL are changes, NULL to NULL and other columns are not', async () => {
      const types = { id: 'integer', status: 'text', note: 'text' };
      const rows: Row[] = [
        { id: 1, status: null, note: 'n' },
        { id: 2, status: 'a', note: 'n' },
        { id: 3, status: 'b', note: 'n' },
        { id: 4, status: null, note: 'n' },
      ];
      const t = await setupSnapshot(ctx, 'snap_check', rows, { strategy: 'check', unique_key: 'id', check_cols: ['status'] }, types);
      await t.run();
      await t.run();
      expect(await t.count()).toBe(4);
      await t.sql(`update {src} set status = 'x' where id = 1`);
      await t.sql(`update {src} set status = null where id = 2`);
      await t.sql(`update {src} set note = 'changed' where id in (3, 4)`);
      expect((await t.run()).message).toBe('SNAPSHOT 2 inserted, 2 closed');
      await t.run();
      expect(await t.versions(['id', 'status'])).toEqual([
        { id: 1, status: null, valid_from: 'NOW', valid_to: 'NOW' },
        { id: 1, status: 'x', valid_from: 'NOW', valid_to: null },
        { id: 2, status: null, valid_from: 'NOW', valid_to: null },
        { id: 2, status: 'a', valid_from: 'NOW', valid_to: 'NOW' },
        { id: 3, status: 'b', valid_from: 'NOW', valid_to: null },
        { id: 4, status: null, valid_from: 'NOW', valid_to: null },
      ]);
    });

    it("check 'all' on a composite key: each (region, id) keeps its own history", async () => {
      const types = { region: 'text', id: 'integer', amount: 'integer' };
      const rows: Row[] = [
        { region: 'eu', id: 1, amount: 10 },
        { region: 'us', id: 1, amount: 10 },
        { region: 'eu', id: 2, amount: null },
      ];
      const t = await setupSnapshot(ctx, 'snap_comp', rows, { strategy: 'check', unique_key: ['region', 'id'], check_cols: 'all', hard_deletes: 'invalidate' }, types);
      await t.run();
      await t.sql(`update {src} set amount = 11 where region = 'us' and id = 1`);
      await t.sql(`delete from {src} where region = 'eu' and id = 2`);
      await t.run();
      await t.run();
      expect(await t.versions(['region', 'id', 'amount'])).toEqual([
        { region: 'eu', id: 1, amount: 10, valid_from: 'NOW', valid_to: null },
        { region: 'eu', id: 2, amount: null, valid_from: 'NOW', valid_to: 'NOW' },
        { region: 'us', id: 1, amount: 10, valid_from: 'NOW', valid_to: 'NOW' },
        { region: 'us', id: 1, amount: 11, valid_from: 'NOW', valid_to: null },
      ]);
      expect(await t.count('dbt_valid_to is null')).toBe(2);
    });

    it('unique_key may be an expression over the query columns, as in dbt', async () => {
      const types = { region: 'text', id: 'integer', amount: 'integer' };
      const rows: Row[] = [{ region: 'eu', id: 1, amount: 10 }, { region: 'us', id: 1, amount: 10 }];
      const t = await setupSnapshot(ctx, 'snap_keyexpr', rows, { strategy: 'check', unique_key: "region || '-' || cast(id as varchar)", check_cols: ['amount'] }, types);
      await t.run();
      await t.sql(`update {src} set amount = 11 where region = 'us'`);
      await t.run();
      await t.run();
      expect((await t.versions(['region', 'id', 'amount'])).map((r) => [r.region, r.amount, r.valid_to === null])).toEqual([
        ['eu', 10, true],
        ['us', 10, false],
        ['us', 11, true],
      ]);
    });

    it('dbt_valid_to_current: current versions carry it instead of NULL, through changes and deletions', async () => {
      const far = "cast('9999-12-31 00:00:00' as timestamp)";
      const t = await setupSnapshot(ctx, 'snap_vtc', start, { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', dbt_valid_to_current: far, hard_deletes: 'invalidate' });
      await t.run();
      await t.sql(`update {src} set name = 'a2', updated_at = cast('${T2}' as timestamp) where id = 1`);
      await t.sql(`delete from {src} where id = 2`);
      await t.run();
      await t.run();
      expect(await t.versions()).toEqual([
        { id: 1, name: 'a', valid_from: T1, valid_to: T2 },
        { id: 1, name: 'a2', valid_from: T2, valid_to: '9999-12-31 00:00:00' },
        { id: 2, name: 'b', valid_from: T1, valid_to: 'NOW' },
      ]);
      expect(await t.count('dbt_valid_to is null')).toBe(0);
    });

    it('snapshot_meta_column_names: the table has the renamed meta columns and keeps working with them', async () => {
      const names = { dbt_valid_from: 'valid_from', dbt_valid_to: 'valid_to', dbt_scd_id: 'version_id', dbt_updated_at: 'changed_at', dbt_is_deleted: 'is_deleted' };
      const t = await setupSnapshot(ctx, 'snap_meta', start, { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at', hard_deletes: 'new_record', snapshot_meta_column_names: names });
      await t.run();
      expect((await t.adapter.catalog.getColumns(relationOf(t.node))).map((c) => c.name)).toEqual(['id', 'name', 'updated_at', 'version_id', 'changed_at', 'valid_from', 'valid_to', 'is_deleted']);
      await t.sql(`update {src} set name = 'b2', updated_at = cast('${T2}' as timestamp) where id = 2`);
      await t.sql(`delete from {src} where id = 1`);
      await t.run();
      await t.run();
      expect(await t.versions(['id', 'name'], { from: 'valid_from', to: 'valid_to' }, ['is_deleted'])).toEqual([
        { id: 1, name: 'a', is_deleted: 'False', valid_from: T1, valid_to: 'NOW' },
        { id: 1, name: 'a', is_deleted: 'True', valid_from: 'NOW', valid_to: null },
        { id: 2, name: 'b', is_deleted: 'False', valid_from: T1, valid_to: T2 },
        { id: 2, name: 'b2', is_deleted: 'False', valid_from: T2, valid_to: null },
      ]);
    });
  });
}
