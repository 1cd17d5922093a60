/**
 * `modules.re`: Python's re module on JavaScript regular expressions. Patterns are translated where the two
 * dialects differ in syntax (`(?P<name>...)`, `(?P=name)`, `\A`, `\Z`, Python's `$`, inline flags, VERBOSE);
 * `\d`/`\w` stay ASCII as in JavaScript. Match objects offer group(), groups(), groupdict(), start(), end(),
 * span().
 */
import { PY_GETATTR, callValue, nativeFunction, type Kwargs } from '../runtime/callables.js';
import { pyRepr, pyStr } from '../runtime/repr.js';
import { readsText } from '../runtime/relation-tokens.js';
import { arg } from '../runtime/str-methods.js';
import { PyError, Undefined, num, tuple, typeError } from '../runtime/values.js';

const FLAGS = { I: 2, IGNORECASE: 2, L: 4, LOCALE: 4, M: 8, MULTILINE: 8, S: 16, DOTALL: 16, U: 32, UNICODE: 32, X: 64, VERBOSE: 64, A: 256, ASCII: 256 };

function reError(message: string): PyError {
  return new PyError('re.error', message);
}

/** Rewrites a Python pattern into JavaScript syntax. */
function translate(pattern: string, flagBits: number): { source: string; flags: string } {
  let bits = flagBits;
  let src = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) bits |= { a: 256, i: 2, L: 4, m: 8, s: 16, u: 32, x: 64 }[f as 'a']!;
  }
  const verbose = (bits & 64) !== 0;
  const multiline = (bits & 8) !== 0;
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += '\\' + next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (verbose && /\s/.test(ch)) continue;
    if (verbose && ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i];
      continue;
    }
    if (ch === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (ch === '(' && src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    // Python's `$` also matches before a final newline.
    if (ch === '$' && !multiline) {
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += ch;
  }
  let flags = 'd';
  if (bits & 2) flags += 'i';
  if (bits & 8) flags += 'm';
  if (bits & 16) flags += 's';
  return { source: out, flags };
}

export class PyMatch {
  constructor(
    private readonly m: RegExpExecArray,
    readonly string: string,
  ) {}

  private index(group: unknown): number {
    if (typeof group === 'string') {
      const names = Object.keys(this.m.groups ?? {});
      if (!names.includes(group)) throw new PyError('IndexError', 'no such group');
      return -1;
    }
    const n = Number(num(group ?? 0));
    if (!Number.isInteger(n) || n < 0 || n >= this.m.length) throw new PyError('IndexError', 'no such group');
    return n;
  }

  private value(group: unknown): string | null {
    const i = this.index(group);
    const v = i < 0 ? this.m.groups![group as string] : this.m[i];
    return v === undefined ? null : v;
  }

  private indices(group: unknown): [number, number] {
    const i = this.index(group);
    const pair = i < 0 ? this.m.indices!.groups![group as string] : this.m.indices![i];
    return pair ? [pair[0], pair[1]] : [-1, -1];
  }

  [PY_GETATTR](name: string): unknown {
    const methods: Record<string, (args: unknown[], kwargs: Kwargs) => unknown> = {
      group: (args) => (args.length <= 1 ? this.value(args[0] ?? 0) : tuple(args.map((g) => this.value(g)))),
      groups: (args, kw) => {
        const fallback = arg(args, kw, 0, 'default', null);
        return tuple(this.m.slice(1).map((v) => (v === undefined ? fallback : v)));
      },
      groupdict: (args, kw) => {
        const fallback = arg(args, kw, 0, 'default', null);
        return Object.fromEntries(Object.entries(this.m.groups ?? {}).map(([k, v]) => [k, v === undefined ? fallback : v]));
      },
      start: (args) => this.indices(args[0] ?? 0)[0],
      end: (args) => this.indices(args[0] ?? 0)[1],
      span: (args) => tuple(this.indices(args[0] ?? 0)),
    };
    if (methods[name]) return nativeFunction(methods[name]!);
    if (name === 'string') return this.string;
    return new Undefined(`'re.Match object' has no attribute '${name}'`);
  }

  toString(): string {
    return `<re.Match object; span=(${this.m.index}, ${this.m.index + this.m[0].length}), match=${pyRepr(this.m[0])}>`;
  }
}

/** Expands `\1`, `\g<1>`, `\g<name>` and escapes in a Python replacement string. */
function expand(template: string, m: RegExpExecArray): string {
  const group = (key: string) => {
    const v = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
    if (v === undefined && /^\d+$/.test(key) && Number(key) >= m.length) throw reError(`invalid group reference ${key}`);
    return v ?? '';
  };
  return template.replace(/\\(g<([^>]+)>|\d{1,2}|[ntr\\]|.)/g, (whole, body: string, named?: string) => {
    if (named !== undefined) return group(named);
    if (/^\d/.test(body)) return group(body);
    if (body === 'n') return '\n';
    if (body === 't') return '\t';
    if (body === 'r') return '\r';
    if (body === '\\') return '\\';
    return whole;
  });
}

export class PyPattern {
  private readonly source: string;
  private readonly jsFlags: string;

  constructor(
    readonly pattern: string,
    readonly flags: number,
  ) {
    const t = translate(pattern, flags);
    this.source = t.source;
    this.jsFlags = t.flags;
    try {
      new RegExp(this.source, this.jsFlags);
    } catch (err) {
      throw reError(`invalid regular expression ${pyRepr(pattern)}: ${(err as Error).message}`);
    }
  }

  private regex(extra = '', wrap?: (s: string) => string): RegExp {
    return new RegExp(wrap ? wrap(this.source) : this.source, this.jsFlags + extra);
  }

  private all(text: string): RegExpExecArray[] {
    const re = this.regex('g');
    const out: RegExpExecArray[] = [];
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      out.push(m);
      if (m[0] === '') re.lastIndex++;
    }
    return out;
  }

  match(text: string): PyMatch | null {
    const m = this.regex('y').exec(text);
    return m ? new PyMatch(m, text) : null;
  }
  fullmatch(text: string): PyMatch | null {
    const m = this.regex('y', (s) => `(?:${s})(?![\\s\\S])`).exec(text);
    return m ? new PyMatch(m, text) : null;
  }
  search(text: string): PyMatch | null {
    const m = this.regex().exec(text);
    return m ? new PyMatch(m, text) : null;
  }
  findall(text: string): unknown[] {
    return this.all(text).map((m) => (m.length === 1 ? m[0] : m.length === 2 ? (m[1] ?? '') : tuple(m.slice(1).map((g) => g ?? ''))));
  }
  finditer(text: string): PyMatch[] {
    return this.all(text).map((m) => new PyMatch(m, text));
  }
  sub(repl: unknown, text: string, count = 0): string {
    let n = 0;
    let out = '';
    let last = 0;
    for (const m of this.all(text)) {
      if (count > 0 && n >= count) break;
      n++;
      out += text.slice(last, m.index);
      out += typeof repl === 'string' ? expand(repl, m) : pyStr(callValue(repl, [new PyMatch(m, text)], null));
      last = m.index + m[0].length;
    }
    return out + text.slice(last);
  }
  split(text: string, maxsplit = 0): unknown[] {
    const out: unknown[] = [];
    let last = 0;
    let n = 0;
    for (const m of this.all(text)) {
      if (maxsplit > 0 && n >= maxsplit) break;
      n++;
      out.push(text.slice(last, m.index), ...m.slice(1).map((g) => g ?? null));
      last = m.index + m[0].length;
    }
    out.push(text.slice(last));
    return out;
  }
  toString(): string {
    return `re.compile(${pyRepr(this.pattern)})`;
  }
}

