import { describe, expect, it } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { id, model, source, test } from './__fixtures__/nodes.js';
import { LineageGraph } from './lineage-graph.js';

function catchError(fn: () => unknown): XformError {
  try {
    fn();
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected an XformError');
}

/** source -> stg_orders -> fct_orders <- stg_customers; a relationships test on both staging models. */
function shop(): LineageGraph {
  return LineageGraph.build([
    model('fct_orders', { deps: [id.model('stg_orders'), id.model('stg_customers')] }),
    model('stg_orders', { deps: [id.source('shop', 'orders')] }),
    model('stg_customers', { deps: [id.source('shop', 'customers')] }),
    source('shop', 'orders'),
    source('shop', 'customers'),
    test('relationships_orders_customer', { testName: 'relationships', deps: [id.model('stg_orders'), id.model('stg_customers')] }),
  ]);
}

describe('LineageGraph.build', () => {
  it('builds a graphlib graph with parent -> child edges', () => {
    const graph = shop();
    expect(graph.graph.hasEdge(id.model('stg_orders'), id.model('fct_orders'))).toBe(true);
    expect(graph.graph.hasEdge(id.model('fct_orders'), id.model('stg_orders'))).toBe(false);
    expect(graph.graph.nodeCount()).toBe(6);
    expect(graph.graph.node(id.model('fct_orders')).name).toBe('fct_orders');
  });

  it('rejects a dependency on an unknown id as an internal error', () => {
    const err = catchError(() => LineageGraph.build([model('a', { deps: ['model.shop.ghost'] })]));
    expect(err.code).toBe('XFORM_INTERNAL');
    expect(err.message).toContain('model.shop.ghost');
  });

  it('collapses a dependency listed twice into one edge', () => {
    const graph = LineageGraph.build([model('a'), model('b', { deps: [id.model('a'), id.model('a')] })]);
    expect(graph.parents(id.model('b'))).toEqual([id.model('a')]);
    expect(graph.graph.edgeCount()).toBe(1);
  });
});

describe('LineageGraph traversal', () => {
  it('lists parents and children sorted', () => {
    const graph = shop();
    expect(graph.parents(id.model('fct_orders'))).toEqual([id.model('stg_customers'), id.model('stg_orders')]);
    expect(graph.children(id.model('stg_orders'))).toEqual([id.model('fct_orders'), id.test('relationships_orders_customer')]);
    expect(graph.children(id.model('fct_orders'))).toEqual([]);
  });

  it('finds ancestors and descendants, with a depth limit', () => {
    const chain = LineageGraph.build([
      model('a'),
      model('b', { deps: [id.model('a')] }),
      model('c', { deps: [id.model('b')] }),
      model('d', { deps: [id.model('c')] }),
    ]);
    expect([...chain.ancestors(id.model('d'))].sort()).toEqual([id.model('a'), id.model('b'), id.model('c')]);
    expect([...chain.ancestors(id.model('d'), 1)]).toEqual([id.model('c')]);
    expect([...chain.descendants(id.model('a'), 2)].sort()).toEqual([id.model('b'), id.model('c')]);
    expect(chain.descendants(id.model('d')).size).toBe(0);
  });

  it('orders parents before children, ties broken by unique_id', () => {
    const order = shop().topoOrder();
    expect(order).toEqual([
      id.source('shop', 'customers'),
      id.model('stg_customers'),
      id.source('shop', 'orders'),
      id.model('stg_orders'),
      id.model('fct_orders'),
      id.test('relationships_orders_customer'),
    ]);
  });

  it('gives the same order whatever order the nodes arrive in', () => {
    const nodes = [model('z'), model('y', { deps: [id.model('z')] }), model('x'), model('w', { deps: [id.model('x'), id.model('y')] })];
    const forward = LineageGraph.build(nodes).topoOrder();
    const backward = LineageGraph.build([...nodes].reverse()).topoOrder();
    expect(forward).toEqual(backward);
    expect(forward).toEqual([id.model('x'), id.model('z'), id.model('y'), id.model('w')]);
  });

  it('handles a 20,000-node chain without overflowing the stack', () => {
    const nodes = [model('n0')];
    for (let i = 1; i < 20_000; i++) nodes.push(model(`n${i}`, { deps: [id.model(`n${i - 1}`)] }));
    const graph = LineageGraph.build(nodes);
    expect(graph.topoOrder()[19_999]).toBe(id.model('n19999'));
    expect(graph.ancestors(id.model('n19999')).size).toBe(19_999);
  });

  it('exposes dbt parent_map and child_map for every node', () => {
    const graph = shop();
    const parentMap = graph.parentMap();
    const childMap = graph.childMap();
    expect(Object.keys(parentMap)).toHaveLength(6);
    expect(parentMap[id.source('shop', 'orders')]).toEqual([]);
    expect(parentMap[id.test('relationships_orders_customer')]).toEqual([id.model('stg_customers'), id.model('stg_orders')]);
    expect(childMap[id.source('shop', 'orders')]).toEqual([id.model('stg_orders')]);
    expect(childMap[id.model('fct_orders')]).toEqual([]);
  });
});

describe('LineageGraph cycles', () => {
  it('accepts an acyclic graph', () => {
    expect(() => shop().assertAcyclic()).not.toThrow();
    expect(shop().cycleDiagnostics()).toEqual([]);
  });

  it('reports a 2-cycle in order with files, located at the first file', () => {
    const graph = LineageGraph.build([
      model('a', { deps: [id.model('b')], line: 3 }),
      model('b', { deps: [id.model('a')] }),
    ]);
    const err = catchError(() => graph.assertAcyclic());
    expect(err.code).toBe('XFORM_CYCLE');
    expect(err.message).toBe('cycle: model a (models/a.sql) -> model b (models/b.sql) -> model a (models/a.sql)');
    expect(err.location).toEqual({ file: 'models/a.sql', line: 3 });
    expect(err.diagnostics).toHaveLength(1);
  });

  it('reports a 3-cycle following the data flow, starting at the smallest id', () => {
    // c reads b, b reads a, a reads c: data flows a -> b -> c -> a.
    const graph = LineageGraph.build([
      model('c', { deps: [id.model('b')] }),
      model('a', { deps: [id.model('c')] }),
      model('b', { deps: [id.model('a')] }),
      model('downstream', { deps: [id.model('c')] }),
    ]);
    const err = catchError(() => graph.topoOrder());
    expect(err.code).toBe('XFORM_CYCLE');
    expect(err.message).toBe(
      'cycle: model a (models/a.sql) -> model b (models/b.sql) -> model c (models/c.sql) -> model a (models/a.sql)',
    );
  });

  it('reports a model that refs itself', () => {
    const graph = LineageGraph.build([model('me', { deps: [id.model('me')] }), model('ok')]);
    const err = catchError(() => graph.assertAcyclic());
    expect(err.message).toBe('cycle: model me (models/me.sql) -> model me (models/me.sql)');
    expect(err.hint).toContain('{{ this }}');
  });

  it('reports every distinct cycle, one diagnostic each', () => {
    const graph = LineageGraph.build([
      // Two separate loops...
      model('a', { deps: [id.model('b')] }),
      model('b', { deps: [id.model('a')] }),
      model('x', { deps: [id.model('y')] }),
      model('y', { deps: [id.model('x')] }),
      // ...and two loops sharing the node 'hub'.
      model('hub', { deps: [id.model('p'), id.model('q')] }),
      model('p', { deps: [id.model('hub')] }),
      model('q', { deps: [id.model('hub')] }),
    ]);
    const err = catchError(() => graph.assertAcyclic());
    const messages = err.diagnostics.map((d) => d.message);
    expect(err.diagnostics.every((d) => d.code === 'XFORM_CYCLE')).toBe(true);
    expect(messages).toEqual([
      'cycle: model a (models/a.sql) -> model b (models/b.sql) -> model a (models/a.sql)',
      'cycle: model hub (models/hub.sql) -> model p (models/p.sql) -> model hub (models/hub.sql)',
      'cycle: model hub (models/hub.sql) -> model q (models/q.sql) -> model hub (models/hub.sql)',
      'cycle: model x (models/x.sql) -> model y (models/y.sql) -> model x (models/x.sql)',
    ]);
    expect(err.message).toContain('4 dependency cycles');
  });

  it('names sources by source.table in a cycle', () => {
    const graph = LineageGraph.build([
      source('raw', 'events', { deps: [id.model('m')] }),
      model('m', { deps: [id.source('raw', 'events')] }),
    ]);
    expect(catchError(() => graph.assertAcyclic()).message).toBe(
      'cycle: model m (models/m.sql) -> source raw.events (models/_sources.yml) -> model m (models/m.sql)',
    );
  });

  it('stays bounded on a dense tangle: capped cycles plus a note naming the nodes', () => {
    const names = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const graph = LineageGraph.build(names.map((n) => model(n, { deps: names.filter((o) => o !== n).map(id.model) })));
    const start = Date.now();
    const diagnostics = graph.cycleDiagnostics();
    expect(Date.now() - start).toBeLessThan(2000);
    expect(diagnostics.length).toBe(26);
    expect(diagnostics[25]!.message).toContain('more cycles among these 40 nodes');
    expect(diagnostics[0]!.message).toBe('cycle: model t00 (models/t00.sql) -> model t01 (models/t01.sql) -> model t00 (models/t00.sql)');
  });
});
