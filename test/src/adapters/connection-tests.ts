/**
 * Connection behaviour: values as plain JS, rows affected, errors, parameters, transactions (including DDL
 * rolled back), cancel, the pool.
 */
import { describe, expect, it } from 'vitest';
import type { Connection } from '@xform/core';
import type { SuiteContext } from './adapter-suite.js';

export function defineConnectionTests(ctx: SuiteContext): void {
  const run = <T>(fn: (connection: Connection) => Promise<T>) => ctx.adapter().withConnection(fn);

  describe('connection', () => {
    it('returns rows as plain JS values with column names and types', async () => {
      const result = await run((c) =>
        c.execute(`select 42 as small, cast(9007199254740993 as bigint) as big, cast(12 as bigint) as safe_big,
          cast(12.50 as decimal(10,2)) as amount, cast('2024-02-29' as date) as day,
          cast('2024-01-02 03:04:05.123456' as timestamp) as ts, true as flag,
          cast(null as varchar) as nothing, 'Zoë 🚀 "q" ''s' as text_value`),
      );
      expect(result.columns.map((column) => column.name)).toEqual([
        'small', 'big', 'safe_big', 'amount', 'day', 'ts', 'flag', 'nothing', 'text_value',
      ]);
      for (const column of result.columns) expect(column.type).toMatch(/\w/u);
      expect(result.rows).toEqual([
        {
          small: 42,
          big: '9007199254740993',
          safe_big: 12,
          amount: 12.5,
          day: '2024-02-29',
          ts: '2024-01-02T03:04:05.123456',
          flag: true,
          nothing: null,
          text_value: `Zoë 🚀 "q" 's`,
        },
      ]);
    });

    it('gives timestamps with time zone in UTC', async () => {
      const result = await run((c) => c.execute(`select cast('2024-01-02 03:04:05+02' as timestamp with time zone) as at`));
      expect(result.rows[0]!.at).toBe('2024-01-02T01:04:05Z');
    });

    it('counts rows affected by insert, update and delete', async () => {
      const schema = await ctx.schema('affected');
      const d = ctx.adapter().dialect;
      const t = d.relationName({ schema, identifier: 't' });
      await run(async (c) => {
        await c.execute(`create table ${t} (id integer, v varchar)`);
        expect((await c.execute(`insert into ${t} values (1, 'a'), (2, 'b'), (3, 'c')`)).rowsAffected).toBe(3);
        expect((await c.execute(`update ${t} set v = 'x' where id >= 2`)).rowsAffected).toBe(2);
        expect((await c.execute(`delete from ${t} where id = 1`)).rowsAffected).toBe(1);
      });
    });

    it('binds positional parameters', async () => {
      const p = ctx.options.param;
      const result = await run((c) =>
        c.execute(`select cast(${p(1)} as integer) + 1 as n, cast(${p(2)} as varchar) as s`, { params: [41, "it's"] }),
      );
      expect(result.rows).toEqual([{ n: 42, s: "it's" }]);
    });

    it('reports a failing statement as XFORM_SQL_ERROR with the SQL and label', async () => {
      const sql = 'select * from xform_no_such_table';
      const err = await run((c) => c.execute(sql, { label: 'model.suite.broken' })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR', sql, label: 'model.suite.broken' });
      expect((err as Error).message).toMatch(/xform_no_such_table/u);
    });

    it('commits and rolls back data', async () => {
      const schema = await ctx.schema('tx');
      const t = ctx.adapter().dialect.relationName({ schema, identifier: 't' });
      const rows = await run(async (c) => {
        await c.execute(`create table ${t} (id integer)`);
        await c.begin();
        await c.execute(`insert into ${t} values (1)`);
        await c.commit();
        await c.begin();
        await c.execute(`insert into ${t} values (2)`);
        await c.rollback();
        return (await c.execute(`select id from ${t}`)).rows;
      });
      expect(rows).toEqual([{ id: 1 }]);
    });

    it('restores renamed and dropped relations when a transaction with DDL is rolled back', async () => {
      const adapter = ctx.adapter();
      const d = adapter.dialect;
      const schema = await ctx.schema('ddl');
      const table = { schema, identifier: 'orders' };
      const view = { schema, identifier: 'orders_v' };
      await run(async (c) => {
        await c.execute(d.createTableAs(table, 'select 1 as version'));
        await c.execute(d.createViewAs(view, `select version from ${d.relationName(table)}`));
        await c.begin();
        await c.execute(d.renameRelation(table, 'table', 'orders__old'));
        await c.execute(d.createTableAs(table, 'select 2 as version'));
        await c.execute(d.dropRelation(view, 'view'));
        await c.execute(d.createViewAs(view, 'select 3 as version'));
        await c.rollback();
      });
      const relations = await adapter.catalog.listRelations(schema);
      expect(relations.map((r) => `${r.identifier}:${r.kind}`).sort()).toEqual(['orders:table', 'orders_v:view']);
      const rows = await run((c) => c.execute(`select version from ${d.relationName(view)}`));
      expect(rows.rows).toEqual([{ version: 1 }]);
      expect(adapter.capabilities.transactionalDdl).toBe(true);
      expect(adapter.capabilities.transactionalViews).toBe(true);
    });

    it('rolls back a transaction left open by a connection that is given back', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('leak');
      const t = adapter.dialect.relationName({ schema, identifier: 't' });
      await run((c) => c.execute(`create table ${t} (id integer)`));
      const leaky = await adapter.acquire();
      await leaky.begin();
      await leaky.execute(`insert into ${t} values (1)`);
      adapter.release(leaky);
      // Every pooled connection must now be outside a transaction: begin() on each must work.
      const all = await Promise.all(Array.from({ length: ctx.adapter().target.threads }, () => adapter.acquire()));
      for (const c of all) {
        await c.begin();
        await c.rollback();
      }
      for (const c of all) adapter.release(c);
      const count = await run((c) => c.execute(`select count(*) as n from ${t}`));
      expect(count.rows).toEqual([{ n: 0 }]);
    });

    it('runs statements concurrently on separate pooled connections', async () => {
      const adapter = ctx.adapter();
      const threads = adapter.target.threads;
      const results = await Promise.all(
        Array.from({ length: threads * 2 }, (_, i) => run((c) => c.execute(`select ${i} as i`))),
      );
      expect(results.map((r) => r.rows[0]!.i)).toEqual(Array.from({ length: threads * 2 }, (_, i) => i));
    });

    it('cancels a long statement on its connection within a second', async () => {
      const adapter = ctx.adapter();
      const connection = await adapter.acquire();
      try {
        const started = Date.now();
        const running = connection.execute(ctx.options.longQuery, { label: 'long' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        await connection.cancel();
        const err = await running;
        expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR' });
        expect(Date.now() - started).toBeLessThan(1300);
        // The connection is usable afterwards.
        expect((await connection.execute('select 1 as one')).rows).toEqual([{ one: 1 }]);
      } finally {
        adapter.release(connection);
      }
    });

    it('cancels every running statement with cancelAll (Ctrl-C)', async () => {
      const adapter = ctx.adapter();
      const started = Date.now();
      const running = [1, 2].map(() => run((c) => c.execute(ctx.options.longQuery)).then(() => undefined, (e: unknown) => e));
      await new Promise((resolve) => setTimeout(resolve, 400));
      await adapter.cancelAll();
      const errors = await Promise.all(running);
      for (const err of errors) expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR' });
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('describes itself without a password', async () => {
      const info = await ctx.adapter().describe();
      expect(info.version).toMatch(/\d/u);
      const password = (ctx.adapter().target as { password?: string }).password;
      if (password) expect(JSON.stringify(info)).not.toContain(password);
    });
  });
}