function compiled(p: unknown, flags: unknown): PyPattern {
  if (p instanceof PyPattern) return p;
  if (typeof p !== 'string') throw typeError('first argument must be string or compiled pattern');
  return new PyPattern(p, Number(num(flags ?? 0)));
}

/** The text a function matches against (it reads it: relation-tokens.ts). */
const text = (value: unknown) => {
  if (typeof value !== 'string') throw typeError(`expected string or bytes-like object, got '${pyStr(value)}'`);
  readsText(value);
  return value;
};

const fn = (impl: (args: unknown[], kw: Kwargs) => unknown) => nativeFunction(impl);

export const reModule: Record<string, unknown> = {
  ...FLAGS,
  compile: fn((a, k) => compiled(arg(a, k, 0, 'pattern'), arg(a, k, 1, 'flags'))),
  match: fn((a, k) => compiled(a[0], arg(a, k, 2, 'flags')).match(text(a[1]))),
  fullmatch: fn((a, k) => compiled(a[0], arg(a, k, 2, 'flags')).fullmatch(text(a[1]))),
  search: fn((a, k) => compiled(a[0], arg(a, k, 2, 'flags')).search(text(a[1]))),
  findall: fn((a, k) => compiled(a[0], arg(a, k, 2, 'flags')).findall(text(a[1]))),
  finditer: fn((a, k) => compiled(a[0], arg(a, k, 2, 'flags')).finditer(text(a[1]))),
  sub: fn((a, k) => compiled(a[0], arg(a, k, 4, 'flags')).sub(a[1], text(a[2]), Number(num(arg(a, k, 3, 'count', 0))))),
  split: fn((a, k) => compiled(a[0], arg(a, k, 3, 'flags')).split(text(a[1]), Number(num(arg(a, k, 2, 'maxsplit', 0))))),
  escape: fn((a) => text(a[0]).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => '\\' + c)),
};
