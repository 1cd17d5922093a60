/**
 * The token stream: nunjucks' tokenizer, with the few places where it departs from Jinja2's lexer fixed.
 *
 * nunjucks tokenizes `{{ }}`, `{% %}`, `{# #}`, whitespace control (`{%-`, `-%}`) and data exactly as we need,
 * but (a) it unescapes string literals its own way (`'\d'` becomes `d`; Python keeps `\d`, which matters for
 * regexes handed to `modules.re`), and (b) it reads `r/.../` as a JavaScript regex literal, so `r/2` breaks.
 *
 * Its nextToken is rewritten here on character codes, token for token the same (source.test.ts compares
 * the two on the Jinja2 conformance templates and random text); nunjucks' own stays as that reference.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Token {
  type: string;
  value: string;
  /** 0-based, as nunjucks reports it. */
  lineno: number;
  /** 0-based. */
  colno: number;
}

/** The parts of nunjucks' Tokenizer that we use or override. */
interface NunjucksTokenizer {
  str: string;
  index: number;
  len: number;
  lineno: number;
  colno: number;
  in_code: boolean;
  nextToken(): Token | null;
  current(): string;
  forward(): void;
  _extractUntil(chars: string): string | null;
  _extractMatching(breakOnMatch: boolean, chars: string): string | null;
  _extractRegex(regex: RegExp): RegExpMatchArray | null;
}

interface NunjucksLexerModule {
  lex(src: string, opts?: object): NunjucksTokenizer;
  TOKEN_STRING: string;
  TOKEN_SYMBOL: string;
}

const lexer = require('nunjucks/src/lexer.js') as NunjucksLexerModule;
const BaseTokenizer = lexer.lex('').constructor as new (src: string, opts?: object) => NunjucksTokenizer;

export const T = {
  STRING: 'string',
  DATA: 'data',
  BLOCK_START: 'block-start',
  BLOCK_END: 'block-end',
  VARIABLE_START: 'variable-start',
  VARIABLE_END: 'variable-end',
  COMMENT: 'comment',
  LEFT_PAREN: 'left-paren',
  RIGHT_PAREN: 'right-paren',
  LEFT_BRACKET: 'left-bracket',
  RIGHT_BRACKET: 'right-bracket',
  LEFT_CURLY: 'left-curly',
  RIGHT_CURLY: 'right-curly',
  OPERATOR: 'operator',
  COMMA: 'comma',
  COLON: 'colon',
  TILDE: 'tilde',
  PIPE: 'pipe',
  INT: 'int',
  FLOAT: 'float',
  BOOLEAN: 'boolean',
  NONE: 'none',
  SYMBOL: 'symbol',
  WHITESPACE: 'whitespace',
} as const;

const DELIMITERS = ' \n\t\r\u00a0()[]{}%*-+~/#,:|.<>=!';

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

/** The lexer's few character classes (whitespace, delimiters...) as tables by UTF-16 code unit: 1 when in the class. */
const CHAR_SETS = new Map<string, Uint8Array>();

function charSet(chars: string): Uint8Array {
  let set = CHAR_SETS.get(chars);
  if (set === undefined) {
    set = new Uint8Array(0x10000);
    for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i)] = 1;
    CHAR_SETS.set(chars, set);
  }
  return set;
}

/** nunjucks' whitespace and delimiter characters (its lexer.js), as the fast path below reads them. */
const WHITESPACE_CHARS = ' \n\t\r\u00a0';
const WHITESPACE = charSet(WHITESPACE_CHARS);
const DELIMITER = charSet('()[]{}%*-+~/#,:|.<>=!');
const WORD_END = charSet(DELIMITERS);
const INT_CHARS = '0123456789';
/** The delimiters as one-character strings, by code. */
const ONE_CHARACTER: string[] = [];
for (const ch of '()[]{}%*-+~/#,:|.<>=!') ONE_CHARACTER[ch.charCodeAt(0)] = ch;
const DELIMITER_TYPES: Record<string, string> = {
  '(': T.LEFT_PAREN,
  ')': T.RIGHT_PAREN,
  '[': T.LEFT_BRACKET,
  ']': T.RIGHT_BRACKET,
  '{': T.LEFT_CURLY,
  '}': T.RIGHT_CURLY,
  ',': T.COMMA,
  ':': T.COLON,
  '~': T.TILDE,
  '|': T.PIPE,
};

