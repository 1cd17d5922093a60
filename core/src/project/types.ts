/**
 * What loading a project produces: validated project settings, the chosen target, every discovered file
 * and every schema-YAML entry, each with the location it came from. Later phases (template, graph,
 * compile) read these and never touch the file system for project files again.
 */
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { SchemaFileCache } from './schema-cache.js';

/** Config keys a node can carry (dbt names, snake_case). Unknown keys are kept so that user macros can read them. */
export interface NodeConfig {
  enabled?: boolean;
  materialized?: string;
  schema?: string;
  database?: string;
  alias?: string;
  tags?: string[];
  /** bronze / silver / gold (or whatever `layers:` lists). */
  layer?: string;
  unique_key?: string | string[];
  incremental_strategy?: 'merge' | 'delete+insert' | 'append' | 'insert_overwrite' | 'microbatch';
  on_schema_change?: 'ignore' | 'fail' | 'append_new_columns' | 'sync_all_columns';
  incremental_predicates?: string[];
  pre_hook?: string[];
  post_hook?: string[];
  full_refresh?: boolean;
  meta?: Record<string, unknown>;
  docs?: { show?: boolean; node_color?: string };
  persist_docs?: Record<string, boolean>;
  /** Seeds: per-column type overrides. */
  column_types?: Record<string, string>;
  quote_columns?: boolean;
  delimiter?: string;
  /** Tests. */
  severity?: 'error' | 'warn';
  warn_if?: string;
  error_if?: string;
  where?: string;
  limit?: number;
  store_failures?: boolean;
  /** Aggregate over the failing rows that warn_if/error_if compare (default count(*)). */
  fail_calc?: string;
  [key: string]: unknown;
}

/**
 * A folder-level config tree from xform_project.yml, e.g. `models: { shop: { staging: { +materialized: view } } }`.
 * `config` holds the keys that apply at this level; `children` are sub-folders.
 */
export interface FolderConfigTree {
  config: NodeConfig;
  children: Record<string, FolderConfigTree>;
  location?: SourceLocation;
}

export interface LayerRules {
  /** Forbid an edge from a later layer back to an earlier one (silver reading gold). Default false. */
  forbidBackward: boolean;
  /** Forbid an edge that skips a layer (gold reading bronze). Default false. */
  forbidSkip: boolean;
}

export interface ProjectConfig {
  name: string;
  version: string;
  profile?: string;
  modelPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  macroPaths: string[];
  snapshotPaths: string[];
  targetPath: string;
  vars: Record<string, unknown>;
  /** Ordered layer names; default ['bronze', 'silver', 'gold']. */
  layers: string[];
  layerRules?: LayerRules;
  models: FolderConfigTree;
  seeds: FolderConfigTree;
  tests: FolderConfigTree;
  snapshots: FolderConfigTree;
  onRunStart: string[];
  onRunEnd: string[];
  /** Location of xform_project.yml (relative to the project root). */
  file: string;
  /** `sources:` folder config tree (`sources: { shop: { raw: { +enabled: false } } }`). */
  sources?: FolderConfigTree;
  /**
   * The `models:`/`seeds:`/`snapshots:` trees as written, Jinja unrendered (dbt's unrendered_config, which
   * `state:modified` compares). Only when the file holds Jinja; default none (the rendered trees are as written).
   */
  unrenderedConfig?: Partial<Record<'models' | 'seeds' | 'snapshots', FolderConfigTree>>;
  /** `analysis-paths`; default ['analyses']. */
  analysisPaths?: string[];
  /** `docs-paths`; default [] (docs blocks are read from the model paths). */
  docsPaths?: string[];
  /** `clean-targets`: what `xform clean` deletes; default [target-path, packages-install-path]. */
  cleanTargets?: string[];
  /** `quoting:` as written (database/schema/identifier booleans). */
  quoting?: Record<string, unknown>;
  /** `flags:` as written. */
  flags?: Record<string, unknown>;
  /** `require-xform-version` ranges (already checked against the running version). */
  requireXformVersion?: string[];
  /** `packages-install-path`: where `xform deps` installs packages. Default `dbt_packages`. */
  packagesInstallPath?: string;
  /** `dispatch:` as written: per macro namespace, the packages searched in order. Default []. */
  dispatch?: { macro_namespace: string; search_order: string[] }[];
}

