/**
 * Snowflake values -> the plain JS values every adapter returns (core's values.ts). Numbers and dates are
 * fetched as text so nothing is rounded on the way: NUMBER(p,0) becomes a number while safe (else its
 * digits), other numbers a number when exact, DATE `YYYY-MM-DD`, timestamps ISO text (with `Z` for the
 * zoned ones, converted to UTC). Column names Snowflake stores upper-cased are shown as written (lower).
 */
import { isoTimestamp, safeInteger } from '@xform/core';
import { displayName } from './snowflake-dialect.js';

export interface ColumnMeta {
  getName(): string;
  getType(): string;
  getScale(): number;
}

export function toPlainValue(value: unknown, type: string, scale: number): unknown {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (type.toLowerCase()) {
    case 'fixed':
    case 'number':
      if (scale === 0 && /^-?\d+$/u.test(text)) return safeInteger(BigInt(text));
      return exactNumber(text);
    case 'real':
    case 'float':
      return exactNumber(text);
    case 'timestamp_ntz':
      return trimFraction(isoTimestamp(text));
    case 'timestamp_ltz':
    case 'timestamp_tz':
      return trimFraction(isoTimestamp(text.replace(/\s+([+-]\d{2}:?\d{2})$/u, '$1').replace(/ Z$/u, 'Z')));
    case 'date':
    case 'time':
      return text;
    default:
      return value;
  }
}

function exactNumber(text: string): number | string {
  const n = Number(text);
  if (!Number.isFinite(n)) return text;
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) return text;
  return n;
}

/** `...12:00:00.000` -> `...12:00:00`; `.120` -> `.12`. */
function trimFraction(iso: string): string {
  return iso.replace(/\.(\d*?)0+(Z?)$/u, (_m, digits: string, zone: string) => (digits ? `.${digits}${zone}` : zone));
}

/** Result column names as users write them, duplicates kept apart (`id`, `id_1`). */
export function columnNames(columns: ColumnMeta[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((column) => {
    const name = displayName(column.getName());
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}_${count}`;
  });
}
