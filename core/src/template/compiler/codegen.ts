/**
 * Statements to JavaScript. A template becomes one function that appends to a string; each Jinja2 scope
 * becomes a JS block whose `let`s hold the names assigned in it (so a `set` inside a loop does not leak, and
 * each iteration starts from the enclosing value, as in Jinja2); a macro becomes a closure. Each function
 * tracks the current template line in `ln`/`cn` and tags errors with it on the way out.
 *
 * The generated code is the body of `new Function('rt', 'env', 'F', 'T', 'K', code)`: runtime helpers, the
 * engine (`env.resolve(name)` finds context values, macros and globals), filters, tests and the template's
 * string constants.
 */
import type { CallBlockNode, ForNode, MacroNode, Param, Pos, Stmt, Target, TemplateAst } from '../syntax/ast.js';
import type { MacroMeta } from '../runtime/macro.js';
import { mentions, storedNames } from './analyze.js';
import { ExpressionGenerator, Scope, q } from './codegen-expression.js';

export interface GenerateOptions {
  file: string;
  /**
   * A macro file (macros/**.sql): only its top-level `{% macro %}` and `{% test %}` blocks count (as in dbt,
   * which ignores everything else there), and the compiled function returns the macros instead of text.
   */
  macroFile: boolean;
}

export class CodeGenerator extends ExpressionGenerator {
  private lines: string[] = [];
  private buf = 'o';

  constructor(private readonly options: GenerateOptions) {
    super(options.file);
  }

  generate(ast: TemplateAst): GeneratedCode {
    const root = this.options.macroFile
      ? this.func([], { line: 1, col: 1 }, 'M', () => this.w('const M = [];'), () => {
          for (const stmt of ast.body) if (stmt.kind === 'macro') this.w(`M.push(${this.macro(stmt, false)});`);
        })
      : this.func([], { line: 1, col: 1 }, 'o', () => this.declareStored(ast.body), () => this.body(ast.body));
    const code = `"use strict";\nconst R = env.resolve;\nconst FILE = ${this.lit(this.options.file)};\nreturn ${root};\n`;
    return { code, consts: this.consts };
  }

  private w(code: string): void {
    this.lines.push(code);
  }

  private pos(at: Pos): void {
    this.w(`ln = ${at.line}; cn = ${at.col};`);
    this.line = at.line;
  }

  /** A JS function with its own output buffer, temporaries, position and error tagging. */
  private func(params: string[], at: Pos, returns: string, setup: () => void, body: () => void, label: string | null = null): string {
    const saved = { lines: this.lines, fn: this.fn, buf: this.buf, scope: this.scope, line: this.line };
    this.fn = { temps: 0 };
    this.buf = 'o';
    this.scope = new Scope(saved.scope);
    this.line = at.line;
    this.lines = [];
    setup();
    const setupCode = this.lines;
    this.lines = [];
    body();
    const bodyCode = this.lines;
    const temps = Array.from({ length: this.fn.temps }, (_, i) => `t${i + 1}`);
    Object.assign(this, saved);
    return [
      `function (${params.join(', ')}) {`,
      `let o = "", ln = ${at.line}, cn = ${at.col};`,
      temps.length > 0 ? `let ${temps.join(', ')};` : '',
      ...setupCode,
      'try {',
      ...bodyCode,
      `} catch (e) { throw rt.locate(e, FILE, ln, cn, ${label === null ? 'null' : q(label)}); }`,
      `return ${returns};`,
      '}',
    ].join('\n');
  }

  /** Declares the names a scope assigns (see analyze.ts for their starting values). */
  private declareStored(body: Stmt[]): void {
    const decls: string[] = [];
    const outer = this.scope.parent;
    for (const [name, state] of storedNames(body)) {
      if (this.scope.has(name)) continue;
      const init = outer?.find(name) ?? (state === 'outer' ? `R(${q(name)})` : `rt.undef(${q(name)})`);
      const id = this.varId(name);
      this.scope.set(name, id);
      decls.push(`${id} = ${init}`);
    }
    if (decls.length > 0) this.w(`let ${decls.join(', ')};`);
  }

  /** Runs `fn` in a new scope (a JS block). */
  private scoped(fn: () => void): void {
    const saved = this.scope;
    this.scope = new Scope(saved);
    this.w('{');
    try {
      fn();
    } finally {
      this.w('}');
      this.scope = saved;
    }
  }

