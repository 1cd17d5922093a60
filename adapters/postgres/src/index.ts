export { createAdapter, PostgresAdapter, POSTGRES_CAPABILITIES } from './postgres-adapter.js';
export { PostgresCatalog } from './postgres-catalog.js';
export { PostgresSession } from './postgres-connection.js';
export { PostgresDialect } from './postgres-dialect.js';

import type { Dialect } from '@xform/core';
import { PostgresDialect as Dialect_ } from './postgres-dialect.js';

/** The pure SQL dialect, for compiling without a connection. */
export function createDialect(): Dialect {
  return new Dialect_();
}
