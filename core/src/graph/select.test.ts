import { describe, expect, it } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { id, model, seed, snapshot, source, test } from './__fixtures__/nodes.js';
import { LineageGraph } from './lineage-graph.js';
import { selectNodes, type SelectionOptions } from './select.js';

/**
 * shop.orders -> stg_orders -> fct_orders -> rpt_revenue
 * shop.customers, country_codes -> stg_customers -> fct_orders, dim_customers
 * plus tests on each, a disabled model and a snapshot.
 */
const graph = LineageGraph.build([
  source('shop', 'orders'),
  source('shop', 'customers'),
  seed('country_codes', { tags: ['ref_data'] }),
  model('stg_orders', {
    path: 'models/staging/stg_orders.sql',
    deps: [id.source('shop', 'orders')],
    tags: ['staging', 'nightly'],
    layer: 'silver',
    config: { materialized: 'view' },
  }),
  model('stg_customers', {
    path: 'models/staging/stg_customers.sql',
    deps: [id.source('shop', 'customers'), id.seed('country_codes')],
    tags: ['staging'],
    layer: 'silver',
    config: { materialized: 'view', tags: ['pii'] },
  }),
  model('fct_orders', {
    path: 'models/marts/fct_orders.sql',
    deps: [id.model('stg_orders'), id.model('stg_customers')],
    tags: ['nightly'],
    layer: 'gold',
    config: { materialized: 'incremental', unique_key: ['order_id', 'line_no'] },
  }),
  model('dim_customers', {
    path: 'models/marts/dim_customers.sql',
    deps: [id.model('stg_customers')],
    config: { layer: 'gold', materialized: 'table', meta: { owner: 'crm' } },
  }),
  model('rpt_revenue', {
    path: 'models/marts/finance/rpt_revenue.sql',
    deps: [id.model('fct_orders')],
    config: { materialized: 'table' },
  }),
  model('old_orders', { deps: [id.model('stg_orders')], config: { enabled: false } }),
  snapshot('orders_snapshot', { deps: [id.source('shop', 'orders')] }),
  test('not_null_stg_orders_order_id', { testName: 'not_null', deps: [id.model('stg_orders')] }),
  test('unique_fct_orders_order_id', { testName: 'unique', deps: [id.model('fct_orders')] }),
  test('relationships_fct_orders_customer_id', {
    testName: 'relationships',
    deps: [id.model('fct_orders'), id.model('dim_customers')],
  }),
  test('not_null_shop_orders_id', { testName: 'not_null', deps: [id.source('shop', 'orders')] }),
  test('assert_revenue_positive', { deps: [id.model('rpt_revenue')] }),
  test('fct_orders_totals', { unit: true, deps: [id.model('fct_orders')] }),
]);

/** Selected names, sorted (sources as source.table). */
function names(options: SelectionOptions): string[] {
  return [...selectNodes(graph, options)]
    .map((uid) => {
      const node = graph.node(uid)!;
      return node.resource_type === 'source' ? `${node.source_name}.${node.name}` : node.name;
    })
    .sort();
}

/** Selection without indirect tests, to look at one method at a time. */
function only(...select: string[]): string[] {
  return names({ select, indirectSelection: 'empty' });
}

