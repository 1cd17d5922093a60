import type { Capabilities } from '@xform/core';

/**
 * BigQuery runs each statement as a job: no DDL transactions, CREATE OR REPLACE TABLE swaps atomically
 * (core publishes with it), MERGE everywhere; views cannot be renamed, tables rename within their dataset.
 */
export const BIGQUERY_CAPABILITIES: Capabilities = {
  transactionalDdl: false,
  atomicReplaceTable: true,
  swapTables: false,
  merge: true,
  transactionalViews: false,
  renameTakesIdentifierOnly: true,
};
