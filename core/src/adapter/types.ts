/**
 * The adapter contract. An adapter is three small parts:
 * - a Connection: runs one statement at a time, transactions, cancel, close;
 * - a Dialect: pure, synchronous SQL generation (quoting, names, DDL, merge...). Core's materializations
 *   build their statements from it; an adapter overrides only what its warehouse does differently
 *   (extend `DialectBase`);
 * - a Catalog: what exists in the warehouse (schemas, relations, columns).
 * Core never imports a driver: adapters are loaded by the profile's `type`.
 */
import type { TargetConfig } from '../project/types.js';

export interface Relation {
  database?: string;
  schema: string;
  identifier: string;
}

export type RelationKind = 'table' | 'view' | 'external' | 'materialized_view';

export interface CatalogRelation extends Relation {
  kind: RelationKind;
}

export interface ColumnInfo {
  name: string;
  /** Warehouse type as the warehouse spells it (`VARCHAR`, `integer`, `NUMERIC(10,2)`...). */
  dataType: string;
  nullable?: boolean;
  comment?: string;
}

export interface QueryColumn {
  name: string;
  type: string;
}

export interface QueryResult {
  columns: QueryColumn[];
  rows: Record<string, unknown>[];
  /** Rows inserted/updated/deleted, where the warehouse reports it. */
  rowsAffected?: number;
  /** Warehouse-specific facts for run results (query id, bytes processed...). */
  info?: Record<string, unknown>;
}

export interface ExecuteOptions {
  /** Positional parameters ($1.. on PostgreSQL, ? on DuckDB); avoid for DDL. */
  params?: unknown[];
  /** Unique label shown in errors and logs (usually the node's unique_id). */
  label?: string;
}

/** Options of `Dialect.createTableAs`. */
export interface CreateTableOptions {
  /** A session-scoped table where the warehouse has them (PostgreSQL, DuckDB); elsewhere a short-lived one. */
  temporary?: boolean;
  /**
   * The model's config. Dialects read the warehouse settings they know from it (`partition_by`, `cluster_by`,
   * `labels` on BigQuery; `transient`, `cluster_by` on Snowflake) and ignore the rest. Default: none.
   */
  config?: Readonly<Record<string, unknown>>;
  /**
   * The table is a staging relation (`<alias>__xform_tmp_<run>`) that core reads, swaps, renames or copies into
   * place. Warehouses that copy into place (BigQuery) leave the settings to the final table.
   */
  staging?: boolean;
  /**
   * The table only feeds this run's statements and is never published (incremental staging). Warehouses
   * that keep recovery storage for permanent tables (Snowflake Fail-safe) create it without. Default false.
   */
  scratch?: boolean;
}

/** What `Dialect.insertOverwrite` needs: replace the partitions of `target` that `source` has rows for. */
export interface InsertOverwriteOptions {
  target: Relation;
  source: Relation;
  /** Columns to insert, in order. */
  columns: string[];
  /** The model's config (its `partition_by` says how rows map to partitions). */
  config: Readonly<Record<string, unknown>>;
  /**
   * The partitions to replace, as `Dialect.partitionsQuery` returned them (`partition_value`), written into
   * the statement as literals so that the warehouse prunes every other partition; `null` stands for the
   * partition of rows whose partitioning column is NULL. Never empty.
   */
  partitions: (string | null)[];
}

export interface Connection {
  /** Runs exactly one statement. Errors are XformError with code XFORM_SQL_ERROR and the SQL attached. */
  execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Cancels the statement running on this connection, if any. */
  cancel(): Promise<void>;
  close(): Promise<void>;
}

