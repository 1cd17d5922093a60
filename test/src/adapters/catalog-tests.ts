/** Catalog: schemas, relations (tables and views), columns with their types, stats. */
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './adapter-suite.js';

export function defineCatalogTests(ctx: SuiteContext): void {
  describe('catalog', () => {
    it('lists schemas, tables and views, and the columns of each', async () => {
      const adapter = ctx.adapter();
      const d = adapter.dialect;
      const schema = await ctx.schema('catalog');
      const table = { schema, identifier: 'customers' };
      const view = { schema, identifier: 'active_customers' };
      await adapter.withConnection(async (c) => {
        await c.execute(
          d.createTable(table, [
            { name: 'id', dataType: d.seedType('bigint') },
            { name: 'name', dataType: d.stringType },
            { name: 'signed_up', dataType: d.seedType('date') },
          ]),
        );
        await c.execute(`insert into ${d.relationName(table)} values (1, 'a', cast('2024-01-01' as date)), (2, 'b', null)`);
        await c.execute(d.createViewAs(view, `select id, name from ${d.relationName(table)}`));
      });

      expect(await adapter.catalog.listSchemas()).toContain(schema);
      const relations = await adapter.catalog.listRelations(schema);
      expect(relations.map((r) => [r.schema, r.identifier, r.kind])).toEqual([
        [schema, 'active_customers', 'view'],
        [schema, 'customers', 'table'],
      ]);
      expect(await adapter.catalog.getRelation(table)).toMatchObject({ schema, identifier: 'customers', kind: 'table' });
      expect(await adapter.catalog.getRelation({ schema, identifier: 'nope' })).toBeUndefined();
      expect(await adapter.catalog.listRelations('xform_no_such_schema')).toEqual([]);

      const columns = await adapter.catalog.getColumns(table);
      expect(columns.map((c) => c.name)).toEqual(['id', 'name', 'signed_up']);
      expect(columns[0]!.dataType.toLowerCase()).toBe('bigint');
      expect(columns[2]!.dataType.toLowerCase()).toBe('date');
      const viewColumns = await adapter.catalog.getColumns(view);
      expect(viewColumns.map((c) => c.name)).toEqual(['id', 'name']);

      // PostgreSQL only knows an estimate after ANALYZE; a number, when given, must be right.
      const stats = await adapter.catalog.getStats?.(table);
      expect([undefined, 2]).toContain(stats?.rowCount);
    });
  });
}
