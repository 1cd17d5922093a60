/**
 * Expressions to JavaScript. Every operator goes through a runtime helper with Python semantics
 * (`rt.add`, `rt.eq`, `rt.contains`...); `and`/`or` return an operand (not a boolean) as Python does.
 */
import { XformError, didYouMeanHint } from '../../errors.js';
import type { Args, CallNode, CompareOp, Expr, FilterNode, Pos, TestNode } from '../syntax/ast.js';
import { FILTERS } from '../runtime/filters.js';
import { TESTS } from '../runtime/tests.js';
import { hasOwn } from '../runtime/values.js';
import { SYNTAX_ERROR } from '../syntax/token-stream.js';

export const q = (s: string): string => JSON.stringify(s);

/** A Jinja2 scope's names and the JS variables holding them (most scopes declare none: the map comes with the first). */
export class Scope {
  private vars: Map<string, string> | null = null;
  constructor(readonly parent: Scope | null) {}

  /** Whether this scope itself (not an enclosing one) declares `name`. */
  has(name: string): boolean {
    return this.vars !== null && this.vars.has(name);
  }

  set(name: string, id: string): void {
    (this.vars ??= new Map()).set(name, id);
  }

  find(name: string): string | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const id = s.vars?.get(name);
      if (id !== undefined) return id;
    }
    return undefined;
  }
}

/** Per generated JS function: its temporaries. */
export interface FnContext {
  temps: number;
}

const BINOPS: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '//': 'floordiv', '%': 'mod', '**': 'pow' };
const COMPARE: Record<CompareOp, string> = { eq: 'eq', ne: 'ne', lt: 'lt', lteq: 'le', gt: 'gt', gteq: 'ge', in: '', notin: '' };

export class ExpressionGenerator {
  protected scope: Scope = new Scope(null);
  protected fn: FnContext = { temps: 0 };
  protected uid = 0;
  /** Inside `{% if %}`: an unknown filter or test fails only if it runs (as in Jinja2 3). */
  protected ifDepth = 0;
  /** The line the generated code last recorded in `ln`. */
  protected line = 0;

  /**
   * String constants of the template (its text and its string literals), passed to the compiled function as
   * `K`. Keeping them out of the code makes templates of the same shape produce the same code, which the
   * engine compiles once (on a 10,000-model project, V8 compile time was the largest cost).
   */
  readonly consts: string[] = [];
  private readonly constIndex = new Map<string, number>();

  constructor(protected readonly file: string) {}

  /** A reference to a string constant (`K[i]`). */
  protected lit(s: string): string {
    let i = this.constIndex.get(s);
    if (i === undefined) {
      i = this.consts.push(s) - 1;
      this.constIndex.set(s, i);
    }
    return `K[${i}]`;
  }

  protected temp(): string {
    return `t${++this.fn.temps}`;
  }

  protected varId(name: string): string {
    return `v_${name}_${++this.uid}`;
  }

  protected load(name: string): string {
    return this.scope.find(name) ?? `R(${q(name)})`;
  }

  protected syntaxError(message: string, at: Pos, hint?: string): XformError {
    return new XformError(SYNTAX_ERROR, message, { location: { file: this.file, line: at.line, column: at.col }, hint });
  }

