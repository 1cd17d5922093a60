import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdbErrorPosition } from './duckdb-errors.js';

/** DuckDB's own message for `sql` (the tests parse what the database says, not a copy of it). */
let messageOf: (sql: string) => Promise<string>;
let close: () => void;
beforeAll(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  messageOf = async (sql) => {
    try {
      await connection.run(sql);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error(`no error from ${sql}`);
  };
  close = () => connection.closeSync();
});
afterAll(() => close());

/** 1-based line and column of a character position. */
function lineColumn(sql: string, position: number): [number, number] {
  const before = sql.slice(0, position - 1).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

describe('duckdbErrorPosition', () => {
  it('reads the line and the caret of a binder error inside a wrapped statement', async () => {
    const sql = 'create table t as (\nselect 1 as a,\n  2 as b\nfrom (select 1 as id) s where nonexistent_col > 1\n)';
    const message = await messageOf(sql);
    const found = duckdbErrorPosition(message, sql)!;
    expect(lineColumn(sql, found.position)).toEqual([4, sql.split('\n')[3]!.indexOf('nonexistent_col') + 1]);
    expect(message.endsWith(found.text)).toBe(true);
    expect(found.text).toMatch(/^LINE 4: /);
  });

  it('finds the column on a long line that DuckDB shows as a window', async () => {
    const sql = `select '${'x'.repeat(300)}' as a, nonexist from (select 1) s`;
    const message = await messageOf(sql);
    expect(message).toContain('LINE 1: ...');
    expect(lineColumn(sql, duckdbErrorPosition(message, sql)!.position)).toEqual([1, sql.indexOf('nonexist') + 1]);
  });

  it('reads a parser error', async () => {
    const sql = 'select 1 +\n from';
    expect(lineColumn(sql, duckdbErrorPosition(await messageOf(sql), sql)!.position)).toEqual([2, 2]);
  });

  it('is undefined when the message has no LINE excerpt', async () => {
    const sql = "select error('boom')";
    const message = await messageOf(sql);
    expect(message).toContain('boom');
    expect(duckdbErrorPosition(message, sql)).toBeUndefined();
  });
});
