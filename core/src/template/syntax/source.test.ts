import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TESTS_SQL } from '../../quality/builtin-tests.js';
import { tokenize, type Token } from './source.js';

function tokens(src: string, fast = true) {
  const source = tokenize(src, fast);
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

  it('reads a string literal with newlines, or one left open, to the same value and position', () => {
    const { out, end } = tokens("{{ 'a\nbc' ~ \"d\" }}{{ 'open\nx");
    expect(out.filter(([type]) => type === 'string')).toEqual([
      ['string', 'a\nbc', 0, 3],
      ['string', 'd', 1, 6],
      ['string', 'open\nx', 1, 15],
    ]);
    // One past the end, as nunjucks' step over the missing closing quote leaves it.
    expect(end).toEqual({ lineno: 2, colno: 2 });
  });

  it('reports the position where an unterminated comment ends the template', () => {
    const source = tokenize('a\n{# open\nstill');
    expect(source.nextToken()).toMatchObject({ type: 'data', value: 'a\n' });
    expect(() => source.nextToken()).toThrow('expected end of comment, got end of file');
    // One past the last character: nunjucks steps over the end before it gives up.
    expect(source.position()).toEqual({ lineno: 2, colno: 6 });
  });

  it('reads every template exactly as nunjucks\' own tokenizer code does', () => {
    const conformance = JSON.parse(readFileSync(new URL('../__fixtures__/jinja-conformance.json', import.meta.url), 'utf8')) as { cases: { template: string }[] };
    const templates = [
      ...conformance.cases.map((c) => c.template),
      BUILTIN_TESTS_SQL,
      "{{ x==1 and y!=2 or a<=b>=c }}{{ 2**3//4 }}{{ a === b !== c }}{{ 1.5 }}{{ 1. }}{{ 7.}}{{ -3 }}{{ 1e5 }}",
      "{%- if a -%}{{- b -}}{% endif %}{{ {'a': {'b': 1}} }}{# c #}{{ r/2 }}{{ none null true false True }}",
      "{{ 'it''s' ~ \"q\\\"\" ~ '\\d' }}\n{% set x = [1, 2,\n 3] %}{{ x|join(', ') }}{{ a.b[c](d=e, *f, **g) }}",
      '{{ 1.',
      '{% if',
      '{{ abc',
      "{{ 'unterminated",
      '{{ a }',
      '{{ \u00a0a\u00a0}}{{ é }}{{ a#b }}{{ a%b }}',
    ];
    // Random strings of the characters that matter to the lexer, to reach the paths no template above does.
    let seed = 20;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const alphabet = ['{{', '}}', '{%', '%}', '{#', '#}', '-', ' ', '\n', 'a', '1', '.', "'", '"', '\\', '=', '!', '*', '/', '<', '>', '(', ')', '[', ']', '{', '}', '|', ',', ':', '~', '+', 'r', 'true', 'none', '\u00a0'];
    for (let n = 0; n < 5000; n++) {
      let text = '';
      const length = 1 + Math.floor(random() * 40);
      for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * alphabet.length)];
      templates.push(text);
    }
    const read = (src: string, fast: boolean, keepWhitespace = true) => {
      const source = tokenize(src, fast, keepWhitespace);
      const out: Token[] = [];
      try {
        for (let tok = source.nextToken(); tok; tok = source.nextToken()) out.push(tok);
        return { out, end: source.position() };
      } catch (err) {
        return { out, error: (err as Error).message, at: source.position() };
      }
    };
    for (const src of templates) {
      const reference = read(src, false);
      expect(read(src, true), JSON.stringify(src)).toEqual(reference);
      // The parser's stream: the same tokens without the whitespace ones, the same end or error and position.
      expect(read(src, true, false), JSON.stringify(src)).toEqual({ ...reference, out: reference.out.filter((tok) => tok.type !== 'whitespace') });
    }
  });
});
