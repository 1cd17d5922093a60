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

  test('a typo of a known key is an error with a did-you-mean at its own location, and is dropped', () => {
    const bag = new DiagnosticBag();
    const config = normalizeConfig({ materialised: 'view', '+tag': 'x', Materialized: 'table', schema: 's' }, (key) => ({ file: 'x.yml', line: key.length }), bag);
    expect(config).toEqual({ schema: 's' });
    expect(bag.warnings).toEqual([]);
    expect(bag.errors.map((d) => [d.code, d.message, d.location?.line, d.hint])).toEqual([
      ['XFORM_CONFIG_UNKNOWN_KEY', "unknown config key 'materialised' — did you mean 'materialized'?", 12, "did you mean 'materialized'? (a setting of your own belongs under 'meta:')"],
      ['XFORM_CONFIG_UNKNOWN_KEY', "unknown config key '+tag' — did you mean 'tags'?", 4, "did you mean 'tags'? (a setting of your own belongs under 'meta:')"],
      ['XFORM_CONFIG_UNKNOWN_KEY', "unknown config key 'Materialized' — did you mean 'materialized'?", 12, "did you mean 'materialized'? (a setting of your own belongs under 'meta:')"],
    ]);
  });

  test('a custom key is kept (macros read it with config.get) and warned about; dbt adapter keys are accepted quietly', () => {
    const bag = new DiagnosticBag();
    const config = normalizeConfig({ my_macro_setting: 3, owner: 'ann', region: 'eu', partition_by: { field: 'd' }, sort: 'id', dist: 'all', file_format: 'delta' }, here, bag);
    expect(config).toMatchObject({ my_macro_setting: 3, owner: 'ann', region: 'eu', sort: 'id' });
    expect(bag.errors).toEqual([]);
    expect(bag.warnings.map((d) => [d.code, d.message])).toEqual([
      ['XFORM_CONFIG_UNKNOWN_KEY', "unknown config key 'my_macro_setting' (kept: macros can read it with config.get)"],
      ['XFORM_CONFIG_UNKNOWN_KEY', "unknown config key 'owner' (kept: macros can read it with config.get)"],
      // Only resembles 'begin': a warning (with the loose suggestion), not an error.
      ['XFORM_CONFIG_UNKNOWN_KEY', "unknown config key 'region' — did you mean 'begin'?"],
    ]);
  });

  test('with typosAreErrors false (an installed package) a typo is a warning and the key is kept', () => {
    const bag = new DiagnosticBag();
    expect(normalizeConfig({ materialzed: 'table' }, here, bag, { typosAreErrors: false })).toEqual({ materialzed: 'table' });
    expect(bag.errors).toEqual([]);
    expect(bag.warnings.map((d) => d.message)).toEqual(["unknown config key 'materialzed' — did you mean 'materialized'?"]);
  });

  test('without a bag a typo is thrown', () => {
    expect(() => normalizeConfig({ materialzed: 'table' }, here)).toThrow("unknown config key 'materialzed' — did you mean 'materialized'?");
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
