/**
 * Jinja2's builtin filters with their keyword arguments (`map(attribute='x')`, `join(', ', attribute='n')`,
 * `sort(attribute='a,b', reverse=true)`, `selectattr('a', 'equalto', 1)`, `default(x, true)`...). Filters
 * that return generators in Jinja2 (map, select, reverse...) return lists; they are normally piped into
 * `list`, `join` or a loop, where the two agree.
 */
import { getattr } from './attributes.js';
import type { Kwargs } from './callables.js';
import { DICT_METHODS } from './collection-methods.js';
import { attrGetter, filter, ignoreCase, sortBy, type FilterFn } from './filter-support.js';
import { TEXT_FILTERS } from './filters-text.js';
import { roundHalfEven } from './format.js';
import { htmlSafeJson } from './json.js';
import { add, eq, iterate, length, compare } from './operators.js';
import { readsText } from './relation-tokens.js';
import { pyStr } from './repr.js';
import { runTest, setFilterNames } from './tests.js';
import { PyError, PyFloat, Undefined, hasOwn, isDict, isFloat, isUndefined, makeFloat, num, truthy, tuple, typeError, typeName, undefinedError } from './values.js';

const argError = (message: string) => new PyError('FilterArgumentError', message);

function keyFor(caseSensitive: unknown, attribute: unknown): (item: unknown) => unknown {
  const post = caseSensitive ? undefined : ignoreCase;
  if (typeof attribute === 'string' && attribute.includes(',')) {
    const getters = attribute.split(',').map((a) => attrGetter(a.trim(), post));
    return (item) => tuple(getters.map((g) => g(item)));
  }
  return attrGetter(attribute, post);
}

function toFloat(value: unknown, fallback: unknown = new PyFloat(0)): unknown {
  if (isUndefined(value)) throw undefinedError(value);
  if (typeof value === 'number') return makeFloat(value);
  if (value instanceof PyFloat) return value;
  if (typeof value === 'boolean') return new PyFloat(value ? 1 : 0);
  if (typeof value === 'string') {
    const text = value.trim().replace(/(\d)_(?=\d)/g, '$1');
    if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf(inity)?|nan)$/i.test(text)) {
      const lower = text.toLowerCase().replace(/^[+]/, '');
      const n = lower.endsWith('inf') || lower.endsWith('infinity') ? (lower.startsWith('-') ? -Infinity : Infinity) : lower.endsWith('nan') ? NaN : Number(text);
      return makeFloat(n);
    }
  }
  return fallback;
}

function toInt(value: unknown, fallback: unknown = 0, base: unknown = 10): unknown {
  if (isUndefined(value)) throw undefinedError(value);
  if (typeof value === 'string') {
    const text = value.trim().replace(/(\d)_(?=\d)/g, '$1');
    const b = Number(num(base));
    if (b !== 10) {
      const stripped = text.replace(/^([+-]?)0[xob]/i, '$1');
      const n = parseInt(stripped, b);
      return Number.isNaN(n) || !new RegExp(`^[+-]?[0-9a-z]+$`, 'i').test(stripped) ? fallback : n;
    }
    if (/^[+-]?\d+$/.test(text)) return Number(text);
    const f = toFloat(text, null);
    return f === null ? fallback : Math.trunc(Number(num(f)));
  }
  if (typeof value === 'number' || value instanceof PyFloat || typeof value === 'boolean') {
    const n = Number(num(value));
    return Number.isFinite(n) ? Math.trunc(n) : fallback;
  }
  return fallback;
}

function round(value: unknown, precision: unknown = 0, method: unknown = 'common'): unknown {
  if (method !== 'common' && method !== 'ceil' && method !== 'floor') throw argError('method must be common, ceil or floor');
  const x = Number(num(value));
  if (typeof num(value) !== 'number') throw typeError(`type ${typeName(value)} doesn't define __round__ method`);
  const p = Number(num(precision));
  if (method === 'common') {
    // round() keeps an int an int; a float comes back as a float.
    return isFloat(value) ? makeFloat(roundHalfEven(x, p)) : p >= 0 ? x : roundHalfEven(x, p);
  }
  const factor = 10 ** p;
  return makeFloat((method === 'ceil' ? Math.ceil(x * factor) : Math.floor(x * factor)) / factor);
}

