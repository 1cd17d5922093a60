/**
 * Maps a position in a model's compiled SQL back to its Jinja source, for warehouse errors: the database
 * names a line of the SQL it ran, users edit the .sql file with Jinja in it.
 *
 * Rendering keeps most lines as written, drops some (`{% if %}`, `{% set %}`, comments) and expands others
 * (a macro call becomes several lines). So the two texts are aligned line by line (longest common
 * subsequence): a source line matches a compiled line when its literal text is there with anything in place
 * of its `{{ ... }}` expressions. A compiled line that matches no source line came from the Jinja between the
 * matched lines around it: the expression written there, else the nearest matched line above.
 */
export interface MappedPosition {
  /** 1-based line in the source. */
  line: number;
  /** 1-based column in the source. */
  column: number;
  /** True when the compiled line is the source line as written; false when it came out of Jinja there. */
  exact: boolean;
}

/** Beyond this many line pairs the alignment is greedy instead of optimal (memory and time stay small). */
const MAX_CELLS = 4_000_000;

type Piece = { kind: 'text'; text: string; column: number } | { kind: 'jinja'; column: number };

interface SourceLine {
  pieces: Piece[];
  /** Literal text only, whitespace runs collapsed; '' when the line has no word of its own. */
  key: string;
  /** Column of the first `{{` that starts on this line and may print something (config() prints nothing). */
  exprColumn?: number;
  /** Non-blank literal text (punctuation included). */
  hasText: boolean;
  pattern?: RegExp;
}

