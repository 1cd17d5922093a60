/**
 * view, table, ephemeral, the audit seam and pre/post hooks.
 */
import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from './suite.js';
import { execute, modelNode, query, rejection, relationNames, relationOf, rowsOf, runModel, valuesSql } from './helpers.js';

const ints = { id: 'integer', amount: 'integer' };

export function defineTableTests(ctx: ConformanceContext): void {
  describe('view', () => {
    it('creates a view, replaces it when columns change, and replaces a table of the same name', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('view');
      const node = modelNode(schema, 'v_orders', { materialized: 'view' });
      const first = await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 10 }, { id: 2, amount: 20 }], ints) });
      expect(first.message).toBe('CREATE VIEW');
      expect((await adapter.catalog.getRelation(relationOf(node)))?.kind).toBe('view');
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }]);

      // A column removed and one retyped: CREATE OR REPLACE VIEW alone refuses this on PostgreSQL.
      await runModel(adapter, node, { sql: "select cast(1 as integer) as id, 'x' as label" });
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, label: 'x' }]);

      const table = modelNode(schema, 'was_table', { materialized: 'table' });
      await runModel(adapter, table, { sql: valuesSql([{ id: 1, amount: 1 }], ints) });
      await runModel(adapter, { ...table, config: { materialized: 'view' } }, { sql: valuesSql([{ id: 7, amount: 70 }], ints) });
      expect((await adapter.catalog.getRelation(relationOf(table)))?.kind).toBe('view');
      expect(await rowsOf(adapter, relationOf(table), ['id'])).toEqual([{ id: 7, amount: 70 }]);
      expect(await relationNames(adapter, schema)).toEqual(['v_orders', 'was_table']);
    });
  });

  describe('table', () => {
    it('builds a table, rebuilds it with new rows and columns, replaces a view, leaves nothing behind', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('table');
      const node = modelNode(schema, 'orders');
      const result = await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: null }], ints) });
      expect(result).toMatchObject({ status: 'success', rowsAffected: 3, message: 'CREATE TABLE (3 rows)' });
      expect((await adapter.catalog.getRelation(relationOf(node)))?.kind).toBe('table');
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, amount: 10 }, { id: 2, amount: 20 }, { id: 3, amount: null }]);

      await runModel(adapter, node, { sql: "select cast(5 as integer) as id, 'new' as status" });
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 5, status: 'new' }]);

      const view = modelNode(schema, 'was_view', { materialized: 'view' });
      await runModel(adapter, view, { sql: valuesSql([{ id: 1, amount: 1 }], ints) });
      await runModel(adapter, { ...view, config: { materialized: 'table' } }, { sql: valuesSql([{ id: 2, amount: 2 }], ints) });
      expect((await adapter.catalog.getRelation(relationOf(view)))?.kind).toBe('table');
      expect(await relationNames(adapter, schema)).toEqual(['orders', 'was_view']);
    });

    it('keeps readers working while the table is rebuilt: they see the old or the new rows, never an error', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('readers');
      const node = modelNode(schema, 'big');
      const sqlFor = (n: number) => `select g.i as id, g.i * 2 as amount from generate_series(1, ${n}) as g(i)`;
      await runModel(adapter, node, { sql: sqlFor(20_000) });
      const name = adapter.dialect.relationName(relationOf(node));
      let stop = false;
      const seen = new Set<number>();
      const errors: unknown[] = [];
      const reader = (async () => {
        while (!stop) {
          try {
            const rows = await query(adapter, `select count(*) as n from ${name}`);
            seen.add(Number(rows[0]!.n));
          } catch (err) {
            errors.push(err);
          }
        }
      })();
      for (const n of [30_000, 20_000, 30_000]) await runModel(adapter, node, { sql: sqlFor(n) });
      stop = true;
      await reader;
      expect(errors).toEqual([]);
      expect([...seen].every((n) => n === 20_000 || n === 30_000)).toBe(true);
      expect(seen.size).toBeGreaterThan(0);
    });

    it('keeps views that read a rebuilt relation working, including views on those views', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('dependents');
      const node = modelNode(schema, 'base');
      await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 10 }], ints) });
      const name = (identifier: string) => adapter.dialect.relationName({ schema, identifier });
      await execute(adapter, `create view ${name('doubled')} as select id, amount * 2 as doubled from ${name('base')}`);
      await execute(adapter, `create view ${name('total')} as select sum(doubled) as total from ${name('doubled')}`);
      await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 10 }, { id: 2, amount: 5 }], ints) });
      expect(await query(adapter, `select cast(total as integer) as total from ${name('total')}`)).toEqual([{ total: 30 }]);
      // Rebuilt as a view, and again as a table: the dependent views follow each time.
      await runModel(adapter, { ...node, config: { materialized: 'view' } }, { sql: valuesSql([{ id: 3, amount: 1 }], ints) });
      expect(await query(adapter, `select cast(total as integer) as total from ${name('total')}`)).toEqual([{ total: 2 }]);
      await runModel(adapter, node, { sql: valuesSql([{ id: 4, amount: 4 }], ints) });
      expect(await query(adapter, `select cast(total as integer) as total from ${name('total')}`)).toEqual([{ total: 8 }]);
      expect(await relationNames(adapter, schema)).toEqual(['base', 'doubled', 'total']);
    });

    it('keeps the previous table exactly when the new SQL fails, and cleans up the staging table', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('failing');
      const node = modelNode(schema, 'orders');
      await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 10 }], ints) });
      const err = await rejection(runModel(adapter, node, { sql: 'select id, amount from table_that_does_not_exist' }));
      expect(err.code).toBe('XFORM_SQL_ERROR');
      expect(err.location?.file).toBe('models/orders.sql');
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, amount: 10 }]);
      expect(await relationNames(adapter, schema)).toEqual(['orders']);
    });

    it('does not publish when the audit rejects the staging table, which it sees fully built', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('audit');
      const node = modelNode(schema, 'orders');
      await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 10 }], ints) });
      let stagedCount = -1;
      const err = await rejection(
        runModel(adapter, node, {
          sql: valuesSql([{ id: 1, amount: -5 }, { id: 2, amount: 3 }], ints),
          audit: async (staging) => {
            const rows = await query(adapter, `select count(*) as n from ${adapter.dialect.relationName(staging)} where amount < 0`);
            stagedCount = (await query(adapter, `select count(*) as n from ${adapter.dialect.relationName(staging)}`))[0]!.n as number;
            return Number(rows[0]!.n) === 0 ? { ok: true } : { ok: false, message: 'negative amounts' };
          },
        }),
      );
      expect(Number(stagedCount)).toBe(2);
      expect(err).toMatchObject({ code: 'XFORM_AUDIT_FAILED', location: { file: 'models/orders.sql' } });
      expect(err.message).toContain('negative amounts');
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, amount: 10 }]);
      expect(await relationNames(adapter, schema)).toEqual(['orders']);
      await runModel(adapter, node, { sql: valuesSql([{ id: 3, amount: 3 }], ints), audit: async () => ({ ok: true }) });
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 3, amount: 3 }]);
    });
  });

  describe('hooks', () => {
    it('runs pre_hook before and post_hook after the build, with {{ this }} rendered', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('hooks');
      const log = adapter.dialect.relationName({ schema, identifier: 'hook_log' });
      await execute(adapter, `create table ${log} (step text, n integer)`);
      const node = modelNode(schema, 'orders', {
        materialized: 'table',
        pre_hook: [`insert into ${log} select 'pre', cast(null as integer)`],
        post_hook: [`insert into ${log} select 'post', cast(count(*) as integer) from {{ this }}`, `  `],
      });
      await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 1 }, { id: 2, amount: 2 }], ints) });
      expect(await rowsOf(adapter, { schema, identifier: 'hook_log' }, ['step'])).toEqual([
        { step: 'post', n: 2 },
        { step: 'pre', n: null },
      ]);
    });

    it('fails the model on a failing post_hook, naming the hook, and keeps the previous table', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('hookfail');
      const node = modelNode(schema, 'orders');
      await runModel(adapter, node, { sql: valuesSql([{ id: 1, amount: 1 }], ints) });
      const failing = { ...node, config: { ...node.config, post_hook: ['select * from no_such_table_for_hook'] } };
      const err = await rejection(runModel(adapter, failing, { sql: valuesSql([{ id: 2, amount: 2 }], ints) }));
      expect(err.code).toBe('XFORM_HOOK_FAILED');
      expect(err.message).toContain('post_hook #1');
      if (adapter.capabilities.transactionalDdl) {
        expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, amount: 1 }]);
      }
      expect(await relationNames(adapter, schema)).toEqual(['orders']);
    });
  });

  describe('ephemeral and unknown materializations', () => {
    it('creates nothing for ephemeral and rejects an unknown materialization with a hint', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('ephemeral');
      await runModel(adapter, modelNode(schema, 'eph', { materialized: 'ephemeral' }), { sql: 'select 1 as id' });
      expect(await relationNames(adapter, schema)).toEqual([]);
      const err = await rejection(runModel(adapter, modelNode(schema, 'typo', { materialized: 'tabel' }), { sql: 'select 1 as id' }));
      expect(err).toMatchObject({ code: 'XFORM_MATERIALIZATION_UNKNOWN', location: { file: 'models/typo.sql' }, hint: "did you mean 'table'?" });
      expect(await relationNames(adapter, schema)).toEqual([]);
    });
  });
}
