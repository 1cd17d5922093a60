/**
 * Seed type inference: each non-empty value narrows its column's candidate kinds; the first remaining
 * candidate in the order integer, bigint, double, boolean, date, timestamp wins; no candidate left (or no
 * value at all) means text. Values with surrounding spaces, time zones or beyond 64-bit integers stay text
 * rather than being altered on load.
 *
 * `kindsOf` is the definition; `kindsOfBytes` gives the same answer for a field still in the file's bytes,
 * deciding the common shapes (short integers, decimals, dates, anything that cannot be a kind) without
 * making a string, and deferring to `kindsOf` for the rest.
 */
import type { SeedTypeKind } from '../adapter/types.js';

export const INTEGER = 1;
export const BIGINT = 2;
export const DOUBLE = 4;
export const BOOLEAN = 8;
export const DATE = 16;
export const TIMESTAMP = 32;
export const ALL = INTEGER | BIGINT | DOUBLE | BOOLEAN | DATE | TIMESTAMP;
const ORDER: [number, SeedTypeKind][] = [
  [INTEGER, 'integer'],
  [BIGINT, 'bigint'],
  [DOUBLE, 'double'],
  [BOOLEAN, 'boolean'],
  [DATE, 'date'],
  [TIMESTAMP, 'timestamp'],
];

const INT_RE = /^[+-]?\d+$/;
const DOUBLE_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOL_RE = /^(true|false)$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?$/;
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Every month has 28 days; past that, ask Date (whose two-digit years are 19xx: kept as the definition).
  return day <= 28 || day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The kinds a single non-empty value is compatible with. */
export function kindsOf(value: string): number {
  if (INT_RE.test(value)) {
    const n = BigInt(value);
    const abs = n < 0n ? -n - 1n : n;
    if (abs <= INT32_MAX) return INTEGER | BIGINT | DOUBLE;
    if (abs <= INT64_MAX) return BIGINT | DOUBLE;
    return 0;
  }
  if (DOUBLE_RE.test(value)) return DOUBLE;
  if (BOOL_RE.test(value)) return BOOLEAN;
  const date = DATE_RE.exec(value);
  if (date) return validDate(Number(date[1]), Number(date[2]), Number(date[3])) ? DATE | TIMESTAMP : 0;
  const ts = TIMESTAMP_RE.exec(value);
  if (ts) return validDate(Number(ts[1]), Number(ts[2]), Number(ts[3])) ? TIMESTAMP : 0;
  return 0;
}

export function kindFromMask(mask: number, seen: boolean): SeedTypeKind {
  if (!seen) return 'text';
  for (const [bit, kind] of ORDER) if (mask & bit) return kind;
  return 'text';
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

function isDigit(b: number): boolean {
  return b >= ZERO && b <= NINE;
}

/**
 * `kindsOf` of the UTF-8 text in `buf[start, end)` (not empty). A byte outside ASCII never belongs to a
 * kind: every pattern above is ASCII (no `u` flag, so `\d` and `/i` stay ASCII too).
 */
export function kindsOfBytes(buf: Buffer, start: number, end: number): number {
  const first = buf[start]!;
  let i = start;
  if (first === PLUS || first === MINUS) i++;
  const digitsStart = i;
  while (i < end && isDigit(buf[i]!)) i++;
  const digits = i - digitsStart;
  if (i === end) {
    if (digits === 0) return 0;
    // Up to 9 digits is always within 32 bits; longer ones (leading zeros, big values) take the exact path.
    return digits <= 9 ? INTEGER | BIGINT | DOUBLE : kindsOf(buf.toString('latin1', start, end));
  }
  const next = buf[i]!;
  if (next === DOT || ((next === 0x65 || next === 0x45) && digits > 0)) {
    return isDoubleTail(buf, i, end, digits > 0) ? DOUBLE : 0;
  }
  if (next === MINUS && digits === 4 && i === start + 4) {
    if (end - start === 10) {
      if (buf[start + 7] !== MINUS || !twoDigits(buf, start + 5) || !twoDigits(buf, start + 8)) return 0;
      const year = (buf[start]! - ZERO) * 1000 + (buf[start + 1]! - ZERO) * 100 + (buf[start + 2]! - ZERO) * 10 + (buf[start + 3]! - ZERO);
      return validDate(year, twoDigitValue(buf, start + 5), twoDigitValue(buf, start + 8)) ? DATE | TIMESTAMP : 0;
    }
    return end - start >= 16 ? kindsOf(buf.toString('latin1', start, end)) : 0;
  }
  if (i === start && (matchesLower(buf, start, end, TRUE) || matchesLower(buf, start, end, FALSE))) return BOOLEAN;
  return 0;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** BOOL_RE's ASCII case-insensitive match: `| 0x20` lowers a letter and maps no other byte onto one. */
function matchesLower(buf: Buffer, start: number, end: number, word: Buffer): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if ((buf[start + k]! | 0x20) !== word[k]) return false;
  return true;
}

/** The rest of DOUBLE_RE from `i` (at '.' or an exponent): `\.?\d*` after digits or `\.\d+` without, then the exponent. */
function isDoubleTail(buf: Buffer, i: number, end: number, hadDigits: boolean): boolean {
  if (buf[i] === DOT) {
    i++;
    const fractionStart = i;
    while (i < end && isDigit(buf[i]!)) i++;
    if (!hadDigits && i === fractionStart) return false;
  }
  if (i === end) return true;
  const e = buf[i]!;
  if (e !== 0x65 && e !== 0x45) return false;
  i++;
  if (i < end && (buf[i] === PLUS || buf[i] === MINUS)) i++;
  const exponentStart = i;
  while (i < end && isDigit(buf[i]!)) i++;
  return i === end && i > exponentStart;
}

function twoDigits(buf: Buffer, at: number): boolean {
  return isDigit(buf[at]!) && isDigit(buf[at + 1]!);
}

function twoDigitValue(buf: Buffer, at: number): number {
  return (buf[at]! - ZERO) * 10 + (buf[at + 1]! - ZERO);
}