function aggregate(value: unknown, caseSensitive: unknown, attribute: unknown, wantMax: boolean): unknown {
  const items = iterate(value);
  if (items.length === 0) return new Undefined('No aggregated item, sequence was empty.');
  const key = keyFor(caseSensitive, attribute);
  let best = items[0];
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    const c = compare(k, bestKey, wantMax ? '>' : '<');
    if (wantMax ? c > 0 : c < 0) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

/** select/reject and their attr variants: `select('odd')`, `selectattr('a', 'equalto', 1)`. */
function selectOrReject(keep: boolean, lookupAttr: boolean): FilterFn {
  return (value, args, kwargs) => {
    let off = 0;
    let trans: (item: unknown) => unknown = (item) => item;
    if (lookupAttr) {
      if (args.length === 0) throw argError('Missing parameter for attribute name');
      trans = attrGetter(args[0]);
      off = 1;
    }
    const testName = args[off];
    const testArgs = args.slice(off + 1);
    if (kwargs && Object.keys(kwargs).length > 0) testArgs.push(...Object.values(kwargs));
    const check = testName === undefined ? truthy : (item: unknown) => runTest(String(testName), item, testArgs);
    // Jinja2 skips a falsy sequence (`if seq:`): none|select is empty, not a TypeError.
    if (!truthy(value)) return [];
    return iterate(value).filter((item) => check(trans(item)) === keep);
  };
}

function map(value: unknown, args: unknown[], kwargs: Kwargs | null): unknown[] {
  // Jinja2 maps nothing over a falsy value (`if value:`): none|map('lower') is empty (dbt_utils' equality relies on it).
  const items = truthy(value) ? iterate(value) : [];
  if (args.length === 0 && kwargs && 'attribute' in kwargs) {
    const { attribute, default: fallback, ...rest } = kwargs;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw argError(`Unexpected keyword argument '${extra}'`);
    const get = attrGetter(attribute, undefined, fallback);
    return items.map(get);
  }
  if (args.length === 0) throw argError('map requires a filter argument');
  const name = String(args[0]);
  const fn = FILTERS[name];
  if (!fn) throw new PyError('TemplateRuntimeError', `No filter named '${name}'.`);
  return items.map((item) => fn(item, args.slice(1), kwargs));
}

function groupby(value: unknown, attribute: unknown, fallback: unknown = null, caseSensitive: unknown = false): unknown[] {
  const key = attrGetter(attribute, caseSensitive ? undefined : ignoreCase, fallback ?? undefined);
  const sorted = sortBy(iterate(value), key);
  const groups: { key: unknown; items: unknown[] }[] = [];
  for (const item of sorted) {
    const k = key(item);
    const last = groups[groups.length - 1];
    if (last && eq(last.key, k)) last.items.push(item);
    else groups.push({ key: k, items: [item] });
  }
  const output = caseSensitive ? null : attrGetter(attribute, undefined, fallback ?? undefined);
  return groups.map((g) => groupTuple(output ? output(g.items[0]) : g.key, g.items));
}

/** Jinja2's _GroupTuple: a (grouper, list) tuple whose parts are also named. */
function groupTuple(grouper: unknown, list: unknown[]): unknown[] {
  const t = tuple([grouper, list]);
  Object.defineProperty(t, 'grouper', { value: grouper });
  Object.defineProperty(t, 'list', { value: list });
  return t;
}

function batch(value: unknown, linecount: unknown, fillWith: unknown = null): unknown[][] {
  const size = Number(num(linecount));
  const out: unknown[][] = [];
  let tmp: unknown[] = [];
  for (const item of iterate(value)) {
    if (tmp.length === size) {
      out.push(tmp);
      tmp = [];
    }
    tmp.push(item);
  }
  if (tmp.length > 0) {
    if (fillWith !== null && fillWith !== undefined && tmp.length < size) tmp.push(...Array(size - tmp.length).fill(fillWith));
    out.push(tmp);
  }
  return out;
}

function sliceFilter(value: unknown, slices: unknown, fillWith: unknown = null): unknown[][] {
  const seq = iterate(value);
  const n = Number(num(slices));
  const per = Math.floor(seq.length / n);
  const extra = seq.length % n;
  let offset = 0;
  const out: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const start = offset + i * per;
    if (i < extra) offset += 1;
    const part = seq.slice(start, offset + (i + 1) * per);
    if (fillWith !== null && fillWith !== undefined && i >= extra) part.push(fillWith);
    out.push(part);
  }
  return out;
}

function dictsort(value: unknown, caseSensitive: unknown = false, by: unknown = 'key', reverse: unknown = false): unknown[] {
  if (by !== 'key' && by !== 'value') throw argError('You can only sort by either "key" or "value"');
  if (!isDict(value)) throw typeError('dictsort expects a mapping');
  const pos = by === 'key' ? 0 : 1;
  const pairs = Object.keys(value).map((k) => tuple([k, value[k]]));
  return sortBy(pairs, (pair) => (caseSensitive ? pair[pos] : ignoreCase(pair[pos])), !!reverse);
}

function unique(value: unknown, caseSensitive: unknown = false, attribute: unknown = null): unknown[] {
  const key = keyFor(caseSensitive, attribute);
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const item of iterate(value)) {
    const k = key(item);
    if (!seen.some((s) => eq(s, k))) {
      seen.push(k);
      out.push(item);
    }
  }
  return out;
}

