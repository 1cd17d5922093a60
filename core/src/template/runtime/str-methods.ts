/**
 * Python's str methods, callable on template strings: `name.upper()`, `s.split(',', 1)`,
 * `s.startswith(('a', 'b'))`, `'{} {x}'.format(1, x=2)`, `', '.join(items)`...
 */
import { getattr, getitem } from './attributes.js';
import type { Kwargs } from './callables.js';
import type { MethodImpl } from './collection-methods.js';
import { formatValue } from './format.js';
import { iterate } from './operators.js';
import { pyRepr, pyStr } from './repr.js';
import { PyError, hasOwn, isTuple, isUndefined, num, tuple, typeError, typeName, undefinedError, valueError } from './values.js';

/** Argument `i` (or keyword `name`) of a Python call, or `fallback`. */
export function arg(args: unknown[], kwargs: Kwargs | null, i: number, name: string, fallback?: unknown): unknown {
  if (i < args.length) return args[i];
  if (kwargs !== null && hasOwn(kwargs, name)) return kwargs[name];
  return fallback;
}

function str(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (isUndefined(value)) throw undefinedError(value);
  throw typeError(`${what} must be str, not ${typeName(value)}`);
}

function intArg(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = num(value);
  if (typeof n !== 'number') throw typeError(`'${typeName(value)}' object cannot be interpreted as an integer`);
  return n;
}

function range(s: string, args: unknown[], kwargs: Kwargs | null, from: number): string {
  const start = arg(args, kwargs, from, 'start');
  const end = arg(args, kwargs, from + 1, 'end');
  if (start === undefined && end === undefined) return s;
  return s.slice(intArg(start, 0), end === undefined || end === null ? undefined : intArg(end, s.length));
}

