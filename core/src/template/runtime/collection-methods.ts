/**
 * Python's list, tuple and dict methods on template values: `{% do cols.append(c) %}`, `d.items()`,
 * `d.get('k', 0)`, `d.update(x=1)`, `items.pop()`...
 */
import type { Kwargs } from './callables.js';
import { callValue } from './callables.js';
import { compare, eq, iterate } from './operators.js';
import { pyRepr } from './repr.js';
import { arg } from './str-methods.js';
import { PyError, dictKey, hasOwn, isDict, num, tuple, typeError, typeName, valueError, view } from './values.js';

export type MethodImpl<T = never> = (self: T, args: unknown[], kwargs: Kwargs | null) => unknown;

function index(value: unknown, len: number, what: string): number {
  const n = num(value);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw typeError(`'${typeName(value)}' object cannot be interpreted as an integer`);
  const i = n < 0 ? n + len : n;
  if (i < 0 || i >= len) throw new PyError('IndexError', `${what} index out of range`);
  return i;
}

function findIndex(items: unknown[], args: unknown[], kwargs: Kwargs | null): number {
  const x = arg(args, kwargs, 0, 'value');
  const start = Number(num(arg(args, kwargs, 1, 'start', 0)));
  const stop = Number(num(arg(args, kwargs, 2, 'stop', items.length)));
  for (let i = Math.max(0, start < 0 ? start + items.length : start); i < Math.min(items.length, stop); i++) {
    if (eq(items[i], x)) return i;
  }
  throw valueError(`${pyRepr(x)} is not in list`);
}

const count = (items: unknown[], args: unknown[]) => items.filter((item) => eq(item, args[0])).length;

/** Sort keys for list.sort(key=...): the key function may be a macro or a JS function. */
function sortList(items: unknown[], args: unknown[], kwargs: Kwargs | null): null {
  if (args.length > 0) throw typeError('sort() takes no positional arguments');
  const key = kwargs?.key;
  const reverse = !!kwargs?.reverse;
  const keyed = items.map((item) => ({ item, key: key === undefined || key === null ? item : callValue(key, [item], null) }));
  keyed.sort((a, b) => (reverse ? compare(b.key, a.key, '<') : compare(a.key, b.key, '<')));
  keyed.forEach((entry, i) => (items[i] = entry.item));
  return null;
}

export const LIST_METHODS: Record<string, MethodImpl<unknown[]>> = {
  append: (items, args) => {
    items.push(args[0]);
    return null;
  },
  extend: (items, args) => {
    items.push(...iterate(args[0]));
    return null;
  },
  insert: (items, args) => {
    const n = Number(num(args[0]));
    const i = n < 0 ? Math.max(0, items.length + n) : Math.min(n, items.length);
    items.splice(i, 0, args[1]);
    return null;
  },
  pop: (items, args, kwargs) => {
    if (items.length === 0) throw new PyError('IndexError', 'pop from empty list');
    const i = index(arg(args, kwargs, 0, 'index', -1), items.length, 'pop');
    return items.splice(i, 1)[0];
  },
  remove: (items, args) => {
    const i = items.findIndex((item) => eq(item, args[0]));
    if (i < 0) throw valueError('list.remove(x): x not in list');
    items.splice(i, 1);
    return null;
  },
  index: findIndex,
  count,
  reverse: (items) => {
    items.reverse();
    return null;
  },
  sort: sortList,
  copy: (items) => [...items],
  clear: (items) => {
    items.length = 0;
    return null;
  },
};

export const TUPLE_METHODS: Record<string, MethodImpl<unknown[]>> = {
  index: findIndex,
  count,
};

type Dict = Record<string, unknown>;

function update(d: Dict, args: unknown[], kwargs: Kwargs | null): null {
  const other = args[0];
  if (other !== undefined && other !== null) {
    if (isDict(other)) Object.assign(d, other);
    else for (const pair of iterate(other)) {
      const [k, v] = iterate(pair);
      d[dictKey(k)] = v;
    }
  }
  if (kwargs) Object.assign(d, kwargs);
  return null;
}

export const DICT_METHODS: Record<string, MethodImpl<Dict>> = {
  get: (d, args) => {
    const key = dictKey(args[0]);
    return hasOwn(d, key) ? d[key] : args.length > 1 ? args[1] : null;
  },
  items: (d) => view(Object.keys(d).map((k) => tuple([k, d[k]])), 'dict_items'),
  keys: (d) => view(Object.keys(d), 'dict_keys'),
  values: (d) => view(Object.values(d), 'dict_values'),
  pop: (d, args) => {
    const key = dictKey(args[0]);
    if (hasOwn(d, key)) {
      const value = d[key];
      delete d[key];
      return value;
    }
    if (args.length > 1) return args[1];
    throw new PyError('KeyError', pyRepr(args[0]));
  },
  popitem: (d) => {
    const keys = Object.keys(d);
    if (keys.length === 0) throw new PyError('KeyError', "'popitem(): dictionary is empty'");
    const key = keys[keys.length - 1]!;
    const value = d[key];
    delete d[key];
    return tuple([key, value]);
  },
  setdefault: (d, args) => {
    const key = dictKey(args[0]);
    if (!hasOwn(d, key)) d[key] = args.length > 1 ? args[1] : null;
    return d[key];
  },
  update,
  copy: (d) => ({ ...d }),
  clear: (d) => {
    for (const key of Object.keys(d)) delete d[key];
    return null;
  },
};