  private body(stmts: Stmt[]): void {
    for (const stmt of stmts) this.stmt(stmt);
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'output':
        for (const node of s.nodes) {
          if (typeof node === 'string') this.w(`${this.buf} += ${this.lit(node)};`);
          else {
            this.pos(node);
            this.w(`${this.buf} += rt.str(${this.expr(node)});`);
          }
        }
        return;
      case 'if': {
        this.pos(s);
        this.w(`if (rt.truthy(${this.expr(s.test)})) {`);
        this.ifDepth++;
        this.body(s.body);
        for (const elif of s.elifs) {
          this.w(`} else if ((ln = ${elif.test.line}, cn = ${elif.test.col}, rt.truthy(${this.expr(elif.test)}))) {`);
          this.body(elif.body);
        }
        if (s.else_.length > 0) {
          this.w('} else {');
          this.body(s.else_);
        }
        this.ifDepth--;
        this.w('}');
        return;
      }
      case 'for':
        this.pos(s);
        if (s.recursive) this.recursiveFor(s);
        else this.forLoop(s);
        return;
      case 'macro': {
        const id = this.scope.find(s.name);
        this.pos(s);
        this.w(`${id ?? `let ${this.declare(s.name)}`} = ${this.macro(s, false)};`);
        return;
      }
      case 'callblock':
        this.pos(s);
        this.w(`${this.buf} += rt.str(${this.callBlock(s)});`);
        return;
      case 'assign':
        this.pos(s);
        this.assign(s.target, this.expr(s.value), false);
        return;
      case 'assignblock':
      case 'filterblock': {
        this.pos(s);
        const result = `c${++this.uid}`;
        this.w(`let ${result};`);
        this.capture(s.body, (text) => this.w(`${result} = ${this.filterChain(s.filters, text)};`));
        if (s.kind === 'assignblock') this.assign(s.target, result, false);
        else this.w(`${this.buf} += rt.str(${result});`);
        return;
      }
      case 'with':
        this.pos(s);
        this.scoped(() => {
          const values = s.values.map((v) => {
            const id = `w${++this.uid}`;
            this.w(`const ${id} = ${this.withOuterScope(() => this.expr(v))};`);
            return id;
          });
          s.targets.forEach((target, i) => this.assign(target, values[i]!, true));
          this.declareStored(s.body);
          this.body(s.body);
        });
        return;
      case 'do':
        this.pos(s);
        this.w(`${this.expr(s.expr)};`);
        return;
      case 'break':
      case 'continue':
        this.w(`${s.kind};`);
        return;
    }
  }

  private withOuterScope<R>(fn: () => R): R {
    const saved = this.scope;
    this.scope = saved.parent ?? saved;
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }

  private declare(name: string): string {
    const id = this.varId(name);
    this.scope.set(name, id);
    return id;
  }

  /** Assigns `value` (a JS expression) to a target; `declare` creates new variables in the current scope. */
  private assign(target: Target, value: string, declare: boolean): void {
    if (target.kind === 'nsref') {
      this.w(`rt.nsset(${this.load(target.name)}, ${q(target.attr)}, ${value});`);
    } else if (target.kind === 'name') {
      const existing = declare ? undefined : this.scope.find(target.name);
      this.w(existing ? `${existing} = ${value};` : `let ${this.declare(target.name)} = ${value};`);
    } else {
      const items = `u${++this.uid}`;
      this.w(`const ${items} = rt.unpack(${value}, ${target.items.length});`);
      target.items.forEach((item, i) => this.assign(item, `${items}[${i}]`, declare));
    }
  }

  /** Renders `body` into its own buffer in its own scope, then hands the text to `done`. */
  private capture(body: Stmt[], done: (text: string) => void): void {
    const buffer = `b${++this.uid}`;
    const savedBuf = this.buf;
    this.scoped(() => {
      this.w(`let ${buffer} = "";`);
      this.buf = buffer;
      this.declareStored(body);
      this.body(body);
      this.buf = savedBuf;
      done(buffer);
    });
  }

  private forLoop(s: ForNode): void {
    const id = ++this.uid;
    const [items, i, loop] = [`it${id}`, `i${id}`, `L${id}`];
    this.w('{');
    this.w(`let ${items} = rt.iterate(${this.expr(s.iter)});`);
    this.filterItems(s, items);
    const usesLoop = mentions(s.body, 'loop');
    if (usesLoop) this.w(`const ${loop} = new rt.Loop(${items}, 0, null);`);
    this.loop(s, items, i, usesLoop ? loop : null);
    this.w('}');
  }

  /**
   * The loop itself and its `else`. As in Jinja2, `else` runs when no iteration reached the end of the body
   * (an empty sequence, or every iteration left by `continue`).
   */
  private loop(s: ForNode, items: string, i: string, loop: string | null): void {
    const noIteration = `n${++this.uid}`;
    if (s.else_.length > 0) this.w(`let ${noIteration} = true;`);
    this.w(`for (let ${i} = 0; ${i} < ${items}.length; ${i}++) {`);
    this.loopBody(s, `${items}[${i}]`, loop, i);
    if (s.else_.length > 0) this.w(`${noIteration} = false;`);
    this.w('}');
    if (s.else_.length > 0) {
      this.w(`if (${noIteration}) {`);
      this.scoped(() => (this.declareStored(s.else_), this.body(s.else_)));
      this.w('}');
    }
  }

  /** `for x in items if cond`: the condition sees the loop target, and filters before `loop.length`. */
  private filterItems(s: ForNode, items: string): void {
    if (!s.test) return;
    const [kept, i] = [`k${++this.uid}`, `j${this.uid}`];
    this.w(`const ${kept} = [];`);
    this.w(`for (let ${i} = 0; ${i} < ${items}.length; ${i}++) {`);
    this.scoped(() => {
      this.assign(s.target, `${items}[${i}]`, true);
      this.w(`if (rt.truthy(${this.expr(s.test!)})) ${kept}.push(${items}[${i}]);`);
    });
    this.w('}');
    this.w(`${items} = ${kept};`);
  }

  private loopBody(s: ForNode, item: string, loop: string | null, index: string): void {
    const saved = this.scope;
    this.scope = new Scope(saved);
    if (loop) {
      this.w(`${loop}.index0 = ${index};`);
      this.scope.set('loop', loop);
    }
    this.assign(s.target, item, true);
    this.declareStored(s.body);
    this.body(s.body);
    this.scope = saved;
  }

  /** `{% for ... recursive %}`: the loop is a function that `loop(children)` calls again. */
  private recursiveFor(s: ForNode): void {
    const id = ++this.uid;
    const [fn, items, i, loop, depth] = [`rf${id}`, `it${id}`, `i${id}`, `L${id}`, `d${id}`];
    const code = this.func([items, depth], s, 'o', () => {}, () => {
      this.w(`${items} = rt.iterate(${items});`);
      this.filterItems(s, items);
      this.w(`const ${loop} = new rt.Loop(${items}, ${depth}, ${fn});`);
      this.loop(s, items, i, loop);
    });
    this.w(`const ${fn} = ${code};`);
    this.w(`${this.buf} += ${fn}(${this.expr(s.iter)}, 0);`);
  }

  private macro(node: MacroNode, isCaller: boolean): string {
    return this.macroValue(node.name, node.params, node.body, node, isCaller);
  }

  private callBlock(s: CallBlockNode): string {
    const caller = this.macroValue('caller', s.callerParams, s.body, s, true);
    return this.call(s.call, `caller: ${caller}`);
  }

  /** `rt.macro(meta, function (p0, p1, varargs, kwargs, caller) {...})`. */
  private macroValue(name: string, params: Param[], body: Stmt[], at: Pos, isCaller: boolean): string {
    const meta: MacroMeta = {
      name,
      params: params.map((p) => p.name),
      catchVarargs: mentions(body, 'varargs'),
      catchKwargs: mentions(body, 'kwargs'),
      caller: mentions(body, 'caller'),
      isCaller,
      file: this.options.file,
      line: at.line,
    };
    const args = [...params.map((_, i) => `p${i}`), 'va', 'kw', 'cl'];
    const ids: string[] = [];
    const fn = this.func(
      args,
      at,
      'o',
      () => {
        params.forEach((p, i) => {
          ids.push(this.declare(p.name));
          this.w(`let ${ids[i]} = p${i};`);
        });
        if (meta.catchVarargs) this.w(`let ${this.declare('varargs')} = va;`);
        if (meta.catchKwargs) this.w(`let ${this.declare('kwargs')} = kw;`);
        if (meta.caller) this.w(`let ${this.declare('caller')} = cl;`);
        this.declareStored(body);
      },
      () => {
        params.forEach((p, i) => {
          const fallback = p.default ? this.expr(p.default) : `rt.missingParameter(${q(p.name)})`;
          this.w(`if (${ids[i]} === rt.MISSING) ${ids[i]} = ${fallback};`);
        });
        this.body(body);
      },
      isCaller ? null : name,
    );
    return `rt.macro(${JSON.stringify(meta)}, ${fn})`;
  }
}

/** The body of `new Function('rt', 'env', 'F', 'T', 'K', code)`, and the constants to pass as `K`. */
export interface GeneratedCode {
  code: string;
  consts: readonly string[];
}

export function generate(ast: TemplateAst, options: GenerateOptions): GeneratedCode {
  return new CodeGenerator(options).generate(ast);
}
