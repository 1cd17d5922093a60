import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogRelation, ColumnInfo, Relation, RelationDescription } from '../adapter/types.js';
import type { Manifest } from '../compile/manifest.js';
import { buildCatalog } from './catalog.js';

function model(name: string, extra: Record<string, unknown> = {}) {
  return { unique_id: `model.shop.${name}`, resource_type: 'model', name, schema: 'main', alias: name, config: {}, ...extra };
}

const manifest = {
  metadata: { invocation_id: 'i', adapter_type: 'duckdb' },
  nodes: Object.fromEntries(
    [model('a'), model('b'), model('never_built'), model('eph', { config: { materialized: 'ephemeral' } })].map((n) => [n.unique_id, n]),
  ),
  sources: {},
} as unknown as Manifest;

const relations: CatalogRelation[] = [
  { schema: 'main', identifier: 'a', kind: 'table' },
  { schema: 'main', identifier: 'B', kind: 'view' },
];
const columns: Record<string, ColumnInfo[]> = {
  a: [{ name: 'id', dataType: 'INTEGER' }, { name: 'amount', dataType: 'DOUBLE' }],
  B: [{ name: 'id', dataType: 'INTEGER' }],
};

function fakeCatalog(withDescribe: boolean) {
  const calls: string[] = [];
  const catalog: Catalog = {
    listSchemas: async () => ['main'],
    listRelations: async (schema) => {
      calls.push(`listRelations ${schema}`);
      return relations;
    },
    getRelation: async () => undefined,
    getColumns: async (r: Relation) => {
      calls.push(`getColumns ${r.identifier}`);
      return columns[r.identifier] ?? [];
    },
    getStats: async (r: Relation) => {
      calls.push(`getStats ${r.identifier}`);
      return { rowCount: 3 };
    },
    ...(withDescribe
      ? {
          describeSchema: async (schema: string) => {
            calls.push(`describeSchema ${schema}`);
            return new Map<string, RelationDescription>([
              ['a', { columns: columns.a!, rowCount: 3 }],
              ['B', { columns: columns.B! }],
            ]);
          },
        }
      : {}),
  };
  return { catalog, calls };
}

describe('buildCatalog', () => {
  it.each([false, true])('describes built relations and lists the missing ones (describeSchema: %s)', async (withDescribe) => {
    const { catalog, calls } = fakeCatalog(withDescribe);
    const out = await buildCatalog(manifest, catalog);
    expect(Object.keys(out.nodes).sort()).toEqual(['model.shop.a', 'model.shop.b']);
    expect(out.nodes['model.shop.a']).toMatchObject({
      metadata: { schema: 'main', name: 'a', type: 'table' },
      columns: { id: { type: 'INTEGER', index: 0 }, amount: { type: 'DOUBLE', index: 1 } },
      stats: { row_count: 3 },
    });
    // Names match case-insensitively; views carry no stats.
    expect(out.nodes['model.shop.b']).toMatchObject({ metadata: { name: 'B', type: 'view' }, stats: {} });
    expect(out.missing).toEqual(['model.shop.never_built']);
    if (withDescribe) expect(calls).toEqual(['listRelations main', 'describeSchema main']);
    else expect(calls.filter((c) => c.startsWith('getColumns'))).toHaveLength(2);
  });
});
