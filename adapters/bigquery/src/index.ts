export { BigQueryAdapter, createAdapter, type BigQueryAdapterOptions } from './bigquery-adapter.js';
export { BIGQUERY_CAPABILITIES } from './bigquery-capabilities.js';
export { BigQueryCatalog } from './bigquery-catalog.js';
export { BigQuerySession, isTransient, type JobSettings } from './bigquery-connection.js';
export { BigQueryDialect, type BigQueryDialectOptions } from './bigquery-dialect.js';
export { partitionBy, type PartitionBy } from './bigquery-table-options.js';

export { bigqueryErrorPosition } from './bigquery-errors.js';
import type { Dialect } from '@xform/core';
import { BigQueryDialect as Dialect_ } from './bigquery-dialect.js';

/** The pure SQL dialect, for compiling without a connection. */
export function createDialect(): Dialect {
  return new Dialect_();
}