/** One output of profiles.yml, after env_var() rendering and validation. */
export type TargetConfig =
  | DuckDBTargetConfig
  | PostgresTargetConfig
  | BigQueryTargetConfig
  | SnowflakeTargetConfig;

interface TargetCommon {
  /** The target's name in profiles.yml (`dev`, `prod`...). */
  name: string;
  /** Default schema (dataset on BigQuery) for models without a custom schema. */
  schema: string;
  /** Default database (project on BigQuery). */
  database?: string;
  /** Default number of concurrent nodes. Default 4. */
  threads: number;
}

export interface DuckDBTargetConfig extends TargetCommon {
  type: 'duckdb';
  /** Database file, relative to the project root, or ':memory:'. Default `<target-path>/xform.duckdb`. */
  path: string;
  extensions?: string[];
  settings?: Record<string, string | number | boolean>;
}

export interface PostgresTargetConfig extends TargetCommon {
  type: 'postgres';
  host: string;
  port: number;
  user: string;
  password?: string;
  dbname: string;
  sslmode?: 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  /** Milliseconds; 0 = none. */
  statement_timeout?: number;
  connect_timeout?: number;
  search_path?: string;
  role?: string;
  application_name?: string;
  /** Seconds of idle before TCP keepalives start (dbt-postgres `keepalives_idle`). Default: the system's. */
  keepalives_idle?: number;
}

export interface BigQueryTargetConfig extends TargetCommon {
  type: 'bigquery';
  /**
   * How to authenticate. `oauth` (default): application default credentials (`gcloud auth
   * application-default login`, GOOGLE_APPLICATION_CREDENTIALS, the metadata server); `service-account`:
   * the key file at `keyfile`; `service-account-json`: the key in `keyfile_json` (a mapping or JSON text,
   * usually `{{ env_var(...) }}`); `oauth-secrets`: an access `token`, or `refresh_token` + `client_id` +
   * `client_secret`.
   */
  method: 'oauth' | 'oauth-secrets' | 'service-account' | 'service-account-json';
  project: string;
  dataset: string;
  /** Location of jobs and of datasets xform creates (`US`, `EU`, `europe-west1`...). Default: BigQuery's. */
  location?: string;
  keyfile?: string;
  keyfile_json?: Record<string, unknown> | string;
  token?: string;
  refresh_token?: string;
  client_id?: string;
  client_secret?: string;
  /** A query job still running after this many seconds is cancelled by BigQuery. Default: none. */
  job_timeout_seconds?: number;
  /** Retries of a job that failed for a transient reason (backendError, rateLimitExceeded, 5xx). Default 1. */
  job_retries?: number;
  /** Jobs that would bill more bytes fail without running. Default: no limit. */
  maximum_bytes_billed?: number;
  /** Default interactive. */
  priority?: 'interactive' | 'batch';
  /** Labels put on every job (cost attribution). */
  labels?: Record<string, string>;
  /** Another endpoint for the BigQuery REST API (an emulator or a test server). Default Google's. */
  api_endpoint?: string;
}

export interface SnowflakeTargetConfig extends TargetCommon {
  type: 'snowflake';
  account: string;
  user: string;
  password?: string;
  private_key_path?: string;
  private_key?: string;
  private_key_passphrase?: string;
  authenticator?: string;
  role?: string;
  warehouse?: string;
  query_tag?: string;
  transient?: boolean;
  client_session_keep_alive?: boolean;
  host?: string;
}

/** A discovered project file (model, seed, singular test, macro file, snapshot). */
export interface ProjectFile {
  /** Path relative to the project root, posix separators, e.g. `models/staging/stg_orders.sql`. */
  path: string;
  absPath: string;
  /** File contents (seeds: not read here — large CSVs are streamed by the adapter). */
  contents: string;
  /** sha256 of the contents (seeds: of the file bytes). */
  checksum: string;
  /** Which configured path it was found under, e.g. `models` — used for fqn and folder config. */
  rootDir: string;
  /** The installed package it belongs to (its project name); undefined for the root project. */
  packageName?: string;
}

