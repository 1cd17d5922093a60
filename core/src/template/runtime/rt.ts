/**
 * The helpers compiled templates call (`rt.*` in generated code), gathered in one object so that the
 * generated code stays short and every Python semantic lives in a named, tested function.
 */
import { getattr, getitem, slice, callMethod } from './attributes.js';
import { setNamespaceAttr } from './builtins.js';
import { callValue, type Kwargs } from './callables.js';
import { Loop } from './loop.js';
import { MISSING, Macro, ReturnSignal, missingParameter, type MacroBody, type MacroMeta } from './macro.js';
import * as ops from './operators.js';
import { pyStr } from './repr.js';
import { PyError, PyFloat, Undefined, dictKey, isDict, isHashable, isUndefined, truthy, tuple, typeError, typeName, undef, undefinedError } from './values.js';

export const TEMPLATE_LOCATION: unique symbol = Symbol('xform.templateLocation');

export interface TemplateLocation {
  file: string;
  line: number;
  column: number;
  /** The macro that failed, when the error happened inside one. */
  macro: string | null;
  /** Where the failing macro was called from, innermost first. */
  calledFrom: { file: string; line: number }[];
}

/** Records where an error happened (the innermost template or macro) on its way out of a render. */
function locate(err: unknown, file: string, line: number, column: number, macro: string | null): unknown {
  if (err instanceof ReturnSignal) return err;
  const error = err !== null && typeof err === 'object' ? (err as Record<symbol, unknown>) : (new Error(String(err)) as unknown as Record<symbol, unknown>);
  const loc = error[TEMPLATE_LOCATION] as TemplateLocation | undefined;
  if (!loc) error[TEMPLATE_LOCATION] = { file, line, column, macro, calledFrom: [] } satisfies TemplateLocation;
  else loc.calledFrom.push({ file, line });
  return error;
}

function unpack(value: unknown, n: number): unknown[] {
  if (isUndefined(value)) throw undefinedError(value);
  const items = ops.iterate(value);
  if (items.length < n) throw new PyError('ValueError', `not enough values to unpack (expected ${n}, got ${items.length})`);
  if (items.length > n) throw new PyError('ValueError', `too many values to unpack (expected ${n})`);
  return items;
}

function dict(pairs: [unknown, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of pairs) {
    if (k !== null && typeof k === 'object' && !(k instanceof PyFloat) && !isHashable(k)) throw typeError(`unhashable type: '${typeName(k)}'`);
    Object.defineProperty(out, dictKey(k), { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function starKwargs(value: unknown): Kwargs {
  if (!isDict(value)) throw typeError(`argument after ** must be a mapping, not ${typeName(value)}`);
  return value;
}

function unknownFilterOrTest(kind: 'filter' | 'test', name: string): never {
  throw new PyError('TemplateRuntimeError', `No ${kind} named '${name}'.`);
}

export const rt = {
  str: pyStr,
  truthy,
  iterate: ops.iterate,
  unpack,
  getattr,
  getitem,
  slice,
  call: (fn: unknown, args: unknown[], kwargs: Kwargs | null) => callValue(fn, args, kwargs),
  callMethod,
  add: ops.add,
  sub: ops.sub,
  mul: ops.mul,
  div: ops.div,
  floordiv: ops.floordiv,
  mod: ops.mod,
  pow: ops.pow,
  neg: ops.neg,
  pos: ops.pos,
  concat: ops.concat,
  eq: ops.eq,
  ne: (a: unknown, b: unknown) => !ops.eq(a, b),
  lt: ops.lt,
  le: ops.le,
  gt: ops.gt,
  ge: ops.ge,
  contains: ops.contains,
  tuple,
  dict,
  f: (n: number) => new PyFloat(n),
  star: (value: unknown) => ops.iterate(value),
  starKwargs,
  undef,
  condUndefined: (line: number) =>
    new Undefined(`the inline if-expression on line ${line} evaluated to false and no else section was defined.`),
  macro: (meta: MacroMeta, body: MacroBody) => new Macro(meta, body),
  MISSING,
  missingParameter,
  Loop,
  nsset: setNamespaceAttr,
  unknownFilterOrTest,
  locate,
};

export type Runtime = typeof rt;
