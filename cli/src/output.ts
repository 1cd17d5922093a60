/** Printing diagnostics and errors for people. The only place that decides how an error looks. */
import { isXformError, unwrappedFsError, type Diagnostic } from '@xform/core';

import { bold, dim, green, red, yellow } from './colors.js';

export { bold, dim, green, red, yellow };

export function formatLocation(d: Diagnostic): string {
  const loc = d.location;
  if (!loc) return '';
  let text = loc.file;
  if (loc.line !== undefined) text += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) text += `:${loc.column}`;
  return text;
}

export function formatDiagnostic(d: Diagnostic): string {
  const label = d.severity === 'error' ? red('error') : yellow('warning');
  const where = formatLocation(d);
  const lines = [`${where ? `${bold(where)}: ` : ''}${label} ${dim(`[${d.code}]`)} ${d.message}`];
  if (d.location?.yamlPath) lines.push(`  at ${d.location.yamlPath}`);
  // Some messages already end with their suggestion; print it once.
  if (d.hint && !d.message.includes(d.hint)) lines.push(`  ${d.hint}`);
  return lines.join('\n');
}

export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
}

/** Prints any error without a stack trace for user mistakes; unexpected errors keep theirs for bug reports. */
export function printError(err: unknown): void {
  // A file-system error that no writer wrapped is still the machine's state, not a bug: no stack trace.
  err = unwrappedFsError(err) ?? err;
  if (isXformError(err)) {
    if (err.diagnostics.length > 0) {
      printDiagnostics(err.diagnostics);
      const n = err.diagnostics.filter((d) => d.severity === 'error').length;
      if (n > 1) process.stderr.write(`${red(`${n} errors`)}\n`);
    } else {
      printDiagnostics([err.toDiagnostic()]);
    }
    return;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`${red('internal error')} ${message}\nThis is a bug in xform; please report it with the text above.\n`);
}
