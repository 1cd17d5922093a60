/**
 * How Python values live in JavaScript during a render.
 *
 * - None is `null`; True/False are booleans; str is string; list is Array; dict is a plain object.
 * - int and float are both `number`, except that a float with an integral value (`2.0`, `4 / 2`) is boxed
 *   as a `PyFloat`, because Python prints it as `2.0` and JavaScript cannot tell `2.0` from `2`.
 * - A tuple is an Array marked with `TUPLE` (so it prints `(1,)` and is not equal to a list).
 * - Jinja2's Undefined is an `Undefined` instance that remembers why it is undefined; JavaScript
 *   `undefined` (a JS function returning nothing) behaves the same.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/** Marks an array as a Python tuple. */
export const TUPLE: unique symbol = Symbol('xform.tuple');
/** Marks an array as a dict view or range, for printing (`dict_items([...])`, `range(0, 3)`). */
export const VIEW: unique symbol = Symbol('xform.view');

export type Tuple = unknown[] & { [TUPLE]: true };

export function tuple(items: unknown[]): Tuple {
  Object.defineProperty(items, TUPLE, { value: true });
  return items as Tuple;
}

export function isTuple(value: unknown): value is Tuple {
  return Array.isArray(value) && (value as Partial<Tuple>)[TUPLE] === true;
}

export function view(items: unknown[], label: string): unknown[] {
  Object.defineProperty(items, VIEW, { value: label });
  return items;
}

/** Jinja2's default Undefined: prints as '', is falsy and empty, and fails on any other use. */
export class Undefined {
  constructor(
    readonly hint: string,
    /** Set when a name (not an attribute) is undefined, for "did you mean" hints. */
    readonly name?: string,
  ) {}
}

export function undef(name: string): Undefined {
  return new Undefined(`'${name}' is undefined`, name);
}

export function isUndefined(value: unknown): value is Undefined | undefined {
  return value === undefined || value instanceof Undefined;
}

export function undefinedMessage(value: Undefined | undefined): string {
  return value instanceof Undefined ? value.hint : 'value is undefined';
}

/** A Jinja2 UndefinedError or Python TypeError/ValueError raised while rendering. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
    /** For UndefinedError: the undefined name, when it is one. */
    readonly undefinedName?: string,
  ) {
    super(message);
    this.name = pyType;
  }
}

export function typeError(message: string): PyError {
  return new PyError('TypeError', message);
}

export function valueError(message: string): PyError {
  return new PyError('ValueError', message);
}

export function undefinedError(value: Undefined | undefined): PyError {
  return new PyError('UndefinedError', undefinedMessage(value), value instanceof Undefined ? value.name : undefined);
}

export function makeFloat(value: number): number | PyFloat {
  return Number.isInteger(value) ? new PyFloat(value) : value;
}

export function isNumber(value: unknown): value is number | PyFloat {
  return typeof value === 'number' || value instanceof PyFloat;
}

export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Numbers and bools as JS numbers (Python's bool is an int); anything else is returned unchanged. */
export function num(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * How a JavaScript Date behaves in templates: as an aware UTC datetime (dbt's `run_started_at` is one), so
 * `.strftime()`, `.isoformat()`, printing and date arithmetic work. Installed by the datetime module.
 */
export const dateBridge: { wrap: ((date: Date) => unknown) | null } = { wrap: null };

export function fromJsDate(value: unknown): unknown {
  return value instanceof Date && dateBridge.wrap !== null ? dateBridge.wrap(value) : value;
}

/** A plain object literal: what templates see as a dict. Class instances are objects with attributes. */
export function isDict(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export const hasOwn = (obj: object, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** Python's name for the type of a value, for error messages (`'int' object is not iterable`). */
export function typeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (value instanceof Undefined || value === undefined) return 'Undefined';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value instanceof PyFloat) return 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return isTuple(value) ? 'tuple' : 'list';
  if (isDict(value)) return 'dict';
  if (typeof value === 'function') return 'function';
  const ctor = (value as object).constructor;
  return ctor && typeof ctor.name === 'string' && ctor.name ? ctor.name : 'object';
}

/** Python truthiness: empty strings, lists, dicts, 0, None and Undefined are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === true) return true;
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0; // NaN is true in Python too
    case 'function':
      return true;
    case 'object':
      if (Array.isArray(value)) return value.length > 0;
      if (value instanceof Undefined) return false;
      if (value instanceof PyFloat) return value.value !== 0;
      if (isDict(value)) {
        for (const key in value) if (hasOwn(value, key)) return true;
        return false;
      }
      if (value instanceof Map || value instanceof Set) return value.size > 0;
      return true;
    default:
      return true;
  }
}

/** The key a Python value becomes in a dict (plain objects only hold string keys). */
/** Objects usable as dict keys and set members (dbt's relations) give their Python hash as a string. */
export const PY_HASH: unique symbol = Symbol.for('xform.pyHash');

/** Objects a template's `is mapping` test accepts (dbt's relations are Mappings: dbt_utils checks it). */
export const PY_MAPPING: unique symbol = Symbol.for('xform.pyMapping');

export function isHashable(value: unknown): value is { [PY_HASH](): string } {
  return value !== null && typeof value === 'object' && typeof (value as { [PY_HASH]?: unknown })[PY_HASH] === 'function';
}

export function dictKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (isHashable(key)) return key[PY_HASH]();
  if (key === null) return 'None';
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (typeof key === 'number') return String(key);
  if (key instanceof PyFloat) return String(key.value);
  throw typeError(`unhashable type: '${typeName(key)}'`);
}
