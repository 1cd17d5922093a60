/**
 * Jinja2's default globals (`range`, `dict`, `namespace`, `cycler`, `joiner`; not `lipsum`), plus `list` and
 * `zip`, which dbt's context adds.
 */
import { PY_CALL, PY_GETATTR, nativeFunction, type Kwargs, type PyCallable } from './callables.js';
import { iterate } from './operators.js';
import { pyRepr } from './repr.js';
import { PyError, Undefined, dictKey, hasOwn, isDict, num, tuple, typeError, typeName, view } from './values.js';

/** `namespace()`: the one object whose attributes `{% set ns.x = ... %}` may assign. */
export class Namespace {
  readonly attrs: Record<string, unknown> = Object.create(null);

  [PY_GETATTR](name: string): unknown {
    return name in this.attrs ? this.attrs[name] : new Undefined(`'Namespace object' has no attribute '${name}'`);
  }

  toString(): string {
    const inner = Object.keys(this.attrs).map((k) => `${pyRepr(k)}: ${pyRepr(this.attrs[k])}`);
    return `<Namespace {${inner.join(', ')}}>`;
  }
}

export function setNamespaceAttr(target: unknown, attr: string, value: unknown): void {
  if (!(target instanceof Namespace)) throw new PyError('TemplateRuntimeError', 'cannot assign attribute on non-namespace object');
  target.attrs[attr] = value;
}

function intArg(value: unknown, name: string): number {
  const n = num(value);
  if (typeof n !== 'number' || !Number.isInteger(n)) throw typeError(`'${typeName(value)}' object cannot be interpreted as an integer (${name})`);
  return n;
}

/** Python never materialises a range; a template that asks for ten million items almost surely has a bug. */
const MAX_RANGE = 10_000_000;

const range = nativeFunction((args: unknown[]) => {
  if (args.length === 0 || args.length > 3) throw typeError(`range expected 1 to 3 arguments, got ${args.length}`);
  const [start, stop, step] =
    args.length === 1 ? [0, intArg(args[0], 'stop'), 1] : [intArg(args[0], 'start'), intArg(args[1], 'stop'), args.length === 3 ? intArg(args[2], 'step') : 1];
  if (step === 0) throw new PyError('ValueError', 'range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_RANGE) throw new PyError('OverflowError', `range too big: ${count} items (the limit is ${MAX_RANGE})`);
  const items: number[] = new Array(count);
  for (let i = 0; i < count; i++) items[i] = start + i * step;
  return view(items, step === 1 ? `range(${start}, ${stop})` : `range(${start}, ${stop}, ${step})`);
});

const dict = nativeFunction((args: unknown[], kwargs: Kwargs) => {
  const out: Record<string, unknown> = {};
  if (args.length > 1) throw typeError(`dict expected at most 1 argument, got ${args.length}`);
  const source = args[0];
  if (isDict(source)) Object.assign(out, source);
  else if (source !== undefined) {
    for (const pair of iterate(source)) {
      const items = iterate(pair);
      if (items.length !== 2) throw new PyError('ValueError', 'dictionary update sequence element has wrong length');
      out[dictKey(items[0])] = items[1];
    }
  }
  return Object.assign(out, kwargs);
});

const namespace = nativeFunction((args: unknown[], kwargs: Kwargs) => {
  const ns = new Namespace();
  for (const arg of args) {
    if (!isDict(arg)) throw typeError(`namespace() positional argument must be a mapping, not ${typeName(arg)}`);
    Object.assign(ns.attrs, arg);
  }
  Object.assign(ns.attrs, kwargs);
  return ns;
});

const list = nativeFunction((args: unknown[]) => (args.length === 0 ? [] : [...iterate(args[0])]));

const zip = nativeFunction((args: unknown[]) => {
  const lists = args.map(iterate);
  const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(tuple(lists.map((l) => l[i])));
  return out;
});

class Cycler {
  private pos = 0;
  constructor(private readonly items: unknown[]) {}
  get current(): unknown {
    return this.items[this.pos];
  }
  readonly next = nativeFunction(() => {
    const value = this.items[this.pos];
    this.pos = (this.pos + 1) % this.items.length;
    return value;
  });
  readonly reset = nativeFunction(() => {
    this.pos = 0;
    return null;
  });
}

class Joiner implements PyCallable {
  private used = false;
  constructor(private readonly sep: unknown) {}
  [PY_CALL](): unknown {
    if (!this.used) {
      this.used = true;
      return '';
    }
    return this.sep;
  }
}

export const BUILTIN_GLOBALS: Record<string, unknown> = {
  range,
  dict,
  namespace,
  list,
  zip,
  cycler: nativeFunction((args: unknown[]) => {
    if (args.length === 0) throw typeError('at least one item has to be provided');
    return new Cycler(args);
  }),
  joiner: nativeFunction((args: unknown[], kwargs: Kwargs) => new Joiner(args.length > 0 ? args[0] : hasOwn(kwargs, 'sep') ? kwargs.sep : ', ')),
};
