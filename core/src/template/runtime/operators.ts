/**
 * Python's operators on template values: int/float arithmetic (`7 / 2` is 3.5, `4 / 2` is 2.0, `-7 // 2` is
 * -4, `%` takes the divisor's sign), sequence repetition and concatenation, deep `==`, ordering with
 * TypeErrors where Python has them, and `in`.
 */
import { formatPercent } from './format.js';
import { pyStr } from './repr.js';
import { readsText } from './relation-tokens.js';
import {
  PyFloat,
  Undefined,
  dictKey,
  hasOwn,
  isHashable,
  isDict,
  isFloat,
  isTuple,
  isUndefined,
  makeFloat,
  tuple,
  typeError,
  typeName,
  undefinedError,
  PyError,
  fromJsDate,
} from './values.js';

/** Objects that take part in arithmetic (datetime, timedelta) implement these. */
export interface PyOperand {
  __add__?(other: unknown): unknown;
  __radd__?(other: unknown): unknown;
  __sub__?(other: unknown): unknown;
  __rsub__?(other: unknown): unknown;
  __lt__?(other: unknown): boolean;
  __eq__?(other: unknown): boolean;
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function failOperands(op: string, a: unknown, b: unknown): never {
  if (isUndefined(a)) throw undefinedError(a);
  if (isUndefined(b)) throw undefinedError(b);
  throw typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function numeric(a: unknown, b: unknown, op: string, fn: (x: number, y: number, floaty: boolean) => number | PyFloat) {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === null || y === null) return failOperands(op, a, b);
  return fn(x, y, isFloat(a) || isFloat(b));
}

function intOrFloat(value: number, floaty: boolean): number | PyFloat {
  return floaty ? makeFloat(value) : value;
}

function dunder(a: unknown, b: unknown, name: '__add__' | '__sub__', rname: '__radd__' | '__rsub__'): { value: unknown } | null {
  a = fromJsDate(a);
  b = fromJsDate(b);
  if (a !== null && typeof a === 'object' && typeof (a as PyOperand)[name] === 'function') {
    return { value: (a as PyOperand)[name]!(b) };
  }
  if (b !== null && typeof b === 'object' && typeof (b as PyOperand)[rname] === 'function') {
    return { value: (b as PyOperand)[rname]!(a) };
  }
  return null;
}

export function add(a: unknown, b: unknown): unknown {
  if (Number.isInteger(a) && Number.isInteger(b)) return (a as number) + (b as number);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const joined = [...a, ...b];
    return isTuple(a) ? tuple(joined) : joined;
  }
  const custom = dunder(a, b, '__add__', '__radd__');
  if (custom) return custom.value;
  if (typeof a === 'string' && !isUndefined(b)) throw typeError(`can only concatenate str (not "${typeName(b)}") to str`);
  if (Array.isArray(a) && Array.isArray(b)) throw typeError(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
  return numeric(a, b, '+', (x, y, f) => intOrFloat(x + y, f));
}

export function sub(a: unknown, b: unknown): unknown {
  if (Number.isInteger(a) && Number.isInteger(b)) return (a as number) - (b as number);
  const custom = dunder(a, b, '__sub__', '__rsub__');
  if (custom) return custom.value;
  return numeric(a, b, '-', (x, y, f) => intOrFloat(x - y, f));
}

function repeat(seq: unknown, times: unknown): unknown {
  const n = asNumber(times);
  if (n === null || isFloat(times)) throw typeError(`can't multiply sequence by non-int of type '${typeName(times)}'`);
  if (typeof seq === 'string') return n > 0 ? seq.repeat(n) : '';
  const items = seq as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return isTuple(items) ? tuple(out) : out;
}

export function mul(a: unknown, b: unknown): unknown {
  if (Number.isInteger(a) && Number.isInteger(b)) return (a as number) * (b as number);
  if (typeof a === 'string' || Array.isArray(a)) return repeat(a, b);
  if (typeof b === 'string' || Array.isArray(b)) return repeat(b, a);
  return numeric(a, b, '*', (x, y, f) => intOrFloat(x * y, f));
}

function zeroCheck(y: number, what: string): void {
  if (y === 0) throw new PyError('ZeroDivisionError', what);
}

export function div(a: unknown, b: unknown): unknown {
  return numeric(a, b, '/', (x, y) => {
    zeroCheck(y, 'division by zero');
    return makeFloat(x / y);
  });
}

export function floordiv(a: unknown, b: unknown): unknown {
  return numeric(a, b, '//', (x, y, f) => {
    zeroCheck(y, f ? 'float floor division by zero' : 'integer division or modulo by zero');
    return intOrFloat(Math.floor(x / y), f);
  });
}

export function mod(a: unknown, b: unknown): unknown {
  if (typeof a === 'string') {
    // Formatting may read the text (a width, a precision, %r): a token in the format or an argument, even one
    // a plain %s would keep whole, renders the model again.
    readsText(a);
    for (const arg of Array.isArray(b) ? b : [b]) readsText(arg);
    return formatPercent(a, b);
  }
  return numeric(a, b, '%', (x, y, f) => {
    zeroCheck(y, f ? 'float modulo' : 'integer division or modulo by zero');
    const r = x % y;
    return intOrFloat(r !== 0 && r < 0 !== y < 0 ? r + y : r, f);
  });
}

export function pow(a: unknown, b: unknown): unknown {
  return numeric(a, b, '**', (x, y, f) => {
    if (x === 0 && y < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
    const r = x ** y;
    return intOrFloat(r, f || y < 0);
  });
}

export function neg(a: unknown): unknown {
  if (typeof a === 'number') return a === 0 ? 0 : -a;
  if (a instanceof PyFloat) return new PyFloat(-a.value);
  if (typeof a === 'boolean') return a ? -1 : 0;
  if (isUndefined(a)) throw undefinedError(a);
  throw typeError(`bad operand type for unary -: '${typeName(a)}'`);
}

export function pos(a: unknown): unknown {
  if (typeof a === 'number' || a instanceof PyFloat) return a;
  if (typeof a === 'boolean') return a ? 1 : 0;
  if (isUndefined(a)) throw undefinedError(a);
  throw typeError(`bad operand type for unary +: '${typeName(a)}'`);
}

/** `a ~ b ~ c`: everything printed and joined. */
export function concat(items: unknown[]): string {
  let out = '';
  for (const item of items) out += pyStr(item);
  return out;
}

/** Python `==`, deep on lists, tuples and dicts; a list never equals a tuple. */
export function eq(a: unknown, b: unknown): boolean {
  if (typeof a === 'string') readsText(a);
  if (typeof b === 'string') readsText(b);
  if (a === b) return true;
  const x = asNumber(a);
  if (x !== null) {
    const y = asNumber(b);
    return y !== null && x === y;
  }
  if (a instanceof Undefined || a === undefined) return b instanceof Undefined || b === undefined;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || isTuple(a) !== isTuple(b)) return false;
    for (let i = 0; i < a.length; i++) if (!eq(a[i], b[i])) return false;
    return true;
  }
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => hasOwn(b, k) && eq(a[k], b[k]));
  }
  if (a instanceof Date || b instanceof Date) return eq(fromJsDate(a), fromJsDate(b));
  // Python sets (dbt's `set()`) are equal when they hold equal members, whatever the order.
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    const members = [...b];
    for (const item of a) if (!members.some((m) => eq(item, m))) return false;
    return true;
  }
  if (a !== null && typeof a === 'object' && typeof (a as PyOperand).__eq__ === 'function') return (a as PyOperand).__eq__!(b);
  return false;
}

