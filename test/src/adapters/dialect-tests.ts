/**
 * The Dialect's statements as the database runs them: DDL, insert, limit 0, count, and the unique-key rule
 * of merge and delete+insert (a NULL key never matches; re-running does not duplicate NULL-keyed rows).
 */
import { describe, expect, it } from 'vitest';
import type { Adapter, Connection, Relation } from '@xform/core';
import type { SuiteContext } from './adapter-suite.js';

async function rows(c: Connection, sql: string): Promise<Record<string, unknown>[]> {
  return (await c.execute(sql)).rows;
}

/** Rows of a relation ordered by every column (NULLs first), for stable comparisons. */
function ordered(adapter: Adapter, relation: Relation, columns: string[]): string {
  const list = columns.map((c) => `${adapter.dialect.quoteIdentifier(c)} nulls first`).join(', ');
  return `select * from ${adapter.dialect.relationName(relation)} order by ${list}`;
}

export function defineDialectTests(ctx: SuiteContext): void {
  describe('dialect statements', () => {
    it('creates, alters, renames and drops relations', async () => {
      const adapter = ctx.adapter();
      const d = adapter.dialect;
      const schema = await ctx.schema('ddl_run');
      const t = { schema, identifier: 'items' };
      await adapter.withConnection(async (c) => {
        await c.execute(d.createTableAs(t, 'select 1 as id, cast(5 as integer) as qty;'));
        await c.execute(d.addColumn(t, { name: 'note', dataType: d.stringType }));
        await c.execute(d.alterColumnType(t, 'qty', d.seedType('bigint')));
        await c.execute(d.insertInto(t, ['id', 'qty', 'note'], "select 2 as id, 7 as qty, 'x' as note"));
        await c.execute(d.dropColumn(t, 'note'));
        const cols = await adapter.catalog.getColumns(t);
        expect(cols.map((col) => [col.name, col.dataType.toLowerCase()])).toEqual([
          ['id', expect.any(String)],
          ['qty', 'bigint'],
        ]);
        const limitZero = await c.execute(d.limitZero(`select id, qty from ${d.relationName(t)}`));
        expect(limitZero.rows).toEqual([]);
        expect(limitZero.columns.map((col) => col.name)).toEqual(['id', 'qty']);
        expect(await rows(c, d.countRows(`select * from ${d.relationName(t)} where qty > 5`, 'failures'))).toEqual([
          { failures: 1 },
        ]);
        await c.execute(d.renameRelation(t, 'table', 'items_renamed'));
        expect(await adapter.catalog.getRelation({ schema, identifier: 'items_renamed' })).toBeDefined();
        await c.execute(d.dropRelation({ schema, identifier: 'items_renamed' }, 'table'));
        await c.execute(d.dropRelation({ schema, identifier: 'items_renamed' }, 'table'));
        expect(await adapter.catalog.listRelations(schema)).toEqual([]);
        const now = await rows(c, `select ${d.currentTimestamp()} as now`);
        const age = Math.abs(Date.parse(`${String(now[0]!.now)}Z`) - Date.now());
        expect(age).toBeLessThan(60_000);
      });
    });

    it('quotes awkward identifiers and strings', async () => {
      const adapter = ctx.adapter();
      const d = adapter.dialect;
      const schema = await ctx.schema('quotes');
      const t = { schema, identifier: 'Odd "Name"' };
      await adapter.withConnection(async (c) => {
        await c.execute(d.createTableAs(t, `select ${d.quoteString("it's")} as ${d.quoteIdentifier('My Col')}`));
        expect(await rows(c, `select * from ${d.relationName(t)}`)).toEqual([{ 'My Col': "it's" }]);
      });
    });

    it('merges on a composite key; NULL keys never match and are not duplicated by a re-run', async () => {
      const adapter = ctx.adapter();
      if (!adapter.capabilities.merge) return;
      const d = adapter.dialect;
      const schema = await ctx.schema('merge');
      const target = { schema, identifier: 'target' };
      const source = { schema, identifier: 'source' };
      const columns = ['k1', 'k2', 'v'];
      await adapter.withConnection(async (c) => {
        await c.execute(
          d.createTableAs(target, `select 1 as k1, 'a' as k2, 'old' as v union all select 2, null, 'null-key-old'`),
        );
        await c.execute(
          d.createTableAs(
            source,
            `select 1 as k1, 'a' as k2, 'new' as v
             union all select 2, null, 'null-key-new'
             union all select 3, 'c', 'inserted'
             union all select 2, null, 'null-key-old'`,
          ),
        );
        const merge = d.merge({ target, source, columns, uniqueKey: ['k1', 'k2'], predicates: [] });
        await c.execute(merge);
        const once = await rows(c, ordered(adapter, target, columns));
        await c.execute(merge);
        const twice = await rows(c, ordered(adapter, target, columns));
        const expected = [
          { k1: 1, k2: 'a', v: 'new' },
          { k1: 2, k2: null, v: 'null-key-new' },
          { k1: 2, k2: null, v: 'null-key-old' },
          { k1: 3, k2: 'c', v: 'inserted' },
        ];
        expect(once).toEqual(expected);
        expect(twice).toEqual(expected);
      });
    });

    it('delete+insert follows the same rule', async () => {
      const adapter = ctx.adapter();
      const d = adapter.dialect;
      const schema = await ctx.schema('delins');
      const target = { schema, identifier: 'target' };
      const source = { schema, identifier: 'source' };
      const columns = ['k', 'v'];
      await adapter.withConnection(async (c) => {
        await c.execute(d.createTableAs(target, `select 1 as k, 'old' as v union all select null, 'null-old' union all select 5, 'keep'`));
        await c.execute(
          d.createTableAs(source, `select 1 as k, 'new' as v union all select null, 'null-old' union all select null, 'null-new'`),
        );
        const options = { target, source, columns, uniqueKey: ['k'] };
        const apply = async () => {
          await c.execute(d.deleteMatching(target, source, ['k'], [`${'xform_target'}.${d.quoteIdentifier('k')} < 5`]));
          await c.execute(d.insertInto(target, columns, d.incrementalSource!(options)));
        };
        await apply();
        await apply();
        expect(await rows(c, ordered(adapter, target, columns))).toEqual([
          { k: null, v: 'null-new' },
          { k: null, v: 'null-old' },
          { k: 1, v: 'new' },
          { k: 5, v: 'keep' },
        ]);
      });
    });
  });
}
