/**
 * Jinja2's statements on top of the expression parser: template text with whitespace control, `{{ }}`,
 * comments, and the tags Jinja2 (with the `do` and `loopcontrols` extensions) and dbt provide. Tags that
 * xform does not support fail here, at their line, instead of rendering something different.
 */
import type { Expr, FilterNode, MacroNode, Param, Stmt, TemplateAst, Target } from './ast.js';
import { TargetParser } from './targets.js';
import { T, prepareSource, type Token } from './source.js';

const SUPPORTED_TAGS = ['for', 'if', 'macro', 'call', 'set', 'filter', 'with', 'do', 'break', 'continue', 'raw', 'test', 'print'];
const UNSUPPORTED_TAGS: Record<string, string> = {
  extends: 'template inheritance is not available: models and macros are rendered on their own',
  block: 'template inheritance is not available: models and macros are rendered on their own',
  include: 'every macro is already callable everywhere; call a macro instead of including a file',
  import: 'every macro is already callable everywhere without an import',
  from: 'every macro is already callable everywhere without an import',
  autoescape: 'autoescaping is always off for SQL',
  trans: 'the i18n extension is not enabled',
  materialization: 'custom materializations are not supported',
  snapshot: 'snapshot blocks are not supported in templates',
  docs: 'docs blocks belong in documentation files',
  switch: 'Jinja2 has no switch statement (it is a nunjucks extension); use if/elif',
  verbatim: "use {% raw %}...{% endraw %}",
  asyncEach: 'not a Jinja2 tag',
  asyncAll: 'not a Jinja2 tag',
  ifAsync: 'not a Jinja2 tag',
};

interface OpenBlock {
  name: string;
  ends: string[];
  tok: Token;
}

export class TemplateParser extends TargetParser {
  private readonly open: OpenBlock[] = [];
  private loopDepth = 0;
  /** The `{%` of the statement being parsed (macro blocks keep their source text). */
  private blockStart: Token | null = null;

  constructor(source: string, file: string) {
    super(prepareSource(source), file);
  }

  parseTemplate(): TemplateAst {
    return { body: this.subparse(null, null).body };
  }

  /** Statements until one of `ends` (an end tag such as `endfor`, or `else`), whose name is consumed. */
  private subparse(block: OpenBlock | null, ends: string[] | null): { body: Stmt[]; end: string } {
    if (block) this.open.push(block);
    const body: Stmt[] = [];
    const output = (at: Token, node: string | Expr) => {
      const last = body[body.length - 1];
      if (last && last.kind === 'output') last.nodes.push(node);
      else body.push({ kind: 'output', nodes: [node], ...this.pos(at) });
    };
    try {
      for (;;) {
        const tok = this.next();
        if (!tok) {
          if (block) throw this.unclosed(block);
          return { body, end: '' };
        }
        if (tok.type === T.DATA) {
          const text = this.dataText(tok.value);
          if (text) output(tok, text);
        } else if (tok.type === T.COMMENT) {
          this.stripNextData = tok.value.endsWith('-#}');
        } else if (tok.type === T.VARIABLE_START) {
          const expr = this.parseTuple();
          this.expectVariableEnd();
          output(tok, expr);
        } else if (tok.type === T.BLOCK_START) {
          this.blockStart = tok;
          if (this.isOp(this.peek(), '+')) this.next();
          const tag = this.peek();
          if (!tag || tag.type !== T.SYMBOL) throw this.error(`tag name expected, got ${tag ? `'${tag.value}'` : 'end of template'}`, tag ?? tok);
          if (ends && ends.includes(tag.value)) {
            this.next();
            return { body, end: tag.value };
          }
          const stmt = this.parseStatement(tag);
          if (stmt) body.push(...(Array.isArray(stmt) ? stmt : [stmt]));
        } else {
          throw this.error(`unexpected '${tok.value}'`, tok);
        }
      }
    } finally {
      if (block) this.open.pop();
    }
  }

  /** Applies `-%}` before and `{%-` after a piece of template text. */
  private dataText(raw: string): string {
    let text = raw;
    if (this.stripNextData) {
      text = text.replace(/^\s+/, '');
      this.stripNextData = false;
    }
    const next = this.peek();
    if (next) {
      const stripsBefore =
        (next.type === T.BLOCK_START && next.value.endsWith('-')) ||
        (next.type === T.VARIABLE_START && next.value.endsWith('-')) ||
        (next.type === T.COMMENT && next.value.startsWith('{#-'));
      if (stripsBefore) text = text.replace(/\s+$/, '');
    }
    return text;
  }

