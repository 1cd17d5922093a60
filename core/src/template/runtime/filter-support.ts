/**
 * What filters and tests share: binding Python-style arguments to named parameters (an unknown keyword is
 * an error, as in Jinja2, not silently ignored), attribute getters (`attribute='a.b'` / `attribute='0'`) and
 * case-insensitive sort keys.
 */
import type { Kwargs } from './callables.js';
import { getitem } from './attributes.js';
import { compare } from './operators.js';
import { Undefined, typeError } from './values.js';

export type FilterFn = (value: unknown, args: unknown[], kwargs: Kwargs | null) => unknown;

/** Python's argument binding for a filter with parameters `params` (after the filtered value). */
export function bind(name: string, params: string[], args: unknown[], kwargs: Kwargs | null): unknown[] {
  if (args.length > params.length) {
    throw typeError(`${name}() takes ${params.length + 1} positional argument(s) but ${args.length + 1} were given`);
  }
  const values: unknown[] = [...args];
  if (kwargs) {
    for (const key of Object.keys(kwargs)) {
      const i = params.indexOf(key);
      if (i < 0) throw typeError(`${name}() got an unexpected keyword argument '${key}'`);
      if (i < args.length) throw typeError(`${name}() got multiple values for argument '${key}'`);
      values[i] = kwargs[key];
    }
  }
  return values;
}

/** A filter with named parameters; `fn` receives them in order (undefined where not given). */
export function filter(name: string, params: string[], fn: (value: unknown, ...params: unknown[]) => unknown): FilterFn {
  return (value, args, kwargs) => fn(value, ...bind(name, params, args, kwargs));
}

/** Lower-cases strings for comparisons when `case_sensitive` is false. */
export function ignoreCase(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** Jinja2's make_attrgetter: `a.b` or `0` walks items (integers for digit parts), with an optional default. */
export function attrGetter(attribute: unknown, postprocess?: (v: unknown) => unknown, fallback?: unknown): (item: unknown) => unknown {
  if (attribute === undefined || attribute === null) return postprocess ?? ((item) => item);
  const parts =
    typeof attribute === 'string'
      ? attribute.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
      : [attribute];
  return (item) => {
    let value = item;
    for (const part of parts) value = getitem(value, part);
    if (fallback !== undefined && value instanceof Undefined) value = fallback;
    return postprocess ? postprocess(value) : value;
  };
}

/** Stable sort by a key function, in Python order. */
export function sortBy<T>(items: T[], key: (item: T) => unknown, reverse = false): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => (reverse ? compare(b.key, a.key, '<') : compare(a.key, b.key, '<')));
  return keyed.map((entry) => entry.item);
}

export function kwargsOf(kwargs: Kwargs | null): Kwargs {
  return kwargs ?? {};
}
