export { createAdapter, DuckDBAdapter, DUCKDB_CAPABILITIES } from './duckdb-adapter.js';
export { DuckDBCatalog } from './duckdb-catalog.js';
export type { DuckDBSession } from './duckdb-connection.js';
export { DuckDBDialect } from './duckdb-dialect.js';
export { duckdbErrorPosition, type DuckDBErrorPosition } from './duckdb-errors.js';

import type { Dialect } from '@xform/core';
import { DuckDBDialect as Dialect_ } from './duckdb-dialect.js';

/** The pure SQL dialect, for compiling without a connection. */
export function createDialect(): Dialect {
  return new Dialect_();
}
