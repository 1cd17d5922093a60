import { describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { alignRows, fixtureSql, inferColumns } from './unit-fixtures.js';
import { diffRows, formatDiff, summarizeDiff } from './unit-diff.js';

const d = new DialectBase();

describe('unit test fixtures', () => {
  it('infers types from values, widening numbers and dates; CSV text may spell numbers', () => {
    expect(inferColumns(d, [{ id: 1, amount: 10, day: '2024-01-02', note: null }, { id: 2, amount: 5.5, day: '2024-01-02 10:00:00', ok: true }])).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'amount', type: 'double precision' },
      { name: 'day', type: 'timestamp' },
      { name: 'note', type: 'text' },
      { name: 'ok', type: 'boolean' },
    ]);
    expect(inferColumns(d, [{ id: '1', amount: '2.5', name: 'x' }], 'csv').map((c) => c.type)).toEqual(['integer', 'double precision', 'text']);
    expect(inferColumns(d, [{ id: '1' }]).map((c) => c.type)).toEqual(['text']);
  });

  it('casts every value, fills missing columns with NULL, and types an empty input', () => {
    const cols = [{ name: 'id', type: 'integer' }, { name: 'name', type: 'text' }];
    expect(fixtureSql(d, cols, [{ id: 1, name: "O'Brien" }, { id: 2 }])).toBe(
      `select cast(1 as integer) as "id", cast('O''Brien' as text) as "name"\nunion all\nselect cast(2 as integer) as "id", cast(null as text) as "name"`,
    );
    expect(fixtureSql(d, cols, [])).toBe('select cast(null as integer) as "id", cast(null as text) as "name" where 1 = 0');
  });

  it('matches row keys to columns case-insensitively and names an unknown one', () => {
    const cols = [{ name: 'customer_id', type: 'integer' }];
    expect(alignRows([{ Customer_ID: 3 }], cols, 'input x')).toEqual([{ customer_id: 3 }]);
    expect(() => alignRows([{ customer: 3 }], cols, "input ref('x')")).toThrow("input ref('x') has no column 'customer' (columns: customer_id)");
  });
});

describe('unit test diff', () => {
  it('compares multisets over the given columns', () => {
    const diff = diffRows(['id'], [{ id: 1, x: 'ignored' }, { id: 1 }, { id: 3 }], [{ id: 1 }, { id: 2 }]);
    expect(diff.missing).toEqual([{ id: 2 }]);
    expect(diff.unexpected).toEqual([{ id: 1 }, { id: 3 }]);
    expect(summarizeDiff(diff)).toBe('1 expected row missing, 2 unexpected rows');
    expect(formatDiff(diff)).toEqual(['  | id', '- | 2', '+ | 1', '+ | 3', '(- expected but missing, + returned but not expected)']);
    expect(diffRows(['id'], [{ id: 1 }, { id: null }], [{ id: null }, { id: 1 }]).missing).toEqual([]);
  });
});
