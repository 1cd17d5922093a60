/** The adapter's pure SQL dialect (`@xform/adapter-bigquery/dialect`), loadable without its driver or the rest of xform. */
import type { Dialect } from '@xform/core';
import { BigQueryDialect } from './bigquery-dialect.js';

/** The pure SQL dialect, for compiling without a connection. */
export function createDialect(): Dialect {
  return new BigQueryDialect();
}
