export { createAdapter, DuckDBAdapter, DUCKDB_CAPABILITIES } from './duckdb-adapter.js';
export { DuckDBCatalog } from './duckdb-catalog.js';
export type { DuckDBSession } from './duckdb-connection.js';
export { DuckDBDialect } from './duckdb-dialect.js';
export { duckdbErrorPosition, type DuckDBErrorPosition } from './duckdb-errors.js';

export { createDialect } from './dialect-entry.js';
