import { describe, expect, it } from 'vitest';
import { SearchIndex } from './search-index.js';
import type { SiteGraph, SiteNode, SiteSearch } from './site-types.js';

function node(name: string, over: Partial<SiteNode> = {}): SiteNode {
  return { id: `model.shop.${name}`, name, type: 'model', mat: 'view', lane: 1, group: 1, x: 0, y: 0, parents: [], tests: 0, testsFailed: 0, description: '', tags: [], columns: [], chunk: 0, slot: 0, ...over };
}

const nodes: SiteNode[] = [
  node('orders', { type: 'source', mat: 'source', group: 0, columns: ['order_id', 'amount'] }),
  node('stg_orders', { columns: ['order_id', 'amount_eur'], description: 'Orders in euros.', tags: ['daily'] }),
  node('customers', { columns: ['customer_id', 'country'], columnDocs: ['', 'ISO country of the customer'] }),
  node('revenue', { columns: ['country', 'revenue'], description: 'Revenue per country, daily.', tags: ['finance'] }),
  node('orders_summary', { columns: ['n'] }),
];

const graph = { groups: [{ name: 'shop_raw', lane: 0, folder: 'shop_raw' }, { name: 'models', lane: 1, folder: 'models' }], nodes } as unknown as SiteGraph;

const extra: SiteSearch = {
  sql: ['', "select order_id, amount * fx_rate as amount_eur from {{ source('shop_raw', 'orders') }}", 'select * from customers', "select country, sum(amount_eur) from stg_orders where status <> 'cancelled' group by 1", 'select count(*) as n from stg_orders'],
  tests: [[], ['unique_stg_orders_order_id', 'not_null_stg_orders_order_id'], [], ['accepted_values_revenue_country'], []],
  macros: [{ name: 'cents_to_dollars', package: 'shop', description: 'Divides by 100.', sql: '({{ column }} / 100)::numeric(16, 2)' }],
};

const names = (index: SearchIndex, q: string) => index.query(q).hits.map((h) => (h.macro !== undefined ? `macro:${extra.macros[h.macro]!.name}` : nodes[h.node]!.name));

describe('SearchIndex', () => {
  const index = new SearchIndex(graph, extra);

  it('ranks names first: exact, then prefix, then substring, then other fields', () => {
    expect(names(index, 'orders')).toEqual(['orders', 'orders_summary', 'stg_orders', 'revenue']);
    expect(index.query('orders').hits.at(-1)).toMatchObject({ why: 'SQL' });
  });

  it('finds a source table as source_name.table', () => {
    expect(names(index, 'shop_raw.orders')).toEqual(['orders']);
    expect(index.query('shop_raw.orders').hits[0]).toMatchObject({ score: 0 });
  });

  it('finds columns, saying which one, exact columns before partial ones', () => {
    const hits = index.query('amount_eur').hits;
    expect(hits[0]).toMatchObject({ node: 1, why: 'column', column: 'amount_eur' });
    expect(index.query('count').hits.find((h) => h.node === 3)).toMatchObject({ why: 'column', column: 'country' });
  });

  it('finds tags, descriptions and column descriptions', () => {
    expect(index.query('finance').hits).toEqual([expect.objectContaining({ node: 3, why: 'tag finance' })]);
    expect(index.query('euros').hits).toEqual([expect.objectContaining({ node: 1, why: 'description' })]);
    expect(index.query('iso country').hits[0]).toMatchObject({ node: 2, why: 'column description', column: 'country' });
  });

  it('finds tests by name and SQL text, with a snippet of the SQL', () => {
    expect(index.query('accepted_values').hits).toEqual([expect.objectContaining({ node: 3, why: 'test accepted_values_revenue_country' })]);
    const sql = index.query("'cancelled'").hits;
    expect(sql).toEqual([expect.objectContaining({ node: 3, why: 'SQL' })]);
    expect(sql[0]!.snippet).toContain("status <> 'cancelled'");
    expect(names(index, 'fx_rate')).toEqual(['stg_orders']);
  });

  it('finds macros by name, package.name and body', () => {
    expect(names(index, 'cents_to')).toEqual(['macro:cents_to_dollars']);
    expect(names(index, 'shop.cents_to_dollars')).toEqual(['macro:cents_to_dollars']);
    expect(index.query('numeric(16').hits[0]).toMatchObject({ macro: 0, why: 'SQL' });
  });

  it('needs every word of a multi-word query to match, in any field', () => {
    expect(names(index, 'revenue daily')).toEqual(['revenue']);
    expect(names(index, 'stg orders euros')).toEqual(['stg_orders']);
    expect(names(index, 'orders nothing_like_this')).toEqual([]);
    // Two words that only match in different nodes match nothing.
    expect(names(index, 'finance fx_rate')).toEqual([]);
  });

  it('caps the hits and counts all matches', () => {
    const result = index.query('o', 2);
    expect(result.hits).toHaveLength(2);
    expect(result.total).toBe(6); // five nodes and the macro
  });

  it('keeps, under a cap, the same best hits in the same order as the full ranking', () => {
    for (const q of ['o', 'order', 'amount', 'country', 'stg', 'c']) {
      const all = index.query(q, 100).hits;
      for (const cap of [1, 2, 3]) expect(index.query(q, cap).hits, `${q} capped at ${cap}`).toEqual(all.slice(0, cap));
    }
  });

  it('tells an exact column from one that only contains the word, wherever it sits in the list', () => {
    const cols = new SearchIndex({ groups: graph.groups, nodes: [node('a', { columns: ['id_x', 'x_id'] }), node('b', { columns: ['x', 'id'] }), node('c', { columns: ['id'] }), node('d', { columns: ['idid', 'id'] })] } as unknown as SiteGraph);
    const hits = cols.query('id').hits;
    expect(hits.map((h) => [h.node, h.score])).toEqual([[1, 3], [2, 3], [3, 3], [0, 4]]);
    expect(hits.map((h) => h.column)).toEqual(['id', 'id', 'id', 'id_x']);
  });

  it('searches SQL, tests and macros only once they are added', () => {
    const partial = new SearchIndex(graph);
    expect(partial.complete).toBe(false);
    expect(names(partial, 'fx_rate')).toEqual([]);
    partial.addExtra(extra);
    expect(names(partial, 'fx_rate')).toEqual(['stg_orders']);
  });
});
