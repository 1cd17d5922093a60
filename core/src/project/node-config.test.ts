import { describe, expect, test } from 'vitest';
import { DiagnosticBag, isXformError } from '../errors.js';
import { KNOWN_CONFIG_KEYS, mergeConfig, normalizeConfig } from './node-config.js';

const here = { file: 'models/orders.sql', line: 1, column: 1 };

describe('normalizeConfig', () => {
  test('normalises spellings: +keys, pre-hook, a string tag or hook becomes a list', () => {
    const bag = new DiagnosticBag();
    const config = normalizeConfig(
      { '+materialized': 'table', 'pre-hook': 'grant select', post_hook: ['a', { sql: 'b', transaction: false }], tags: 'nightly', severity: 'WARN' },
      here,
      bag,
    );
    expect(config).toEqual({ materialized: 'table', pre_hook: ['grant select'], post_hook: ['a', 'b'], tags: ['nightly'], severity: 'warn' });
    expect(bag.items).toEqual([]);
  });

  test('both hook spellings in one block are kept, in order', () => {
    expect(normalizeConfig({ 'pre-hook': 'a', pre_hook: ['b'] }, here)).toEqual({ pre_hook: ['a', 'b'] });
  });

  test('null means "not set"', () => {
    expect(normalizeConfig({ schema: null, materialized: 'view' }, here)).toEqual({ materialized: 'view' });
  });

  test('unknown keys are kept and warned about with a did-you-mean at their own location', () => {
    const bag = new DiagnosticBag();
    const config = normalizeConfig({ materialised: 'view', my_macro_setting: 3 }, (key) => ({ file: 'x.yml', line: key.length }), bag);
    expect(config).toEqual({ materialised: 'view', my_macro_setting: 3 });
    expect(bag.errors).toEqual([]);
    expect(bag.warnings).toHaveLength(2);
    expect(bag.warnings[0]).toMatchObject({
      code: 'XFORM_CONFIG_UNKNOWN_KEY',
      message: expect.stringContaining("did you mean 'materialized'?"),
      location: { file: 'x.yml', line: 'materialised'.length },
      hint: "did you mean 'materialized'?",
    });
    expect(bag.warnings[1]!.hint).toBeUndefined();
  });

  test('wrong value types of known keys are errors naming the key and what was expected', () => {
    const bag = new DiagnosticBag();
    const config = normalizeConfig({ materialized: 3, enabled: 'yes', tags: ['a', 1], incremental_strategy: 'merg', limit: -1 }, here, bag);
    expect(config).toEqual({});
    const messages = bag.errors.map((d) => d.message);
    expect(messages).toEqual([
      "config 'materialized' must be a string, got number 3",
      "config 'enabled' must be true or false, got 'yes'",
      "config 'tags' must be a string or a list of strings, got a list",
      "config 'incremental_strategy' must be one of 'merge', 'delete+insert', 'append', 'insert_overwrite', 'microbatch', got 'merg'",
      "config 'limit' must be a whole number >= 0, got number -1",
    ]);
    expect(bag.errors.every((d) => d.code === 'XFORM_CONFIG_INVALID' && d.location === here)).toBe(true);
    expect(bag.errors[3]!.hint).toBe("did you mean 'merge'?");
  });

  test('without a bag the first error is thrown as an XformError', () => {
    let thrown: unknown;
    try {
      normalizeConfig({ enabled: 'no' }, here);
    } catch (err) {
      thrown = err;
    }
    expect(isXformError(thrown) && thrown.code).toBe('XFORM_CONFIG_INVALID');
    expect(isXformError(thrown) && thrown.location).toEqual(here);
  });

  test('known keys include the ones the rest of xform reads', () => {
    for (const key of ['materialized', 'layer', 'unique_key', 'pre_hook', 'column_types', 'severity', 'store_failures']) {
      expect(KNOWN_CONFIG_KEYS).toContain(key);
    }
  });
});

describe('mergeConfig', () => {
  test('the later config wins for scalars', () => {
    expect(mergeConfig({ materialized: 'view', schema: 'a' }, { materialized: 'table' })).toEqual({ materialized: 'table', schema: 'a' });
  });

  test('tags accumulate without duplicates, first occurrence kept', () => {
    expect(mergeConfig({ tags: ['a', 'b'] }, { tags: ['b', 'c', 'a'] }).tags).toEqual(['a', 'b', 'c']);
  });

  test('meta, column_types, docs and persist_docs merge shallowly', () => {
    const merged = mergeConfig(
      { meta: { owner: 'ann', team: 'x' }, column_types: { id: 'int' }, docs: { show: false }, persist_docs: { relation: true } },
      { meta: { owner: 'bob' }, column_types: { name: 'text' }, docs: { node_color: 'red' }, persist_docs: { columns: true } },
    );
    expect(merged).toEqual({
      meta: { owner: 'bob', team: 'x' },
      column_types: { id: 'int', name: 'text' },
      docs: { show: false, node_color: 'red' },
      persist_docs: { relation: true, columns: true },
    });
  });

  test('hooks accumulate, base first', () => {
    expect(mergeConfig({ pre_hook: ['a'], post_hook: ['x'] }, { pre_hook: ['b'] })).toEqual({ pre_hook: ['a', 'b'], post_hook: ['x'] });
  });

  test('inputs are not modified; undefined values do not override', () => {
    const base = { tags: ['a'], meta: { k: 1 }, schema: 's' };
    const override = { tags: ['b'], meta: { j: 2 }, schema: undefined };
    const merged = mergeConfig(base, override);
    expect(merged).toEqual({ tags: ['a', 'b'], meta: { k: 1, j: 2 }, schema: 's' });
    expect(base).toEqual({ tags: ['a'], meta: { k: 1 }, schema: 's' });
  });
});