export interface Capabilities {
  /** DDL (create/rename/drop) can be rolled back inside a transaction. PostgreSQL, DuckDB: yes. */
  transactionalDdl: boolean;
  /** `CREATE OR REPLACE TABLE` swaps atomically (BigQuery, Snowflake). */
  atomicReplaceTable: boolean;
  /** `ALTER TABLE a SWAP WITH b` (Snowflake). */
  swapTables: boolean;
  /** SQL MERGE statement available. */
  merge: boolean;
  /** Views can be dropped/replaced inside a transaction with the previous definition restored on rollback. */
  transactionalViews: boolean;
  /** A rename keeps the relation in its schema, given just the new identifier. */
  renameTakesIdentifierOnly: boolean;
  /**
   * The dialect's createViewAs (`create or replace view`) replaces an existing view atomically whatever its
   * old and new columns, and views reading it keep working (DuckDB: views are bound when queried). A view
   * is then rebuilt with that one statement instead of staging and swapping. Default false.
   */
  replaceViewInPlace?: boolean;
  /**
   * Several sessions may write disjoint rows of one table at once, each in its own transaction, without
   * failing each other (PostgreSQL: row locks; DuckDB: connections of one process, optimistic concurrency).
   * Microbatch batches then run in parallel. Default false: one at a time (BigQuery aborts concurrent
   * transactions on a table; Snowflake serialises DML on a table, so nothing is gained).
   */
  concurrentWrites?: boolean;
  /**
   * An incremental run that nothing audits writes straight from the model's query, read once: merge as
   * `Dialect.mergeFromQuery`, append as `insert ... select`, with the query's columns learned from a
   * `limitZero` of it. Where a test audits the model, on_schema_change has DDL to run, or the strategy is
   * delete+insert or insert_overwrite, the rows are staged in a table first as always. Needs a warehouse
   * where a `limit 0` query reads no data (not BigQuery, which bills the scan). Default false.
   */
  incrementalFromQuery?: boolean;
}

export interface Catalog {
  listSchemas(database?: string): Promise<string[]>;
  /** Relations of one schema; an unknown schema gives an empty list. */
  listRelations(schema: string, database?: string): Promise<CatalogRelation[]>;
  getRelation(relation: Relation): Promise<CatalogRelation | undefined>;
  getColumns(relation: Relation): Promise<ColumnInfo[]>;
  /** Row count and size in bytes where the warehouse can tell cheaply. */
  getStats?(relation: Relation): Promise<{ rowCount?: number; bytes?: number }>;
  /**
   * (Optional, additive.) Columns and stats of every relation of one schema in a query or two, by
   * identifier as the warehouse stores it: `xform docs generate` describes 10,000 relations this way
   * instead of with two queries each. Without it, getColumns/getStats are asked per relation.
   */
  describeSchema?(schema: string, database?: string): Promise<Map<string, RelationDescription>>;
}

export interface RelationDescription {
  columns: ColumnInfo[];
  rowCount?: number;
  bytes?: number;
}

export interface SeedColumn {
  name: string;
  /** Warehouse type to create the column with. */
  dataType: string;
}

export interface SeedLoadRequest {
  /** Absolute path of the CSV file. */
  file: string;
  /** Relation to load into (usually a staging relation that is swapped in afterwards). */
  relation: Relation;
  columns: SeedColumn[];
  delimiter: string;
}

/** How a run asks for the target's run lock (`Adapter.acquireRunLock`). */
export interface RunLockOptions {
  /** This run's invocation id: shown to a second run that finds the lock taken. */
  invocationId: string;
  /**
   * Seconds to wait while another run holds the lock: 0 refuses at once, `Infinity` waits as long as it
   * takes. Default 0. Refusing (or waiting in vain) throws XFORM_TARGET_LOCKED naming the holder.
   */
  waitSeconds?: number;
  /** Stops waiting (Ctrl-C); waiting then throws XFORM_CANCELLED. */
  signal?: AbortSignal;
  /** Called once when the lock is taken and this run starts waiting, with who holds it. */
  onWait?(holder: string): void;
}

/** A held run lock; it is also released when the process dies (the warehouse sees the session end). */
export interface RunLock {
  release(): Promise<void>;
}

