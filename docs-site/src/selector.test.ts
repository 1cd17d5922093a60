import { describe, expect, it } from 'vitest';
import type { SiteNode } from '../../core/src/docs/site-types.ts';
import { SiteSelector } from './selector.ts';

/**
 * shop: source orders -> stg_orders (bronze) -> slv_orders (silver) -> gold_sales, gold_customers (gold);
 * seed countries -> slv_orders; the package `util` brings util_dates (gold) reading slv_orders.
 * Expectations follow dbt's documented semantics for each operator.
 */
const node = (id: string, type: SiteNode['type'], lane: number, path: string, parents: number[], tags: string[] = [], mat = type as string): SiteNode => ({
  id, name: id.split('.').pop()!, type, mat, lane, group: 0, path, x: 0, y: 0, parents, tests: 0, testsFailed: 0, description: '', tags, columns: [], chunk: 0, slot: 0,
});
const nodes: SiteNode[] = [
  node('source.shop.raw.orders', 'source', 0, 'models/bronze/sources.yml', []), // 0
  node('seed.shop.countries', 'seed', 0, 'seeds/countries.csv', []), // 1
  node('model.shop.stg_orders', 'model', 1, 'models/bronze/stg_orders.sql', [0], ['nightly'], 'view'), // 2
  node('model.shop.slv_orders', 'model', 2, 'models/silver/slv_orders.sql', [2, 1], ['nightly', 'pii'], 'incremental'), // 3
  node('model.shop.gold_sales', 'model', 3, 'models/gold/sales/gold_sales.sql', [3], [], 'table'), // 4
  node('model.shop.gold_customers', 'model', 3, 'models/gold/gold_customers.sql', [3], ['pii'], 'table'), // 5
  node('model.util.util_dates', 'model', 3, 'models/util_dates.sql', [3], [], 'table'), // 6
];
const selector = new SiteSelector({ project: 'shop', nodes, lanes: ['sources & seeds', 'bronze', 'silver', 'gold'], laneIsLayer: [false, true, true, true] });
const names = (text: string) => [...(selector.select(text) ?? [])].sort((a, b) => a - b).map((i) => nodes[i]!.name);

describe('SiteSelector', () => {
  it('selects by name with +ancestors, descendants+ and depths', () => {
    expect(names('slv_orders')).toEqual(['slv_orders']);
    expect(names('+slv_orders')).toEqual(['orders', 'countries', 'stg_orders', 'slv_orders']);
    expect(names('slv_orders+')).toEqual(['slv_orders', 'gold_sales', 'gold_customers', 'util_dates']);
    expect(names('+stg_orders+')).toEqual(['orders', 'stg_orders', 'slv_orders', 'gold_sales', 'gold_customers', 'util_dates']);
    expect(names('1+gold_sales')).toEqual(['slv_orders', 'gold_sales']);
    expect(names('stg_orders+1')).toEqual(['stg_orders', 'slv_orders']);
    expect(names('@stg_orders')).toEqual(['orders', 'countries', 'stg_orders', 'slv_orders', 'gold_sales', 'gold_customers', 'util_dates']);
  });

  it('selects by tag, path, layer, package, resource type, source and materialization', () => {
    expect(names('tag:pii')).toEqual(['slv_orders', 'gold_customers']);
    expect(names('path:models/gold')).toEqual(['gold_sales', 'gold_customers']);
    expect(names('models/gold/sales')).toEqual(['gold_sales']);
    expect(names('layer:gold')).toEqual(['gold_sales', 'gold_customers', 'util_dates']);
    expect(names('package:util')).toEqual(['util_dates']);
    expect(names('resource_type:seed')).toEqual(['countries']);
    expect(names('source:raw+1')).toEqual(['orders', 'stg_orders']);
    expect(names('config.materialized:incremental')).toEqual(['slv_orders']);
    expect(names('gold_*')).toEqual(['gold_sales', 'gold_customers']);
    expect(names('shop.gold.*')).toEqual(['gold_sales', 'gold_customers']);
  });

  it('reads a space as a union, a comma as an intersection, and --exclude as a difference', () => {
    expect(names('tag:pii stg_orders')).toEqual(['stg_orders', 'slv_orders', 'gold_customers']);
    expect(names('tag:pii,layer:gold')).toEqual(['gold_customers']);
    expect(names('slv_orders+ --exclude tag:pii')).toEqual(['gold_sales', 'util_dates']);
    expect(names('--select +gold_sales --exclude resource_type:source package:util')).toEqual(['countries', 'stg_orders', 'slv_orders', 'gold_sales']);
    expect(names('--exclude layer:gold')).toEqual(['orders', 'countries', 'stg_orders', 'slv_orders']);
    expect(selector.select('   ')).toBeUndefined();
  });

  it('says what is wrong with a bad selector, with a did-you-mean', () => {
    expect(() => selector.select('tga:pii')).toThrow(/unknown selector method 'tga'/);
    try {
      selector.select('tga:pii');
    } catch (e) {
      expect((e as { hint?: string }).hint).toContain("did you mean 'tag'");
    }
    expect(() => selector.select('state:modified')).toThrow(/not available in the docs site/);
    expect(() => selector.select('stg_orders --exclude')).toThrow(/--exclude needs a selector/);
    expect(() => selector.select('stg_orders --full-refresh')).toThrow(/unknown option '--full-refresh'/);
  });
});
