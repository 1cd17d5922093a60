/**
 * Token reading with unlimited look-ahead (nunjucks' own parser allows one pushed-back token, which is not
 * enough for Jinja2's `not in`, `name=value` keyword arguments and `ns.attr` assignment targets), plus the
 * syntax-error helpers every parser stage uses.
 */
import { XformError, didYouMeanHint } from '../../errors.js';
import { T, tokenize, type Token, type TokenSource } from './source.js';

export const SYNTAX_ERROR = 'XFORM_TEMPLATE_SYNTAX';
export const UNSUPPORTED = 'XFORM_TEMPLATE_UNSUPPORTED';

const TOKEN_NAMES: Record<string, string> = {
  [T.BLOCK_END]: 'end of statement block',
  [T.VARIABLE_END]: 'end of print statement',
  [T.RIGHT_PAREN]: "')'",
  [T.RIGHT_BRACKET]: "']'",
  [T.RIGHT_CURLY]: "'}'",
  [T.COMMA]: "','",
  [T.COLON]: "':'",
};

export function describeToken(tok: Token | null): string {
  if (!tok) return 'end of template';
  if (tok.type === T.STRING) return 'string';
  return TOKEN_NAMES[tok.type] ?? `'${tok.value}'`;
}

export class TokenStream {
  protected readonly source: TokenSource;
  private readonly pushed: Token[] = [];
  /** Set by a tag ending in `-%}`, `-}}` or `-#}`: the next template text loses its leading whitespace. */
  protected stripNextData = false;

  constructor(
    source: string,
    readonly file: string,
  ) {
    this.source = tokenize(source, true, false);
  }

  protected next(): Token | null {
    const pushed = this.pushed.pop();
    if (pushed) return pushed;
    for (;;) {
      let tok: Token | null;
      try {
        tok = this.source.nextToken();
      } catch (err) {
        // The nunjucks tokenizer throws bare Errors (unterminated comment...): give them a position.
        const { lineno, colno } = this.source.position();
        throw this.error(err instanceof Error ? err.message : String(err), { lineno, colno });
      }
      if (!tok || tok.type !== T.WHITESPACE) return tok;
    }
  }

  protected peek(): Token | null {
    const tok = this.next();
    if (tok) this.pushed.push(tok);
    return tok;
  }

  /** The token after the next one. */
  protected peek2(): Token | null {
    const first = this.next();
    const second = this.next();
    if (second) this.pushed.push(second);
    if (first) this.pushed.push(first);
    return second;
  }

  protected push(tok: Token): void {
    this.pushed.push(tok);
  }

  protected isSymbol(tok: Token | null, name?: string): boolean {
    return tok !== null && tok.type === T.SYMBOL && (name === undefined || tok.value === name);
  }

  protected isOp(tok: Token | null, value: string): boolean {
    return tok !== null && tok.type === T.OPERATOR && tok.value === value;
  }

  protected skipSymbol(name: string): boolean {
    const tok = this.peek();
    if (this.isSymbol(tok, name)) {
      this.next();
      return true;
    }
    return false;
  }

  protected skipType(type: string, value?: string): Token | null {
    const tok = this.peek();
    if (tok && tok.type === type && (value === undefined || tok.value === value)) return this.next();
    return null;
  }

  protected expectType(type: string, what: string, value?: string): Token {
    const tok = this.next();
    if (!tok || tok.type !== type || (value !== undefined && tok.value !== value)) {
      throw this.error(`expected token ${what}, got ${describeToken(tok)}`, tok);
    }
    return tok;
  }

  protected expectSymbol(name: string): Token {
    return this.expectType(T.SYMBOL, `'${name}'`, name);
  }

  /** A name token: an identifier. nunjucks lexes `none`/`true`/`false` separately; here they are names. */
  protected expectName(what = 'name'): Token {
    const tok = this.next();
    if (tok && (tok.type === T.SYMBOL || tok.type === T.NONE || tok.type === T.BOOLEAN) && isIdentifier(tok.value)) {
      return tok;
    }
    throw this.error(`expected ${what}, got ${describeToken(tok)}`, tok);
  }

  /** `%}` (or `-%}`), remembering whether it asks to strip the following whitespace. */
  protected expectBlockEnd(): Token {
    if (this.isOp(this.peek(), '+')) this.next(); // `+%}` only matters with trim_blocks, which Jinja2 leaves off
    const tok = this.expectType(T.BLOCK_END, "'end of statement block'");
    this.stripNextData = tok.value.startsWith('-');
    return tok;
  }

  protected expectVariableEnd(): void {
    const tok = this.expectType(T.VARIABLE_END, "'end of print statement'");
    this.stripNextData = tok.value.startsWith('-');
  }

  protected error(message: string, at: { lineno: number; colno: number } | null, hint?: string): XformError {
    const position = at ?? this.source.position();
    return new XformError(SYNTAX_ERROR, message, {
      location: { file: this.file, line: position.lineno + 1, column: position.colno + 1 },
      hint,
    });
  }

  protected unsupported(message: string, at: Token, hint?: string): XformError {
    return new XformError(UNSUPPORTED, message, {
      location: { file: this.file, line: at.lineno + 1, column: at.colno + 1 },
      hint,
    });
  }

  protected hintFor(name: string, candidates: Iterable<string>): string | undefined {
    return didYouMeanHint(name, candidates);
  }

  protected pos(tok: { lineno: number; colno: number }): { line: number; col: number } {
    return { line: tok.lineno + 1, col: tok.colno + 1 };
  }
}

export function isIdentifier(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}
