/**
 * A model's warehouse error, located in the model. The database names a position in the statement it ran
 * (the model's SQL wrapped in `create table ... as (...)`), which is neither the line of the compiled file
 * nor the line users edit; this finds both, and shows the source line with a caret under the place.
 */
import { isSqlError, type SqlError } from '../adapter/sql-error.js';
import { EPHEMERAL_PREFIX } from '../compile/ephemeral.js';
import { LineMap, type MappedPosition } from '../compile/line-map.js';
import { locateCall, positionAt } from '../compile/source-lines.js';
import type { ExecutableNode } from '../graph/types.js';

/** How much of the compiled SQL is looked up in the statement to find where the model's SQL starts. */
const PROBE = 200;
const CTE_OPEN = new RegExp(`^(?:with )?${EPHEMERAL_PREFIX}(\\w+) as \\($`, 'u');
/** Longer source lines are shown as a window around the caret. */
const MAX_EXCERPT = 120;

/**
 * `err` with the source location (`models/x.sql:9:7`), the compiled SQL's file and position, and caret
 * excerpts; any other error, or a SQL error from a statement that does not hold `ran`, keeps its position
 * and only gains the compiled file's name.
 * @param ran the model's SQL as it ran (the execute-time render)
 * @param compiledFile where `ran` was written, as shown to users (target/run/<path>); undefined: not written
 */
export function locateSqlError(err: unknown, node: ExecutableNode, ran: string, compiledFile: string | undefined): unknown {
  if (!isSqlError(err) || typeof err.with !== 'function') return err;
  const compiled = compiledPosition(err, ran);
  // A YAML snapshot's source is its YAML entry, not SQL that lines up with the compiled text.
  const source = compiled && node.original_file_path.endsWith('.sql') && node.raw_code !== '' ? sourcePosition(node, ran, compiled) : undefined;
  const shown: string[] = [];
  if (source) shown.push(...excerpt(node.raw_code, source.line, source.column));
  if (source?.ephemeral) shown.push(`in ephemeral model '${source.ephemeral}', inlined as ${EPHEMERAL_PREFIX}${source.ephemeral}`);
  if (compiled) {
    const where = compiledFile === undefined ? `compiled SQL line ${compiled.line}` : `compiled SQL: ${compiledFile}:${compiled.line}:${compiled.column}`;
    shown.push(where);
    // The source line is not what ran (a macro's output, say): show the line that did.
    if (!source?.exact) shown.push(...excerpt(ran, compiled.line, compiled.column));
  } else if (compiledFile !== undefined) {
    shown.push(`compiled SQL: ${compiledFile}`);
  }
  const message = compiled && err.positionText ? err.message.replace(err.positionText, '').trimEnd() : err.message;
  return err.with({
    message: [message, ...shown].join('\n'),
    positionText: compiled ? undefined : err.positionText,
    location: source ? { file: node.original_file_path, line: source.line, column: source.column } : undefined,
    compiledLocation: compiledFile === undefined ? undefined : { file: compiledFile, ...(compiled ?? {}) },
  });
}

/**
 * Where the compiled position was written in the model's file: a line of the model itself, or, inside the
 * CTE an ephemeral model was inlined as, the ref() of that model.
 */
function sourcePosition(node: ExecutableNode, ran: string, at: { line: number; column: number }): (MappedPosition & { ephemeral?: string }) | undefined {
  const cte = ephemeralAt(ran, at.line);
  if (cte !== undefined) {
    const call = locateCall(node.original_file_path, node.raw_code, 'ref', cte);
    if (call.line !== undefined) return { line: call.line, column: call.column ?? 1, exact: false, ephemeral: cte };
  }
  return new LineMap(node.raw_code, ran).sourceOf(at.line, at.column);
}

/** The ephemeral model whose inlined CTE (`__xform__cte__<name> as (` ... `)`) holds 1-based `line` of `sql`. */
function ephemeralAt(sql: string, line: number): string | undefined {
  const lines = sql.split('\n');
  let inside: string | undefined;
  for (let i = 0; i < lines.length && i < line; i++) {
    const open = CTE_OPEN.exec(lines[i]!);
    if (open) inside = open[1];
    // injectCtes closes each CTE with a line of its own: `)` then `,` or the model's SQL.
    else if (inside !== undefined && /^\),?$/u.test(lines[i]!)) {
      if (i + 1 === line) return inside;
      inside = undefined;
    }
  }
  return inside;
}

/** The error's position in `ran`, when the statement holds `ran` (after a wrapper) and the position is in it. */
function compiledPosition(err: SqlError, ran: string): { line: number; column: number } | undefined {
  if (!err.sqlPosition) return undefined;
  const body = ran.trimStart();
  const probe = body.slice(0, PROBE).replace(/[\s;]+$/u, '');
  if (probe === '') return undefined;
  const start = err.sql.indexOf(probe);
  if (start === -1) return undefined;
  const from = positionAt(err.sql, start);
  let line = err.sqlPosition.line - from.line + 1;
  let column = line === 1 ? err.sqlPosition.column - from.column + 1 : err.sqlPosition.column;
  if (line < 1 || column < 1) return undefined;
  const lines = body.replace(/[\s;]+$/u, '').split('\n');
  if (line > lines.length) {
    // After the model's SQL ("syntax error at end of input" points at the wrapper's closing parenthesis).
    line = lines.length;
    column = lines[line - 1]!.length + 1;
  }
  const lead = positionAt(ran, ran.length - body.length);
  return line === 1 ? { line: lead.line, column: column + lead.column - 1 } : { line: line + lead.line - 1, column };
}

/** `  9 | where x > 1` and a caret under `column`, the line cut to a window around it when long. */
function excerpt(text: string, line: number, column: number): string[] {
  const full = (text.split('\n')[line - 1] ?? '').replace(/\r$/u, '');
  let shown = full;
  let at = Math.max(0, column - 1);
  if (full.length > MAX_EXCERPT) {
    const from = Math.max(0, Math.min(at - MAX_EXCERPT / 2, full.length - MAX_EXCERPT));
    shown = `${from > 0 ? '...' : ''}${full.slice(from, from + MAX_EXCERPT)}${from + MAX_EXCERPT < full.length ? '...' : ''}`;
    at = at - from + (from > 0 ? 3 : 0);
  }
  const gutter = String(line);
  // Tabs stay tabs under the line so that the caret lines up however wide they are shown.
  const pad = shown.slice(0, at).replace(/[^\t]/gu, ' ');
  return [`  ${gutter} | ${shown}`, `  ${' '.repeat(gutter.length)} | ${pad}^`];
}
