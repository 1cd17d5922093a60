/**
 * `modules.itertools` as dbt exposes it (count, cycle and repeat without a bound are left out: a template
 * cannot stop an endless iterator), with Python's results as lists of tuples. Also dbt's `set` and `zip`
 * context functions, which return their `default` where Python raises a TypeError.
 */
import { nativeFunction, type Kwargs } from '../runtime/callables.js';
import { add, eq, iterate } from '../runtime/operators.js';
import { arg } from '../runtime/str-methods.js';
import { PyError, isDict, isHashable, isTuple, num, tuple, typeError } from '../runtime/values.js';

const items = (value: unknown) => [...iterate(value)];

function choose<T>(pool: T[], r: number, repeat: boolean, ordered: boolean): T[][] {
  const out: T[][] = [];
  const walk = (start: number, picked: number[]) => {
    if (picked.length === r) {
      out.push(picked.map((i) => pool[i]!));
      return;
    }
    for (let i = ordered ? 0 : start; i < pool.length; i++) {
      if (!repeat && picked.includes(i)) continue;
      walk(repeat ? i : i + 1, [...picked, i]);
    }
  };
  walk(0, []);
  return out;
}

function count(args: unknown[], kwargs: Kwargs, i: number, name: string, fallback: number): number {
  const n = num(arg(args, kwargs, i, name, fallback));
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new PyError('ValueError', `${name} must be a non-negative integer`);
  return n;
}

export const itertoolsModule = {
  chain: nativeFunction((args: unknown[]) => args.flatMap(items)),
  product: nativeFunction((args: unknown[], kwargs: Kwargs) => {
    const pools = args.map(items);
    const times = count([], kwargs, 0, 'repeat', 1);
    let out: unknown[][] = [[]];
    for (let t = 0; t < times; t++) for (const pool of pools) out = out.flatMap((prefix) => pool.map((item) => [...prefix, item]));
    return out.map(tuple);
  }),
  permutations: nativeFunction((args: unknown[], kwargs: Kwargs) => {
    const pool = items(args[0]);
    const r = arg(args, kwargs, 1, 'r', null);
    return choose(pool, r === null ? pool.length : count(args, kwargs, 1, 'r', 0), false, true).map(tuple);
  }),
  combinations: nativeFunction((args: unknown[], kwargs: Kwargs) => choose(items(args[0]), count(args, kwargs, 1, 'r', 0), false, false).map(tuple)),
  combinations_with_replacement: nativeFunction((args: unknown[], kwargs: Kwargs) => choose(items(args[0]), count(args, kwargs, 1, 'r', 0), true, false).map(tuple)),
  zip_longest: nativeFunction((args: unknown[], kwargs: Kwargs) => {
    const lists = args.map(items);
    const fill = kwargs.fillvalue ?? null;
    const n = Math.max(0, ...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  }),
  islice: nativeFunction((args: unknown[]) => {
    const pool = items(args[0]);
    const bounds = args.slice(1).map((a) => (a === null ? null : num(a))) as (number | null)[];
    const [start, stop, step] = bounds.length === 1 ? [0, bounds[0], 1] : [bounds[0] ?? 0, bounds[1] ?? null, bounds[2] ?? 1];
    const out: unknown[] = [];
    for (let i = start!; i < (stop ?? pool.length) && i < pool.length; i += step!) out.push(pool[i]);
    return out;
  }),
  accumulate: nativeFunction((args: unknown[]) => {
    const out: unknown[] = [];
    for (const item of items(args[0])) out.push(out.length === 0 ? item : add(out[out.length - 1], item));
    return out;
  }),
  compress: nativeFunction((args: unknown[]) => {
    const selectors = items(args[1]);
    return items(args[0]).filter((_, i) => i < selectors.length && Boolean(selectors[i]));
  }),
  repeat: nativeFunction((args: unknown[], kwargs: Kwargs) => Array.from({ length: count(args, kwargs, 1, 'times', 0) }, () => args[0])),
};

/** Python set(): members compared by value; a list or dict member is unhashable. */
export function pySet(value: unknown): Set<unknown> {
  const out = new Set<unknown>();
  for (const item of items(value)) {
    if ((Array.isArray(item) && !isTuple(item)) || isDict(item)) {
      throw typeError(`unhashable type: '${Array.isArray(item) ? 'list' : 'dict'}'`);
    }
    if (isHashable(item) ? ![...out].some((m) => eq(m, item)) : !out.has(item)) out.add(item);
  }
  return out;
}

export function pyZip(args: unknown[]): unknown[] {
  const lists = args.map(items);
  const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i])));
}
