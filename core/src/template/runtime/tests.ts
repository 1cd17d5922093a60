/** Jinja2's builtin tests (`x is defined`, `n is divisibleby 3`, `v is sameas false`...). */
import { isCallable } from './callables.js';
import { contains, eq, ge, gt, le, lt, mod } from './operators.js';
import { STR_METHODS } from './str-methods.js';
import { readsText } from './relation-tokens.js';
import { pyStr } from './repr.js';
import { PY_MAPPING, PyError, PyFloat, isDict, isInt, isNumber, isUndefined, truthy } from './values.js';

export type TestFn = (value: unknown, args: unknown[]) => boolean;

const isIterable = (v: unknown) =>
  typeof v === 'string' || Array.isArray(v) || isDict(v) || isUndefined(v) || v instanceof Map || v instanceof Set;

let filterNames: () => Iterable<string> = () => [];

/** The `filter` test needs the filter table, which is built elsewhere. */
export function setFilterNames(names: () => Iterable<string>): void {
  filterNames = names;
}

export const TESTS: Record<string, TestFn> = {
  defined: (v) => !isUndefined(v),
  undefined: (v) => isUndefined(v),
  none: (v) => v === null,
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  false: (v) => v === false,
  number: (v) => isNumber(v) || typeof v === 'boolean',
  integer: (v) => isInt(v),
  float: (v) => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v)),
  string: (v) => typeof v === 'string',
  mapping: (v) => isDict(v) || v instanceof Map || (v !== null && typeof v === 'object' && PY_MAPPING in v),
  sequence: (v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || isUndefined(v),
  iterable: isIterable,
  callable: (v) => isCallable(v),
  sameas: (v, [other]) => v === other || (v instanceof PyFloat && other instanceof PyFloat && v.value === other.value),
  escaped: () => false,
  lower: (v) => {
    readsText(v);
    return STR_METHODS.islower!(pyStr(v), [], null) === true;
  },
  upper: (v) => {
    readsText(v);
    return STR_METHODS.isupper!(pyStr(v), [], null) === true;
  },
  divisibleby: (v, [n]) => eq(mod(v, n), 0),
  even: (v) => eq(mod(v, 2), 0),
  odd: (v) => eq(mod(v, 2), 1),
  in: (v, [seq]) => contains(seq, v),
  eq: (v, [o]) => eq(v, o),
  ne: (v, [o]) => !eq(v, o),
  lt: (v, [o]) => lt(v, o),
  le: (v, [o]) => le(v, o),
  gt: (v, [o]) => gt(v, o),
  ge: (v, [o]) => ge(v, o),
  filter: (v) => typeof v === 'string' && [...filterNames()].includes(v),
  test: (v) => typeof v === 'string' && Object.prototype.hasOwnProperty.call(TESTS, v),
};

const ALIASES: Record<string, string> = {
  '==': 'eq',
  equalto: 'eq',
  '!=': 'ne',
  '<': 'lt',
  lessthan: 'lt',
  '<=': 'le',
  '>': 'gt',
  greaterthan: 'gt',
  '>=': 'ge',
};
for (const [alias, name] of Object.entries(ALIASES)) TESTS[alias] = TESTS[name]!;

/** Runs a test by name (used by select/reject filters). */
export function runTest(name: string, value: unknown, args: unknown[]): boolean {
  const test = Object.prototype.hasOwnProperty.call(TESTS, name) ? TESTS[name] : undefined;
  if (!test) throw new PyError('TemplateRuntimeError', `No test named '${name}'.`);
  return truthy(test(value, args));
}
