/**
 * Name analysis for Jinja2's scoping rules. A `{% for %}` body, a macro, a call block, `{% set %}...{% endset %}`,
 * `{% filter %}` and `{% with %}` each open a scope; `{% if %}` does not. A name assigned in a scope is local
 * to it; at the start of the scope it holds the enclosing scope's value (or the context's, or nothing), by
 * the rules of jinja2/idtracking.py, which `initialState` reproduces.
 */
import type { Args, Expr, Stmt, Target } from '../syntax/ast.js';

function walkArgs(args: Args, visit: (e: Expr) => void): void {
  args.args.forEach(visit);
  args.kwargs.forEach(([, e]) => visit(e));
  if (args.starArgs) visit(args.starArgs);
  if (args.starKwargs) visit(args.starKwargs);
}

/** Calls `onName` for every name loaded by an expression, in evaluation order. */
export function walkExpr(expr: Expr | null, onName: (name: string) => void): void {
  if (!expr) return;
  const visit = (e: Expr) => walkExpr(e, onName);
  switch (expr.kind) {
    case 'name':
      onName(expr.name);
      return;
    case 'const':
      return;
    case 'tuple':
    case 'list':
    case 'concat':
      expr.items.forEach(visit);
      return;
    case 'dict':
      expr.pairs.forEach(([k, v]) => (visit(k), visit(v)));
      return;
    case 'getattr':
      visit(expr.obj);
      return;
    case 'getitem':
      visit(expr.obj);
      visit(expr.index);
      return;
    case 'slice':
      [expr.start, expr.stop, expr.step].forEach((e) => e && visit(e));
      return;
    case 'call':
      visit(expr.fn);
      walkArgs(expr, visit);
      return;
    case 'filter':
      if (expr.node) visit(expr.node);
      walkArgs(expr, visit);
      return;
    case 'test':
      visit(expr.node);
      walkArgs(expr, visit);
      return;
    case 'condexpr':
      visit(expr.test);
      visit(expr.body);
      if (expr.else_) visit(expr.else_);
      return;
    case 'binop':
    case 'and':
    case 'or':
      visit(expr.left);
      visit(expr.right);
      return;
    case 'not':
    case 'neg':
    case 'pos':
      visit(expr.node);
      return;
    case 'compare':
      visit(expr.expr);
      expr.ops.forEach((op) => visit(op.expr));
      return;
  }
}

export function targetNames(target: Target, out: string[] = []): string[] {
  if (target.kind === 'name') out.push(target.name);
  else if (target.kind === 'tuple') target.items.forEach((t) => targetNames(t, out));
  return out;
}

type Event = { name: string; store: boolean; conditional: boolean };

/** Loads and stores at this scope's own level (not inside nested scopes), in source order. */
function scopeEvents(body: Stmt[], conditional: boolean, events: Event[]): void {
  const load = (e: Expr | null) => walkExpr(e, (name) => events.push({ name, store: false, conditional }));
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
        scopeEvents(stmt.body, true, events);
        for (const elif of stmt.elifs) {
          load(elif.test);
          scopeEvents(elif.body, true, events);
        }
        scopeEvents(stmt.else_, true, events);
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
        stmt.filters.forEach((f) => walkArgs(f, (e) => load(e)));
        store(stmt.target);
        break;
      case 'filterblock':
        stmt.filters.forEach((f) => walkArgs(f, (e) => load(e)));
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

/**
 * The names a scope assigns, each with how it starts: `outer` (the enclosing value, or the context's when
 * no enclosing scope has it) when it is read before it is assigned or assigned only conditionally;
 * `undefined` when it is unconditionally assigned before any read (a nested scope reading it earlier sees
 * nothing, as in Jinja2).
 */
export function storedNames(body: Stmt[]): Map<string, 'outer' | 'undefined'> {
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
  const check = (e: Expr | null) => walkExpr(e, (n) => (found ||= n === name));
  const visitArgs = (a: Args) => walkArgs(a, check);
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
