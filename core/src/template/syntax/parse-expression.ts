/**
 * Jinja2's expression grammar (jinja2/parser.py), including its operator precedence, which nunjucks does not
 * follow: `~` binds tighter than `+`, `is` tests and filters attach to the operand, `-x|abs` filters the
 * negation, `not in` is one operator, `(1,)` is a tuple, `a[1:3]` is a slice.
 */
import type {
  Args,
  CompareOp,
  Expr,
  FilterNode,
  TestNode,
  BinOp,
} from './ast.js';
import { T, type Token } from './source.js';
import { TokenStream, describeToken, isIdentifier } from './token-stream.js';

const COMPARE_OPS: Record<string, CompareOp> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'lteq', '>': 'gt', '>=': 'gteq' };
const CONSTANT_NAMES: Record<string, boolean | null> = {
  true: true,
  false: false,
  none: null,
  True: true,
  False: false,
  None: null,
};
const INT_RE = /^(0b(_?[01])+|0o(_?[0-7])+|0x(_?[\da-f])+|[1-9](_?\d)*|0(_?0)*)$/i;
const FLOAT_RE = /^\d+(_\d+)*((\.\d+(_\d+)*)?[eE][+-]?\d+(_\d+)*|\.\d*(_\d+)*)$/;
const MATH1_OPS = ['+', '-'];
const MATH2_OPS = ['*', '/', '//', '%'];
const POW_OPS = ['**'];
/** Tokens that may start the single argument of a test written without parentheses (`x is divisibleby 3`). */
const TEST_ARG_START = new Set<string>([T.SYMBOL, T.STRING, T.INT, T.FLOAT, T.LEFT_PAREN, T.LEFT_BRACKET, T.LEFT_CURLY, T.BOOLEAN, T.NONE]);

export class ExpressionParser extends TokenStream {
  parseExpression(withCondexpr = true): Expr {
    return withCondexpr ? this.parseCondexpr() : this.parseOr();
  }

