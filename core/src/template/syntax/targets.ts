/**
 * The parts of Jinja2's grammar that bind names: assignment targets (`x`, `a, b`, `ns.attr`) and macro
 * signatures (`(a, b=1)`).
 */
import type { Expr, Param, Target } from './ast.js';
import { ExpressionParser } from './parse-expression.js';
import { T } from './source.js';

export class TargetParser extends ExpressionParser {
  /** An assignment target: a name, a tuple of names, or (`withNamespace`) `ns.attr`. */
  protected parseAssignTarget(options: { withTuple?: boolean; endSymbols?: string[]; withNamespace?: boolean } = {}): Target {
    const tok = this.peek();
    if (options.withNamespace && tok?.type === T.SYMBOL && this.isOp(this.peek2(), '.')) {
      const name = this.next()!;
      this.next();
      const attr = this.expectName('attribute name');
      return { kind: 'nsref', name: name.value, attr: attr.value, ...this.pos(name) };
    }
    const expr = options.withTuple === false ? this.parsePrimary() : this.parseTuple({ simplified: true, endSymbols: options.endSymbols });
    return this.toTarget(expr);
  }

  private toTarget(expr: Expr): Target {
    if (expr.kind === 'name') return expr;
    if (expr.kind === 'tuple') return { kind: 'tuple', items: expr.items.map((item) => this.toTarget(item)), line: expr.line, col: expr.col };
    const what = expr.kind === 'const' ? `the constant ${JSON.stringify(expr.value)}` : `a ${expr.kind} expression`;
    throw this.error(`can't assign to ${what}`, { lineno: expr.line - 1, colno: expr.col - 1 });
  }

  /** `(a, b=1)` of a macro or of a call block's caller. */
  protected parseSignature(): Param[] {
    this.expectType(T.LEFT_PAREN, "'('");
    const params: Param[] = [];
    while (!this.skipType(T.RIGHT_PAREN)) {
      if (params.length > 0) this.expectType(T.COMMA, "','");
      const name = this.expectName('argument name');
      if (params.some((p) => p.name === name.value)) throw this.error(`duplicate argument '${name.value}' in macro definition`, name);
      let def: Expr | null = null;
      if (this.isOp(this.peek(), '=')) {
        this.next();
        def = this.parseExpression();
      } else if (params.some((p) => p.default !== null)) {
        throw this.error('non-default argument follows default argument', name);
      }
      params.push({ name: name.value, default: def });
    }
    return params;
  }
}
