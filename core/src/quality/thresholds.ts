/**
 * Test thresholds, as in dbt: `fail_calc` (default `count(*)`) counts the failing rows, `warn_if` and
 * `error_if` (default `!=0`) compare that count. severity error: error_if decides a failure, else warn_if a
 * warning; severity warn: only warn_if is looked at.
 */
import type { NodeConfig } from '../project/types.js';

const THRESHOLD = /^\s*(!=|<>|==|=|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

export const THRESHOLD_EXPECTED = "a comparison of the failing-row count like '>10', '>=1' or '!=0'";

export interface Threshold {
  op: '!=' | '=' | '>=' | '<=' | '>' | '<';
  value: number;
}

/** Parses `>10`, `!= 0`, `=0`...; undefined when the text is not a comparison with a number. */
export function parseThreshold(text: string): Threshold | undefined {
  const m = THRESHOLD.exec(text);
  if (!m) return undefined;
  const op = m[1] === '<>' ? '!=' : m[1] === '==' ? '=' : (m[1] as Threshold['op']);
  return { op, value: Number(m[2]) };
}

export function meetsThreshold(text: string | undefined, count: number): boolean {
  const t = parseThreshold(text ?? '!=0') ?? { op: '!=', value: 0 };
  switch (t.op) {
    case '!=':
      return count !== t.value;
    case '=':
      return count === t.value;
    case '>=':
      return count >= t.value;
    case '<=':
      return count <= t.value;
    case '>':
      return count > t.value;
    case '<':
      return count < t.value;
  }
}

export interface TestVerdict {
  status: 'pass' | 'warn' | 'fail';
  message: string;
}

function rowsText(n: number): string {
  return `${n} failing row${n === 1 ? '' : 's'}`;
}

/** The outcome of a test whose fail_calc came out as `failures`. */
export function testVerdict(failures: number, config: NodeConfig, options: { warnError?: boolean } = {}): TestVerdict {
  const severity = config.severity === 'warn' ? 'warn' : 'error';
  if (severity === 'error' && meetsThreshold(config.error_if, failures)) return { status: 'fail', message: `FAIL ${rowsText(failures)}` };
  if (meetsThreshold(config.warn_if, failures)) {
    // dbt's --warn-error: the warning is the failure, so it fails the command and skips what depends on it.
    if (options.warnError === true) return { status: 'fail', message: `FAIL ${rowsText(failures)} (a warning, failed by --warn-error)` };
    return { status: 'warn', message: `WARN ${rowsText(failures)}` };
  }
  if (failures === 0) return { status: 'pass', message: 'PASS' };
  return { status: 'pass', message: `PASS (${rowsText(failures)}, under the threshold)` };
}

/** A test's failing-rows SQL, cut to its `limit` when it has one. */
export function limitedFailures(sql: string, config: NodeConfig): string {
  return typeof config.limit === 'number' ? `${sql}\nlimit ${config.limit}` : sql;
}

/** The query computing a test's fail_calc over its failing rows, honouring `limit`. */
export function failuresQuery(sql: string, config: NodeConfig): string {
  const failCalc = typeof config.fail_calc === 'string' && config.fail_calc.trim() !== '' ? config.fail_calc : 'count(*)';
  return `select ${failCalc} as failures from (\n${limitedFailures(sql, config)}\n) xform_test`;
}
