/**
 * snapshot, continued: a new source column, on_schema_change, the write-audit-publish seam (a failed audit
 * leaves the snapshot as it was), NULL and repeated keys, and the errors a user's mistakes give.
 */
import { describe, expect, it } from 'vitest';
import { columnNames, execute, query, rejection, relationNames, relationOf, rowsOf } from './helpers.js';
import { setupSnapshot } from './snapshot-tests.js';
import type { ConformanceContext } from './suite.js';

const T1 = '2024-01-01 00:00:00';
const T2 = '2024-02-01 00:00:00';
const start = [
  { id: 1, name: 'a', updated_at: T1 },
  { id: 2, name: 'b', updated_at: T1 },
];
const timestamp = { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' } as const;

export function defineSnapshotChangeTests(ctx: ConformanceContext): void {
  describe('snapshot changes', () => {
    it('a new source column is added to the snapshot: NULL in older versions, filled in new ones', async () => {
      const t = await setupSnapshot(ctx, 'snap_newcol', start, { ...timestamp });
      await t.run();
      await t.sql(`alter table {src} add column tier text`);
      await t.sql(`update {src} set tier = 'gold', name = 'b2', updated_at = cast('${T2}' as timestamp) where id = 2`);
      await t.run();
      await t.run();
      expect(await columnNames(t.adapter, relationOf(t.node))).toEqual(['id', 'name', 'updated_at', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'tier']);
      expect(await t.versions(['id', 'name', 'tier'])).toEqual([
        { id: 1, name: 'a', tier: null, valid_from: T1, valid_to: null },
        { id: 2, name: 'b', tier: null, valid_from: T1, valid_to: T2 },
        { id: 2, name: 'b2', tier: 'gold', valid_from: T2, valid_to: null },
      ]);
    });

    it("a new column that check_cols checks gives every current row a version with it (dbt's rule), once", async () => {
      for (const [before, after] of [['all', 'all'], [['name'], ['name', 'tier']]]) {
        const t = await setupSnapshot(ctx, 'snap_newcol_check', start, { strategy: 'check', unique_key: 'id', check_cols: before });
        await t.run({ sql: `select id, name from ${t.src}` });
        await t.sql(`alter table {src} add column tier text`);
        await t.run({ sql: `select id, name, tier from ${t.src}`, config: { check_cols: after } });
        await t.run({ sql: `select id, name, tier from ${t.src}`, config: { check_cols: after } });
        expect(await t.count(), JSON.stringify(after)).toBe(4);
        expect(await t.count('dbt_valid_to is null and tier is null')).toBe(2);
      }
      // A column added but not checked changes nothing.
      const t = await setupSnapshot(ctx, 'snap_newcol_unchecked', start, { strategy: 'check', unique_key: 'id', check_cols: ['name'] });
      await t.run({ sql: `select id, name from ${t.src}` });
      await t.sql(`alter table {src} add column tier text`);
      await t.run({ sql: `select id, name, tier from ${t.src}` });
      expect(await t.count()).toBe(2);
    });

    it("a removed column stays with NULL in new versions; on_schema_change 'fail' stops with the columns, snapshot untouched", async () => {
      const t = await setupSnapshot(ctx, 'snap_osc', start, { ...timestamp });
      await t.run();
      const without = `select id, updated_at from ${t.src}`;
      await t.sql(`update {src} set updated_at = cast('${T2}' as timestamp) where id = 1`);
      const before = await t.versions();
      const err = await rejection(t.run({ sql: without, config: { on_schema_change: 'fail' } }));
      expect(err).toMatchObject({ code: 'XFORM_SCHEMA_CHANGE', location: { file: 'snapshots/snap.sql' } });
      expect(err.message).toBe("snap: the snapshot query's columns changed (removed: name) and on_schema_change is 'fail'");
      expect((err as { hint?: string }).hint).not.toContain('--full-refresh');
      expect(await t.versions()).toEqual(before);
      expect(await relationNames(t.adapter, t.schema)).toEqual(['snap', 'src']);
      await t.run({ sql: without });
      expect(await t.versions()).toEqual([
        { id: 1, name: null, valid_from: T2, valid_to: null },
        { id: 1, name: 'a', valid_from: T1, valid_to: T2 },
        { id: 2, name: 'b', valid_from: T1, valid_to: null },
      ]);
    });

    it('a column whose type changed keeps the snapshot type by default; sync_all_columns retypes it, history included', async () => {
      const types = { id: 'integer', amount: 'integer' };
      for (const mode of [undefined, 'sync_all_columns'] as const) {
        const t = await setupSnapshot(ctx, `snap_type_${mode ?? 'default'}`, [{ id: 1, amount: 10 }, { id: 2, amount: 20 }], { strategy: 'check', unique_key: 'id', check_cols: 'all', ...(mode ? { on_schema_change: mode } : {}) }, types);
        await t.run();
        const asText = `select id, cast(amount + id - 1 as ${t.adapter.dialect.stringType}) as amount from ${t.src}`;
        await t.run({ sql: asText });
        await t.run({ sql: asText });
        const amount = (await t.adapter.catalog.getColumns(relationOf(t.node))).find((c) => c.name === 'amount')!;
        expect(amount.dataType.toLowerCase(), mode).toMatch(mode ? /text|varchar/u : /integer/u);
        const values = (await query(t.adapter, `select id, amount from ${t.snap} order by id, dbt_valid_from`)).map((r) => [r.id, String(r.amount)]);
        expect(values, mode).toEqual([[1, '10'], [2, '20'], [2, '21']]);
      }
    });

    it('hard_deletes switched to new_record on an existing snapshot adds dbt_is_deleted and records the deletion', async () => {
      const t = await setupSnapshot(ctx, 'snap_switch', start, { ...timestamp });
      await t.run();
      await t.sql(`delete from {src} where id = 2`);
      await t.run({ config: { hard_deletes: 'new_record' } });
      await t.run({ config: { hard_deletes: 'new_record' } });
      expect(await t.versions(['id', 'name'], undefined, ['dbt_is_deleted'])).toEqual([
        { id: 1, name: 'a', dbt_is_deleted: null, valid_from: T1, valid_to: null },
        { id: 2, name: 'b', dbt_is_deleted: null, valid_from: T1, valid_to: 'NOW' },
        { id: 2, name: 'b', dbt_is_deleted: 'True', valid_from: 'NOW', valid_to: null },
      ]);
    });

    it('the audit sees the change set; a failed audit leaves the snapshot (or its absence) unchanged', async () => {
      const t = await setupSnapshot(ctx, 'snap_audit', start, { ...timestamp, hard_deletes: 'invalidate' });
      const reject = async () => ({ ok: false, message: 'no' });
      expect(await rejection(t.run({ audit: reject }))).toMatchObject({ code: 'XFORM_AUDIT_FAILED' });
      expect(await relationNames(t.adapter, t.schema)).toEqual(['src']);
      await t.run();
      const before = await t.versions();
      await t.sql(`update {src} set name = 'a2', updated_at = cast('${T2}' as timestamp) where id = 1`);
      await t.sql(`delete from {src} where id = 2`);
      let seen: Record<string, unknown>[] = [];
      const err = await rejection(
        t.run({
          audit: async (staging) => {
            const d = t.adapter.dialect;
            seen = await query(t.adapter, `select dbt_change_type, id, name, cast(dbt_valid_to as varchar) as valid_to from ${d.relationName(staging)} order by id, dbt_change_type`);
            return { ok: false, message: 'blocked by test not_null_snap_name' };
          },
        }),
      );
      expect(err).toMatchObject({ code: 'XFORM_AUDIT_FAILED', location: { file: 'snapshots/snap.sql' } });
      expect(seen.map((r) => [r.dbt_change_type, r.id, r.name, r.valid_to === null ? null : 'set'])).toEqual([
        ['insert', 1, 'a2', null],
        ['update', 1, 'a', 'set'],
        ['delete', 2, 'b', 'set'],
      ]);
      expect(await t.versions()).toEqual(before);
      expect(await relationNames(t.adapter, t.schema)).toEqual(['snap', 'src']);
      await t.run({ audit: async () => ({ ok: true }) });
      expect(await t.count()).toBe(3);
    });

    it('NULL or repeated unique_key values are refused with the values, before anything is written', async () => {
      const t = await setupSnapshot(ctx, 'snap_keys', [...start, { id: null, name: 'n', updated_at: T1 }], { ...timestamp });
      const first = await rejection(t.run());
      expect(first).toMatchObject({ code: 'XFORM_SNAPSHOT_KEY', location: { file: 'snapshots/snap.sql' } });
      expect(first.message).toBe("snap: unique_key (id) must be unique and not NULL in the snapshot's query: id=NULL (1 row)");
      expect(await relationNames(t.adapter, t.schema)).toEqual(['src']);
      await t.sql(`delete from {src} where id is null`);
      await t.run();
      await t.sql(`insert into {src} values (3, 'c', cast('${T2}' as timestamp)), (3, 'c2', cast('${T2}' as timestamp))`);
      const later = await rejection(t.run());
      expect(later.message).toContain('id=3 (2 rows)');
      expect(await t.count()).toBe(2);
      expect(await relationNames(t.adapter, t.schema)).toEqual(['snap', 'src']);
    });

    it('configuration mistakes and a relation that is no snapshot table give errors naming the snapshot file', async () => {
      const t = await setupSnapshot(ctx, 'snap_mistakes', start, { ...timestamp });
      const error = (config: Record<string, unknown>) => rejection(t.run({ config }));
      expect(await error({ strategy: 'timestamps' })).toMatchObject({ code: 'XFORM_SNAPSHOT_CONFIG', hint: "did you mean 'timestamp'?", location: { file: 'snapshots/snap.sql' } });
      expect(await error({ updated_at: 'updatedat' })).toMatchObject({ code: 'XFORM_SNAPSHOT_COLUMN_NOT_FOUND', hint: "did you mean 'updated_at'?" });
      expect(await error({ hard_deletes: 'invalidate', invalidate_hard_deletes: true })).toMatchObject({ code: 'XFORM_SNAPSHOT_CONFIG' });
      expect(await error({ strategy: 'check' })).toMatchObject({ code: 'XFORM_SNAPSHOT_CONFIG' });
      expect(await rejection(t.run({ sql: `select id, name, updated_at, 1 as dbt_scd_id from ${t.src}` }))).toMatchObject({ code: 'XFORM_SNAPSHOT_COLUMN_CONFLICT' });
      await execute(t.adapter, `create table ${t.snap} as select * from ${t.src}`);
      const notSnapshot = await rejection(t.run());
      expect(notSnapshot).toMatchObject({ code: 'XFORM_SNAPSHOT_TARGET_INVALID' });
      expect(notSnapshot.message).toMatch(/has no column dbt_scd_id, dbt_valid_from, dbt_valid_to, dbt_updated_at/u);
      expect(await rowsOf(t.adapter, relationOf(t.node), ['id'], ['id', 'name'])).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    });
  });
}
