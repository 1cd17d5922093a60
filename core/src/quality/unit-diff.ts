/**
 * Comparing a unit test's actual rows with the expected ones as multisets over the expected columns, and
 * showing the difference as a small table people can read: `-` rows were expected but are missing, `+` rows
 * came back but were not expected.
 */

export interface UnitTestDiff {
  columns: string[];
  /** Expected rows that did not come back (as many times as they are missing). */
  missing: Record<string, unknown>[];
  /** Rows that came back but were not expected (as many times as they are extra). */
  unexpected: Record<string, unknown>[];
}

function keyOf(row: Record<string, unknown>, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => row[c] ?? null));
}

/** Multiset difference both ways; O(n) with a map of row keys to counts. */
export function diffRows(columns: readonly string[], actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[]): UnitTestDiff {
  const pending = new Map<string, Record<string, unknown>[]>();
  for (const row of expected) {
    const key = keyOf(row, columns);
    const list = pending.get(key);
    if (list) list.push(row);
    else pending.set(key, [row]);
  }
  const unexpected: Record<string, unknown>[] = [];
  for (const row of actual) {
    const list = pending.get(keyOf(row, columns));
    if (list && list.length > 0) list.pop();
    else unexpected.push(row);
  }
  const missing = [...pending.values()].flat();
  return { columns: [...columns], missing, unexpected };
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `1 expected row missing, 2 unexpected rows`. */
export function summarizeDiff(diff: UnitTestDiff): string {
  const parts: string[] = [];
  if (diff.missing.length > 0) parts.push(`${diff.missing.length} expected row${diff.missing.length === 1 ? '' : 's'} missing`);
  if (diff.unexpected.length > 0) parts.push(`${diff.unexpected.length} unexpected row${diff.unexpected.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** The diff as aligned text lines (at most `limit` rows of each kind). */
export function formatDiff(diff: UnitTestDiff, limit = 50): string[] {
  const shown = [
    ...diff.missing.slice(0, limit).map((row) => ['-', ...diff.columns.map((c) => cell(row[c]))]),
    ...diff.unexpected.slice(0, limit).map((row) => ['+', ...diff.columns.map((c) => cell(row[c]))]),
  ];
  const header = [' ', ...diff.columns];
  const widths = header.map((h, i) => Math.max(h.length, ...shown.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const out = [line(header), ...shown.map(line)];
  const hidden = Math.max(0, diff.missing.length - limit) + Math.max(0, diff.unexpected.length - limit);
  if (hidden > 0) out.push(`... and ${hidden} more`);
  out.push('(- expected but missing, + returned but not expected)');
  return out;
}