export interface Adapter {
  readonly type: string;
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  readonly catalog: Catalog;
  readonly target: TargetConfig;
  /** A connection from the pool; give it back with release(). */
  acquire(): Promise<Connection>;
  release(connection: Connection): void;
  /** Runs fn with a pooled connection, releasing it afterwards. */
  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T>;
  /**
   * Infers column types of a CSV with the warehouse's own reader where it has one (DuckDB), else undefined
   * and core infers them.
   */
  inferSeedTypes?(file: string, delimiter: string): Promise<SeedColumn[] | undefined>;
  /** Loads a CSV file into an existing, empty table with the given columns, natively (COPY, read_csv...). */
  loadSeed(connection: Connection, request: SeedLoadRequest): Promise<number>;
  /** Cancels every running statement (Ctrl-C). */
  cancelAll(): Promise<void>;
  /**
   * (Optional.) Validates a query without running it (BigQuery dry-run jobs) and reports what running it
   * would cost, e.g. `{ bytes_processed }`. Errors are XFORM_SQL_ERROR like execute()'s. Used by
   * `xform compile --dry-run`.
   */
  dryRun?(sql: string, label?: string): Promise<Record<string, unknown>>;
  /**
   * (Optional, capability-like.) Takes the target's run lock for a run that writes (run, build, seed):
   * while one run holds it, a second one refuses (or waits, see RunLockOptions) instead of building into
   * the same relations. The lock covers the target's database and schema, and holding it lets the run drop
   * staging and backup relations that killed runs left behind. PostgreSQL: a session-level advisory lock
   * on a connection of its own. DuckDB: the database file's lock, taken when the adapter opened it (one
   * process at a time), so this resolves at once. Absent (BigQuery, Snowflake): runs do not exclude each
   * other; per-invocation staging names keep them from colliding, and leftovers are kept. (A lock table on
   * Snowflake was left out: a killed run never deletes its row, so it would need heartbeats and expiry.)
   */
  acquireRunLock?(options: RunLockOptions): Promise<RunLock>;
  /** What `xform debug` prints: server version, database, user... (never a password). */
  describe(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface AdapterFactoryOptions {
  /** Absolute project root (for relative DuckDB paths). */
  projectRoot: string;
  /** Pool size; default the target's threads. */
  threads?: number;
  /**
   * Waiting for a database file another process holds open (DuckDB, whose file lock is its run lock):
   * `waitSeconds`, `signal` and `onWait` as in RunLockOptions. Default: refuse at once.
   */
  fileLock?: Omit<RunLockOptions, 'invocationId'>;
}

/** What an adapter package exports as `createAdapter`. */
export type AdapterFactory = (target: TargetConfig, options: AdapterFactoryOptions) => Promise<Adapter>;

export interface MergeOptions {
  target: Relation;
  source: Relation;
  /** Columns to insert/update, in order. */
  columns: string[];
  uniqueKey: string[];
  /** Extra predicates limiting the target side (incremental_predicates), already rendered. */
  predicates: string[];
  /** Column types for the identity check of NULL-keyed rows (see IncrementalSourceOptions). */
  columnTypes?: Readonly<Record<string, string>>;
}

/** What `Dialect.mergeFromQuery` needs: a MergeOptions whose new rows are a query instead of a table. */
export interface MergeFromQueryOptions extends Omit<MergeOptions, 'source'> {
  /** The model's SQL, run once inside the statement. */
  sql: string;
}

/** Rows a query of the dialect reads: a relation, or a query (`{ sql }`, the model's SQL). */
export type RowSource = Relation | { sql: string };

/** What `Dialect.updateFrom` needs. */
export interface UpdateFromOptions {
  target: Relation;
  source: Relation;
  /** Target column -> expression (may name `xform_source.<column>`). */
  set: { column: string; value: string }[];
  /** ANDed conditions naming `xform_target` and `xform_source`. */
  where: string[];
}

/** What `Dialect.incrementalSource` needs (a MergeOptions without predicates fits). */
export interface IncrementalSourceOptions {
  target: Relation;
  source: Relation;
  columns: string[];
  uniqueKey: string[];
  /**
   * Warehouse types of the columns (as the catalog spells them), by column name. Columns whose type has no
   * equality (PostgreSQL json, BigQuery JSON/GEOGRAPHY...) are compared through a comparable form in the
   * identity check of NULL-keyed rows. Default: none, every column is compared as it is.
   */
  columnTypes?: Readonly<Record<string, string>>;
}

/**
 * Pure SQL generation. Every method returns SQL text (one statement each) and must not touch the network.
 * Core's DialectBase implements ANSI/PostgreSQL-flavoured defaults; adapters override the differences.
 */
export interface Dialect {
  readonly name: string;
  quoteIdentifier(identifier: string): string;
  quoteString(value: string): string;
  /** Fully qualified, quoted name. */
  relationName(relation: Relation): string;
  createSchema(schema: string, database?: string): string;
  dropSchema(schema: string, database?: string): string;
  createViewAs(relation: Relation, sql: string): string;
  /**
   * (Optional.) A zero-copy clone of table `source` as `relation`, replacing it (`xform clone`): Snowflake
   * and BigQuery `create or replace table … clone …`. Absent: clone creates a view reading `source`.
   */
  cloneTable?(relation: Relation, source: Relation): string;
  createTableAs(relation: Relation, sql: string, options?: CreateTableOptions): string;
  /** Renames a relation within its schema to a new identifier. */
  renameRelation(from: Relation, kind: RelationKind, toIdentifier: string): string;
  dropRelation(relation: Relation, kind: RelationKind): string;
  createTable(relation: Relation, columns: { name: string; dataType: string }[]): string;
  insertInto(target: Relation, columns: string[], sourceSql: string): string;
  merge(options: MergeOptions): string;
  /**
   * (Additive.) merge() reading the new rows from the model's query once, no staging table. The same NULL
   * rule; and since nothing could check the new rows beforehand, a unique_key that repeats among them
   * (NULL-keyed rows aside) stops the statement with an error whose text holds DUPLICATE_KEY_MARKER. See
   * Capabilities.incrementalFromQuery. DialectBase implements it.
   */
  mergeFromQuery?(options: MergeFromQueryOptions): string;
  /** delete+insert: the DELETE of target rows whose key appears in source. */
  deleteMatching(target: Relation, source: Relation, uniqueKey: string[], predicates: string[]): string;
  /**
   * (Additive.) A SELECT of the source rows to merge/insert into target: NULL-keyed rows that the target
   * already holds identically are left out, so re-running a load does not duplicate them. delete+insert
   * inserts from this query after `deleteMatching`. DialectBase implements it.
   */
  incrementalSource?(options: IncrementalSourceOptions): string;
  /**
   * (Optional.) The `insert_overwrite` incremental strategy: one statement (or one script, where the
   * warehouse runs scripts as a single job) that deletes the target's partitions present in source and
   * inserts source. Absent where the warehouse has no partitions; core then rejects the strategy.
   */
  insertOverwrite?(options: InsertOverwriteOptions): string;
  /**
   * (With insertOverwrite.) A query of the distinct partitions `source` has rows for, one row each with a
   * text column `partition_value`; core reads it first and passes the values to insertOverwrite.
   */
  partitionsQuery?(options: { source: Relation; config: Readonly<Record<string, unknown>> }): string;
  /**
   * (Additive.) A query of at most `limit` unique-key values that occur more than once in `source`, most
   * frequent first: the key columns, then their count (`duplicateCountColumn(uniqueKey)`: `xform_count`
   * unless a key column has that name). Keys with a NULL component are left out (they
   * match nothing). Core runs it before merge and delete+insert. DialectBase implements it.
   */
  duplicateKeysQuery?(source: RowSource, uniqueKey: string[], limit: number): string;
  /**
   * (Additive.) A microbatch batch's window on `column` (as written in the model's event_time, not quoted):
   * `column >= <start> and column < <end>`, the bounds ISO 8601 UTC (`2026-01-10T00:00:00Z`) written so
   * that date, timestamp and timestamptz columns all compare in UTC. DialectBase implements it as dbt
   * does (`'2026-01-10 00:00:00+00:00'`, typed by the column); BigQuery casts the column to TIMESTAMP.
   */
  eventTimeFilter?(column: string, start: string, end: string): string;
  /** (Additive.) `delete from target where predicate`. DialectBase implements it. */
  deleteWhere?(target: Relation, predicate: string): string;
  /**
   * (Optional.) One atomic statement that deletes the target rows whose `column` is in [start, end) and
   * inserts every row of `source` (BigQuery: a MERGE, as for insert_overwrite). Without it, core runs
   * deleteWhere(eventTimeFilter) and insertInto in one transaction.
   */
  replaceWindow?(options: { target: Relation; source: Relation; columns: string[]; column: string; start: string; end: string }): string;
  addColumn(relation: Relation, column: { name: string; dataType: string }): string;
  dropColumn(relation: Relation, column: string): string;
  alterColumnType(relation: Relation, column: string, dataType: string): string;
  /** A query returning zero rows with the columns of `sql` (to learn its schema). */
  limitZero(sql: string): string;
  /** `select count(*) as failures from (...)` style wrapper used by tests. */
  countRows(sql: string, alias: string): string;
  /**
   * Snapshots: `update <target> as xform_target set <column> = xform_source.<column>, ... from <source> as
   * xform_source where <conditions>` (conditions name the two sides by those aliases). DialectBase writes
   * this form, which PostgreSQL, DuckDB, BigQuery and Snowflake all accept.
   */
  updateFrom(options: UpdateFromOptions): string;
  /**
   * Snapshots' dbt_scd_id: the md5 hex digest of the expressions cast to text, NULL as '', joined with '|'
   * (dbt's snapshot_hash_arguments). DialectBase: `md5(coalesce(cast(x as varchar), '') || '|' || ...)`.
   */
  snapshotHash(expressions: string[]): string;
  /**
   * The time a snapshot run records (dbt's snapshot_get_time), to be stored in a column of `dataType` (as the
   * catalog spells it; absent on a first run). DialectBase: currentTimestamp() (UTC wall time), or the
   * instant `current_timestamp` for a type with a time zone, which a UTC wall time cast to it would shift
   * by the session's offset.
   */
  snapshotTime(dataType?: string): string;
  /**
   * A NULL-safe "the two values differ" predicate for snapshots' check strategy: NULL to a value and a value
   * to NULL differ, NULL and NULL do not. `dataType` (as the catalog spells it) lets a dialect compare types
   * without equality through a comparable form, as in incrementalSource.
   */
  valuesDiffer(left: string, right: string, dataType?: string): string;
  /** Type used for seed columns that are plain text. */
  readonly stringType: string;
  /** Maps a core seed type (integer|bigint|double|boolean|date|timestamp|text) to the warehouse type. */
  seedType(kind: SeedTypeKind): string;
  /** now() in UTC as a timestamp expression. */
  currentTimestamp(): string;
  /**
   * Warehouses whose views are bound to the relations they read (PostgreSQL) lose those views when the
   * relation is dropped. This query lists the views depending on `relation`, directly or through other views,
   * with their definitions, so that publishing a rebuilt relation can recreate them in the same transaction.
   * Rows: `schema_name`, `view_name`, `kind` ('view' | 'materialized_view'), `definition`, ordered so that a
   * view comes after every view it reads. Absent where views are resolved by name at query time (DuckDB).
   */
  dependentViewsQuery?(relation: Relation): string;
  /**
   * (Optional.) The longest names the warehouse keeps whole. Compile reports a model, seed or snapshot
   * whose name is longer (PostgreSQL would cut it silently), and names xform derives itself (audit tables)
   * are shortened with a hash to fit. Default: no limit (DuckDB).
   */
  readonly identifierLimits?: IdentifierLimits;
}

/** How long a name may be, and whether length counts UTF-8 bytes or characters. */
export interface NameLimit {
  max: number;
  unit: 'bytes' | 'characters';
}

export interface IdentifierLimits {
  /** A table's or view's name. */
  relation: NameLimit;
  /** A schema's (BigQuery: dataset's) name. */
  schema: NameLimit;
}

export type SeedTypeKind = 'integer' | 'bigint' | 'double' | 'boolean' | 'date' | 'timestamp' | 'text';
