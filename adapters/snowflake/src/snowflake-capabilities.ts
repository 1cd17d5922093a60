import type { Capabilities } from '@xform/core';

/**
 * Snowflake commits DDL implicitly, so core publishes a rebuilt table with `ALTER TABLE ... SWAP WITH`
 * (atomic) and a first build by renaming the staging table; renames need the full target name.
 */
export const SNOWFLAKE_CAPABILITIES: Capabilities = {
  transactionalDdl: false,
  atomicReplaceTable: false,
  swapTables: true,
  merge: true,
  transactionalViews: false,
  renameTakesIdentifierOnly: false,
};