function first(value: unknown): unknown {
  const items = iterate(value);
  return items.length > 0 ? items[0] : new Undefined('No first item, sequence was empty.');
}

function last(value: unknown): unknown {
  const items = iterate(value);
  return items.length > 0 ? items[items.length - 1] : new Undefined('No last item, sequence was empty.');
}

function defaultFilter(value: unknown, fallback: unknown = '', boolean: unknown = false): unknown {
  if (isUndefined(value) || (truthy(boolean) && !truthy(value))) return fallback;
  return value;
}

function sum(value: unknown, attribute: unknown = null, start: unknown = 0): unknown {
  const get = attrGetter(attribute);
  return iterate(value).reduce((acc, item) => add(acc, get(item)), start);
}

/** Python getattr() only: unlike `.name`, a dict's keys are not attributes. */
function attr(value: unknown, name: unknown): unknown {
  const key = pyStr(name);
  if (isDict(value)) {
    return hasOwn(DICT_METHODS, key) ? getattr(value, key) : new Undefined(`'dict object' has no attribute '${key}'`);
  }
  return getattr(value, key);
}

function items(value: unknown): unknown[] {
  if (isUndefined(value)) return [];
  if (!isDict(value)) throw typeError('Can only get item pairs from a mapping.');
  return Object.keys(value).map((k) => tuple([k, value[k]]));
}

export const FILTERS: Record<string, FilterFn> = {
  ...TEXT_FILTERS,
  abs: filter('abs', [], (v) => {
    const n = num(v);
    if (typeof n !== 'number') throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
    return v instanceof PyFloat ? new PyFloat(Math.abs(n)) : Math.abs(n);
  }),
  attr: filter('attr', ['name'], attr),
  batch: filter('batch', ['linecount', 'fill_with'], batch),
  count: filter('count', [], length),
  length: filter('length', [], length),
  default: filter('default', ['default_value', 'boolean'], defaultFilter),
  d: filter('d', ['default_value', 'boolean'], defaultFilter),
  dictsort: filter('dictsort', ['case_sensitive', 'by', 'reverse'], dictsort),
  first: filter('first', [], first),
  last: filter('last', [], last),
  float: filter('float', ['default'], (v, d) => toFloat(v, d === undefined ? new PyFloat(0) : d)),
  int: filter('int', ['default', 'base'], (v, d, b) => toInt(v, d === undefined ? 0 : d, b === undefined ? 10 : b)),
  round: filter('round', ['precision', 'method'], round),
  items: filter('items', [], items),
  join: filter('join', ['d', 'attribute'], (v, d, a) => iterate(v).map(attrGetter(a)).map(pyStr).join(d === undefined ? '' : pyStr(d))),
  list: filter('list', [], (v) => [...iterate(v)]),
  map,
  max: filter('max', ['case_sensitive', 'attribute'], (v, c, a) => aggregate(v, c, a, true)),
  min: filter('min', ['case_sensitive', 'attribute'], (v, c, a) => aggregate(v, c, a, false)),
  random: filter('random', [], (v) => {
    const seq = iterate(v);
    return seq.length > 0 ? seq[Math.floor(Math.random() * seq.length)] : new Undefined('No random item, sequence was empty.');
  }),
  reverse: filter('reverse', [], (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...iterate(v)].reverse())),
  select: selectOrReject(true, false),
  reject: selectOrReject(false, false),
  selectattr: selectOrReject(true, true),
  rejectattr: selectOrReject(false, true),
  slice: filter('slice', ['slices', 'fill_with'], sliceFilter),
  sort: filter('sort', ['reverse', 'case_sensitive', 'attribute'], (v, r, c, a) => sortBy([...iterate(v)], keyFor(c, a), !!r)),
  sum: filter('sum', ['attribute', 'start'], sum),
  unique: filter('unique', ['case_sensitive', 'attribute'], unique),
  groupby: filter('groupby', ['attribute', 'default', 'case_sensitive'], groupby),
  tojson: filter('tojson', ['indent'], (v, indent) => htmlSafeJson(v, (indent ?? null) as number | null)),
};

/**
 * Filters that keep a relation token whole (they print, join or pass their value along): every other filter
 * given text holding a token, or a relation that prints as one, reads the token's text (relation-tokens.ts).
 */
const KEEP_TOKENS = new Set(['string', 'safe', 'join', 'default', 'd', 'as_text', 'as_native']);

for (const name of Object.keys(FILTERS)) {
  if (KEEP_TOKENS.has(name)) continue;
  const fn = FILTERS[name]!;
  FILTERS[name] = (value, args, kwargs) => {
    readsText(value);
    for (const a of args) if (typeof a === 'string') readsText(a);
    return fn(value, args, kwargs);
  };
}

setFilterNames(() => Object.keys(FILTERS));