const WS = ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WS : str(chars, 'strip arg');
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a]!)) a++;
  if (right) while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function splitWhitespace(s: string, maxsplit: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && WS.includes(s[i]!)) i++;
    if (i >= s.length) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(s.slice(i));
      return out;
    }
    let j = i;
    while (j < s.length && !WS.includes(s[j]!)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

function split(s: string, args: unknown[], kwargs: Kwargs | null): string[] {
  const sep = arg(args, kwargs, 0, 'sep', null);
  const maxsplit = intArg(arg(args, kwargs, 1, 'maxsplit', -1), -1);
  if (sep === null) return splitWhitespace(s, maxsplit);
  const separator = str(sep, 'separator');
  if (separator === '') throw valueError('empty separator');
  const parts = s.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

function rsplit(s: string, args: unknown[], kwargs: Kwargs | null): string[] {
  const sep = arg(args, kwargs, 0, 'sep', null);
  const maxsplit = intArg(arg(args, kwargs, 1, 'maxsplit', -1), -1);
  if (maxsplit < 0) return split(s, [sep], null);
  if (sep === null) {
    const reversed = splitWhitespace([...s].reverse().join(''), maxsplit);
    return reversed.map((p) => [...p].reverse().join('')).reverse();
  }
  const separator = str(sep, 'separator');
  const parts = s.split(separator);
  if (parts.length <= maxsplit + 1) return parts;
  const cut = parts.length - maxsplit;
  return [parts.slice(0, cut).join(separator), ...parts.slice(cut)];
}

function affix(s: string, value: unknown, test: (s: string, p: string) => boolean, name: string): boolean {
  if (Array.isArray(value) && isTuple(value)) return value.some((p) => test(s, str(p, `${name} tuple item`)));
  if (typeof value !== 'string') throw typeError(`${name} first arg must be str or a tuple of str, not ${typeName(value)}`);
  return test(s, value);
}

function findIn(s: string, args: unknown[], kwargs: Kwargs | null, last: boolean): number {
  const sub = str(arg(args, kwargs, 0, 'sub'), 'substring');
  const start = intArg(arg(args, kwargs, 1, 'start', null), 0);
  const end = intArg(arg(args, kwargs, 2, 'end', null), s.length);
  const a = start < 0 ? Math.max(0, s.length + start) : start;
  const b = end < 0 ? s.length + end : Math.min(end, s.length);
  const region = s.slice(a, b);
  const i = last ? region.lastIndexOf(sub) : region.indexOf(sub);
  return i < 0 || b - a < sub.length ? -1 : i + a;
}

function isCased(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** Python's str.title(): a letter is upper-cased when the character before it is not a letter. */
export function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    out += prevCased ? ch.toLowerCase() : ch.toUpperCase();
    prevCased = isCased(ch);
  }
  return out;
}

function justify(s: string, args: unknown[], kwargs: Kwargs | null, where: 'left' | 'right' | 'center'): string {
  const width = intArg(arg(args, kwargs, 0, 'width'), 0);
  const fill = str(arg(args, kwargs, 1, 'fillchar', ' '), 'fillchar');
  const len = [...s].length;
  if (width <= len) return s;
  const total = width - len;
  if (where === 'left') return s + fill.repeat(total);
  if (where === 'right') return fill.repeat(total) + s;
  // CPython puts the extra character on the left when both the string and the padding are odd.
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + s + fill.repeat(total - left);
}

/** Python's str.format(). */
export function pyFormat(fmt: string, args: unknown[], kwargs: Kwargs | null): string {
  let auto = 0;
  let out = '';
  const field = (body: string): string => {
    const m = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(body);
    if (!m) throw valueError(`invalid format field '{${body}}'`);
    const [, first, accessors, conversion, rawSpec] = m;
    let value: unknown;
    if (first === '') {
      if (auto >= args.length) throw new PyError('IndexError', `Replacement index ${auto} out of range for positional args tuple`);
      value = args[auto++];
    } else if (/^\d+$/.test(first!)) {
      const i = Number(first);
      if (i >= args.length) throw new PyError('IndexError', `Replacement index ${i} out of range for positional args tuple`);
      value = args[i];
    } else {
      if (!kwargs || !hasOwn(kwargs, first!)) throw new PyError('KeyError', `'${first}'`);
      value = kwargs[first!];
    }
    for (const acc of accessors!.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
      if (acc.startsWith('.')) value = getattr(value, acc.slice(1));
      else {
        const key = acc.slice(1, -1);
        value = getitem(value, /^\d+$/.test(key) ? Number(key) : key);
      }
    }
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    const spec = rawSpec ? rawSpec.replace(/\{([^{}]*)\}/g, (_x, inner: string) => field(inner)) : '';
    return formatValue(value, spec);
  };
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch === '{') {
      if (fmt[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      let depth = 1;
      let j = i + 1;
      for (; j < fmt.length && depth > 0; j++) {
        if (fmt[j] === '{') depth++;
        else if (fmt[j] === '}') depth--;
      }
      if (depth > 0) throw valueError("expected '}' before end of string");
      out += field(fmt.slice(i + 1, j - 1));
      i = j - 1;
    } else if (ch === '}') {
      if (fmt[i + 1] !== '}') throw valueError("Single '}' encountered in format string");
      out += '}';
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

type S = MethodImpl<string>;
const noArgs = (fn: (s: string) => unknown): S => (s) => fn(s);

export const STR_METHODS: Record<string, S> = {
  upper: noArgs((s) => s.toUpperCase()),
  lower: noArgs((s) => s.toLowerCase()),
  casefold: noArgs((s) => s.toLowerCase()),
  swapcase: noArgs((s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  capitalize: noArgs((s) => (s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s)),
  title: noArgs(pyTitle),
  strip: (s, a, k) => stripChars(s, arg(a, k, 0, 'chars'), true, true),
  lstrip: (s, a, k) => stripChars(s, arg(a, k, 0, 'chars'), true, false),
  rstrip: (s, a, k) => stripChars(s, arg(a, k, 0, 'chars'), false, true),
  split,
  rsplit,
  splitlines: (s, a, k) => {
    const keep = !!arg(a, k, 0, 'keepends', false);
    const lines = s.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g) ?? [];
    const out = lines.filter((l, i) => l !== '' || i < lines.length - 1);
    return out.filter((l) => l !== '').map((l) => (keep ? l : l.replace(/(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])$/, '')));
  },
  startswith: (s, a, k) => affix(range(s, a, k, 1), arg(a, k, 0, 'prefix'), (x, p) => x.startsWith(p), 'startswith'),
  endswith: (s, a, k) => affix(range(s, a, k, 1), arg(a, k, 0, 'suffix'), (x, p) => x.endsWith(p), 'endswith'),
  replace: (s, a, k) => {
    const old = str(arg(a, k, 0, 'old'), 'replace() argument 1');
    const replacement = str(arg(a, k, 1, 'new'), 'replace() argument 2');
    const count = intArg(arg(a, k, 2, 'count', -1), -1);
    if (count < 0) return old === '' ? [...s].reduce((acc, c) => acc + c + replacement, replacement) : s.split(old).join(replacement);
    let out = s;
    let from = 0;
    for (let n = 0; n < count; n++) {
      const i = out.indexOf(old, from);
      if (i < 0) break;
      out = out.slice(0, i) + replacement + out.slice(i + old.length);
      from = i + replacement.length + (old === '' ? 1 : 0);
    }
    return out;
  },
  find: (s, a, k) => findIn(s, a, k, false),
  rfind: (s, a, k) => findIn(s, a, k, true),
  index: (s, a, k) => {
    const i = findIn(s, a, k, false);
    if (i < 0) throw valueError('substring not found');
    return i;
  },
  rindex: (s, a, k) => {
    const i = findIn(s, a, k, true);
    if (i < 0) throw valueError('substring not found');
    return i;
  },
  count: (s, a, k) => {
    const sub = str(arg(a, k, 0, 'sub'), 'count arg');
    const region = range(s, a, k, 1);
    return sub === '' ? [...region].length + 1 : region.split(sub).length - 1;
  },
  join: (s, a, k) => iterate(arg(a, k, 0, 'iterable')).map((item, i) => {
    if (typeof item !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(item)} found`);
    return item;
  }).join(s),
  format: (s, a, k) => pyFormat(s, a, k),
  format_map: (s, a) => pyFormat(s, [], a[0] as Kwargs),
  center: (s, a, k) => justify(s, a, k, 'center'),
  ljust: (s, a, k) => justify(s, a, k, 'left'),
  rjust: (s, a, k) => justify(s, a, k, 'right'),
  zfill: (s, a, k) => {
    const width = intArg(arg(a, k, 0, 'width'), 0);
    const sign = s.startsWith('-') || s.startsWith('+') ? s[0]! : '';
    const body = sign ? s.slice(1) : s;
    return s.length >= width ? s : sign + '0'.repeat(width - s.length) + body;
  },
  partition: (s, a, k) => {
    const sep = str(arg(a, k, 0, 'sep'), 'sep');
    const i = s.indexOf(sep);
    return tuple(i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rpartition: (s, a, k) => {
    const sep = str(arg(a, k, 0, 'sep'), 'sep');
    const i = s.lastIndexOf(sep);
    return tuple(i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  removeprefix: (s, a, k) => {
    const p = str(arg(a, k, 0, 'prefix'), 'prefix');
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s, a, k) => {
    const p = str(arg(a, k, 0, 'suffix'), 'suffix');
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  expandtabs: (s, a, k) => {
    const size = intArg(arg(a, k, 0, 'tabsize', 8), 8);
    let col = 0;
    let out = '';
    for (const ch of s) {
      if (ch === '\t') {
        const n = size > 0 ? size - (col % size) : 0;
        out += ' '.repeat(n);
        col += n;
      } else {
        out += ch;
        col = ch === '\n' || ch === '\r' ? 0 : col + 1;
      }
    }
    return out;
  },
  isdigit: noArgs((s) => /^\p{Nd}+$/u.test(s)),
  isdecimal: noArgs((s) => /^\p{Nd}+$/u.test(s)),
  isnumeric: noArgs((s) => /^\p{N}+$/u.test(s)),
  isalpha: noArgs((s) => /^\p{L}+$/u.test(s)),
  isalnum: noArgs((s) => /^[\p{L}\p{N}]+$/u.test(s)),
  isascii: noArgs((s) => /^[\x00-\x7f]*$/.test(s)),
  isspace: noArgs((s) => s.length > 0 && [...s].every((c) => WS.includes(c))),
  islower: noArgs((s) => [...s].some(isCased) && s === s.toLowerCase()),
  isupper: noArgs((s) => [...s].some(isCased) && s === s.toUpperCase()),
  istitle: noArgs((s) => [...s].some(isCased) && pyTitle(s) === s),
  isidentifier: noArgs((s) => /^[\p{L}_][\p{L}\p{N}_]*$/u.test(s)),
};
