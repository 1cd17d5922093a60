/**
 * The fast YAML path against the reference (the `yaml` Document API, as every file was read before): the
 * same values, the same positions for every node, missing key and key, and no fast answer where the
 * reference reports an error. Snippets cover YAML 1.1-looking scalars (yes/no/on/off, dates, 0-prefixed
 * octals), anchors and merges, duplicate keys, block scalars, quoting and CRLF; real files are the
 * repository's own YAML and a generated bench project.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test, vi } from 'vitest';
import { DiagnosticBag } from '../errors.js';
import { parseDocumentYaml, parseYaml, type YamlPath, type YamlSource } from './yaml-doc.js';
import { parseFast } from './yaml-fast.js';
import { yamlLib } from './yaml-lib.js';

// The library as yaml-doc.ts reaches it, so that its calls of the Document API are counted.
const parseDocument = vi.spyOn(yamlLib(), 'parseDocument');

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Values compared exactly: -0, NaN, Infinity, key order, own `__proto__` keys, dates. */
function canonical(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? ['number', '-0'] : ['number', String(value)];
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return ['date', value.toISOString()];
  if (value !== null && typeof value === 'object') {
    return { proto: Object.getPrototypeOf(value) === Object.prototype, entries: Object.entries(value).map(([k, v]) => [k, canonical(v)]) };
  }
  return [typeof value, value];
}

/** Every node's path, a missing key under every mapping, one index past every list. */
function pathsOf(value: unknown, at: YamlPath = [], out: YamlPath[] = []): YamlPath[] {
  out.push(at);
  if (out.length > 400) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => pathsOf(item, [...at, i], out));
    out.push([...at, value.length]);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...at, key], out);
    out.push([...at, 'no_such_key'], [...at, 'no_such_key', 0]);
  }
  return out;
}

interface Compared {
  fast: boolean;
}

