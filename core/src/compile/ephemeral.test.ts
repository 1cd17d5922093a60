import { describe, expect, it } from 'vitest';
import { injectCtes } from './ephemeral.js';

const cte = [{ name: '__xform__cte__eph', sql: 'select 1 as id' }];

describe('injectCtes', () => {
  it('puts a WITH clause in front of a plain select', () => {
    expect(injectCtes('select * from __xform__cte__eph', cte)).toBe(
      'with __xform__cte__eph as (\nselect 1 as id\n)\nselect * from __xform__cte__eph',
    );
  });

  it('joins an existing WITH list instead of adding a second WITH', () => {
    const out = injectCtes('-- header\nWITH a AS (select 2) select * from a join __xform__cte__eph using (id)', cte);
    expect(out).toBe(
      '-- header\nWITH __xform__cte__eph as (\nselect 1 as id\n),\na AS (select 2) select * from a join __xform__cte__eph using (id)',
    );
  });

  it('keeps WITH RECURSIVE first', () => {
    expect(injectCtes('with recursive r as (select 1) select * from r', cte)).toBe(
      'with recursive __xform__cte__eph as (\nselect 1 as id\n),\nr as (select 1) select * from r',
    );
  });

  it('does not mistake an identifier starting with "with" for the keyword', () => {
    expect(injectCtes('/* c */ select * from without_x', cte)).toBe(
      '/* c */ with __xform__cte__eph as (\nselect 1 as id\n)\nselect * from without_x',
    );
  });

  it('leaves SQL alone when there is nothing to inject', () => {
    expect(injectCtes('select 1', [])).toBe('select 1');
  });
});