class JinjaTokenizer extends BaseTokenizer {
  /** Open `{` inside the current tag: Jinja2 balances braces, so `{'a': {'b': 1}}` does not end a `{{ }}`. */
  private curlyDepth = 0;

  /**
   * `fast` off: every token comes from nunjucks' own nextToken (the reference the fast path is tested
   * against). `keepWhitespace` off: whitespace inside a tag is stepped over instead of returned as a token
   * (the parser has no use for it; on the fast path only).
   */
  constructor(
    src: string,
    private readonly fast = true,
    private readonly keepWhitespace = true,
  ) {
    super(src, {});
  }

  override nextToken(): Token | null {
    if (!this.fast) return this.nunjucksToken();
    if (this.in_code) return this.codeToken();
    return this.textToken();
  }

  /** The reference: nunjucks' nextToken, with Jinja2's braces and without its regex literals. */
  private nunjucksToken(): Token | null {
    if (this.in_code) {
      const { lineno, colno } = this;
      if (this.curlyDepth > 0 && this.current() === '}') {
        this.forward();
        this.curlyDepth--;
        return { type: T.RIGHT_CURLY, value: '}', lineno, colno };
      }
      if (this.current() === 'r' && this.str.charAt(this.index + 1) === '/') {
        // nunjucks would start a regex literal here; Jinja2 has none, so `r` is just a name.
        const value = this._extractUntil(DELIMITERS) ?? 'r';
        return { type: T.SYMBOL, value, lineno, colno };
      }
    }
    const tok = super.nextToken();
    if (tok) {
      if (tok.type === T.LEFT_CURLY) this.curlyDepth++;
      else if (tok.type === T.RIGHT_CURLY) this.curlyDepth = Math.max(0, this.curlyDepth - 1);
      else if (tok.type === T.BLOCK_START || tok.type === T.VARIABLE_START) this.curlyDepth = 0;
    }
    return tok;
  }

  /**
   * nunjucksToken inside a tag, step for step, on character codes: nunjucks tries each end tag by slicing,
   * allocates its operator list per delimiter and concatenates its character classes per word, which made
   * it the largest part of parsing 10,000 models. Only strings and whitespace hold newlines here, and the
   * helpers that read them count lines.
   */
  private codeToken(): Token | null {
    const { str, len, lineno, colno } = this;
    const i = this.index;
    if (i >= len) return null;
    const c = str.charCodeAt(i);
    const c1 = str.charCodeAt(i + 1);
    if (c === 125 && this.curlyDepth > 0) {
      this.index++;
      this.colno++;
      this.curlyDepth--;
      return { type: T.RIGHT_CURLY, value: '}', lineno, colno };
    }
    // `r/`: nunjucks would start a regex literal here; Jinja2 has none, so `r` is just a name.
    if (c === 114 && c1 === 47) return this.word(i, i + 1);
    if (c === 34 || c === 39) return { type: T.STRING, value: this._parseString(str[i]!), lineno, colno };
    if (WHITESPACE[c] === 1) {
      if (!this.keepWhitespace) {
        this._extractMatching(false, WHITESPACE_CHARS);
        return this.codeToken();
      }
      return { type: T.WHITESPACE, value: this._extractMatching(false, WHITESPACE_CHARS)!, lineno, colno };
    }
    // `%}`, `-%}`, `}}`, `-}}`
    if (c === 37 && c1 === 125) return this.tagEnd(T.BLOCK_END, '%}');
    if (c === 45 && c1 === 37 && str.charCodeAt(i + 2) === 125) return this.tagEnd(T.BLOCK_END, '-%}');
    if (c === 125 && c1 === 125) return this.tagEnd(T.VARIABLE_END, '}}');
    if (c === 45 && c1 === 125 && str.charCodeAt(i + 2) === 125) return this.tagEnd(T.VARIABLE_END, '-}}');
    if (DELIMITER[c] === 1) {
      // nunjucks' operators of more than one character, read on codes: `==`, `===`, `!=`, `!==`, `<=`, `>=`, `//`, `**`.
      let value = ONE_CHARACTER[c]!;
      if (c1 === 61 ? c === 61 || c === 33 || c === 60 || c === 62 : (c === 47 || c === 42) && c1 === c) {
        value = (c === 61 || c === 33) && str.charCodeAt(i + 2) === 61 ? str.slice(i, i + 3) : str.slice(i, i + 2);
      }
      this.index = i + value.length;
      this.colno += value.length;
      if (c === 123) this.curlyDepth++;
      return { type: DELIMITER_TYPES[value] ?? T.OPERATOR, value, lineno, colno };
    }
    let end = i + 1;
    while (end < len && WORD_END[str.charCodeAt(end)] !== 1) end++;
    return this.word(i, end);
  }

