import type { Capabilities } from '@xform/core';

/**
 * BigQuery runs each statement as a job. DDL is not transactional: a multi-statement transaction admits
 * SELECT, DML and DDL on temporary entities only ("DDL statements that create or delete permanent entities,
 * such as datasets, tables, and functions, are not supported inside a transaction",
 * https://cloud.google.com/bigquery/docs/transactions#statements_supported_in_transactions), so core keeps
 * DDL out of its transactions. CREATE OR REPLACE TABLE swaps atomically (core builds and publishes with
 * it), MERGE everywhere; views cannot be renamed, tables rename within their dataset.
 */
export const BIGQUERY_CAPABILITIES: Capabilities = {
  transactionalDdl: false,
  atomicReplaceTable: true,
  swapTables: false,
  merge: true,
  transactionalViews: false,
  renameTakesIdentifierOnly: true,
};