export interface ColumnTestDef {
  /** Test name, e.g. `not_null`, `accepted_values`, `my_pkg.my_test`. */
  name: string;
  /** Arguments given in YAML (for `accepted_values`: `{ values: [...] }`). */
  args: Record<string, unknown>;
  config: NodeConfig;
  location: SourceLocation;
  /** The user's own name for this test (`name:` beside `test_name:`, or inside the test's mapping). */
  customName?: string;
  /** `description:` of the test (not an argument, as in dbt). */
  description?: string;
}

export interface ColumnDef {
  name: string;
  description: string;
  data_type?: string;
  meta: Record<string, unknown>;
  tags: string[];
  tests: ColumnTestDef[];
  quote?: boolean;
  location: SourceLocation;
  /** dbt model-contract constraints, as written (`[{type: not_null}, ...]`). */
  constraints?: Record<string, unknown>[];
}

/** A `models:` or `seeds:` (or `snapshots:`) entry in a schema YAML file. */
export interface NodePatch {
  name: string;
  description: string;
  config: NodeConfig;
  columns: ColumnDef[];
  /** Model-level tests. */
  tests: ColumnTestDef[];
  meta: Record<string, unknown>;
  tags: string[];
  docs?: { show?: boolean };
  location: SourceLocation;
  /** Model-level contract constraints, as written. */
  constraints?: Record<string, unknown>[];
  /** `config:` as written when it held Jinja (`config` is rendered); what `state:modified` compares. */
  unrenderedConfig?: NodeConfig;
  /**
   * A `snapshots:` entry's `relation:` (dbt 1.9 YAML snapshots: `ref('x')` or `source('s', 't')`), which
   * makes the entry a snapshot of its own rather than a patch of a `{% snapshot %}` block. Default: none.
   */
  relation?: { text: string; location: SourceLocation };
  /** Where each key under `config:` was written (snapshot entries only, for their config errors). Default: none. */
  configLocations?: Record<string, SourceLocation>;
}

export interface FreshnessRule {
  count: number;
  period: 'minute' | 'hour' | 'day';
}

export interface FreshnessConfig {
  warn_after?: FreshnessRule;
  error_after?: FreshnessRule;
  filter?: string;
}

export interface SourceTableDef {
  name: string;
  identifier?: string;
  description: string;
  loaded_at_field?: string;
  freshness?: FreshnessConfig | null;
  columns: ColumnDef[];
  tests: ColumnTestDef[];
  meta: Record<string, unknown>;
  tags: string[];
  config: NodeConfig;
  location: SourceLocation;
}

export interface SourceDef {
  name: string;
  description: string;
  database?: string;
  schema: string;
  loaded_at_field?: string;
  freshness?: FreshnessConfig | null;
  tables: SourceTableDef[];
  meta: Record<string, unknown>;
  tags: string[];
  config: NodeConfig;
  location: SourceLocation;
}

export interface UnitTestDef {
  name: string;
  model: string;
  description: string;
  given: { input: string; rows?: Record<string, unknown>[]; format?: 'dict' | 'csv'; fixture?: string }[];
  expect: { rows?: Record<string, unknown>[]; format?: 'dict' | 'csv' };
  overrides?: { vars?: Record<string, unknown>; macros?: Record<string, unknown>; env_vars?: Record<string, unknown> };
  config: NodeConfig;
  location: SourceLocation;
}

/** A `{% docs name %}` block of a `.md` file, its text as written. */
export interface DocBlockDef {
  name: string;
  /** The `.md` file, relative to the project root. */
  original_file_path: string;
  /** The file relative to the docs path it was found under (dbt's `path`). */
  path: string;
  /** Line of the `{% docs %}` tag. */
  line: number;
  contents: string;
}

export interface SchemaFile {
  path: string;
  /** The installed package it belongs to; undefined for the root project. */
  packageName?: string;
  /** The configured path it was found under (`models`, `snapshots`): a YAML snapshot's fqn starts below it. */
  rootDir?: string;
  /** sha256 of the file's text (a YAML snapshot's checksum). */
  checksum?: string;
  models: NodePatch[];
  seeds: NodePatch[];
  snapshots: NodePatch[];
  sources: SourceDef[];
  unitTests: UnitTestDef[];
  /** Descriptions of `macros:` (and their arguments) and `exposures:` entries. Default: none. */
  described?: DescribedEntry[];
  /** `exposures:` entries. Default: none. */
  exposures?: ExposureDef[];
}

