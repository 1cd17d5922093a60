export { createAdapter, SnowflakeAdapter, type SnowflakeAdapterOptions } from './snowflake-adapter.js';
export { SNOWFLAKE_CAPABILITIES } from './snowflake-capabilities.js';
export { SnowflakeCatalog } from './snowflake-catalog.js';
export { SnowflakeSession } from './snowflake-connection.js';
export { displayName, SnowflakeDialect, storedName, type SnowflakeDialectOptions } from './snowflake-dialect.js';

export { snowflakeErrorPosition } from './snowflake-errors.js';
import type { Dialect } from '@xform/core';
import { SnowflakeDialect as Dialect_ } from './snowflake-dialect.js';

/** The pure SQL dialect, for compiling without a connection. */
export function createDialect(): Dialect {
  return new Dialect_();
}
