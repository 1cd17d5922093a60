import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DialectBase } from './dialect-base.js';
import { readGolden, renderDialectSamples } from './dialect-golden.js';

const dialect = new DialectBase();

describe('DialectBase', () => {
  it('renders every statement exactly as the golden file', () => {
    const actual = renderDialectSamples(dialect);
    const golden = fileURLToPath(new URL('./__golden__/dialect-base.sql', import.meta.url));
    expect(actual).toBe(readGolden(golden, actual));
  });

  it('escapes quotes in identifiers and strings', () => {
    expect(dialect.quoteIdentifier('a"b')).toBe('"a""b"');
    expect(dialect.quoteString("o'clock")).toBe("'o''clock'");
    expect(dialect.relationName({ schema: 's', identifier: 't' })).toBe('"s"."t"');
    expect(dialect.relationName({ database: 'd', schema: 's', identifier: 't' })).toBe('"d"."s"."t"');
  });

  it('wraps model SQL that ends with a semicolon', () => {
    expect(dialect.limitZero('select 1 ;\n')).toBe('select * from (\nselect 1\n) as xform_limit_zero\nlimit 0');
  });

  it('uses plain equality on the key so that NULL keys never match, in merge and delete alike', () => {
    const target = { schema: 's', identifier: 't' };
    const source = { schema: 's', identifier: 'n' };
    const merge = dialect.merge({ target, source, columns: ['k', 'v'], uniqueKey: ['k'], predicates: [] });
    expect(merge).toContain('on xform_target."k" = xform_source."k"');
    expect(merge).not.toMatch(/on[^\n]*is not distinct from/);
    const del = dialect.deleteMatching(target, source, ['k'], []);
    expect(del).toContain('xform_target."k" = xform_source."k"');
    expect(del).not.toContain('distinct');
  });
});
