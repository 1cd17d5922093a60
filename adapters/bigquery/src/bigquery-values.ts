/**
 * BigQuery values -> the plain JS values every adapter returns (core's values.ts): INT64 as a number while
 * safe (else its digits), NUMERIC as a number while exact, DATE as `YYYY-MM-DD`, DATETIME/TIMESTAMP as
 * ISO text (TIMESTAMP in UTC with `Z`), TIME as text, BYTES as base64; arrays and structs recursively.
 */
import { isoTimestamp, safeInteger } from '@xform/core';

interface Field {
  name?: string | null;
  type?: string | null;
  mode?: string | null;
  fields?: Field[] | null;
}

export function toPlainValue(value: unknown, field: Field | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (field?.mode === 'REPEATED' && Array.isArray(value)) return value.map((v) => toPlainValue(v, { ...field, mode: 'NULLABLE' }));
  const type = (field?.type ?? '').toUpperCase();
  if ((type === 'RECORD' || type === 'STRUCT') && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries((field?.fields ?? []).map((f) => [f.name ?? '', toPlainValue(record[f.name ?? ''], f)]));
  }
  const text = typeof value === 'object' && value !== null && 'value' in value ? String((value as { value: unknown }).value) : undefined;
  switch (type) {
    case 'INTEGER':
    case 'INT64':
      return safeInteger(BigInt(text ?? String(value)));
    case 'NUMERIC':
    case 'BIGNUMERIC': {
      const digits = String(value);
      const n = Number(digits);
      return Number.isFinite(n) && String(n) === digits.replace(/\.0+$/u, '').replace(/(\.\d*?)0+$/u, '$1') ? n : digits;
    }
    case 'DATE':
    case 'TIME':
      return text ?? String(value);
    case 'DATETIME':
      return isoTimestamp(text ?? String(value));
    case 'TIMESTAMP': {
      const raw = text ?? String(value);
      const iso = isoTimestamp(raw.endsWith('Z') || /[+-]\d{2}(:?\d{2})?$/u.test(raw) ? raw : `${raw}Z`);
      // The client spells whole seconds `.000`; keep the fraction only where it says something.
      return iso.replace(/\.(\d*?)0+Z$/u, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
    }
    case 'BYTES':
      return Buffer.isBuffer(value) ? value.toString('base64') : String(value);
    default:
      return text ?? value;
  }
}

/** BigQuery's type name for a column, with its mode when repeated (`ARRAY<STRING>`). */
export function typeName(field: Field): string {
  const type = (field.type ?? 'STRING').toUpperCase();
  return field.mode === 'REPEATED' ? `ARRAY<${type}>` : type;
}
