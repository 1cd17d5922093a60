export * from './types.js';
export * from './materialize.js';
export { materializeSeed } from './seed.js';
export { scanSeedCsv, type SeedCsvScan } from './seed-csv.js';
export { ensureSchemas, nodeRelation, suffixedRelation, StagingNames, TMP_SUFFIX, BACKUP_SUFFIX } from './relations.js';
export { resolveIncrementalPlan, isFullRefresh, INCREMENTAL_STRATEGIES, OPTIONAL_INCREMENTAL_STRATEGIES, type IncrementalStrategy } from './incremental.js';
export { diffColumns, ON_SCHEMA_CHANGE_MODES, type OnSchemaChange, type SchemaDiff } from './schema-change.js';
export type { SwapTablesDialect } from './publish.js';
export { RelationCache } from './relation-cache.js';