  private unclosed(block: OpenBlock) {
    const expected = block.ends.map((e) => `'${e}'`).join(' or ');
    return this.error(
      `Unexpected end of template. Jinja was looking for the following tags: ${expected}. The innermost block that needs to be closed is '${block.name}'.`,
      block.tok,
    );
  }

  private parseStatement(tag: Token): Stmt | Stmt[] | null {
    const name = tag.value;
    if (name in UNSUPPORTED_TAGS) {
      throw this.unsupported(`The '{% ${name} %}' tag is not supported by xform templates.`, tag, UNSUPPORTED_TAGS[name]);
    }
    this.next();
    const at = this.pos(tag);
    switch (name) {
      case 'for':
        return this.parseFor(tag);
      case 'if':
        return this.parseIf(tag);
      case 'macro':
      case 'test':
        return this.parseMacro(tag, name === 'test');
      case 'call':
        return this.parseCallBlock(tag);
      case 'set':
        return this.parseSet(tag);
      case 'filter': {
        const filters = this.parseFilters(null, true);
        this.expectBlockEnd();
        const body = this.block(tag, 'filter', ['endfilter']);
        return { kind: 'filterblock', filters, body, ...at };
      }
      case 'with':
        return this.parseWith(tag);
      case 'do': {
        const expr = this.parseTuple();
        this.expectBlockEnd();
        return { kind: 'do', expr, ...at };
      }
      case 'break':
      case 'continue':
        if (this.loopDepth === 0) throw this.error(`'${name}' outside of a for loop`, tag);
        this.expectBlockEnd();
        return { kind: name, ...at };
      case 'print': {
        const nodes: Expr[] = [];
        while (this.peek()?.type !== T.BLOCK_END) {
          if (nodes.length > 0) this.expectType(T.COMMA, "','");
          nodes.push(this.parseExpression());
        }
        this.expectBlockEnd();
        return { kind: 'output', nodes, ...at };
      }
      case 'raw':
        return this.parseRaw(tag);
      default:
        throw this.unknownTag(tag);
    }
  }

  private unknownTag(tag: Token) {
    const innermost = this.open[this.open.length - 1];
    const expected = innermost ? innermost.ends : [];
    const hint = this.hintFor(tag.value, [...SUPPORTED_TAGS, ...expected, ...Object.keys(UNSUPPORTED_TAGS)]);
    let message = `Encountered unknown tag '${tag.value}'.`;
    if (innermost) {
      message += ` Jinja was looking for the following tags: ${expected.map((e) => `'${e}'`).join(' or ')}.`;
      message += ` The innermost block that needs to be closed is '${innermost.name}'.`;
    }
    return this.error(message, tag, hint);
  }

  /** Parses a body up to one of `ends` and its closing `%}`. */
  private block(tok: Token, name: string, ends: string[]): Stmt[] {
    const { body } = this.subparse({ name, ends, tok }, ends);
    this.expectBlockEnd();
    return body;
  }

  private parseFor(tag: Token): Stmt {
    const target = this.parseAssignTarget({ endSymbols: ['in'] });
    this.expectSymbol('in');
    const iter = this.parseTuple({ withCondexpr: false, endSymbols: ['recursive'] });
    const test = this.skipSymbol('if') ? this.parseExpression() : null;
    const recursive = this.skipSymbol('recursive');
    this.expectBlockEnd();
    this.loopDepth++;
    const ends = ['endfor', 'else'];
    let result;
    try {
      result = this.subparse({ name: 'for', ends, tok: tag }, ends);
    } finally {
      this.loopDepth--;
    }
    this.expectBlockEnd();
    const else_ = result.end === 'else' ? this.block(tag, 'for', ['endfor']) : [];
    return { kind: 'for', target, iter, body: result.body, else_, test, recursive, ...this.pos(tag) };
  }

