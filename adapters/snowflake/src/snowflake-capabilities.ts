import type { Capabilities } from '@xform/core';

/**
 * Snowflake: "DDL statements are always autocommitted, regardless of the AUTOCOMMIT setting. Executing a DDL
 * statement within an open transaction [...] commits the open transaction"
 * (https://docs.snowflake.com/en/sql-reference/transactions, Autocommit). DDL is not transactional, and
 * core keeps it out of its transactions: an ALTER between a DELETE and an INSERT would commit the DELETE.
 * A rebuilt table is published with `ALTER TABLE ... SWAP WITH` (atomic), a first build by renaming the
 * staging table; renames need the full target name. CREATE OR REPLACE TABLE is atomic too ("the old object
 * is deleted and the new object is created in a single transaction", CREATE TABLE usage notes): core uses
 * it where a swap would hand the live table's grants to staging (copy_grants).
 */
export const SNOWFLAKE_CAPABILITIES: Capabilities = {
  transactionalDdl: false,
  atomicReplaceTable: true,
  swapTables: true,
  merge: true,
  transactionalViews: false,
  renameTakesIdentifierOnly: false,
};
