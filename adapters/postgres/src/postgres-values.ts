/**
 * PostgreSQL text values -> the plain JS values every adapter returns (see core's values.ts): bigint and
 * numeric as numbers while exact enough (else strings), dates as `YYYY-MM-DD`, timestamps as ISO text,
 * intervals as PostgreSQL spells them. Other types keep node-postgres' defaults (json parsed, arrays...).
 */
import { isoTimestamp, safeInteger } from '@xform/core';
import pg from 'pg';

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184, interval: 1186 } as const;

function numeric(text: string): number | string {
  const value = Number(text);
  if (!Number.isFinite(value)) return text;
  // A whole number beyond 2^53 would silently change: keep its digits.
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) return text;
  return value;
}

const parsers = new Map<number, (text: string) => unknown>([
  [OID.int8, (text) => safeInteger(BigInt(text))],
  [OID.numeric, numeric],
  [OID.date, (text) => text],
  [OID.timestamp, isoTimestamp],
  [OID.timestamptz, isoTimestamp],
  [OID.interval, (text) => text],
]);

/** For pg's `types` option (per pool: the process-wide defaults are left alone). */
export const xformTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    const parser = format === 'binary' ? undefined : parsers.get(oid);
    return parser ?? pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Names of common built-in types (format_type spelling), so most results need no catalog lookup. */
export const BUILTIN_TYPE_NAMES: Record<number, string> = {
  16: 'boolean',
  17: 'bytea',
  18: '"char"',
  19: 'name',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  26: 'oid',
  114: 'json',
  700: 'real',
  701: 'double precision',
  1042: 'character',
  1043: 'character varying',
  1082: 'date',
  1083: 'time without time zone',
  1114: 'timestamp without time zone',
  1184: 'timestamp with time zone',
  1186: 'interval',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
};
