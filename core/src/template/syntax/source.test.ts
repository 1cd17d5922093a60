import { describe, expect, it } from 'vitest';
import { tokenize } from './source.js';

function tokens(src: string) {
  const source = tokenize(src);
  const out: [string, string, number, number][] = [];
  for (let tok = source.nextToken(); tok; tok = source.nextToken()) out.push([tok.type, tok.value, tok.lineno, tok.colno]);
  return { out, end: source.position() };
}

describe('tokenize', () => {
  it('gives every token its 0-based line and column across multi-line text, names and whitespace', () => {
    const { out, end } = tokens("select 1\n  from x\n{{ ref( 'a' ) }}\n{% if  a\n %}b{% endif %}");
    expect(out).toEqual([
      ['data', 'select 1\n  from x\n', 0, 0],
      ['variable-start', '{{', 2, 0],
      ['whitespace', ' ', 2, 2],
      ['symbol', 'ref', 2, 3],
      ['left-paren', '(', 2, 6],
      ['whitespace', ' ', 2, 7],
      ['string', 'a', 2, 8],
      ['whitespace', ' ', 2, 11],
      ['right-paren', ')', 2, 12],
      ['whitespace', ' ', 2, 13],
      ['variable-end', '}}', 2, 14],
      ['data', '\n', 2, 16],
      ['block-start', '{%', 3, 0],
      ['whitespace', ' ', 3, 2],
      ['symbol', 'if', 3, 3],
      ['whitespace', '  ', 3, 5],
      ['symbol', 'a', 3, 7],
      ['whitespace', '\n ', 3, 8],
      ['block-end', '%}', 4, 1],
      ['data', 'b', 4, 3],
      ['block-start', '{%', 4, 4],
      ['whitespace', ' ', 4, 6],
      ['symbol', 'endif', 4, 7],
      ['whitespace', ' ', 4, 12],
      ['block-end', '%}', 4, 13],
    ]);
    expect(end).toEqual({ lineno: 4, colno: 15 });
  });

  it('reports the position where an unterminated comment ends the template', () => {
    const source = tokenize('a\n{# open\nstill');
    expect(source.nextToken()).toMatchObject({ type: 'data', value: 'a\n' });
    expect(() => source.nextToken()).toThrow('expected end of comment, got end of file');
    // One past the last character: nunjucks steps over the end before it gives up.
    expect(source.position()).toEqual({ lineno: 2, colno: 6 });
  });
});