/** An `exposures:` entry of schema YAML: a dashboard, notebook... that reads the project's nodes. */
export interface ExposureDef {
  name: string;
  label?: string;
  description: string;
  type: 'dashboard' | 'notebook' | 'analysis' | 'ml' | 'application';
  owner: { name?: string; email?: string };
  maturity?: 'low' | 'medium' | 'high';
  url?: string;
  /** `ref('orders')`, `source('shop', 'orders')` as written, with where each was written. */
  dependsOn: { text: string; location: SourceLocation }[];
  meta: Record<string, unknown>;
  tags: string[];
  location: SourceLocation;
}

/** A described entry of schema YAML that is not a node: a macro, a macro argument (`macro.arg`), an exposure. */
export interface DescribedEntry {
  kind: 'macro' | 'macro_argument' | 'exposure';
  name: string;
  description: string;
  location: SourceLocation;
}

export interface LoadedProject {
  /** Absolute project directory. */
  root: string;
  config: ProjectConfig;
  target: TargetConfig;
  /** Where profiles.yml came from, or undefined for the built-in embedded DuckDB default. */
  profilesFile?: string;
  /** Vars from the command line (`--vars`), which win over project vars. */
  cliVars: Record<string, unknown>;
  models: ProjectFile[];
  seeds: ProjectFile[];
  /** Singular data tests (`tests/**.sql`), and generic test definitions under tests/generic. */
  tests: ProjectFile[];
  macros: ProjectFile[];
  snapshots: ProjectFile[];
  schemaFiles: SchemaFile[];
  /** Docs blocks of the project's `.md` files. Default: none. */
  docs?: DocBlockDef[];
  /** Installed packages (dbt_packages/*), whose files are in the lists above with their `packageName`. Default []. */
  packages?: LoadedPackage[];
  /** Warnings found while loading (unknown keys...). Errors are thrown instead. */
  diagnostics: Diagnostic[];
  /** What was looked at besides the files above (for the partial-parse cache). */
  inputs?: ProjectInputs;
}

/** A package installed by `xform deps`, loaded under its own name. */
export interface LoadedPackage {
  name: string;
  /** Its folder relative to the project root, e.g. `dbt_packages/dbt_utils`. */
  path: string;
  /** Its own dbt_project.yml (or xform_project.yml); the root project's config wins over it. */
  config: ProjectConfig;
}

/** The places loading looked at, so that a later run can tell whether anything changed. */
export interface ProjectInputs {
  /** sha256 by absolute path of the files read besides the node files: xform_project.yml, profiles.yml, schema YAML. */
  files: Record<string, string>;
  /** Every directory searched (absolute) with the names it held; null when it did not exist. */
  dirs: Record<string, string[] | null>;
  /** profiles.yml locations tried, in order, and whether each existed; the last existing one was used. */
  profilesProbes: { path: string; exists: boolean }[];
}

export interface LoadProjectOptions {
  /** Project directory; default cwd. */
  projectDir?: string;
  /** Target name from profiles.yml; default the profile's `target:`. */
  target?: string;
  /** Directory holding profiles.yml; overrides the lookup order. */
  profilesDir?: string;
  /** Vars from the command line. */
  vars?: Record<string, unknown>;
  /** Environment used for env_var(); default process.env. */
  env?: Record<string, string | undefined>;
  /** Home directory whose `.xform/` is the last place profiles.yml is looked for; default os.homedir(). */
  homeDir?: string;
  /**
   * Parsed schema YAML from earlier compiles (partial parse), given the target folder; files parsed now are
   * added to it. Default: none, every schema file is parsed.
   */
  schemaCache?: (targetDir: string) => Promise<SchemaFileCache>;
  /**
   * Called once the project's own files are found, before any is read, with how many of each kind there are
   * and the project's folder and settings (a compile starts its render helpers then). Default: none.
   */
  onDiscovered?: (counts: DiscoveredCounts, project: { root: string; config: ProjectConfig }) => void;
}

/** How many files of each kind a project has (its own, not its packages'). */
export interface DiscoveredCounts {
  models: number;
  seeds: number;
  tests: number;
  macros: number;
  snapshots: number;
  schemaYaml: number;
}