  /** The word str[start, end) (no delimiter or whitespace in it) as nunjucks types it. */
  private word(start: number, end: number): Token {
    const { str, lineno, colno } = this;
    const word = str.slice(start, end);
    this.index = end;
    this.colno += end - start;
    // A word holds no delimiter, so no sign: only one starting with a digit can be a number.
    const first = word.charCodeAt(0);
    if (first >= 48 && first <= 57 && /^[-+]?[0-9]+$/.test(word)) {
      if (str.charCodeAt(end) !== 46) return { type: T.INT, value: word, lineno, colno };
      this.forward();
      // At the very end nunjucks' extract gives null, which its concatenation spells out.
      const decimals = this._extractMatching(false, INT_CHARS);
      return { type: T.FLOAT, value: `${word}.${decimals}`, lineno, colno };
    }
    if (word === 'true' || word === 'false') return { type: T.BOOLEAN, value: word, lineno, colno };
    if (word === 'none' || word === 'null') return { type: T.NONE, value: word, lineno, colno };
    return { type: T.SYMBOL, value: word, lineno, colno };
  }

  private tagEnd(type: string, value: string): Token {
    const token = { type, value, lineno: this.lineno, colno: this.colno };
    this.index += value.length;
    this.colno += value.length;
    this.in_code = false;
    return token;
  }

  /**
   * nunjucksToken outside tags: a tag start, or template text (or a comment) up to the next tag. Its quirks
   * are kept: a `#}` in text is an error, and text running to the end steps one past it (error positions).
   */
  private textToken(): Token | null {
    const { str, len, lineno, colno } = this;
    const start = this.index;
    if (start >= len) return null;
    const c1 = str.charCodeAt(start + 1);
    if (str.charCodeAt(start) === 123 && (c1 === 37 || c1 === 123)) {
      const value = str.charCodeAt(start + 2) === 45 ? str.slice(start, start + 3) : str.slice(start, start + 2);
      this.index = start + value.length;
      this.colno += value.length;
      this.in_code = true;
      this.curlyDepth = 0;
      return { type: c1 === 37 ? T.BLOCK_START : T.VARIABLE_START, value, lineno, colno };
    }
    const inComment = str.startsWith('{#', start);
    let i = inComment ? start + 2 : start;
    let closed = false;
    while (i < len) {
      while (i < len && str.charCodeAt(i) !== 123 && str.charCodeAt(i) !== 35) i++;
      if (!inComment && (str.startsWith('{%', i) || str.startsWith('{{', i) || str.startsWith('{#', i))) break;
      if (str.startsWith('#}', i)) {
        if (!inComment) {
          this.advanceTo(start, i);
          throw new Error('unexpected end of comment');
        }
        i += 2;
        closed = true;
        break;
      }
      // A lone `{` or `#` is text; at the end nunjucks steps past it.
      i++;
    }
    this.advanceTo(start, i);
    if (inComment && !closed) throw new Error('expected end of comment, got end of file');
    return { type: inComment ? T.COMMENT : T.DATA, value: str.slice(start, Math.min(i, len)), lineno, colno };
  }

