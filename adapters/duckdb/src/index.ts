export { createAdapter, DuckDBAdapter, DUCKDB_CAPABILITIES } from './duckdb-adapter.js';
export { DuckDBCatalog } from './duckdb-catalog.js';
export { DuckDBSession } from './duckdb-connection.js';
export { DuckDBDialect } from './duckdb-dialect.js';
