import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogRelation, Relation } from '../adapter/types.js';
import { RelationCache } from './relation-cache.js';

/** A catalog over a mutable list that counts the questions it is asked. */
function countingCatalog(relations: CatalogRelation[], { foldCase = false } = {}) {
  const calls = { listRelations: 0, getRelation: 0 };
  const same = (a: string, b: string) => (foldCase ? a.toLowerCase() === b.toLowerCase() : a === b);
  const catalog: Catalog = {
    listSchemas: async () => [...new Set(relations.map((r) => r.schema))],
    listRelations: async (schema) => {
      calls.listRelations++;
      return relations.filter((r) => same(r.schema, schema));
    },
    getRelation: async (relation: Relation) => {
      calls.getRelation++;
      return relations.find((r) => same(r.schema, relation.schema) && same(r.identifier, relation.identifier));
    },
    getColumns: async () => [],
  };
  return { catalog, calls, relations };
}

const rel = (schema: string, identifier: string): Relation => ({ schema, identifier });

describe('RelationCache', () => {
  it('answers from one listing per schema, however many relations are asked about', async () => {
    const { catalog, calls } = countingCatalog([
      { database: 'db', schema: 'main', identifier: 'orders', kind: 'table' },
      { database: 'db', schema: 'main', identifier: 'customers', kind: 'view' },
    ]);
    const cache = new RelationCache(catalog);
    await cache.load([rel('main', 'orders'), rel('main', 'customers'), rel('main', 'payments'), rel('main', 'x')]);
    expect(calls.listRelations).toBe(1);
    expect((await cache.get(rel('main', 'orders')))?.kind).toBe('table');
    expect((await cache.get(rel('main', 'customers')))?.kind).toBe('view');
    expect(await cache.get(rel('main', 'payments'))).toBeUndefined();
    expect(await cache.get(rel('main', 'orders__xform_tmp'))).toBeUndefined();
    expect(calls.getRelation).toBe(0);
  });

  it('follows what the materializations report: created, renamed away, dropped', async () => {
    const { catalog, calls } = countingCatalog([{ database: 'db', schema: 'main', identifier: 'orders', kind: 'view' }]);
    const cache = new RelationCache(catalog);
    await cache.load([rel('main', 'orders')]);
    cache.created(rel('main', 'orders__xform_tmp'), 'table');
    expect((await cache.get(rel('main', 'orders__xform_tmp')))?.kind).toBe('table');
    // The publish: the staging table became `orders`, the old view is gone.
    cache.dropped(rel('main', 'orders__xform_tmp'));
    cache.dropped(rel('main', 'orders__xform_backup'));
    cache.created(rel('main', 'orders'), 'table');
    expect((await cache.get(rel('main', 'orders')))?.kind).toBe('table');
    expect(await cache.get(rel('main', 'orders__xform_tmp'))).toBeUndefined();
    expect(calls.getRelation).toBe(0);
  });

  it('asks the catalog about forgotten names, names of schemas it did not list, and other spellings of a listed name', async () => {
    const { catalog, calls, relations } = countingCatalog(
      [
        { database: 'db', schema: 'main', identifier: 'Orders', kind: 'table' },
        { database: 'db', schema: 'other', identifier: 'events', kind: 'table' },
      ],
      { foldCase: true },
    );
    const cache = new RelationCache(catalog);
    await cache.load([rel('main', 'Orders')]);

    // A warehouse that folds case knows `orders` is `Orders`; the cache cannot, so it asks.
    expect((await cache.get(rel('main', 'orders')))?.identifier).toBe('Orders');
    expect(calls.getRelation).toBe(1);
    // A change under another spelling leaves the name unknown rather than wrong.
    cache.dropped(rel('main', 'orders'));
    relations.splice(0, 1);
    expect(await cache.get(rel('main', 'Orders'))).toBeUndefined();
    expect(calls.getRelation).toBe(2);

    expect((await cache.get(rel('other', 'events')))?.kind).toBe('table');
    expect(calls.getRelation).toBe(3);

    // After a failure the node's names are asked afresh, and reports about them are ignored.
    cache.created(rel('main', 'payments__xform_tmp'), 'table');
    cache.forget(rel('main', 'payments__xform_tmp'));
    cache.created(rel('main', 'payments__xform_tmp'), 'table');
    expect(await cache.get(rel('main', 'payments__xform_tmp'))).toBeUndefined();
    expect(calls.getRelation).toBe(4);
  });
});
