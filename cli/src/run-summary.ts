/**
 * How a run ends, after dbt: "Completed with 1 error, 0 partial successes, and 0 warnings:", each failure
 * repeated with its node, location and message (so that it does not scroll away above the skipped nodes),
 * then "Done. PASS=3 WARN=0 ERROR=1 SKIP=2 TOTAL=6".
 */
import type { Manifest, RunResult } from '@xform/core';

/** A failed, partly failed or warning node, as the closing block and the JSON summary show it. */
export interface Problem {
  unique_id: string;
  status: RunResult['status'];
  /** `model slv_orders`. */
  node: string;
  /** `models/silver/slv_orders.sql:3`: the error's own location, else the node's file. */
  location?: string;
  message: string;
}

export interface Problems {
  /** Errors and failed tests. */
  errors: Problem[];
  partial: Problem[];
  warnings: Problem[];
}

interface ErrorLike {
  message?: string;
  hint?: string;
  location?: { file?: string; line?: number; column?: number };
}

function errorOf(result: RunResult): ErrorLike | undefined {
  return result.error !== null && typeof result.error === 'object' ? (result.error as ErrorLike) : undefined;
}

/** `file:line:column` of the error of a result, when it carries one. */
export function errorLocation(result: RunResult): string | undefined {
  const loc = errorOf(result)?.location;
  if (!loc?.file) return undefined;
  return `${loc.file}${loc.line ? `:${loc.line}${loc.column ? `:${loc.column}` : ''}` : ''}`;
}

/** The error's message and hint, without a location it may already begin with. */
export function errorMessage(result: RunResult): string {
  const err = errorOf(result);
  let message = err?.message ?? result.message;
  const where = errorLocation(result);
  if (where !== undefined && message.startsWith(`${where}: `)) message = message.slice(where.length + 2);
  return err?.hint ? `${message}\n${err.hint}` : message;
}

function problem(result: RunResult, manifest: Manifest): Problem {
  const node = manifest.nodes[result.unique_id];
  const kind = node?.resource_type === 'unit_test' ? 'unit test' : (node?.resource_type ?? result.unique_id.split('.')[0]);
  const location = errorLocation(result) ?? node?.original_file_path;
  const message = result.status === 'error' || result.status === 'partial success' ? errorMessage(result) : result.message;
  return { unique_id: result.unique_id, status: result.status, node: `${kind} ${node?.name ?? result.unique_id}`, ...(location ? { location } : {}), message };
}

export function problemsOf(results: readonly RunResult[], manifest: Manifest): Problems {
  const of = (...statuses: RunResult['status'][]) => results.filter((r) => statuses.includes(r.status)).map((r) => problem(r, manifest));
  return { errors: of('error', 'fail'), partial: of('partial success'), warnings: of('warn') };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** dbt's EndOfRunSummary line. */
export function completedLine(p: Problems, cancelled: boolean): string {
  const errors = plural(p.errors.length, 'error');
  const partial = plural(p.partial.length, 'partial success', 'partial successes');
  const warnings = plural(p.warnings.length, 'warning');
  if (cancelled) return `Cancelled: completed with ${errors}, ${partial}, and ${warnings} before stopping`;
  if (p.errors.length > 0) return `Completed with ${errors}, ${partial}, and ${warnings}:`;
  if (p.partial.length > 0) return `Completed with ${partial} and ${warnings}:`;
  if (p.warnings.length > 0) return `Completed with ${warnings}:`;
  return 'Completed successfully';
}

const HEADINGS: Record<string, string> = { error: 'Error', fail: 'Failure', 'partial success': 'Partial success', warn: 'Warning' };

/** Each problem: `Error in model bad (models/bad.sql:1)` and its message indented under it, a blank line between. */
export function problemLines(p: Problems): string[] {
  const lines: string[] = [];
  for (const item of [...p.errors, ...p.partial, ...p.warnings]) {
    lines.push('', `${HEADINGS[item.status] ?? item.status} in ${item.node}${item.location ? ` (${item.location})` : ''}`);
    for (const line of item.message.split('\n')) lines.push(line === '' ? '' : `  ${line}`);
  }
  return lines;
}

export interface Stats {
  pass: number;
  warn: number;
  error: number;
  skip: number;
  total: number;
}

/** dbt's counts: a failed test and a partial success count as errors. */
export function statsOf(results: readonly RunResult[]): Stats {
  const stats: Stats = { pass: 0, warn: 0, error: 0, skip: 0, total: results.length };
  for (const r of results) {
    if (r.status === 'success' || r.status === 'pass') stats.pass++;
    else if (r.status === 'warn') stats.warn++;
    else if (r.status === 'skipped') stats.skip++;
    else stats.error++;
  }
  return stats;
}

/** `Done. PASS=3 WARN=0 ERROR=1 SKIP=2 TOTAL=6`. */
export function statsLine(s: Stats): string {
  return `Done. PASS=${s.pass} WARN=${s.warn} ERROR=${s.error} SKIP=${s.skip} TOTAL=${s.total}`;
}
