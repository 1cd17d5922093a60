/**
 * Macros as callable values: Jinja2's argument binding (missing arguments are Undefined, extra ones are
 * TypeErrors unless the body uses `varargs`/`kwargs`), `caller`, and dbt's `return(value)`, which ends the
 * macro and makes the call evaluate to `value` instead of the rendered text.
 */
import { PY_CALL, type Kwargs, type PyCallable } from './callables.js';
import { Undefined, tuple, typeError } from './values.js';

/** Placeholder for an argument the call did not pass (distinct from None and Undefined). */
export const MISSING: unique symbol = Symbol('xform.missing');

/** Thrown by `return(value)`; caught where the innermost macro (not a call block's caller) was called. */
export class ReturnSignal {
  constructor(readonly value: unknown) {}
}

export interface MacroMeta {
  name: string;
  params: string[];
  /** The body mentions `varargs`: extra positional arguments are collected instead of rejected. */
  catchVarargs: boolean;
  /** The body mentions `kwargs`. */
  catchKwargs: boolean;
  /** The body mentions `caller`. */
  caller: boolean;
  /** A `{% call %}` block's body: `return()` inside it returns from the enclosing macro, as in dbt. */
  isCaller: boolean;
  file: string;
  line: number;
}

export type MacroBody = (...args: unknown[]) => string;

/**
 * How deeply macros may nest. Jinja2 stops at Python's recursion limit (1000 frames, a few per macro
 * call); a fixed limit instead of the JavaScript stack's overflow makes the error say which macro recursed.
 */
export const MAX_MACRO_DEPTH = 256;

/** Thrown when macros nest deeper than MAX_MACRO_DEPTH; `chain` is outermost first. */
export class MacroRecursionError extends Error {
  constructor(readonly chain: readonly MacroMeta[]) {
    super(`more than ${MAX_MACRO_DEPTH} nested macro calls`);
  }
}

/** The macros being called right now, outermost first (renders are synchronous, so one stack suffices). */
const active: MacroMeta[] = [];

export class Macro implements PyCallable {
  constructor(
    readonly meta: MacroMeta,
    private readonly body: MacroBody,
  ) {}

  get name(): string {
    return this.meta.name;
  }

  /** Jinja2 exposes these on macro objects. */
  get arguments(): unknown[] {
    return tuple([...this.meta.params]);
  }

  get catch_kwargs(): boolean {
    return this.meta.catchKwargs;
  }

  get catch_varargs(): boolean {
    return this.meta.catchVarargs;
  }

  get caller(): boolean {
    return this.meta.caller;
  }

  [PY_CALL](args: unknown[], kwargs: Kwargs | null): unknown {
    const { params, name } = this.meta;
    const n = params.length;
    if (args.length > n && !this.meta.catchVarargs) {
      throw typeError(`macro '${name}' takes not more than ${n} argument(s)`);
    }
    const bound: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) bound[i] = i < args.length ? args[i] : MISSING;
    const extraKwargs: Kwargs = {};
    let caller: unknown = MISSING;
    if (kwargs !== null) {
      for (const key of Object.keys(kwargs)) {
        const i = params.indexOf(key);
        if (i >= 0) {
          if (i < args.length) throw typeError(`macro '${name}' got multiple values for argument '${key}'`);
          bound[i] = kwargs[key];
        } else if (key === 'caller' && this.meta.caller) {
          caller = kwargs[key];
        } else if (this.meta.catchKwargs) {
          extraKwargs[key] = kwargs[key];
        } else {
          throw typeError(`macro '${name}' takes no keyword argument '${key}'`);
        }
      }
    }
    if (caller === MISSING && this.meta.caller) caller = new Undefined('No caller defined');
    const varargs = tuple(args.length > n ? args.slice(n) : []);
    if (active.length >= MAX_MACRO_DEPTH) throw new MacroRecursionError([...active, this.meta]);
    active.push(this.meta);
    try {
      if (this.meta.isCaller) return this.body(...bound, varargs, extraKwargs, caller);
      try {
        return this.body(...bound, varargs, extraKwargs, caller);
      } catch (err) {
        if (err instanceof ReturnSignal) return err.value;
        throw err;
      }
    } finally {
      active.pop();
    }
  }

  toString(): string {
    return `<Macro '${this.meta.name}'>`;
  }
}

export function missingParameter(name: string): Undefined {
  return new Undefined(`parameter '${name}' was not provided`);
}
