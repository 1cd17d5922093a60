import { describe, expect, it } from 'vitest';
import { fnmatch } from './glob.js';
import { fqnMatches } from './selector-methods.js';
import { parseSelector } from './selector-parse.js';

describe('parseSelector', () => {
  it('parses graph operators with and without depths', () => {
    expect(parseSelector('2+stg_orders+1')).toEqual({
      kind: 'atom',
      raw: '2+stg_orders+1',
      method: 'name',
      value: 'stg_orders',
      parents: { depth: 2 },
      children: { depth: 1 },
      childrensParents: false,
    });
    expect(parseSelector('+tag:nightly')).toMatchObject({ method: 'tag', value: 'nightly', parents: {} });
    expect(parseSelector('@stg_orders')).toMatchObject({ value: 'stg_orders', childrensParents: true });
    expect(parseSelector('stg_orders')).not.toHaveProperty('parents');
  });

  it('keeps a + that is part of the value', () => {
    expect(parseSelector('config.incremental_strategy:delete+insert')).toMatchObject({
      method: 'config',
      configKey: ['incremental_strategy'],
      value: 'delete+insert',
    });
    expect(parseSelector('config.incremental_strategy:delete+insert+')).toMatchObject({ value: 'delete+insert', children: {} });
  });

  it('treats a bare value with a slash or a .sql suffix as a path', () => {
    expect(parseSelector('models/staging')).toMatchObject({ method: 'path', value: 'models/staging' });
    expect(parseSelector('stg_orders.sql')).toMatchObject({ method: 'path' });
    expect(parseSelector('shop.staging')).toMatchObject({ method: 'name' });
  });

  it('builds a union of intersections, comma binding tighter than space', () => {
    const expr = parseSelector('tag:a,layer:gold  +b');
    expect(expr).toMatchObject({
      kind: 'union',
      items: [
        { kind: 'intersection', items: [{ method: 'tag', value: 'a' }, { method: 'layer', value: 'gold' }] },
        { kind: 'atom', value: 'b', parents: {} },
      ],
    });
  });

  it('rejects empty parts of an intersection and an empty selector', () => {
    expect(() => parseSelector('a,')).toThrow(/both sides/);
    expect(() => parseSelector('   ')).toThrow(/empty/);
  });
});

describe('fnmatch and fqn matching', () => {
  it('follows Python fnmatch', () => {
    expect(fnmatch('stg_orders', 'stg_*')).toBe(true);
    expect(fnmatch('stg_orders', 'stg_?rders')).toBe(true);
    expect(fnmatch('stg_orders', '[st]tg_orders')).toBe(true);
    expect(fnmatch('stg_orders', '[!s]tg_orders')).toBe(false);
    expect(fnmatch('a.b(c)', 'a.b(c)')).toBe(true);
    expect(fnmatch('axb', 'a.b')).toBe(false);
    expect(fnmatch('[x', '[x')).toBe(true);
    expect(fnmatch('models/a/b.sql', 'models/*.sql')).toBe(true);
    expect(fnmatch('STG_orders', 'stg_*')).toBe(false);
  });

  it("follows dbt's fqn rules", () => {
    const fqn = ['shop', 'staging', 'stg_orders'];
    expect(fqnMatches(fqn, 'stg_orders')).toBe(true);
    expect(fqnMatches(fqn, 'shop')).toBe(true);
    expect(fqnMatches(fqn, 'shop.staging')).toBe(true);
    expect(fqnMatches(fqn, 'staging')).toBe(false);
    expect(fqnMatches(fqn, 'shop.stag*')).toBe(true);
    expect(fqnMatches(fqn, 'shop.marts')).toBe(false);
    expect(fqnMatches(fqn, 'shop.staging.stg_orders.extra')).toBe(false);
  });
});
