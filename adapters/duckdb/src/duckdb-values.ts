/**
 * DuckDB values -> the plain JS values every adapter returns (see core's values.ts): safe integers as
 * numbers, wider ones as strings, DECIMAL as number, dates and timestamps as ISO text, NULL as null.
 * Nested values (LIST, STRUCT, MAP) are converted element by element with the same rules.
 */
import type { DuckDBTypeId, DuckDBValueConverter } from '@duckdb/node-api';
import { isoTimestamp, safeInteger } from '@xform/core';
import { duckdbDriver } from './duckdb-driver.js';

const { createDuckDBValueConverter, DuckDBTypeId: TypeId, JSDuckDBValueConverter } = duckdbDriver();

const asText: DuckDBValueConverter<unknown> = (value) => String(value);
const asInteger: DuckDBValueConverter<unknown> = (value) => safeInteger(value as bigint);
const asDecimal: DuckDBValueConverter<unknown> = (value) => (value as { toDouble(): number }).toDouble();
const asTimestamp: DuckDBValueConverter<unknown> = (value) => isoTimestamp(String(value));

const fallback = JSDuckDBValueConverter as DuckDBValueConverter<unknown>;

function convertersByTypeId(): Record<DuckDBTypeId, DuckDBValueConverter<unknown> | undefined> {
  const byId = {} as Record<DuckDBTypeId, DuckDBValueConverter<unknown> | undefined>;
  for (const id of Object.values(TypeId)) {
    if (typeof id === 'number') byId[id as DuckDBTypeId] = fallback;
  }
  for (const id of [TypeId.BIGINT, TypeId.UBIGINT, TypeId.HUGEINT, TypeId.UHUGEINT, TypeId.BIGNUM]) {
    byId[id] = asInteger;
  }
  byId[TypeId.DECIMAL] = asDecimal;
  byId[TypeId.DATE] = asText;
  for (const id of [
    TypeId.TIMESTAMP,
    TypeId.TIMESTAMP_S,
    TypeId.TIMESTAMP_MS,
    TypeId.TIMESTAMP_NS,
    TypeId.TIMESTAMP_TZ,
  ]) {
    byId[id] = asTimestamp;
  }
  // Text is clearer than DuckDB's objects for these, and matches what PostgreSQL returns.
  for (const id of [TypeId.TIME, TypeId.TIME_TZ, TypeId.TIME_NS, TypeId.INTERVAL, TypeId.UUID]) {
    byId[id] = asText;
  }
  return byId;
}

/** Converter for DuckDBResult.convertRows. */
export const xformValueConverter: DuckDBValueConverter<unknown> = createDuckDBValueConverter(convertersByTypeId());