function catchError(fn: () => unknown): XformError {
  try {
    fn();
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected an XformError');
}

describe('selectNodes: methods', () => {
  it('selects by bare name, and by glob on the name', () => {
    expect(only('stg_orders')).toEqual(['stg_orders']);
    expect(only('stg_*')).toEqual(['stg_customers', 'stg_orders']);
    expect(only('*_orders')).toEqual(['fct_orders', 'stg_orders']);
    expect(only('orders')).toEqual(['shop.orders']);
  });

  it("'*' selects every enabled node", () => {
    const all = only('*');
    expect(all).toHaveLength(graph.size - 1);
    expect(all).not.toContain('old_orders');
  });

  it('selects by tag, including config tags, with globs', () => {
    expect(only('tag:nightly')).toEqual(['fct_orders', 'stg_orders']);
    expect(only('tag:pii')).toEqual(['stg_customers']);
    expect(only('tag:ref_*')).toEqual(['country_codes']);
  });

  it('selects by path: folder prefix, file, glob, and a bare path', () => {
    expect(only('path:models/staging')).toEqual(['stg_customers', 'stg_orders']);
    expect(only('path:models/staging/')).toEqual(['stg_customers', 'stg_orders']);
    expect(only('path:models/marts/finance/rpt_revenue.sql')).toEqual(['rpt_revenue']);
    expect(only('models/marts/finance')).toEqual(['rpt_revenue']);
    expect(only('path:models/mart*')).toEqual(['dim_customers', 'fct_orders', 'rpt_revenue']);
    expect(only('path:models/_sources.yml')).toEqual(['shop.customers', 'shop.orders']);
    // A prefix of a folder name is not the folder.
    expect(only('path:models/stag')).toEqual([]);
  });

  it('selects by layer, from the layer field or config', () => {
    expect(only('layer:gold')).toEqual(['dim_customers', 'fct_orders']);
    expect(only('layer:silver')).toEqual(['stg_customers', 'stg_orders']);
  });

  it('selects by config value, matching any element of a list and nested keys', () => {
    expect(only('config.materialized:incremental')).toEqual(['fct_orders']);
    expect(only('config.materialized:table')).toEqual(['dim_customers', 'rpt_revenue']);
    expect(only('config.unique_key:line_no')).toEqual(['fct_orders']);
    expect(only('config.meta.owner:crm')).toEqual(['dim_customers']);
    expect(only('config.enabled:true')).toContain('fct_orders');
  });

  it('selects sources by source name, table and glob', () => {
    expect(only('source:shop')).toEqual(['shop.customers', 'shop.orders']);
    expect(only('source:shop.orders')).toEqual(['shop.orders']);
    expect(only('source:shop.cust*')).toEqual(['shop.customers']);
    expect(only('source:shop.shop.orders')).toEqual(['shop.orders']);
    expect(only('source:crm')).toEqual([]);
  });

  it('selects by resource type', () => {
    expect(only('resource_type:snapshot')).toEqual(['orders_snapshot']);
    expect(only('resource_type:seed')).toEqual(['country_codes']);
    expect(only('resource_type:unit_test')).toEqual(['fct_orders_totals']);
    expect(only('resource_type:model')).toEqual(['dim_customers', 'fct_orders', 'rpt_revenue', 'stg_customers', 'stg_orders']);
  });

  it('selects by fqn, with prefixes and wildcards', () => {
    expect(only('fqn:shop.marts')).toEqual(['dim_customers', 'fct_orders', 'rpt_revenue']);
    expect(only('fqn:shop.marts.finance.*')).toEqual(['rpt_revenue']);
    expect(only('fqn:*.staging.*')).toEqual(['stg_customers', 'stg_orders']);
    expect(only('shop.staging')).toEqual(['stg_customers', 'stg_orders']);
    expect(only('fqn:fct_orders')).toEqual(['fct_orders']);
  });

  it('selects tests by test_type and test_name', () => {
    expect(only('test_type:generic')).toEqual([
      'not_null_shop_orders_id',
      'not_null_stg_orders_order_id',
      'relationships_fct_orders_customer_id',
      'unique_fct_orders_order_id',
    ]);
    expect(only('test_type:singular')).toEqual(['assert_revenue_positive']);
    expect(only('test_type:unit')).toEqual(['fct_orders_totals']);
    expect(only('test_type:data')).toEqual([
      'assert_revenue_positive',
      'not_null_shop_orders_id',
      'not_null_stg_orders_order_id',
      'relationships_fct_orders_customer_id',
      'unique_fct_orders_order_id',
    ]);
    expect(only('test_name:not_null')).toEqual(['not_null_shop_orders_id', 'not_null_stg_orders_order_id']);
  });

  it('selects by file name or stem, and by package', () => {
    expect(only('file:stg_orders.sql')).toEqual(['stg_orders']);
    expect(only('file:rpt_revenue')).toEqual(['rpt_revenue']);
    expect(names({ select: ['package:this'], projectName: 'shop', indirectSelection: 'empty' })).toHaveLength(graph.size - 1);
    expect(only('package:other')).toEqual([]);
  });
});

describe('selectNodes: graph operators', () => {
  const models = (select: string): string[] => names({ select: [select], resourceTypes: ['model'] });

  it("'+name' adds every ancestor", () => {
    expect(only('+rpt_revenue')).toEqual([
      'country_codes',
      'fct_orders',
      'rpt_revenue',
      'shop.customers',
      'shop.orders',
      'stg_customers',
      'stg_orders',
    ]);
  });

  it("'name+' adds every descendant, tests included, never a disabled node", () => {
    expect(only('stg_orders+')).toEqual([
      'assert_revenue_positive',
      'fct_orders',
      'fct_orders_totals',
      'not_null_stg_orders_order_id',
      'relationships_fct_orders_customer_id',
      'rpt_revenue',
      'stg_orders',
      'unique_fct_orders_order_id',
    ]);
  });

  it("'N+name+M' limits the depth on each side", () => {
    expect(models('1+rpt_revenue')).toEqual(['fct_orders', 'rpt_revenue']);
    expect(only('2+rpt_revenue+1')).toEqual(['assert_revenue_positive', 'fct_orders', 'rpt_revenue', 'stg_customers', 'stg_orders']);
    expect(models('stg_orders+1')).toEqual(['fct_orders', 'stg_orders']);
  });

  it("'@name' adds descendants and every ancestor of those descendants", () => {
    expect(names({ select: ['@stg_customers'], resourceTypes: ['model', 'source', 'seed'] })).toEqual([
      'country_codes',
      'dim_customers',
      'fct_orders',
      'rpt_revenue',
      'shop.customers',
      'shop.orders',
      'stg_customers',
      'stg_orders',
    ]);
    // Plain 'name+' does not reach the other parents of its descendants.
    expect(models('stg_customers+')).not.toContain('stg_orders');
  });

  it('applies operators to method selectors too', () => {
    expect(models('+tag:pii')).toEqual(['stg_customers']);
    expect(models('config.materialized:incremental+')).toEqual(['fct_orders', 'rpt_revenue']);
  });
});

describe('selectNodes: set operations', () => {
  it('a space means union, within one argument and across arguments', () => {
    expect(only('stg_orders dim_customers')).toEqual(['dim_customers', 'stg_orders']);
    expect(only('stg_orders', 'dim_customers')).toEqual(['dim_customers', 'stg_orders']);
  });

  it('a comma means intersection and binds tighter than a space', () => {
    expect(only('tag:nightly,layer:gold')).toEqual(['fct_orders']);
    expect(only('tag:nightly,config.materialized:view')).toEqual(['stg_orders']);
    expect(only('tag:nightly,layer:gold seed_that_is_missing country_codes')).toEqual(['country_codes', 'fct_orders']);
    expect(only('+rpt_revenue,resource_type:source')).toEqual(['shop.customers', 'shop.orders']);
  });

  it('exclude removes nodes after selection, with their tests', () => {
    expect(names({ select: ['stg_orders+'], exclude: ['fct_orders'] })).toEqual([
      'assert_revenue_positive',
      'not_null_stg_orders_order_id',
      'rpt_revenue',
      'stg_orders',
    ]);
    expect(names({ exclude: ['path:models/marts tag:staging'], resourceTypes: ['model', 'seed'] })).toEqual(['country_codes']);
  });

  it('a selector that matches nothing selects nothing, without an error', () => {
    expect(names({ select: ['no_such_model'] })).toEqual([]);
    expect(names({ select: ['old_orders'] })).toEqual([]);
  });

  it('selects everything by default, filtered by resource type', () => {
    expect(names({}).length).toBe(graph.size - 1);
    expect(names({ resourceTypes: ['snapshot', 'seed'] })).toEqual(['country_codes', 'orders_snapshot']);
  });
});

describe('selectNodes: indirect selection of tests', () => {
  it('eager (default): a test comes with ANY selected parent', () => {
    expect(names({ select: ['fct_orders'] })).toEqual([
      'fct_orders',
      'fct_orders_totals',
      'relationships_fct_orders_customer_id',
      'unique_fct_orders_order_id',
    ]);
    expect(names({ select: ['source:shop.orders'] })).toEqual(['not_null_shop_orders_id', 'shop.orders']);
  });

  it('cautious: a relationships test needs ALL of its parents selected', () => {
    expect(names({ select: ['fct_orders'], indirectSelection: 'cautious' })).toEqual([
      'fct_orders',
      'fct_orders_totals',
      'unique_fct_orders_order_id',
    ]);
    expect(names({ select: ['fct_orders dim_customers'], indirectSelection: 'cautious' })).toEqual([
      'dim_customers',
      'fct_orders',
      'fct_orders_totals',
      'relationships_fct_orders_customer_id',
      'unique_fct_orders_order_id',
    ]);
  });

  it('empty: only tests that were selected directly', () => {
    expect(names({ select: ['fct_orders'], indirectSelection: 'empty' })).toEqual(['fct_orders']);
    expect(names({ select: ['fct_orders test_name:unique'], indirectSelection: 'empty' })).toEqual([
      'fct_orders',
      'unique_fct_orders_order_id',
    ]);
  });

  it('--resource-type test keeps the tests of the selected models', () => {
    expect(names({ select: ['stg_orders'], resourceTypes: ['test'] })).toEqual(['not_null_stg_orders_order_id']);
  });
});

describe('selectNodes: bad selectors', () => {
  it('reports an unknown method with a did-you-mean', () => {
    const err = catchError(() => selectNodes(graph, { select: ['tga:nightly'] }));
    expect(err.code).toBe('XFORM_BAD_SELECTOR');
    expect(err.message).toContain("unknown selector method 'tga'");
    expect(err.hint).toBe("did you mean 'tag'?");
    expect(catchError(() => selectNodes(graph, { exclude: ['pth:models'] })).hint).toBe("did you mean 'path'?");
  });

  it('reports an unknown resource type or test type, and a config selector without a key', () => {
    expect(catchError(() => selectNodes(graph, { select: ['resource_type:modle'] })).hint).toBe("did you mean 'model'?");
    expect(catchError(() => selectNodes(graph, { select: ['test_type:generc'] })).hint).toBe("did you mean 'generic'?");
    expect(catchError(() => selectNodes(graph, { select: ['config:table'] })).code).toBe('XFORM_BAD_SELECTOR');
    expect(catchError(() => selectNodes(graph, { select: ['@+stg_orders'] })).code).toBe('XFORM_BAD_SELECTOR');
    expect(catchError(() => selectNodes(graph, { select: ['tag:'] })).code).toBe('XFORM_BAD_SELECTOR');
  });
});