  private parseIf(tag: Token): Stmt {
    const test = this.parseTuple({ withCondexpr: false });
    this.expectBlockEnd();
    const ends = ['elif', 'else', 'endif'];
    const node = { kind: 'if' as const, test, body: [] as Stmt[], elifs: [] as { test: Expr; body: Stmt[] }[], else_: [] as Stmt[], ...this.pos(tag) };
    let { body, end } = this.subparse({ name: 'if', ends, tok: tag }, ends);
    node.body = body;
    while (end === 'elif') {
      const elifTest = this.parseTuple({ withCondexpr: false });
      this.expectBlockEnd();
      ({ body, end } = this.subparse({ name: 'if', ends, tok: tag }, ends));
      node.elifs.push({ test: elifTest, body });
    }
    this.expectBlockEnd();
    if (end === 'else') node.else_ = this.block(tag, 'if', ['endif']);
    return node;
  }

  private parseMacro(tag: Token, isTest: boolean): MacroNode {
    const start = this.blockStart ?? tag;
    const nameTok = this.expectName('macro name');
    const params = this.parseSignature();
    this.expectBlockEnd();
    const end = isTest ? 'endtest' : 'endmacro';
    const body = this.outsideLoop(() => this.block(tag, tag.value, [end]));
    const after = this.source.position();
    const name = isTest ? `test_${nameTok.value}` : nameTok.value;
    const span = { startLine: start.lineno, startCol: start.colno, endLine: after.lineno, endCol: after.colno };
    return { kind: 'macro', name, params, body, isTest, span, ...this.pos(tag) };
  }

  private parseCallBlock(tag: Token): Stmt {
    const callerParams: Param[] = this.peek()?.type === T.LEFT_PAREN ? this.parseSignature() : [];
    const call = this.parseExpression();
    if (call.kind !== 'call') throw this.error('expected call', { lineno: call.line - 1, colno: call.col - 1 });
    this.expectBlockEnd();
    const body = this.outsideLoop(() => this.block(tag, 'call', ['endcall']));
    return { kind: 'callblock', call, callerParams, body, ...this.pos(tag) };
  }

  private parseSet(tag: Token): Stmt {
    const target: Target = this.parseAssignTarget({ withNamespace: true });
    if (this.isOp(this.peek(), '=')) {
      this.next();
      const value = this.parseTuple();
      this.expectBlockEnd();
      return { kind: 'assign', target, value, ...this.pos(tag) };
    }
    const filters: FilterNode[] = this.parseFilters(null);
    this.expectBlockEnd();
    const body = this.block(tag, 'set', ['endset']);
    return { kind: 'assignblock', target, filters, body, ...this.pos(tag) };
  }

  private parseWith(tag: Token): Stmt {
    const targets: Target[] = [];
    const values: Expr[] = [];
    while (this.peek()?.type !== T.BLOCK_END) {
      if (targets.length > 0) this.expectType(T.COMMA, "','");
      targets.push(this.parseAssignTarget());
      this.expectType(T.OPERATOR, "'='", '=');
      values.push(this.parseExpression());
    }
    this.expectBlockEnd();
    const body = this.block(tag, 'with', ['endwith']);
    return { kind: 'with', targets, values, body, ...this.pos(tag) };
  }

  /**
   * `{% raw %}` runs to the first `{% endraw %}` (Jinja2 does not nest raw blocks); `-` on either tag strips
   * whitespace as on any other tag.
   */
  private parseRaw(tag: Token): Stmt | null {
    const end = this.expectType(T.BLOCK_END, "'end of statement block'");
    const match = this.source.extractRegex(/^([\s\S]*?)\{%(-?)\+?\s*endraw\s*(-?)%\}/);
    if (!match) throw this.unclosed({ name: 'raw', ends: ['endraw'], tok: tag });
    let text = match[1]!;
    if (end.value.startsWith('-')) text = text.replace(/^\s+/, '');
    if (match[2] === '-') text = text.replace(/\s+$/, '');
    this.stripNextData = match[3] === '-';
    return text ? { kind: 'output', nodes: [text], ...this.pos(tag) } : null;
  }

  private outsideLoop<R>(fn: () => R): R {
    const saved = this.loopDepth;
    this.loopDepth = 0;
    try {
      return fn();
    } finally {
      this.loopDepth = saved;
    }
  }
}

export function parseTemplate(source: string, file: string): TemplateAst {
  return new TemplateParser(source, file).parseTemplate();
}
