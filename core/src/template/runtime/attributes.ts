/**
 * `obj.attr`, `obj[key]`, `obj[a:b:c]` and `obj.method(...)` as Jinja2 resolves them: an attribute first
 * and then an item for `.` (so `d.items` is the dict method), an item first and then an attribute for `[]`;
 * a missing attribute of a defined value is Undefined (prints as ''), while any use of an Undefined fails.
 */
import { BoundMethod, PY_GETATTR, callValue, isPyFunction, type Kwargs } from './callables.js';
import { DICT_METHODS, LIST_METHODS, TUPLE_METHODS, type MethodImpl } from './collection-methods.js';
import { readsText } from './relation-tokens.js';
import { STR_METHODS } from './str-methods.js';
import { PyFloat, Undefined, dictKey, hasOwn, isDict, isHashable, isTuple, isUndefined, tuple, typeError, typeName, undefinedError, num, valueError, fromJsDate } from './values.js';

const BLOCKED = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__']);

function objectLabel(value: unknown): string {
  return `'${typeName(value)} object'`;
}

function missingAttribute(obj: unknown, name: string): Undefined {
  return new Undefined(`${objectLabel(obj)} has no attribute '${name}'`);
}

function methodTable(obj: unknown): Record<string, MethodImpl> | null {
  if (typeof obj === 'string') return STR_METHODS;
  if (Array.isArray(obj)) return isTuple(obj) ? TUPLE_METHODS : LIST_METHODS;
  if (isDict(obj)) return DICT_METHODS;
  return null;
}

export function getattr(obj: unknown, name: string): unknown {
  if (obj instanceof Date) obj = fromJsDate(obj);
  if (obj === null) return new Undefined(`'None' has no attribute '${name}'`);
  if (obj === undefined || obj instanceof Undefined) throw undefinedError(obj);
  if (BLOCKED.has(name)) return missingAttribute(obj, name);
  const table = methodTable(obj);
  if (table !== null) {
    if (typeof obj === 'string') readsText(obj);
    if (isDict(obj) && hasOwn(obj, name) && typeof obj[name] === 'function') return obj[name]; // JS namespace objects
    const method = hasOwn(table, name) ? table[name] : undefined;
    if (method) return new BoundMethod(obj, name, method);
    // Dict keys, and named fields of tuples such as groupby()'s (grouper, list).
    if (typeof obj !== 'string' && hasOwn(obj as object, name) && !(Array.isArray(obj) && (name === 'length' || /^\d+$/.test(name)))) {
      return (obj as Record<string, unknown>)[name];
    }
    return missingAttribute(obj, name);
  }
  if (typeof obj === 'object' || typeof obj === 'function') {
    const custom = (obj as { [PY_GETATTR]?: (name: string) => unknown })[PY_GETATTR];
    if (typeof custom === 'function') return custom.call(obj, name);
    if (name in (obj as object)) {
      const value = (obj as Record<string, unknown>)[name];
      if (typeof value === 'function' && typeof obj === 'object' && !isPyFunction(value)) {
        return (value as (...a: unknown[]) => unknown).bind(obj);
      }
      return value;
    }
  }
  return missingAttribute(obj, name);
}

function normalizeIndex(index: number, len: number): number {
  return index < 0 ? index + len : index;
}

export function getitem(obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj instanceof Undefined) throw undefinedError(obj);
  if (typeof key === 'boolean' || key instanceof PyFloat) key = num(key);
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (typeof obj === 'string') readsText(obj);
    if (typeof key === 'number' && Number.isInteger(key)) {
      const items = typeof obj === 'string' ? Array.from(obj) : obj;
      const i = normalizeIndex(key, items.length);
      if (i >= 0 && i < items.length) return items[i];
      return new Undefined(`${objectLabel(obj)} has no element ${key}`);
    }
    if (typeof key === 'string') return getattr(obj, key);
    return new Undefined(`${objectLabel(obj)} has no element ${String(key)}`);
  }
  if (isDict(obj)) {
    if (key !== null && typeof key === 'object' && !isHashable(key)) return new Undefined(`${objectLabel(obj)} has no element ${String(key)}`);
    const k = dictKey(key);
    if (hasOwn(obj, k)) return obj[k];
    return typeof key === 'string' ? getattr(obj, key) : new Undefined(`${objectLabel(obj)} has no element ${k}`);
  }
  if (obj instanceof Map) return obj.has(key) ? obj.get(key) : new Undefined(`'dict object' has no element ${String(key)}`);
  if (typeof key === 'string') return getattr(obj, key);
  if (obj === null) return new Undefined(`'None' has no element ${String(key)}`);
  return new Undefined(`${objectLabel(obj)} has no element ${String(key)}`);
}

function sliceBound(value: unknown, name: string): number | null {
  if (value === null || isUndefined(value)) return null;
  const n = num(value);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw typeError(`slice indices must be integers or None, not ${typeName(value)} (${name})`);
  return n;
}

/** Python slice semantics (`x[1:3]`, `s[::-1]`). */
export function slice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (isUndefined(obj)) throw undefinedError(obj);
  const isString = typeof obj === 'string';
  if (!isString && !Array.isArray(obj)) return new Undefined(`${objectLabel(obj)} is not sliceable`);
  if (isString) readsText(obj);
  const items = isString ? Array.from(obj as string) : (obj as unknown[]);
  const len = items.length;
  const st = sliceBound(step, 'step') ?? 1;
  if (st === 0) throw valueError('slice step cannot be zero');
  const clamp = (v: number | null, dflt: number, lo: number, hi: number) => {
    if (v === null) return dflt;
    const i = v < 0 ? v + len : v;
    return Math.min(Math.max(i, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    const a = clamp(sliceBound(start, 'start'), 0, 0, len);
    const b = clamp(sliceBound(stop, 'stop'), len, 0, len);
    for (let i = a; i < b; i += st) out.push(items[i]);
  } else {
    const a = clamp(sliceBound(start, 'start'), len - 1, -1, len - 1);
    const b = clamp(sliceBound(stop, 'stop'), -1, -1, len - 1);
    for (let i = a; i > b; i += st) out.push(items[i]);
  }
  if (isString) return out.join('');
  return isTuple(obj) ? tuple(out) : out;
}

/** `obj.name(args)` without building a bound method for the common cases. */
export function callMethod(obj: unknown, name: string, args: unknown[], kwargs: Kwargs | null): unknown {
  if (typeof obj === 'string') readsText(obj);
  const table = methodTable(obj);
  if (table !== null && !(isDict(obj) && hasOwn(obj, name) && typeof obj[name] === 'function')) {
    const method = hasOwn(table, name) ? table[name] : undefined;
    if (method) return method(obj as never, args, kwargs);
  }
  if (obj !== null && typeof obj === 'object' && !isDict(obj) && !(obj instanceof Date) && !BLOCKED.has(name) && !(PY_GETATTR in obj) && name in obj) {
    const fn = (obj as Record<string, unknown>)[name];
    if (typeof fn === 'function') return callValue(fn, args, kwargs, obj);
  }
  const target = getattr(obj, name);
  if (target instanceof Undefined) throw undefinedError(target);
  return callValue(target, args, kwargs);
}
