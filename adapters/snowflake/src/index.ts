export { createAdapter, SnowflakeAdapter, type SnowflakeAdapterOptions } from './snowflake-adapter.js';
export { SNOWFLAKE_CAPABILITIES } from './snowflake-capabilities.js';
export { SnowflakeCatalog } from './snowflake-catalog.js';
export { SnowflakeSession } from './snowflake-connection.js';
export { displayName, SnowflakeDialect, storedName, type SnowflakeDialectOptions } from './snowflake-dialect.js';

export { snowflakeErrorPosition } from './snowflake-errors.js';
export { createDialect } from './dialect-entry.js';
