/** Jinja2's string filters (jinja2/filters.py), with Jinja2's own quirks (its `title` is not str.title). */
import { type FilterFn, filter } from './filter-support.js';
import { formatPercent, toFixedHalfEven } from './format.js';
import { iterate } from './operators.js';
import { pyRepr, pyStr } from './repr.js';
import { STR_METHODS } from './str-methods.js';
import { PyError, isDict, isTuple, isUndefined, num, tuple, typeError, undefinedError } from './values.js';

const s = (value: unknown) => pyStr(value);

function htmlEscape(value: unknown): string {
  return s(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

function splitlines(text: string): string[] {
  return STR_METHODS.splitlines!(text as never, [], null) as string[];
}

function indent(value: unknown, width: unknown = 4, first: unknown = false, blank: unknown = false): string {
  if (isUndefined(value)) throw undefinedError(value);
  const unit = typeof width === 'string' ? width : ' '.repeat(Number(num(width)));
  const text = s(value) + '\n';
  let rv: string;
  if (blank) {
    rv = splitlines(text).join('\n' + unit);
  } else {
    const lines = splitlines(text);
    rv = lines.shift() ?? '';
    if (lines.length > 0) rv += '\n' + lines.map((line) => (line ? unit + line : line)).join('\n');
  }
  return first ? unit + rv : rv;
}

function truncate(value: unknown, length: unknown = 255, killwords: unknown = false, end: unknown = '...', leeway: unknown = null): string {
  const text = s(value);
  const len = Number(num(length));
  const tail = s(end);
  const lee = leeway === null || leeway === undefined ? 5 : Number(num(leeway));
  if (len < tail.length) throw new PyError('AssertionError', `expected length >= ${tail.length}, got ${len}`);
  const chars = [...text];
  if (chars.length <= len + lee) return text;
  const head = chars.slice(0, len - tail.length).join('');
  if (killwords) return head + tail;
  const cut = head.lastIndexOf(' ');
  return (cut < 0 ? head : head.slice(0, cut)) + tail;
}

/** Jinja2's title: upper-cases the first letter after whitespace, `-`, and opening brackets. */
function title(value: unknown): string {
  return s(value)
    .split(/([-\s({[<]+)/)
    .filter((item) => item !== '')
    .map((item) => item[0]!.toUpperCase() + item.slice(1).toLowerCase())
    .join('');
}

function filesizeformat(value: unknown, binary: unknown = false): string {
  const bytes = Number(num(typeof value === 'string' ? Number(value) : value));
  const base = binary ? 1024 : 1000;
  const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = 0;
  let prefix = '';
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    prefix = prefixes[i]!;
    if (bytes < unit) break;
  }
  return `${toFixedHalfEven((base * bytes) / unit, 1)} ${prefix}`;
}

/** Python's urllib.parse.quote: letters, digits, `_.-~` and `safe` stay as they are. */
function urlQuote(value: unknown, safe: string): string {
  const text = typeof value === 'string' ? value : s(value);
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-~]/.test(ch) || safe.includes(ch) ? ch : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function urlencode(value: unknown): string {
  if (typeof value === 'string' || !(isDict(value) || Array.isArray(value))) return urlQuote(value, '/');
  const pairs = isDict(value) ? Object.entries(value) : iterate(value).map((pair) => iterate(pair));
  const q = (v: unknown) => urlQuote(v, '').replace(/%20/g, '+');
  return pairs.map(([k, v]) => `${q(k)}=${q(v)}`).join('&');
}

function striptags(value: unknown): string {
  const text = s(value).replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, '');
  return text
    .split(/\s+/)
    .filter(Boolean)
    .join(' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function xmlattr(value: unknown, autospace: unknown = true): string {
  if (!isDict(value)) throw typeError('xmlattr expects a mapping');
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === null || isUndefined(v)) continue;
    if (/[\s/>=]/.test(key)) throw new PyError('ValueError', `Invalid character in attribute name: ${pyRepr(key)}`);
    parts.push(`${htmlEscape(key)}="${htmlEscape(v)}"`);
  }
  const rv = parts.join(' ');
  return autospace && rv ? ' ' + rv : rv;
}

const unsupported = (name: string, why: string): FilterFn => () => {
  throw new PyError('TemplateRuntimeError', `the '${name}' filter is not supported by xform templates (${why})`);
};

export const TEXT_FILTERS: Record<string, FilterFn> = {
  upper: filter('upper', [], (v) => s(v).toUpperCase()),
  lower: filter('lower', [], (v) => s(v).toLowerCase()),
  capitalize: filter('capitalize', [], (v) => STR_METHODS.capitalize!(s(v) as never, [], null)),
  title: filter('title', [], title),
  trim: filter('trim', ['chars'], (v, chars) => STR_METHODS.strip!(s(v) as never, [chars ?? null], null)),
  center: filter('center', ['width'], (v, width) => STR_METHODS.center!(s(v) as never, [width ?? 80], null)),
  replace: filter('replace', ['old', 'new', 'count'], (v, o, n, c) =>
    STR_METHODS.replace!(s(v) as never, [s(o), s(n), c === undefined || c === null ? -1 : c], null),
  ),
  indent: filter('indent', ['width', 'first', 'blank'], indent),
  truncate: filter('truncate', ['length', 'killwords', 'end', 'leeway'], truncate),
  wordcount: filter('wordcount', [], (v) => (s(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length),
  string: filter('string', [], (v) => s(v)),
  safe: filter('safe', [], (v) => v),
  escape: filter('escape', [], htmlEscape),
  e: filter('e', [], htmlEscape),
  forceescape: filter('forceescape', [], htmlEscape),
  striptags: filter('striptags', [], striptags),
  filesizeformat: filter('filesizeformat', ['binary'], filesizeformat),
  urlencode: filter('urlencode', [], urlencode),
  xmlattr: filter('xmlattr', ['autospace'], xmlattr),
  pprint: filter('pprint', [], (v) => pyRepr(v)),
  format: (value, args, kwargs) => {
    const hasKwargs = kwargs !== null && Object.keys(kwargs).length > 0;
    if (args.length > 0 && hasKwargs) throw new PyError('FilterArgumentError', "can't handle positional and keyword arguments at the same time");
    return formatPercent(s(value), hasKwargs ? kwargs : tuple([...args]));
  },
  // dbt's filters: markers for the native rendering of YAML values; in SQL (text) rendering dbt returns the
  // value unchanged, so `false | as_bool` stays falsy in an {% if %}.
  as_text: filter('as_text', [], (v) => v),
  as_bool: filter('as_bool', [], (v) => v),
  as_number: filter('as_number', [], (v) => v),
  as_native: filter('as_native', [], (v) => v),
  is_list: filter('is_list', [], (v) => Array.isArray(v) && !isTuple(v)),
  wordwrap: unsupported('wordwrap', 'Python textwrap semantics are not reproduced'),
  urlize: unsupported('urlize', 'not useful for SQL'),
};