  /** Moves from `start` to `to` (which may be one past the end), counting lines. */
  private advanceTo(start: number, to: number): void {
    const text = this.str.slice(start, to);
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline === -1) {
      this.colno += to - start;
    } else {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineno++;
      this.colno = to - start - lastNewline - 1;
    }
    this.index = to;
  }

  // nunjucks reads every character through current()/previous() and builds text one character at a time;
  // these do the same steps on indexes (profiles of 10,000-model compiles showed its lexer at half the parse).

  override current(): string {
    return this.index < this.len ? this.str.charAt(this.index) : '';
  }

  override forward(): void {
    if (this.str.charCodeAt(this.index++) === 10) {
      this.lineno++;
      this.colno = 0;
    } else {
      this.colno++;
    }
  }

  /** The characters from here up to the first one that is (breakOnMatch) or is not in `chars`; null at the end. */
  override _extractMatching(breakOnMatch: boolean, chars: string): string | null {
    const { str, len } = this;
    const start = this.index;
    if (start >= len) return null;
    const set = charSet(chars);
    const stopAt = breakOnMatch ? 1 : 0;
    let end = start;
    while (end < len && set[str.charCodeAt(end)] !== stopAt) end++;
    if (end === start) return '';
    const text = str.slice(start, end);
    this.index = end;
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline === -1) {
      this.colno += text.length;
    } else {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineno++;
      this.colno = text.length - lastNewline - 1;
    }
    return text;
  }

  /** Python string-literal unescaping: unknown escapes keep their backslash (`'\d'` is two characters). */
  _parseString(delimiter: string): string {
    if (this.fast) {
      // Without a backslash the literal is the text up to its delimiter (one slice, not one piece a character);
      // the loop below, which the reference tokenizer runs, steps the same way.
      const { str, len } = this;
      const quote = delimiter.charCodeAt(0);
      let end = this.index + 1;
      for (let c = str.charCodeAt(end); end < len && c !== quote && c !== 92; c = str.charCodeAt(++end));
      if (end >= len || str.charCodeAt(end) === quote) {
        const out = str.slice(this.index + 1, end);
        this.advanceTo(this.index, end + 1);
        return out;
      }
    }
    this.forward();
    let out = '';
    while (this.index < this.str.length && this.current() !== delimiter) {
      const ch = this.current();
      if (ch !== '\\') {
        out += ch;
        this.forward();
        continue;
      }
      this.forward();
      const esc = this.current();
      const simple = SIMPLE_ESCAPES[esc];
      if (simple !== undefined) {
        out += simple;
        this.forward();
      } else if (esc === 'x' || esc === 'u' || esc === 'U') {
        const width = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
        const hex = this.str.slice(this.index + 1, this.index + 1 + width);
        if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === width) {
          out += String.fromCodePoint(parseInt(hex, 16));
          for (let i = 0; i <= width; i++) this.forward();
        } else {
          out += '\\';
        }
      } else if (esc >= '0' && esc <= '7') {
        let digits = '';
        while (digits.length < 3 && this.current() >= '0' && this.current() <= '7') {
          digits += this.current();
          this.forward();
        }
        out += String.fromCharCode(parseInt(digits, 8));
      } else {
        out += '\\';
      }
    }
    this.forward();
    return out;
  }
}

/**
 * Jinja2 normalises every newline to `\n` and, with keep_trailing_newline=False (its default), drops one
 * trailing newline of the template source.
 */
export function prepareSource(source: string): string {
  let src = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  if (src.endsWith('\n')) src = src.slice(0, -1);
  return src;
}

export interface TokenSource {
  nextToken(): Token | null;
  /** Consumes a regex match at the current position (used for `{% raw %}`). */
  extractRegex(regex: RegExp): RegExpMatchArray | null;
  /** The current 0-based line and column. */
  position(): { lineno: number; colno: number };
}

/**
 * `fast` off: nunjucks' own tokenizer code only (default on; the fast path is tested against it).
 * `keepWhitespace` off: no whitespace tokens inside tags (the parser's stream).
 */
export function tokenize(source: string, fast = true, keepWhitespace = true): TokenSource {
  const tokenizer = new JinjaTokenizer(source, fast, keepWhitespace);
  return {
    nextToken: () => tokenizer.nextToken(),
    extractRegex: (regex) => tokenizer._extractRegex(regex),
    position: () => ({ lineno: tokenizer.lineno, colno: tokenizer.colno }),
  };
}
