/**
 * Calling things from a template. Python calls carry keyword arguments; JavaScript functions do not, so a
 * function that wants them is wrapped with `pyFunction` and receives `(args, kwargs)`. A plain JS function
 * receives its positional arguments (and, when there are keyword arguments, one extra object holding them).
 * Macros and bound Python methods implement `PY_CALL`.
 */
import { PyFloat, Undefined, isDict, isUndefined, typeError, typeName, undefinedError } from './values.js';

export const PY_FUNCTION: unique symbol = Symbol.for('xform.pyFunction');
/** Marks runtime-internal functions that take template values as they are (no conversion to JS). */
export const PY_NATIVE: unique symbol = Symbol('xform.pyNative');
export const PY_CALL: unique symbol = Symbol('xform.pyCall');
/** Objects implementing this answer `obj.name` themselves (namespace(), datetime objects). */
export const PY_GETATTR: unique symbol = Symbol('xform.pyGetattr');

export type Kwargs = Record<string, unknown>;
export type PyFunctionImpl = (args: unknown[], kwargs: Kwargs) => unknown;

export interface PyCallable {
  [PY_CALL](args: unknown[], kwargs: Kwargs | null): unknown;
}

/**
 * Wraps a JS function so it can be called from templates with Python-style keyword arguments:
 * `config(materialized='table', tags=['a'])` arrives as `fn([], {materialized: 'table', tags: ['a']})`.
 */
export function pyFunction<F extends PyFunctionImpl>(fn: F): F {
  Object.defineProperty(fn, PY_FUNCTION, { value: true });
  return fn;
}

/** Like pyFunction, for the engine's own helpers: arguments arrive as template values (PyFloat, Undefined). */
export function nativeFunction<F extends PyFunctionImpl>(fn: F): F {
  Object.defineProperty(fn, PY_NATIVE, { value: true });
  return fn;
}

/** A function taking `(args, kwargs)`, either kind. */
export function isPyFunction(value: unknown): value is PyFunctionImpl {
  return (
    typeof value === 'function' &&
    ((value as { [PY_FUNCTION]?: boolean })[PY_FUNCTION] === true || (value as { [PY_NATIVE]?: boolean })[PY_NATIVE] === true)
  );
}

export function isPyCallable(value: unknown): value is PyCallable {
  return value !== null && typeof value === 'object' && typeof (value as Partial<PyCallable>)[PY_CALL] === 'function';
}

export function isCallable(value: unknown): boolean {
  return typeof value === 'function' || isPyCallable(value);
}

/** A Python method taken from its object (`'a'.upper`), callable later. */
export class BoundMethod implements PyCallable {
  constructor(
    readonly self: unknown,
    readonly name: string,
    readonly impl: (self: never, args: unknown[], kwargs: Kwargs | null) => unknown,
  ) {}
  [PY_CALL](args: unknown[], kwargs: Kwargs | null): unknown {
    return this.impl(this.self as never, args, kwargs);
  }
  toString(): string {
    return `<built-in method ${this.name} of ${typeName(this.self)} object>`;
  }
}

/** Template values as JavaScript code expects them: plain numbers, `undefined` for Undefined. */
export function toJs(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (value instanceof Undefined) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item instanceof PyFloat || item instanceof Undefined || (item !== null && typeof item === 'object' && toJs(item) !== item)) {
        return value.map(toJs);
      }
    }
    return value;
  }
  if (isDict(value)) {
    let copy: Record<string, unknown> | null = null;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const converted = item !== null && typeof item === 'object' ? toJs(item) : item;
      if (converted !== item) {
        copy ??= { ...value };
        copy[key] = converted;
      }
    }
    return copy ?? value;
  }
  return value;
}

function hasKeys(kwargs: Kwargs | null): kwargs is Kwargs {
  if (kwargs === null) return false;
  for (const _ in kwargs) return true;
  return false;
}

/** Calls `fn` with Python arguments. `self` binds a plain JS method to its object. */
export function callValue(fn: unknown, args: unknown[], kwargs: Kwargs | null, self?: unknown): unknown {
  if (typeof fn === 'function') {
    if ((fn as { [PY_NATIVE]?: boolean })[PY_NATIVE] === true) {
      return (fn as PyFunctionImpl).call(self, args, kwargs ?? {});
    }
    if ((fn as { [PY_FUNCTION]?: boolean })[PY_FUNCTION] === true) {
      return (fn as PyFunctionImpl).call(self, args.map(toJs), hasKeys(kwargs) ? (toJs(kwargs) as Kwargs) : {});
    }
    const jsArgs = args.map(toJs);
    if (hasKeys(kwargs)) jsArgs.push(toJs(kwargs));
    return (fn as (...a: unknown[]) => unknown).apply(self, jsArgs);
  }
  if (isPyCallable(fn)) return fn[PY_CALL](args, kwargs);
  if (isUndefined(fn)) throw undefinedError(fn);
  throw typeError(`'${typeName(fn)}' object is not callable`);
}