/** Asserts that parseYaml gives what the reference gives for `text`; says whether the fast path answered. */
function compare(text: string, name: string): Compared {
  const refBag = new DiagnosticBag();
  const ref = parseDocumentYaml(text, name, refBag, 'XFORM_YAML_SYNTAX');
  const fast = parseFast(text);
  if (refBag.errors.length > 0 || ref === undefined) {
    expect(fast, `${name}: the reference reports ${refBag.errors[0]?.message}, the fast path must give up`).toBeUndefined();
    return { fast: false };
  }
  if (fast === undefined) return { fast: false };
  expect(canonical(fast.value), `${name}: values`).toStrictEqual(canonical(ref.value));
  const bag = new DiagnosticBag();
  const src = parseYaml(text, name, bag) as YamlSource;
  expect(bag.items).toEqual([]);
  for (const p of pathsOf(ref.value)) {
    for (const at of ['value', 'key'] as const) {
      expect(src.locate(p, at), `${name}: locate(${JSON.stringify(p)}, ${at})`).toEqual(ref.locate(p, at));
    }
  }
  return { fast: true };
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** Plain YAML: each must take the fast path. */
const PLAIN: Record<string, string> = {
  scalars: lines(
    'str: hello world',
    'int: 42',
    'neg: -17',
    'plus: +5',
    'zero: 0',
    'negzero: -0',
    'leading_zero: 017',
    'octal: 0o17',
    'hex: 0x1F',
    'bad_hex: 0X1F',
    'binary: 0b101',
    'underscore: 1_000',
    'float: 3.14',
    'float_dot: 5.',
    'float_lead: .5',
    'neg_float: -0.0',
    'exp: 1e3',
    'exp2: 1.5E-2',
    'exp3: .5e+3',
    'huge: 1e400',
    'bigint: 12345678901234567890',
    'inf: .inf',
    'ninf: -.Inf',
    'pinf: +.INF',
    'nan: .nan',
    'nan2: .NaN',
    'signed_nan: -.nan',
    'sexagesimal: 1:20',
    'time: 12:30:45',
    'version: 1.2.3',
  ),
  'yaml 1.1 booleans and nulls': lines(
    'a: yes',
    'b: no',
    'c: on',
    'd: off',
    'e: y',
    'f: n',
    'g: Yes',
    'h: NO',
    'i: true',
    'j: True',
    'k: TRUE',
    'l: tRUE',
    'm: false',
    'n: ~',
    'o: null',
    'p: Null',
    'q: NULL',
    'r: nULL',
    's:',
    't: "null"',
    "u: 'true'",
  ),
  dates: lines('date: 2024-01-15', 'datetime: 2024-01-15T10:30:00Z', 'spaced: 2001-12-14 21:59:43.10 -5', 'list: [2024-01-01, 2024-02-01]'),
  keys: lines(
    '1: one',
    '1.5: one and a half',
    'true: yes',
    'False: no',
    '0x10: hex',
    '"quoted key": q',
    "'single': s",
    'key with spaces: v',
    'toString: x',
    'constructor: y',
    '__proto__: z',
    'hasOwnProperty: w',
    '.inf: infinite',
  ),
  'block scalars': lines(
    'literal: |',
    '  line one',
    '    indented',
    '  line three',
    '',
    'folded: >',
    '  folded',
    '  text',
    '',
    '  new paragraph',
    'strip: |-',
    '  no newline',
    'keep: |+',
    '  keep newlines',
    '',
    '',
    'indicator: |2',
    '   three spaces',
    'folded_strip: >-',
    '  a',
    '  b',
    'after: 1',
  ),
  quoting: lines(
    'double: "a \\"quoted\\" \\t tab \\n newline \\u00e9 \\x41 \\\\ back"',
    "single: 'it''s'",
    'multi: "first',
    '  second',
    '',
    '  third"',
    'plain multi: first',
    '  second',
    '  third',
    'hash: a#b',
    'comment: value # comment',
    'colon: "a: b"',
    'url: http://example.com:8080/x',
    'jinja: "{{ var(\'x\') }}"',
    'jinja_plain: x {{ y }}',
    'empty_double: ""',
    "empty_single: ''",
    'unicode: héllo wörld ✓',
    'astral: {a: 🎉 party, b: "🎉", c: 1} # 🎉',
    'escaped_line: "a\\',
    '  b"',
  ),
  flow: lines(
    'seq: [a, b, [c, d], {e: f}]',
    'map: {a: 1, b: [2, 3], c: {d: e}}',
    'empty_seq: []',
    'empty_map: {}',
    'trailing: [a, b, ]',
    'multi: [',
    '  a,',
    '  b',
    '  ]',
    'implicit_null: {a, b: 2}',
    'quoted: {"x": 1, \'y\': 2}',
  ),
  nesting: lines(
    'models:',
    '  - name: orders',
    '    columns:',
    '      - name: id',
    '        tests:',
    '          - not_null',
    '          - unique:',
    '              config: {severity: warn}',
    '  -   name: spaced',
    '  - name: empty_items',
    '    columns:',
    '    tests: []',
    'nested_seqs:',
    '- - a',
    '  - b',
    '- - c',
    'zero_indent:',
    '- x',
    '- y: 1',
    '  z: 2',
  ),
  'comments and document markers': lines('# leading comment', '', '---', '# after marker', 'a: 1 # trailing', '# between', 'b:', '  # inside', '  c: 2', '...'),
  'explicit keys': lines('? a', ': 1', '? b', 'c: 2'),
  'top-level list': lines('- a', '- b: 1', '- [c]'),
  'top-level flow map': '{a: 1, b: 2}\n',
  'no trailing newline': 'a: 1\nb: [x, y]',
  crlf: 'a: 1\r\nb:\r\n  - x\r\n  - "y"\r\nc: |\r\n  text\r\n  more\r\n',
  bom: '\uFEFFa: 1\nb: 2\n',
  tabs_in_values: 'a: one\ttwo\nb: "tab\there"\n',
  'merge key quoted': lines('a:', "  '<<': {x: 1}", '  y: 2'),
  'empty values everywhere': lines('a:', 'b:', '  -', '  - x', '  - ', 'c: {d: }', 'e: [ ]'),
};

/** Parsed by the reference only (the fast path gives up): the results must be today's, byte for byte. */
const REFERENCE_ONLY: Record<string, string> = {
  anchors: lines('base: &b {x: 1, y: 2}', 'copy: *b', 'list: [*b, *b]'),
  merge: lines('base: &b', '  x: 1', '  y: 2', 'derived:', '  <<: *b', '  y: 3', 'multi:', '  <<: [*b, {z: 4}]', '  x: 0'),
  'merge inline': lines('a:', '  <<: {x: 1}', '  x: 2'),
  'merge before key': lines('a:', '  x: 0', '  <<: {x: 1, y: 1}'),
  'long key': `${'k'.repeat(1100)}: 1\n`,
  tags: lines('a: !!str 123', 'b: !!int "7"', 'c: !custom x', 'd: !!binary aGVsbG8=', 'e: !!timestamp 2024-01-01', 'f: ! 12'),
  'yaml 1.1 directive': lines('%YAML 1.1', '---', 'a: yes', 'b: 2024-01-01', 'c: 010', 'd: 1:20'),
  'tag directive': lines('%TAG !e! tag:example.com,2000:', '---', 'a: !e!x 1'),
  'null keys': lines('~: a', 'null: b', ': c'),
  'empty key only': ': x\n',
  'complex keys': lines('? [a, b]', ': 1', '? {c: d}', ': 2'),
  'lone CR': 'a: 1\rb: 2\r',
  'several documents': lines('a: 1', '---', 'b: 2'),
  'duplicate keys': lines('a: 1', 'a: 2'),
  'duplicate keys across types': lines('1: a', '"1": b'),
  'duplicate null': lines('~: a', 'null: b'),
  'duplicate nan': lines('.nan: a', '.nan: b'),
  'alias count bomb': lines(
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  ),
  'bad indentation': lines('a:', '  b: 1', ' c: 2'),
  'tab indentation': 'a:\n\tb: 1\n',
  'unclosed flow': 'a: [1, 2\n',
  'unclosed quote': 'a: "abc\n',
  'bad escape': 'a: "\\q"\n',
  'reserved indicator': 'a: @x\n',
  'backtick': 'a: `x`\n',
  'mapping in plain': 'a: b: c\n',
  'trailing content': lines('"a"', 'b: 1'),
  'alias undefined': 'a: *nope\n',
  'list then map': lines('- a', 'b: 1'),
  'deep nesting': `${'['.repeat(150)}${']'.repeat(150)}\n`,
  'key too long implicit': `"${'k'.repeat(1100)}": 1\n`,
  'comment without space': 'a: 1# not a comment\nb: "x"# bad\n',
  'multi-line implicit key': lines('a', 'b: 1'),
  // Accepted by `yaml`, not by js-yaml (a flow end at the block's own indentation): read by the reference.
  'flow end at column 1': lines('multi: [', '  a,', '  b', ']'),
};

describe('the fast path reads plain YAML exactly as the Document API', () => {
  for (const [name, text] of Object.entries(PLAIN)) {
    test(name, () => {
      expect(compare(text, name).fast, `${name} should take the fast path`).toBe(true);
    });
  }
  test('empty files', () => {
    for (const text of ['', '\n', '# only a comment\n', '---\n', '--- \n...\n']) {
      const bag = new DiagnosticBag();
      expect(parseYaml(text, 'x.yml', bag)?.value).toStrictEqual(parseDocumentYaml(text, 'x.yml', new DiagnosticBag(), 'X')?.value);
      expect(bag.items).toEqual([]);
    }
  });
});

describe('the rest goes through the Document API, with today’s values and errors', () => {
  for (const [name, text] of Object.entries(REFERENCE_ONLY)) {
    test(name, () => {
      expect(compare(text, name).fast).toBe(false);
      const bag = new DiagnosticBag();
      const refBag = new DiagnosticBag();
      const src = parseYaml(text, 'f.yml', bag);
      const ref = parseDocumentYaml(text, 'f.yml', refBag, 'XFORM_YAML_SYNTAX');
      expect(bag.items).toEqual(refBag.items);
      expect(canonical(src?.value)).toStrictEqual(canonical(ref?.value));
    });
  }
});

/** Odd or broken input, either way: where the reference reports an error the fast path must give up. */
const ODD = [
  'a: b\n  c: d\n',
  '- a\n - b\n',
  'a:\n  - b\n  c: d\n',
  '[a, b]: c\n',
  'a: b\n---\n',
  '"a"b: c\n',
  'a: |\n   text\n  less\n',
  'a: >\n\tbad\n',
  '? a\n? a\n',
  "a: 'it's'\n",
  'a: [b, c\n',
  '- a: b\n  - c\n',
  '%FOO bar\n---\na: 1\n',
  'a: b # comment\n#c\n  d: e\n',
  '\ta: b\n',
  'a:\n\t- b\n',
  'a: b\n\n\n   c\n',
  '@a: b\n',
  'a: %b\n',
  'a: b: c: d\n',
  'a:\n  b\n  c: d\n',
  'a: "\\u00"\n',
  'a: ]\n',
  'a: }\n',
  '- - - - x\n',
  'a: -\n',
  'a: - b\n',
  '-\n-\n',
  'a: &x\n',
  '--- |\n  text\n',
  '--- a\n',
  '...\n',
  'a: b\n...\nc: d\n',
  'a: "x"\n "y"\n',
  'a: {b: 1}}\n',
  'a: [1]]\n',
  '{a: 1\n',
  'a: \u0007\n',
  '\uFEFF\uFEFFa: 1\n',
  'a: 1\n\uFEFFb: 2\n',
];

describe('odd input matches the reference or takes its path', () => {
  test.each(ODD.map((text) => [JSON.stringify(text), text]))('%s', (_name, text) => {
    compare(text, JSON.stringify(text));
  });
});

describe('real project files', () => {
  test("the repository's own YAML files", () => {
    const files = execFileSync('git', ['ls-files', '*.yml', '*.yaml'], { cwd: REPO, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '' && f !== 'pnpm-lock.yaml');
    expect(files.length).toBeGreaterThan(10);
    let fast = 0;
    for (const file of files) if (compare(readFileSync(path.join(REPO, file), 'utf8'), file).fast) fast++;
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  test('a generated bench project', async () => {
    const { generateProject } = await import('../../../test/src/fixtures/generate-project.js');
    const { files } = generateProject({ models: 300 });
    const yamlFiles = Object.entries(files as Record<string, string>).filter(([f]) => /\.ya?ml$/.test(f));
    expect(yamlFiles.length).toBeGreaterThan(1);
    for (const [file, text] of yamlFiles) expect(compare(text, file).fast, file).toBe(true);
  });
});

describe('positions are looked up only when asked for', () => {
  test('a plain schema file is read without the Document API; a block scalar position asks it once', () => {
    const calls = parseDocument;
    calls.mockClear();
    const text = lines('models:', '  - name: a', '    description: |', '      long', '    columns:', '      - name: id');
    const src = parseYaml(text, 'models/schema.yml', new DiagnosticBag())!;
    expect(src.locate(['models', 0, 'columns', 0])).toEqual({ file: 'models/schema.yml', line: 6, column: 9, yamlPath: 'models[0].columns[0]' });
    expect(calls).not.toHaveBeenCalled();
    expect(src.locate(['models', 0, 'description'])).toEqual({ file: 'models/schema.yml', line: 3, column: 18, yamlPath: 'models[0].description' });
    expect(src.locate(['models', 0, 'description'])).toMatchObject({ line: 3 });
    expect(calls).toHaveBeenCalledTimes(1);
  });
});
