import { describe, expect, it } from 'vitest';
import { sqlError, type SqlError } from '../adapter/sql-error.js';
import { XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { locateSqlError } from './locate-sql-error.js';

const SOURCE = ["{{ config(materialized='table') }}", 'select', '  id,', '  {{ amount_col() }}', 'from t', 'where nope > 1', ''].join('\n');
const RAN = ['', 'select', '  id,', '  ', '  amount_cents / 100.0', '  as amount', 'from t', 'where nope > 1', ''].join('\n');

function node(): ExecutableNode {
  return { unique_id: 'model.shop.m', resource_type: 'model', name: 'm', original_file_path: 'models/m.sql', raw_code: SOURCE, line: 1 } as unknown as ExecutableNode;
}

/** The error a driver gives for `needle` in `statement` (as PostgreSQL's 1-based position). */
function errorAt(statement: string, needle: string, extra: { message?: string; positionText?: string } = {}): SqlError {
  return sqlError(new Error(extra.message ?? 'column does not exist'), statement, { position: statement.indexOf(needle) + 1, label: 'model.shop.m', positionText: extra.positionText }) as SqlError;
}

const wrapped = (sql: string) => `create table "main"."m__xform_tmp" as (\n${sql}\n)`;

describe('locateSqlError', () => {
  it('takes the position through the wrapper and the Jinja to the source line', () => {
    const err = locateSqlError(errorAt(wrapped(RAN), 'nope'), node(), RAN, 'target/run/models/m.sql') as SqlError;
    expect(err.location).toEqual({ file: 'models/m.sql', line: 6, column: 7 });
    expect(err.compiledLocation).toEqual({ file: 'target/run/models/m.sql', line: 8, column: 7 });
    expect(err.message).toBe(['column does not exist', '  6 | where nope > 1', '    |       ^', 'compiled SQL: target/run/models/m.sql:8:7'].join('\n'));
    expect(err.hint).toBe('while running model.shop.m');
  });

  it('shows the compiled line too when the failing text came out of a macro', () => {
    const err = locateSqlError(errorAt(wrapped(RAN), 'amount_cents'), node(), RAN, 'target/run/models/m.sql') as SqlError;
    expect(err.location).toEqual({ file: 'models/m.sql', line: 4, column: 3 });
    expect(err.message.split('\n').slice(1)).toEqual([
      '  4 |   {{ amount_col() }}',
      '    |   ^',
      'compiled SQL: target/run/models/m.sql:5:3',
      '  5 |   amount_cents / 100.0',
      '    |   ^',
    ]);
  });

  it("drops the database's own excerpt of the wrapped statement", () => {
    const statement = wrapped(RAN);
    const excerpt = 'LINE 9: where nope > 1\n              ^';
    const err = locateSqlError(errorAt(statement, 'nope', { message: `Binder Error: no nope\n\n${excerpt}`, positionText: excerpt }), node(), RAN, undefined) as SqlError;
    expect(err.message).not.toContain('LINE 9');
    expect(err.message).toContain('Binder Error: no nope\n  6 | where nope > 1');
    expect(err.message).toContain('compiled SQL line 8');
  });

  it('points at the last line for an error after the model (end of input)', () => {
    const ran = 'select 1 as a,\n  2 as b,\n';
    const raw = '{# c #}select 1 as a,\n  2 as b,\n';
    const statement = wrapped(ran.trimEnd());
    // PostgreSQL's "syntax error at end of input" points at the wrapper's closing parenthesis.
    const err = locateSqlError(errorAt(statement, ')'), { ...node(), raw_code: raw } as ExecutableNode, ran, 'target/run/models/m.sql') as SqlError;
    expect(err.compiledLocation).toEqual({ file: 'target/run/models/m.sql', line: 2, column: 10 });
    expect(err.location).toMatchObject({ line: 2 });
  });

  it('only names the compiled file when the statement is not the model (a hook, a merge)', () => {
    const original = errorAt('merge into t using s on true when matched then update set x = nope', 'nope');
    const err = locateSqlError(original.with({ location: { file: 'models/m.sql', line: 1 } }), node(), RAN, 'target/run/models/m.sql') as SqlError;
    expect(err.location).toEqual({ file: 'models/m.sql', line: 1 });
    expect(err.message).toBe('column does not exist\ncompiled SQL: target/run/models/m.sql');
  });

  it("does not map into a YAML snapshot's file", () => {
    const err = locateSqlError(errorAt(wrapped(RAN), 'nope'), { ...node(), original_file_path: 'snapshots/snaps.yml' } as ExecutableNode, RAN, 'target/run/snapshots/s.sql') as SqlError;
    expect(err.location).toBeUndefined();
    expect(err.message).toContain('compiled SQL: target/run/snapshots/s.sql:8:7\n  8 | where nope > 1');
  });

  it('cuts a long source line to a window around the caret', () => {
    const long = `select ${Array.from({ length: 40 }, (_, i) => `c${i}`).join(', ')}, nope from t`;
    const err = locateSqlError(errorAt(wrapped(long), 'nope'), { ...node(), raw_code: long } as ExecutableNode, long, undefined) as SqlError;
    const [line, caret] = err.message.split('\n').slice(1, 3) as [string, string];
    expect(line.length).toBeLessThan(140);
    expect(line.startsWith('  1 | ...')).toBe(true);
    expect(line.slice(caret.indexOf('^'))).toMatch(/^nope/);
  });

  it("points an error inside an inlined ephemeral model at the model's ref() of it", () => {
    const raw = ['select', '  id', "from {{ ref('eph') }}", 'where id > 0', ''].join('\n');
    const ran = ['with __xform__cte__eph as (', 'select 1 as id,', '  zzz as broken', ')', 'select', '  id', 'from __xform__cte__eph', 'where id > 0', ''].join('\n');
    const err = locateSqlError(errorAt(wrapped(ran), 'zzz'), { ...node(), raw_code: raw } as ExecutableNode, ran, undefined) as SqlError;
    expect(err.location).toEqual({ file: 'models/m.sql', line: 3, column: 9 });
    expect(err.message).toContain("in ephemeral model 'eph', inlined as __xform__cte__eph\ncompiled SQL line 3\n  3 |   zzz as broken");
    // The model's own lines after the CTE map as usual.
    const own = locateSqlError(errorAt(wrapped(ran), 'id > 0'), { ...node(), raw_code: raw } as ExecutableNode, ran, undefined) as SqlError;
    expect(own.location).toEqual({ file: 'models/m.sql', line: 4, column: 7 });
  });

  it('leaves other errors alone', () => {
    const other = new XformError('XFORM_HOOK_FAILED', 'hook failed');
    expect(locateSqlError(other, node(), RAN, 'target/run/models/m.sql')).toBe(other);
  });
});
