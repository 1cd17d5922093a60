/**
 * Name analysis for Jinja2's scoping rules. A `{% for %}` body, a macro, a call block, `{% set %}...{% endset %}`,
 * `{% filter %}` and `{% with %}` each open a scope; `{% if %}` does not. A name assigned in a scope is local
 * to it; at the start of the scope it holds the enclosing scope's value (or the context's, or nothing), by
 * the rules of jinja2/idtracking.py, which `initialState` reproduces.
 */
import type { Args, Expr, Stmt, Target } from '../syntax/ast.js';

function walkArgs(args: Args, onName: (name: string) => void): void {
  for (const e of args.args) walkExpr(e, onName);
  for (const [, e] of args.kwargs) walkExpr(e, onName);
  if (args.starArgs) walkExpr(args.starArgs, onName);
  if (args.starKwargs) walkExpr(args.starKwargs, onName);
}

/** Calls `onName` for every name loaded by an expression, in evaluation order. */
export function walkExpr(expr: Expr | null, onName: (name: string) => void): void {
  if (!expr) return;
  switch (expr.kind) {
    case 'name':
      onName(expr.name);
      return;
    case 'const':
      return;
    case 'tuple':
    case 'list':
    case 'concat':
      for (const item of expr.items) walkExpr(item, onName);
      return;
    case 'dict':
      for (const [k, v] of expr.pairs) {
        walkExpr(k, onName);
        walkExpr(v, onName);
      }
      return;
    case 'getattr':
      walkExpr(expr.obj, onName);
      return;
    case 'getitem':
      walkExpr(expr.obj, onName);
      walkExpr(expr.index, onName);
      return;
    case 'slice':
      walkExpr(expr.start, onName);
      walkExpr(expr.stop, onName);
      walkExpr(expr.step, onName);
      return;
    case 'call':
      walkExpr(expr.fn, onName);
      walkArgs(expr, onName);
      return;
    case 'filter':
      walkExpr(expr.node, onName);
      walkArgs(expr, onName);
      return;
    case 'test':
      walkExpr(expr.node, onName);
      walkArgs(expr, onName);
      return;
    case 'condexpr':
      walkExpr(expr.test, onName);
      walkExpr(expr.body, onName);
      walkExpr(expr.else_, onName);
      return;
    case 'binop':
    case 'and':
    case 'or':
      walkExpr(expr.left, onName);
      walkExpr(expr.right, onName);
      return;
    case 'not':
    case 'neg':
    case 'pos':
      walkExpr(expr.node, onName);
      return;
    case 'compare':
      walkExpr(expr.expr, onName);
      for (const op of expr.ops) walkExpr(op.expr, onName);
      return;
  }
}

export function targetNames(target: Target, out: string[] = []): string[] {
  if (target.kind === 'name') out.push(target.name);
  else if (target.kind === 'tuple') target.items.forEach((t) => targetNames(t, out));
  return out;
}

type Event = { name: string; store: boolean; conditional: boolean };

/**
 * Loads and stores at this scope's own level (not inside nested scopes), in source order. `loads` off: the
 * stores alone (no expression is walked).
 */
