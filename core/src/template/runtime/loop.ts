/** Jinja2's `loop` variable inside `{% for %}`, including `loop.cycle()`, `loop.changed()` and `loop(...)`. */
import { PY_CALL, nativeFunction, type Kwargs, type PyCallable } from './callables.js';
import { eq } from './operators.js';
import { Undefined, tuple, typeError } from './values.js';

const NOTHING: unique symbol = Symbol('xform.nothing');

export class Loop implements PyCallable {
  index0 = -1;
  private lastChanged: unknown = NOTHING;

  constructor(
    private readonly items: unknown[],
    readonly depth0: number,
    /** Renders the loop body again for `loop(children)` in a `recursive` loop. */
    private readonly recurse: ((iterable: unknown, depth0: number) => string) | null,
  ) {}

  get index(): number {
    return this.index0 + 1;
  }
  get length(): number {
    return this.items.length;
  }
  get revindex(): number {
    return this.items.length - this.index0;
  }
  get revindex0(): number {
    return this.items.length - this.index0 - 1;
  }
  get first(): boolean {
    return this.index0 === 0;
  }
  get last(): boolean {
    return this.index0 === this.items.length - 1;
  }
  get depth(): number {
    return this.depth0 + 1;
  }
  get previtem(): unknown {
    return this.index0 > 0 ? this.items[this.index0 - 1] : new Undefined('there is no previous item');
  }
  get nextitem(): unknown {
    return this.index0 + 1 < this.items.length ? this.items[this.index0 + 1] : new Undefined('there is no next item');
  }

  readonly cycle = nativeFunction((args: unknown[]) => {
    if (args.length === 0) throw typeError('no items for cycling given');
    return args[this.index0 % args.length];
  });

  readonly changed = nativeFunction((args: unknown[]) => {
    const value = tuple([...args]);
    if (this.lastChanged !== NOTHING && eq(value, this.lastChanged)) return false;
    this.lastChanged = value;
    return true;
  });

  [PY_CALL](args: unknown[], _kwargs: Kwargs | null): unknown {
    if (!this.recurse) throw typeError("The loop must have the 'recursive' marker to be called recursively.");
    return this.recurse(args[0], this.depth0 + 1);
  }

  toString(): string {
    return `<LoopContext ${this.index}/${this.length}>`;
  }
}
