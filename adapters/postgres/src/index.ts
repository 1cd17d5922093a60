export { createAdapter, PostgresAdapter, POSTGRES_CAPABILITIES } from './postgres-adapter.js';
export { PostgresCatalog } from './postgres-catalog.js';
export { PostgresSession } from './postgres-connection.js';
export { PostgresDialect } from './postgres-dialect.js';

export { createDialect } from './dialect-entry.js';