function scopeEvents(body: Stmt[], conditional: boolean, events: Event[], loads = true): void {
  const onLoad = (name: string) => events.push({ name, store: false, conditional });
  const load = loads ? (e: Expr | null) => walkExpr(e, onLoad) : () => undefined;
  const store = (target: Target) => {
    if (target.kind === 'nsref') events.push({ name: target.name, store: false, conditional });
    else for (const name of targetNames(target)) events.push({ name, store: true, conditional });
  };
  for (const stmt of body) {
    switch (stmt.kind) {
      case 'output':
        stmt.nodes.forEach((n) => typeof n !== 'string' && load(n));
        break;
      case 'if':
        load(stmt.test);
        scopeEvents(stmt.body, true, events, loads);
        for (const elif of stmt.elifs) {
          load(elif.test);
          scopeEvents(elif.body, true, events, loads);
        }
        scopeEvents(stmt.else_, true, events, loads);
        break;
      case 'for':
        load(stmt.iter);
        break;
      case 'macro':
        events.push({ name: stmt.name, store: true, conditional });
        break;
      case 'callblock':
        load(stmt.call);
        break;
      case 'assign':
        load(stmt.value);
        store(stmt.target);
        break;
      case 'assignblock':
        if (loads) stmt.filters.forEach((f) => walkArgs(f, onLoad));
        store(stmt.target);
        break;
      case 'filterblock':
        if (loads) stmt.filters.forEach((f) => walkArgs(f, onLoad));
        break;
      case 'with':
        stmt.values.forEach(load);
        break;
      case 'do':
        load(stmt.expr);
        break;
      default:
        break;
    }
  }
}

const NO_NAMES: ReadonlyMap<string, 'outer' | 'undefined'> = new Map();

/**
 * The names a scope assigns, each with how it starts: `outer` (the enclosing value, or the context's when
 * no enclosing scope has it) when it is read before it is assigned or assigned only conditionally;
 * `undefined` when it is unconditionally assigned before any read (a nested scope reading it earlier sees
 * nothing, as in Jinja2).
 */
export function storedNames(body: Stmt[]): ReadonlyMap<string, 'outer' | 'undefined'> {
  // Only names stored at this level are in the answer: the stores are looked for first, without walking any
  // expression, and a scope that stores none (most templates) needs nothing more.
  const stores: Event[] = [];
  scopeEvents(body, false, stores, false);
  if (!stores.some((event) => event.store)) return NO_NAMES;
  const events: Event[] = [];
  scopeEvents(body, false, events);
  const result = new Map<string, 'outer' | 'undefined'>();
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.name)) {
      if (event.store && event.conditional && !result.has(event.name)) result.set(event.name, 'outer');
      continue;
    }
    seen.add(event.name);
    if (event.store) result.set(event.name, event.conditional ? 'outer' : 'undefined');
  }
  for (const event of events) {
    if (event.store && !result.has(event.name)) result.set(event.name, 'outer');
  }
  return result;
}

/** Whether any expression anywhere in `body` (nested scopes included) loads `name`. */
export function mentions(body: Stmt[], name: string): boolean {
  let found = false;
  const onName = (n: string) => (found ||= n === name);
  const check = (e: Expr | null) => walkExpr(e, onName);
  const visitArgs = (a: Args) => walkArgs(a, onName);
  const visit = (stmts: Stmt[]): void => {
    for (const stmt of stmts) {
      if (found) return;
      switch (stmt.kind) {
        case 'output':
          stmt.nodes.forEach((n) => typeof n !== 'string' && check(n));
          break;
        case 'if':
          check(stmt.test);
          visit(stmt.body);
          stmt.elifs.forEach((e) => (check(e.test), visit(e.body)));
          visit(stmt.else_);
          break;
        case 'for':
          check(stmt.iter);
          check(stmt.test);
          visit(stmt.body);
          visit(stmt.else_);
          break;
        case 'macro':
          stmt.params.forEach((p) => check(p.default));
          visit(stmt.body);
          break;
        case 'callblock':
          check(stmt.call);
          stmt.callerParams.forEach((p) => check(p.default));
          visit(stmt.body);
          break;
        case 'assign':
          check(stmt.value);
          if (stmt.target.kind === 'nsref') found ||= stmt.target.name === name;
          break;
        case 'assignblock':
        case 'filterblock':
          stmt.filters.forEach(visitArgs);
          visit(stmt.body);
          break;
        case 'with':
          stmt.values.forEach(check);
          visit(stmt.body);
          break;
        case 'do':
          check(stmt.expr);
          break;
        default:
          break;
      }
    }
  };
  visit(body);
  return found;
}
