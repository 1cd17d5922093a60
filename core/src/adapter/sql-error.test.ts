import { describe, expect, it } from 'vitest';
import { isXformError, XformError } from '../errors.js';
import { isSqlError, positionOf, sqlError, SQL_ERROR_MAX_SQL } from './sql-error.js';

describe('sqlError', () => {
  it("keeps the database's message, the statement and the node label", () => {
    const driverError = Object.assign(new Error('relation "nope" does not exist'), { code: '42P01' });
    const err = sqlError(driverError, 'select * from nope', { label: 'model.shop.orders', sqlState: '42P01', position: 15 });
    expect(isXformError(err)).toBe(true);
    expect(isSqlError(err)).toBe(true);
    expect(err.code).toBe('XFORM_SQL_ERROR');
    expect(err.message).toBe('relation "nope" does not exist');
    expect(err).toMatchObject({ sql: 'select * from nope', label: 'model.shop.orders', sqlState: '42P01' });
    expect(err).toMatchObject({ sqlPosition: { line: 1, column: 15 } });
    expect(err.hint).toContain('model.shop.orders');
    expect(err.cause).toBe(driverError);
  });

  it('reports the line and column of a position on a later line', () => {
    const err = sqlError(new Error('syntax error'), 'select 1\nfrom t\nwher x', { position: 17 });
    expect(err).toMatchObject({ sqlPosition: { line: 3, column: 1 } });
  });

  it('cuts a long statement', () => {
    const err = sqlError(new Error('boom'), `select ${'x, '.repeat(5000)}1`);
    const sql = (err as { sql: string }).sql;
    expect(sql.length).toBeLessThan(SQL_ERROR_MAX_SQL + 10);
    expect(sql.endsWith('...')).toBe(true);
  });

  it('never carries a password, in the message, the SQL or the cause', () => {
    const secret = 'hunter2-Secret';
    const err = sqlError(new Error(`password authentication failed for "${secret}"`), `attach 'pw=${secret}'`, {
      secrets: [secret],
    });
    expect(err.message).not.toContain(secret);
    expect((err as { sql: string }).sql).not.toContain(secret);
    expect(err.cause).toBeUndefined();
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(secret);
  });

  it('returns an XformError unchanged', () => {
    const original = new XformError('XFORM_SOMETHING', 'already wrapped');
    expect(sqlError(original, 'select 1')).toBe(original);
  });

  it("keeps the message's position excerpt apart, when the message holds it", () => {
    const excerpt = 'LINE 2: wher x\n        ^';
    const err = sqlError(new Error(`Parser Error: syntax error\n\n${excerpt}`), 'select 1\nwher x', { position: 10, positionText: excerpt });
    expect(err).toMatchObject({ sqlPosition: { line: 2, column: 1 }, positionText: excerpt });
    expect(sqlError(new Error('other'), 'select 1', { positionText: excerpt })).toMatchObject({ positionText: undefined });
  });

  it('positionOf turns a line and column into a position', () => {
    const sql = 'select 1\nfrom t\nwher x';
    expect(positionOf(sql, 3, 1)).toBe(17);
    expect(positionOf(sql, 1, 8)).toBe(8);
  });
});