  private parseCondexpr(): Expr {
    let expr1 = this.parseOr();
    while (this.skipSymbol('if')) {
      const test = this.parseOr();
      const else_ = this.skipSymbol('else') ? this.parseCondexpr() : null;
      expr1 = { kind: 'condexpr', test, body: expr1, else_, line: expr1.line, col: expr1.col };
    }
    return expr1;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.skipSymbol('or')) left = { kind: 'or', left, right: this.parseAnd(), line: left.line, col: left.col };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.skipSymbol('and')) left = { kind: 'and', left, right: this.parseNot(), line: left.line, col: left.col };
    return left;
  }

  private parseNot(): Expr {
    const tok = this.peek();
    if (this.isSymbol(tok, 'not')) {
      this.next();
      return { kind: 'not', node: this.parseNot(), ...this.pos(tok!) };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const expr = this.parseMath1();
    const ops: { op: CompareOp; expr: Expr }[] = [];
    for (;;) {
      const tok = this.peek();
      if (tok && tok.type === T.OPERATOR && COMPARE_OPS[tok.value]) {
        this.next();
        ops.push({ op: COMPARE_OPS[tok.value]!, expr: this.parseMath1() });
      } else if (this.isSymbol(tok, 'in')) {
        this.next();
        ops.push({ op: 'in', expr: this.parseMath1() });
      } else if (this.isSymbol(tok, 'not') && this.isSymbol(this.peek2(), 'in')) {
        this.next();
        this.next();
        ops.push({ op: 'notin', expr: this.parseMath1() });
      } else {
        break;
      }
    }
    return ops.length === 0 ? expr : { kind: 'compare', expr, ops, line: expr.line, col: expr.col };
  }

  /** The operator token ahead when it is one of `operators` (consumed), else undefined. */
  private takeOperator(operators: readonly string[]): BinOp | undefined {
    const tok = this.peek();
    if (!tok || tok.type !== T.OPERATOR || !operators.includes(tok.value)) return undefined;
    this.next();
    return tok.value as BinOp;
  }

  // The three binary levels are spelled out (no operand closure or operator list per call): every
  // expression of every template passes through them.
  private parseMath1(): Expr {
    let left = this.parseConcat();
    for (let op = this.takeOperator(MATH1_OPS); op !== undefined; op = this.takeOperator(MATH1_OPS)) {
      left = { kind: 'binop', op, left, right: this.parseConcat(), line: left.line, col: left.col };
    }
    return left;
  }

  private parseConcat(): Expr {
    const first = this.parseMath2();
    if (this.peek()?.type !== T.TILDE) return first;
    const items = [first];
    while (this.skipType(T.TILDE)) items.push(this.parseMath2());
    return { kind: 'concat', items, line: first.line, col: first.col };
  }

  private parseMath2(): Expr {
    let left = this.parsePow();
    for (let op = this.takeOperator(MATH2_OPS); op !== undefined; op = this.takeOperator(MATH2_OPS)) {
      left = { kind: 'binop', op, left, right: this.parsePow(), line: left.line, col: left.col };
    }
    return left;
  }

  private parsePow(): Expr {
    let left = this.parseUnary();
    for (let op = this.takeOperator(POW_OPS); op !== undefined; op = this.takeOperator(POW_OPS)) {
      left = { kind: 'binop', op, left, right: this.parseUnary(), line: left.line, col: left.col };
    }
    return left;
  }

  private parseUnary(withFilter = true): Expr {
    const tok = this.peek();
    let node: Expr;
    if (this.isOp(tok, '-') || this.isOp(tok, '+')) {
      this.next();
      node = { kind: tok!.value === '-' ? 'neg' : 'pos', node: this.parseUnary(false), ...this.pos(tok!) };
    } else {
      node = this.parsePrimary();
    }
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  protected parsePrimary(): Expr {
    const tok = this.next();
    if (!tok) throw this.error('unexpected end of template, expected an expression', null);
    // Every expression's leaves come through here: positions are written out, not spread from a pos() object.
    const line = tok.lineno + 1;
    const col = tok.colno + 1;
    switch (tok.type) {
      case T.BOOLEAN:
        return { kind: 'const', value: tok.value === 'true', line, col };
      case T.NONE:
        // nunjucks lexes `null` as none; in Jinja2 it is an ordinary (usually undefined) name.
        return tok.value === 'null' ? { kind: 'name', name: 'null', line, col } : { kind: 'const', value: null, line, col };
      case T.STRING: {
        let value = tok.value;
        while (this.peek()?.type === T.STRING) value += this.next()!.value; // 'a' 'b' is 'ab', as in Python
        return { kind: 'const', value, line, col };
      }
      case T.INT:
      case T.FLOAT:
        return this.parseNumber(tok);
      case T.SYMBOL:
        if (/^\d/.test(tok.value)) return this.parseNumber(tok);
        if (!isIdentifier(tok.value)) throw this.error(`unexpected '${tok.value}'`, tok);
        if (tok.value in CONSTANT_NAMES) return { kind: 'const', value: CONSTANT_NAMES[tok.value]!, line, col };
        return { kind: 'name', name: tok.value, line, col };
      case T.LEFT_PAREN: {
        const node = this.parseTuple({ explicitParentheses: true });
        this.expectType(T.RIGHT_PAREN, "')'");
        return node;
      }
      case T.LEFT_BRACKET: {
        const items: Expr[] = [];
        while (!this.skipType(T.RIGHT_BRACKET)) {
          if (items.length > 0) {
            this.expectType(T.COMMA, "','");
            if (this.skipType(T.RIGHT_BRACKET)) break;
          }
          items.push(this.parseExpression());
        }
        return { kind: 'list', items, line, col };
      }
      case T.LEFT_CURLY: {
        const pairs: [Expr, Expr][] = [];
        while (!this.skipType(T.RIGHT_CURLY)) {
          if (pairs.length > 0) {
            this.expectType(T.COMMA, "','");
            if (this.skipType(T.RIGHT_CURLY)) break;
          }
          const key = this.parseExpression();
          this.expectType(T.COLON, "':'");
          pairs.push([key, this.parseExpression()]);
        }
        return { kind: 'dict', pairs, line, col };
      }
      default:
        throw this.error(`unexpected ${describeToken(tok)}`, tok);
    }
  }

  /** nunjucks splits `1e3`, `1.5e-3`, `1_000` into several tokens; glue the adjacent pieces back. */
  private parseNumber(first: Token): Expr {
    if (first.type === T.FLOAT && first.value.endsWith('.')) {
      // nunjucks reads `1.x` as the float `1.` and a name; Jinja2 reads an attribute of the integer 1.
      this.push({ type: T.OPERATOR, value: '.', lineno: first.lineno, colno: first.colno + first.value.length - 1 });
      first = { ...first, type: T.INT, value: first.value.slice(0, -1) };
    }
    let text = first.value;
    let end = first.colno + first.value.length;
    for (;;) {
      const tok = this.peek();
      if (!tok || tok.lineno !== first.lineno || tok.colno !== end) break;
      const signAfterE = tok.type === T.OPERATOR && (tok.value === '-' || tok.value === '+') && /^\d[\d_.]*[eE]$/.test(text);
      if (!(tok.type === T.SYMBOL || tok.type === T.INT || signAfterE)) break;
      this.next();
      text += tok.value;
      end += tok.value.length;
    }
    const at = this.pos(first);
    if (INT_RE.test(text)) {
      const digits = text.replace(/_/g, '');
      const value = /^0[box]/i.test(digits) ? Number(digits.toLowerCase()) : Number(digits);
      return { kind: 'const', value, ...at };
    }
    if (FLOAT_RE.test(text)) return { kind: 'const', value: Number(text.replace(/_/g, '')), isFloat: true, ...at };
    throw this.error(`invalid number literal '${text}'`, first);
  }

  /**
   * A comma-separated expression list; a tuple if there is a comma. `simplified` parses only primaries
   * (assignment targets); `endSymbols` are names that end the list (`in` in a for target).
   */
  parseTuple(options: { simplified?: boolean; withCondexpr?: boolean; endSymbols?: string[]; explicitParentheses?: boolean } = {}): Expr {
    const first = this.peek();
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length > 0) this.expectType(T.COMMA, "','");
      if (this.isTupleEnd(options.endSymbols)) break;
      items.push(options.simplified ? this.parsePrimary() : this.parseExpression(options.withCondexpr ?? true));
      if (this.peek()?.type === T.COMMA) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length > 0) return items[0]!;
      if (!options.explicitParentheses) throw this.error(`expected an expression, got ${describeToken(first)}`, first);
    }
    const at = first ? this.pos(first) : { line: 0, col: 0 };
    return { kind: 'tuple', items, ...at };
  }

  private isTupleEnd(endSymbols: string[] | undefined): boolean {
    const tok = this.peek();
    if (!tok) return true;
    if (tok.type === T.VARIABLE_END || tok.type === T.BLOCK_END || tok.type === T.RIGHT_PAREN) return true;
    return tok.type === T.SYMBOL && endSymbols !== undefined && endSymbols.includes(tok.value);
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      const tok = this.peek();
      if (this.isOp(tok, '.') || tok?.type === T.LEFT_BRACKET) node = this.parseSubscript(node);
      else if (tok?.type === T.LEFT_PAREN) node = this.parseCall(node);
      else return node;
    }
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      const tok = this.peek();
      if (tok?.type === T.PIPE) node = this.parseFilter(node);
      else if (this.isSymbol(tok, 'is')) node = this.parseTest(node);
      else if (tok?.type === T.LEFT_PAREN) node = this.parseCall(node);
      else return node;
    }
  }

  private parseSubscript(node: Expr): Expr {
    const tok = this.next()!;
    const at = { line: node.line, col: node.col };
    if (tok.type === T.OPERATOR) {
      const attr = this.next();
      if (attr && attr.type === T.INT) return { kind: 'getitem', obj: node, index: { kind: 'const', value: Number(attr.value), ...this.pos(attr) }, ...at };
      if (attr && (attr.type === T.SYMBOL || attr.type === T.NONE || attr.type === T.BOOLEAN) && isIdentifier(attr.value)) {
        return { kind: 'getattr', obj: node, attr: attr.value, ...at };
      }
      throw this.error(`expected name or number after '.', got ${describeToken(attr)}`, attr ?? tok);
    }
    const args: Expr[] = [];
    while (!this.skipType(T.RIGHT_BRACKET)) {
      if (args.length > 0) this.expectType(T.COMMA, "','");
      args.push(this.parseSubscribed());
    }
    const index: Expr = args.length === 1 ? args[0]! : { kind: 'tuple', items: args, ...at };
    return { kind: 'getitem', obj: node, index, ...at };
  }

  private parseSubscribed(): Expr {
    const tok = this.peek();
    const at = tok ? this.pos(tok) : { line: 0, col: 0 };
    let start: Expr | null = null;
    if (tok?.type === T.COLON) {
      this.next();
    } else {
      start = this.parseExpression();
      if (this.peek()?.type !== T.COLON) return start;
      this.next();
    }
    const endOfPart = () => {
      const t = this.peek()?.type;
      return t === T.RIGHT_BRACKET || t === T.COMMA;
    };
    let stop: Expr | null = null;
    if (this.peek()?.type !== T.COLON && !endOfPart()) stop = this.parseExpression();
    let step: Expr | null = null;
    if (this.skipType(T.COLON) && !endOfPart()) step = this.parseExpression();
    return { kind: 'slice', start, stop, step, ...at };
  }

  private parseCall(node: Expr): Expr {
    return { kind: 'call', fn: node, ...this.parseCallArgs(), line: node.line, col: node.col };
  }

  protected parseCallArgs(): Args {
    const open = this.expectType(T.LEFT_PAREN, "'('");
    const result: Args = { args: [], kwargs: [], starArgs: null, starKwargs: null };
    let first = true;
    while (!this.skipType(T.RIGHT_PAREN)) {
      if (!first) {
        this.expectType(T.COMMA, "','");
        if (this.skipType(T.RIGHT_PAREN)) break;
      }
      first = false;
      const tok = this.peek();
      if (this.isOp(tok, '*')) {
        if (result.starArgs || result.starKwargs) throw this.invalidCall(open);
        this.next();
        result.starArgs = this.parseExpression();
      } else if (this.isOp(tok, '**')) {
        if (result.starKwargs) throw this.invalidCall(open);
        this.next();
        result.starKwargs = this.parseExpression();
      } else if (tok && tok.type === T.SYMBOL && this.isOp(this.peek2(), '=')) {
        if (result.starKwargs) throw this.invalidCall(open);
        this.next();
        this.next();
        if (!isIdentifier(tok.value)) throw this.error(`invalid keyword argument name '${tok.value}'`, tok);
        result.kwargs.push([tok.value, this.parseExpression()]);
      } else {
        if (result.kwargs.length > 0 || result.starArgs || result.starKwargs) throw this.invalidCall(open);
        result.args.push(this.parseExpression());
      }
    }
    return result;
  }

  private invalidCall(open: Token) {
    return this.error('invalid syntax for function call expression', open);
  }

  /** `|name(args)|name2`; `startInline` for `{% filter name %}` where no pipe precedes the first name. */
  protected parseFilters(node: Expr | null, startInline = false): FilterNode[] {
    const chain: FilterNode[] = [];
    let current = node;
    while (startInline || this.peek()?.type === T.PIPE) {
      if (!startInline) this.next();
      startInline = false;
      const nameTok = this.expectName('filter name');
      let name = nameTok.value;
      while (this.isOp(this.peek(), '.')) {
        this.next();
        name += '.' + this.expectName('filter name').value;
      }
      const args = this.peek()?.type === T.LEFT_PAREN ? this.parseCallArgs() : { args: [], kwargs: [], starArgs: null, starKwargs: null };
      const filter: FilterNode = { kind: 'filter', name, node: current, ...args, ...this.pos(nameTok) };
      chain.push(filter);
      current = filter;
    }
    return chain;
  }

  private parseFilter(node: Expr): Expr {
    const chain = this.parseFilters(node);
    return chain[chain.length - 1]!;
  }

  private parseTest(node: Expr): Expr {
    const isTok = this.next()!;
    const negated = this.skipSymbol('not');
    const nameTok = this.expectName('test name');
    let name = nameTok.value;
    while (this.isOp(this.peek(), '.')) {
      this.next();
      name += '.' + this.expectName('test name').value;
    }
    let args: Args = { args: [], kwargs: [], starArgs: null, starKwargs: null };
    const tok = this.peek();
    if (tok?.type === T.LEFT_PAREN) {
      args = this.parseCallArgs();
    } else if (tok && TEST_ARG_START.has(tok.type) && !(tok.type === T.SYMBOL && ['else', 'or', 'and'].includes(tok.value))) {
      if (this.isSymbol(tok, 'is')) throw this.error('You cannot chain multiple tests with is', tok);
      args.args.push(this.parsePostfix(this.parsePrimary()));
    }
    const test: TestNode = { kind: 'test', name, node, ...args, ...this.pos(isTok) };
    return negated ? { kind: 'not', node: test, line: test.line, col: test.col } : test;
  }
}