  /** Records the position before an operation that may fail on another line than its statement. */
  protected located(at: Pos, code: string): string {
    if (at.line === this.line || at.line === 0) return code;
    return `(ln = ${at.line}, cn = ${at.col}, ${code})`;
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'const':
        if (typeof e.value === 'string') return this.lit(e.value);
        if (typeof e.value === 'number') return e.isFloat && Number.isInteger(e.value) ? `rt.f(${e.value})` : `(${e.value})`;
        return String(e.value);
      case 'name':
        return this.load(e.name);
      case 'tuple':
        return `rt.tuple([${e.items.map((i) => this.expr(i)).join(', ')}])`;
      case 'list':
        return `[${e.items.map((i) => this.expr(i)).join(', ')}]`;
      case 'dict':
        return `rt.dict([${e.pairs.map(([k, v]) => `[${this.expr(k)}, ${this.expr(v)}]`).join(', ')}])`;
      case 'getattr':
        return `rt.getattr(${this.expr(e.obj)}, ${q(e.attr)})`;
      case 'getitem':
        if (e.index.kind === 'slice') {
          const part = (p: Expr | null) => (p ? this.expr(p) : 'null');
          return `rt.slice(${this.expr(e.obj)}, ${part(e.index.start)}, ${part(e.index.stop)}, ${part(e.index.step)})`;
        }
        return `rt.getitem(${this.expr(e.obj)}, ${this.expr(e.index)})`;
      case 'slice':
        throw this.syntaxError('extended slicing (a slice inside a tuple index) is not supported', e);
      case 'call':
        return this.call(e);
      case 'filter':
        return this.filter(e, e.node ? this.expr(e.node) : 'null');
      case 'test':
        return this.test(e);
      case 'condexpr':
        return `(rt.truthy(${this.expr(e.test)}) ? ${this.expr(e.body)} : ${e.else_ ? this.expr(e.else_) : `rt.condUndefined(${e.line})`})`;
      case 'binop':
        return `rt.${BINOPS[e.op]}(${this.expr(e.left)}, ${this.expr(e.right)})`;
      case 'concat':
        return `rt.concat([${e.items.map((i) => this.expr(i)).join(', ')}])`;
      case 'and':
      case 'or': {
        const t = this.temp();
        const left = this.expr(e.left);
        const right = this.expr(e.right);
        return e.kind === 'and' ? `(${t} = ${left}, rt.truthy(${t}) ? ${right} : ${t})` : `(${t} = ${left}, rt.truthy(${t}) ? ${t} : ${right})`;
      }
      case 'not':
        return `!rt.truthy(${this.expr(e.node)})`;
      case 'neg':
        if (e.node.kind === 'const' && typeof e.node.value === 'number' && e.node.value !== 0 && !(e.node.isFloat && Number.isInteger(e.node.value))) {
          return `(${-e.node.value})`;
        }
        return `rt.neg(${this.expr(e.node)})`;
      case 'pos':
        return `rt.pos(${this.expr(e.node)})`;
      case 'compare':
        return this.compare(e.expr, e.ops);
    }
  }

  private compareOp(op: CompareOp, a: string, b: string): string {
    if (op === 'in') return `rt.contains(${b}, ${a})`;
    if (op === 'notin') return `!rt.contains(${b}, ${a})`;
    return `rt.${COMPARE[op]}(${a}, ${b})`;
  }

  private compare(first: Expr, ops: { op: CompareOp; expr: Expr }[]): string {
    if (ops.length === 1) return this.compareOp(ops[0]!.op, this.expr(first), this.expr(ops[0]!.expr));
    // Chained: `a < b < c` is `a < b and b < c`, with b evaluated once.
    let prev = this.temp();
    const head = `${prev} = ${this.expr(first)}`;
    const parts = ops.map(({ op, expr }) => {
      const t = this.temp();
      const part = `(${t} = ${this.expr(expr)}, ${this.compareOp(op, prev, t)})`;
      prev = t;
      return part;
    });
    return `(${head}, ${parts.join(' && ')})`;
  }

  /** Positional arguments (an array expression) and keyword arguments (an object expression or `null`). */
  protected args(a: Args, extraKwargs?: string): [string, string] {
    const positional = a.args.map((x) => this.expr(x));
    if (a.starArgs) positional.push(`...rt.star(${this.expr(a.starArgs)})`);
    const keywords = a.kwargs.map(([k, v]) => `[${q(k)}]: ${this.expr(v)}`);
    if (a.starKwargs) keywords.push(`...rt.starKwargs(${this.expr(a.starKwargs)})`);
    if (extraKwargs) keywords.push(extraKwargs);
    return [`[${positional.join(', ')}]`, keywords.length > 0 ? `{${keywords.join(', ')}}` : 'null'];
  }

  protected call(e: CallNode, extraKwargs?: string): string {
    const [args, kwargs] = this.args(e, extraKwargs);
    const code =
      e.fn.kind === 'getattr'
        ? `rt.callMethod(${this.expr(e.fn.obj)}, ${q(e.fn.attr)}, ${args}, ${kwargs})`
        : `rt.call(${this.expr(e.fn)}, ${args}, ${kwargs})`;
    return this.located(e, code);
  }

  protected filter(f: FilterNode, value: string): string {
    if (!hasOwn(FILTERS, f.name)) {
      if (this.ifDepth > 0) return `rt.unknownFilterOrTest("filter", ${q(f.name)})`;
      throw this.syntaxError(`No filter named '${f.name}'.`, f, didYouMeanHint(f.name, Object.keys(FILTERS)));
    }
    const [args, kwargs] = this.args(f);
    return this.located(f, `F[${q(f.name)}](${value}, ${args}, ${kwargs})`);
  }

  /** Applies `{% filter a|b %}` / `{% set x | a %}` chains to a value. */
  protected filterChain(filters: FilterNode[], value: string): string {
    let code = value;
    for (const f of filters) code = this.filter(f, code);
    return code;
  }

  private test(t: TestNode): string {
    if (!hasOwn(TESTS, t.name)) {
      if (this.ifDepth > 0) return `rt.unknownFilterOrTest("test", ${q(t.name)})`;
      throw this.syntaxError(`No test named '${t.name}'.`, t, didYouMeanHint(t.name, Object.keys(TESTS)));
    }
    const values = [...t.args.map((x) => this.expr(x)), ...t.kwargs.map(([, v]) => this.expr(v))];
    if (t.starArgs) values.push(`...rt.star(${this.expr(t.starArgs)})`);
    return `T[${q(t.name)}](${this.expr(t.node)}, [${values.join(', ')}])`;
  }
}