/** Python ordering; `null < 1` and `'a' < 1` are TypeErrors. Returns a<b as -1, a==b as 0, a>b as 1. */
export function compare(a: unknown, b: unknown, op: string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== null && y !== null) return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  if (typeof a === 'string' && typeof b === 'string') {
    readsText(a);
    readsText(b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!eq(a[i], b[i])) return compare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  if (a instanceof Date || b instanceof Date) return compare(fromJsDate(a), fromJsDate(b), op);
  if (a !== null && typeof a === 'object' && typeof (a as PyOperand).__lt__ === 'function') {
    return (a as PyOperand).__lt__!(b) ? -1 : eq(a, b) ? 0 : 1;
  }
  if (isUndefined(a)) throw undefinedError(a);
  if (isUndefined(b)) throw undefinedError(b);
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

export const lt = (a: unknown, b: unknown) => compare(a, b, '<') < 0;
export const le = (a: unknown, b: unknown) => compare(a, b, '<=') <= 0;
export const gt = (a: unknown, b: unknown) => compare(a, b, '>') > 0;
export const ge = (a: unknown, b: unknown) => compare(a, b, '>=') >= 0;

/** `item in container`: substring for strings, membership (by ==) for sequences, key for dicts. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof item === 'string') readsText(item);
  if (typeof container === 'string') {
    readsText(container);
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (const element of container) if (eq(element, item)) return true;
    return false;
  }
  if (isDict(container)) {
    if (Array.isArray(item) && !isTuple(item)) throw typeError("unhashable type: 'list'");
    if (isDict(item)) throw typeError("unhashable type: 'dict'");
    if (item !== null && typeof item === 'object' && !(item instanceof PyFloat) && !isHashable(item)) return false;
    return hasOwn(container, dictKey(item));
  }
  if (container instanceof Map) return container.has(item);
  if (container instanceof Set) return container.has(item) || (isHashable(item) && [...container].some((member) => eq(member, item)));
  if (isUndefined(container)) return false;
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** The items a for loop (or a filter) walks over: a list's items, a string's characters, a dict's keys. */
export function iterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    readsText(value);
    return Array.from(value);
  }
  if (isDict(value)) return Object.keys(value);
  if (value instanceof Map) return [...value.keys()];
  if (isUndefined(value)) return [];
  if (value !== null && typeof value === 'object' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return Array.from(value as Iterable<unknown>);
  }
  throw typeError(`'${typeName(value)}' object is not iterable`);
}

/** Python len(). */
export function length(value: unknown): number {
  if (typeof value === 'string') return Array.from(value).length;
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return Object.keys(value).length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (isUndefined(value)) return 0;
  throw typeError(`object of type '${typeName(value)}' has no len()`);
}