const JINJA_OPEN = /\{[{%#]/g;
const CLOSERS: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };

/** Every `{{ }}`, `{% %}` and `{# #}` of the source as [start, end) offsets, with whether it prints. */
function jinjaSpans(source: string): { start: number; end: number; prints: boolean }[] {
  const spans: { start: number; end: number; prints: boolean }[] = [];
  JINJA_OPEN.lastIndex = 0;
  for (let m = JINJA_OPEN.exec(source); m !== null; m = JINJA_OPEN.exec(source)) {
    const close = source.indexOf(CLOSERS[m[0]]!, m.index + 2);
    const end = close === -1 ? source.length : close + 2;
    const body = source.slice(m.index + 2, end - 2).replace(/^-/, '').trim();
    spans.push({ start: m.index, end, prints: m[0] === '{{' && !/^config\s*\(/.test(body) });
    JINJA_OPEN.lastIndex = end;
  }
  return spans;
}

const collapse = (text: string): string => text.trim().replace(/\s+/g, ' ');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function analyseSource(source: string): SourceLine[] {
  const spans = jinjaSpans(source);
  const lines: SourceLine[] = [];
  let spanIndex = 0;
  let lineStart = 0;
  for (const text of source.split('\n')) {
    const lineEnd = lineStart + text.length;
    const pieces: Piece[] = [];
    let at = lineStart;
    let exprColumn: number | undefined;
    while (spanIndex < spans.length && spans[spanIndex]!.end <= lineStart) spanIndex++;
    for (let s = spanIndex; s < spans.length && spans[s]!.start < lineEnd; s++) {
      const span = spans[s]!;
      if (span.start > at) pieces.push({ kind: 'text', text: source.slice(at, span.start), column: at - lineStart + 1 });
      const from = Math.max(span.start, lineStart);
      pieces.push({ kind: 'jinja', column: from - lineStart + 1 });
      if (span.prints && span.start >= lineStart && exprColumn === undefined) exprColumn = span.start - lineStart + 1;
      at = Math.min(span.end, lineEnd);
    }
    if (at < lineEnd) pieces.push({ kind: 'text', text: source.slice(at, lineEnd), column: at - lineStart + 1 });
    const literal = pieces.map((p) => (p.kind === 'text' ? p.text : ' ')).join('');
    lines.push({ pieces, key: /\w/.test(literal) ? collapse(literal) : '', exprColumn, hasText: literal.trim() !== '' });
    lineStart = lineEnd + 1;
  }
  return lines;
}

/** `^...$` over a trimmed compiled line: the literal pieces as written (any whitespace), anything for Jinja. */
function patternOf(line: SourceLine): RegExp {
  const body = line.pieces
    .map((p) => (p.kind === 'text' ? `(${p.text.trim() === '' ? '\\s*' : escapeRegExp(p.text.trim()).replace(/\s+/g, '\\s+')})` : '(.*?)'))
    .join('\\s*');
  return new RegExp(`^${body}$`, 'd');
}

function matches(line: SourceLine, compiled: string): boolean {
  if (line.key === '') return false;
  if (!line.pieces.some((p) => p.kind === 'jinja')) return line.key === compiled;
  line.pattern ??= patternOf(line);
  return line.pattern.test(compiled);
}

/** Pairs [source index, compiled index] of an optimal alignment (earliest compiled line on ties). */
function align(source: SourceLine[], compiled: string[]): [number, number][] {
  const s = source.flatMap((line, i) => (line.key === '' ? [] : [i]));
  const c = compiled.flatMap((line, i) => (line === '' ? [] : [i]));
  const pairs: [number, number][] = [];
  if ((s.length + 1) * (c.length + 1) > MAX_CELLS) {
    // Greedy: each source line takes the first matching compiled line after the previous match.
    let j = 0;
    for (const i of s) {
      for (let k = j; k < c.length && k < j + 200; k++) {
        if (matches(source[i]!, compiled[c[k]!]!)) {
          pairs.push([i, c[k]!]);
          j = k + 1;
          break;
        }
      }
    }
    return pairs;
  }
  const width = c.length + 1;
  const suffix = new Int32Array((s.length + 1) * width);
  const hit = new Uint8Array(s.length * c.length);
  for (let a = s.length - 1; a >= 0; a--) {
    for (let b = c.length - 1; b >= 0; b--) {
      const same = matches(source[s[a]!]!, compiled[c[b]!]!);
      hit[a * c.length + b] = same ? 1 : 0;
      suffix[a * width + b] = same ? suffix[(a + 1) * width + b + 1]! + 1 : Math.max(suffix[(a + 1) * width + b]!, suffix[a * width + b + 1]!);
    }
  }
  for (let a = 0, b = 0; a < s.length && b < c.length; ) {
    if (hit[a * c.length + b] === 1) {
      pairs.push([s[a]!, c[b]!]);
      a++;
      b++;
    } else if (suffix[(a + 1) * width + b]! >= suffix[a * width + b + 1]!) a++;
    else b++;
  }
  return pairs;
}

export class LineMap {
  private readonly source: SourceLine[];
  private readonly compiled: string[];
  private readonly rawCompiled: string[];
  /** Compiled line index -> source line index, for aligned lines; sorted by compiled line. */
  private readonly pairs: [number, number][];

  constructor(source: string, compiled: string) {
    this.source = analyseSource(source);
    this.rawCompiled = compiled.split('\n');
    this.compiled = this.rawCompiled.map(collapse);
    this.pairs = align(this.source, this.compiled);
  }

  /** Where the 1-based compiled `line` (and `column`) was written in the source. */
  sourceOf(line: number, column = 1): MappedPosition {
    const at = Math.min(Math.max(line, 1), this.compiled.length) - 1;
    let before = -1;
    for (const [s, c] of this.pairs) {
      if (c === at) return { line: s + 1, column: this.columnIn(this.source[s]!, this.rawCompiled[c]!, column), exact: true };
      if (c > at) break;
      before++;
    }
    const prev = this.pairs[before];
    const next = this.pairs[before + 1];
    const fromSource = prev ? prev[0] + 1 : 0;
    const toSource = next ? next[0] : this.source.length;
    const fromCompiled = prev ? prev[1] + 1 : 0;
    const toCompiled = next ? next[1] : this.compiled.length;
    const gap = [];
    for (let i = fromSource; i < toSource; i++) gap.push(i);
    let candidates = gap.filter((i) => this.source[i]!.exprColumn !== undefined);
    if (candidates.length === 0) candidates = gap.filter((i) => this.source[i]!.hasText);
    if (candidates.length === 0) {
      const near = prev?.[0] ?? next?.[0] ?? gap.find((i) => this.source[i]!.pieces.length > 0) ?? 0;
      candidates = [near];
    }
    // Several Jinja lines share the gap's compiled lines in order, in proportion.
    const share = Math.floor(((at - fromCompiled) * candidates.length) / Math.max(1, toCompiled - fromCompiled));
    const chosen = candidates[Math.min(candidates.length - 1, Math.max(0, share))]!;
    const found = this.source[chosen]!;
    const firstText = found.pieces.find((p) => p.kind === 'jinja' || p.text.trim() !== '');
    const indent = firstText ? firstText.column + (firstText.kind === 'text' ? firstText.text.length - firstText.text.trimStart().length : 0) : 1;
    return { line: chosen + 1, column: found.exprColumn ?? indent, exact: false };
  }

  /** The source column of a compiled column on an aligned line: same place in its literal text, or its `{{`. */
  private columnIn(line: SourceLine, compiledLine: string, column: number): number {
    line.pattern ??= patternOf(line);
    const lead = compiledLine.length - compiledLine.trimStart().length;
    const match = line.pattern.exec(collapse(compiledLine)) ?? line.pattern.exec(compiledLine.trim());
    const indices = match?.indices;
    if (!indices) return line.pieces[0]?.column ?? 1;
    // Offsets in the collapsed line differ from the raw one only where whitespace runs were shortened.
    const x = Math.max(0, column - 1 - lead);
    for (let g = 1; g < indices.length; g++) {
      const range = indices[g];
      const piece = line.pieces[g - 1]!;
      if (!range || x >= range[1]) continue;
      if (piece.kind === 'jinja') return piece.column;
      const trimmed = piece.text.length - piece.text.trimStart().length;
      return piece.column + trimmed + Math.max(0, Math.min(x - range[0], piece.text.trim().length - 1));
    }
    const last = line.pieces[line.pieces.length - 1]!;
    return last.kind === 'text' ? last.column + last.text.trimEnd().length : last.column;
  }
}
