export { BigQueryAdapter, createAdapter, type BigQueryAdapterOptions } from './bigquery-adapter.js';
export { BIGQUERY_CAPABILITIES } from './bigquery-capabilities.js';
export { BigQueryCatalog } from './bigquery-catalog.js';
export { BigQuerySession, isTransient, type JobSettings } from './bigquery-connection.js';
export { BigQueryDialect, type BigQueryDialectOptions } from './bigquery-dialect.js';
export { partitionBy, type PartitionBy } from './bigquery-table-options.js';

export { bigqueryErrorPosition } from './bigquery-errors.js';
export { createDialect } from './dialect-entry.js';
