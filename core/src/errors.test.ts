import { describe, expect, it } from 'vitest';
import { DiagnosticBag, didYouMean, editDistance, isXformError, likelyTypo, typoDistance, XformError } from './errors.js';

describe('didYouMean', () => {
  it('suggests the closest name for a typo', () => {
    expect(didYouMean('stg_ordrs', ['stg_orders', 'stg_customers', 'fct_orders'])).toBe('stg_orders');
    expect(didYouMean('materialised', ['materialized', 'schema', 'alias'])).toBe('materialized');
  });

  it('suggests nothing when no candidate is close', () => {
    expect(didYouMean('revenue', ['stg_orders', 'customers'])).toBeUndefined();
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abcdef', 'x', 2)).toBe(3);
  });
});

describe('likelyTypo', () => {
  const keys = ['materialized', 'tags', 'tests', 'columns', 'data_tests', 'description', 'meta', 'begin', 'where', 'enabled', 'resource_tags'];

  it('finds the key a misspelling was meant to be: a missing, extra, wrong or swapped letter, case, - for _', () => {
    expect(['materialzed', 'Materialized', 'matreialized', 'colums', 'tets', 'tsets', 'data_test', 'data-tests', 'descripton', 'tag', 'enable'].map((k) => likelyTypo(k, keys))).toEqual([
      'materialized', 'materialized', 'materialized', 'columns', 'tests', 'tests', 'data_tests', 'data_tests', 'description', 'tags', 'enabled',
    ]);
  });

  it('leaves alone custom names that only resemble a known key', () => {
    expect(['data', 'team', 'owner', 'region', 'materialization', 'my_owner', 'pii', 'xy', 'resource_type'].map((k) => likelyTypo(k, keys))).toEqual(new Array(9).fill(undefined));
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(typoDistance('tset', 'test')).toBe(1);
    expect(typoDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('DiagnosticBag', () => {
  it('throws one error carrying every error, then the warnings, with the first error\'s location', () => {
    const bag = new DiagnosticBag();
    bag.warning('XFORM_UNKNOWN_KEY', 'unknown key', { file: 'a.yml', line: 3 });
    bag.error('XFORM_REF_NOT_FOUND', 'no model x', { file: 'models/a.sql', line: 2 });
    bag.error('XFORM_REF_NOT_FOUND', 'no model y', { file: 'models/b.sql', line: 5 });
    let thrown: unknown;
    try {
      bag.throwIfErrors('XFORM_COMPILE_FAILED', 'compilation failed');
    } catch (err) {
      thrown = err;
    }
    expect(isXformError(thrown)).toBe(true);
    const err = thrown as XformError;
    expect(err.diagnostics.map((d) => d.message)).toEqual(['no model x', 'no model y', 'unknown key']);
    expect(err.location).toEqual({ file: 'models/a.sql', line: 2 });
  });
});
