import { describe, expect, it } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { model, seed, snapshot, source, test } from './__fixtures__/nodes.js';
import { NodeIndex } from './node-index.js';

const at = { file: 'models/marts/fct_orders.sql', line: 7, column: 12 };

function catchError(fn: () => unknown): XformError {
  try {
    fn();
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected an XformError');
}

function shopIndex(): NodeIndex {
  const index = new NodeIndex('shop');
  index.add(model('stg_orders', { path: 'models/staging/stg_orders.sql' }));
  index.add(model('stg_customers', { path: 'models/staging/stg_customers.sql' }));
  index.add(seed('country_codes'));
  index.add(snapshot('orders_snapshot'));
  index.add(source('shop', 'orders'));
  index.add(source('shop', 'customers'));
  index.add(model('old_orders', { config: { enabled: false } }));
  return index;
}

describe('NodeIndex.resolveRef', () => {
  it('resolves models, seeds and snapshots by name', () => {
    const index = shopIndex();
    expect(index.resolveRef('stg_orders', undefined, at).unique_id).toBe('model.shop.stg_orders');
    expect(index.resolveRef('country_codes', undefined, at).resource_type).toBe('seed');
    expect(index.resolveRef('orders_snapshot', 'shop', at).resource_type).toBe('snapshot');
  });

  it('reports an unknown ref at the referencing line with a did-you-mean', () => {
    const err = catchError(() => shopIndex().resolveRef('stg_ordrs', undefined, at));
    expect(err.code).toBe('XFORM_REF_NOT_FOUND');
    expect(err.message).toBe("model 'stg_ordrs' not found");
    expect(err.hint).toBe("did you mean 'stg_orders'?");
    expect(err.location).toEqual(at);
  });

  it('suggests seeds and snapshots too, and nothing when no name is close', () => {
    expect(catchError(() => shopIndex().resolveRef('country_code', undefined, at)).hint).toBe("did you mean 'country_codes'?");
    expect(catchError(() => shopIndex().resolveRef('orders_snapshots', undefined, at)).hint).toBe("did you mean 'orders_snapshot'?");
    expect(catchError(() => shopIndex().resolveRef('completely_different', undefined, at)).hint).toBeUndefined();
  });

  it('says a ref to a disabled model is disabled', () => {
    const err = catchError(() => shopIndex().resolveRef('old_orders', undefined, at));
    expect(err.code).toBe('XFORM_REF_DISABLED');
    expect(err.message).toContain('disabled');
    expect(err.message).toContain('models/old_orders.sql');
    expect(err.location).toEqual(at);
  });

  it('prefers the enabled node when a disabled one shares its name', () => {
    const index = new NodeIndex('shop');
    index.add(model('orders', { path: 'models/dev/orders.sql', config: { enabled: false } }));
    index.add(model('orders', { path: 'models/prod/orders.sql' }));
    expect(index.resolveRef('orders', undefined, at).original_file_path).toBe('models/prod/orders.sql');
    expect(index.get('model.shop.orders')!.original_file_path).toBe('models/prod/orders.sql');
  });

  it('resolves two-argument refs and reports an unknown package', () => {
    const index = shopIndex();
    index.add(model('util_dates', { pkg: 'utils', path: 'models/util_dates.sql' }));
    expect(index.resolveRef('util_dates', 'utils', at).package_name).toBe('utils');
    expect(index.resolveRef('util_dates', undefined, at).package_name).toBe('utils');
    const err = catchError(() => index.resolveRef('util_dates', 'utilz', at));
    expect(err.code).toBe('XFORM_REF_NOT_FOUND');
    expect(err.hint).toBe("did you mean 'utils'?");
  });

  it('prefers the root project, and asks for a package when two others define the name', () => {
    const index = new NodeIndex('shop');
    index.add(model('dates', { pkg: 'a' }));
    index.add(model('dates', { pkg: 'b' }));
    expect(catchError(() => index.resolveRef('dates', undefined, at)).code).toBe('XFORM_REF_AMBIGUOUS');
    expect(index.resolveRef('dates', undefined, at, 'b').package_name).toBe('b');
    index.add(model('dates'));
    expect(index.resolveRef('dates', undefined, at).package_name).toBe('shop');
  });
});

describe('NodeIndex.resolveSource', () => {
  it('resolves a source table', () => {
    expect(shopIndex().resolveSource('shop', 'orders', at).unique_id).toBe('source.shop.shop.orders');
  });

  it('reports an unknown source with a did-you-mean among sources', () => {
    const err = catchError(() => shopIndex().resolveSource('shp', 'orders', at));
    expect(err.code).toBe('XFORM_SOURCE_NOT_FOUND');
    expect(err.message).toContain("source 'shp' not found");
    expect(err.hint).toBe("did you mean 'shop'?");
    expect(err.location).toEqual(at);
  });

  it("reports an unknown table with a did-you-mean among that source's tables", () => {
    const err = catchError(() => shopIndex().resolveSource('shop', 'ordrs', at));
    expect(err.code).toBe('XFORM_SOURCE_NOT_FOUND');
    expect(err.message).toBe("table 'ordrs' not found in source 'shop'");
    expect(err.hint).toBe("did you mean 'orders'?");
  });
});

describe('NodeIndex.add', () => {
  it('rejects two models with the same name, naming both files', () => {
    const index = new NodeIndex('shop');
    index.add(model('orders', { path: 'models/staging/orders.sql' }));
    const err = catchError(() => index.add(model('orders', { path: 'models/marts/orders.sql', line: 1 })));
    expect(err.code).toBe('XFORM_DUPLICATE_NODE');
    expect(err.message).toContain('models/staging/orders.sql');
    expect(err.message).toContain('models/marts/orders.sql');
    expect(err.location).toEqual({ file: 'models/marts/orders.sql', line: 1 });
  });

  it('rejects a seed named like a model (ref cannot tell them apart)', () => {
    const index = new NodeIndex('shop');
    index.add(model('countries'));
    const err = catchError(() => index.add(seed('countries')));
    expect(err.code).toBe('XFORM_DUPLICATE_NODE');
    expect(err.message).toContain('seeds/countries.csv');
  });

  it('rejects a source table defined twice, and duplicate test ids', () => {
    const index = new NodeIndex('shop');
    index.add(source('shop', 'orders', { path: 'models/a.yml' }));
    const err = catchError(() => index.add(source('shop', 'orders', { path: 'models/b.yml' })));
    expect(err.message).toContain('models/a.yml');
    expect(err.message).toContain('models/b.yml');
    index.add(test('not_null_orders_id', { testName: 'not_null' }));
    expect(catchError(() => index.add(test('not_null_orders_id', { testName: 'not_null' }))).code).toBe('XFORM_DUPLICATE_NODE');
  });

  it('allows the same name in different packages and iterates every node', () => {
    const index = new NodeIndex('shop');
    index.add(model('dates'));
    index.add(model('dates', { pkg: 'utils' }));
    expect([...index.nodes()].map((n) => n.unique_id).sort()).toEqual(['model.shop.dates', 'model.utils.dates']);
  });
});
