/**
 * `--warn-error` / `--warn-error-options`: warnings that become errors. Codes are xform's diagnostic codes
 * (XFORM_APPEND_DUPLICATES...), plus XFORM_TEST_WARN for a data test that warns, XFORM_FRESHNESS_WARN for a
 * source past warn_after, and XFORM_NOTHING_SELECTED for a run whose selection matches nothing. dbt's keys
 * are accepted: include/error, exclude/warn.
 */
import { parseMappingArg, XformError, type Diagnostic } from '@xform/core';

export interface WarnErrorOptions {
  warnError?: boolean;
  warnErrorOptions?: string;
}

export const TEST_WARN = 'XFORM_TEST_WARN';
export const NOTHING_SELECTED = 'XFORM_NOTHING_SELECTED';
export const FRESHNESS_WARN = 'XFORM_FRESHNESS_WARN';

let include: 'all' | Set<string> = new Set();
let exclude = new Set<string>();

function codes(value: unknown, key: string): Set<string> {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new XformError('XFORM_BAD_ARGUMENT', `--warn-error-options: '${key}' expects a list of warning codes, or "all" for include`, {
      hint: `e.g. --warn-error-options '{"include": "all", "exclude": ["${TEST_WARN}"]}'`,
    });
  }
  return new Set(value as string[]);
}

export function setWarnError(options: WarnErrorOptions): void {
  include = options.warnError === true ? 'all' : new Set();
  exclude = new Set();
  if (options.warnErrorOptions === undefined) return;
  const parsed = parseMappingArg(options.warnErrorOptions, '--warn-error-options', '{"include": "all", "exclude": ["XFORM_TEST_WARN"]}');
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'include' || key === 'error') include = value === 'all' || value === '*' ? 'all' : codes(value, key);
    else if (key === 'exclude' || key === 'warn' || key === 'silence') for (const c of codes(value, key)) exclude.add(c);
    else {
      throw new XformError('XFORM_BAD_ARGUMENT', `--warn-error-options: unknown key '${key}'`, { hint: 'keys: include (or error), exclude (or warn)' });
    }
  }
}

/** Whether a warning with this code is an error in this invocation. */
export function isWarnError(code: string): boolean {
  if (exclude.has(code)) return false;
  return include === 'all' || include.has(code);
}

/** Throws (exit 1) when any of these warnings is an error under --warn-error; they are printed as errors. */
export function failOnWarnings(diagnostics: readonly Diagnostic[]): void {
  const promoted = diagnostics.filter((d) => d.severity === 'warning' && isWarnError(d.code));
  if (promoted.length === 0) return;
  throw new XformError(WARN_ERROR, `${promoted.length} warning${promoted.length === 1 ? '' : 's'} treated as error${promoted.length === 1 ? '' : 's'} (--warn-error)`, {
    diagnostics: promoted.map((d) => ({ ...d, severity: 'error' as const })),
  });
}

/** The code of the error failOnWarnings throws; the CLI exits 1 for it, as for a failed node. */
export const WARN_ERROR = 'XFORM_WARN_ERROR';
