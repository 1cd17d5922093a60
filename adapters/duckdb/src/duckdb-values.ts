/**
 * DuckDB values -> the plain JS values every adapter returns (see core's values.ts): safe integers as
 * numbers, wider ones as strings, DECIMAL as number, dates and timestamps as ISO text, NULL as null.
 * Nested values (LIST, STRUCT, MAP) are converted element by element with the same rules.
 */
import {
  createDuckDBValueConverter,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import { isoTimestamp, safeInteger } from '@xform/core';

const asText: DuckDBValueConverter<unknown> = (value) => String(value);
const asInteger: DuckDBValueConverter<unknown> = (value) => safeInteger(value as bigint);
const asDecimal: DuckDBValueConverter<unknown> = (value) => (value as { toDouble(): number }).toDouble();
const asTimestamp: DuckDBValueConverter<unknown> = (value) => isoTimestamp(String(value));

const fallback = JSDuckDBValueConverter as DuckDBValueConverter<unknown>;

function convertersByTypeId(): Record<DuckDBTypeId, DuckDBValueConverter<unknown> | undefined> {
  const byId = {} as Record<DuckDBTypeId, DuckDBValueConverter<unknown> | undefined>;
  for (const id of Object.values(DuckDBTypeId)) {
    if (typeof id === 'number') byId[id as DuckDBTypeId] = fallback;
  }
  for (const id of [DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT, DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.BIGNUM]) {
    byId[id] = asInteger;
  }
  byId[DuckDBTypeId.DECIMAL] = asDecimal;
  byId[DuckDBTypeId.DATE] = asText;
  for (const id of [
    DuckDBTypeId.TIMESTAMP,
    DuckDBTypeId.TIMESTAMP_S,
    DuckDBTypeId.TIMESTAMP_MS,
    DuckDBTypeId.TIMESTAMP_NS,
    DuckDBTypeId.TIMESTAMP_TZ,
  ]) {
    byId[id] = asTimestamp;
  }
  // Text is clearer than DuckDB's objects for these, and matches what PostgreSQL returns.
  for (const id of [DuckDBTypeId.TIME, DuckDBTypeId.TIME_TZ, DuckDBTypeId.TIME_NS, DuckDBTypeId.INTERVAL, DuckDBTypeId.UUID]) {
    byId[id] = asText;
  }
  return byId;
}

/** Converter for DuckDBResult.convertRows. */
export const xformValueConverter: DuckDBValueConverter<unknown> = createDuckDBValueConverter(convertersByTypeId());
