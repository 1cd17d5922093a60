/**
 * Node config: the keys a model/seed/snapshot/test can be configured with, how raw values (from YAML or a
 * `config()` call) are checked and normalised, and how configs from the levels of precedence merge.
 */
import { XformError, didYouMean, likelyTypo, type DiagnosticBag, type SourceLocation } from '../errors.js';
import type { NodeConfig } from './types.js';
import { parseThreshold, THRESHOLD_EXPECTED } from '../quality/thresholds.js';

/** dbt's own config keys, xform's (`layer`) and the warehouse keys xform has long accepted. */
const CORE_CONFIG_KEYS: readonly string[] = [
  // general
  'enabled', 'materialized', 'schema', 'database', 'alias', 'tags', 'layer', 'meta', 'docs', 'persist_docs',
  'pre_hook', 'post_hook', 'full_refresh', 'grants', 'contract', 'group', 'access', 'sql_header', 'quoting',
  'on_configuration_change', 'event_time', 'packages',
  // incremental
  'unique_key', 'incremental_strategy', 'on_schema_change', 'incremental_predicates', 'batch_size', 'lookback',
  'begin', 'concurrent_batches',
  // seeds
  'column_types', 'quote_columns', 'delimiter',
  // tests
  'severity', 'warn_if', 'error_if', 'where', 'limit', 'store_failures', 'store_failures_as', 'fail_calc',
  // snapshots
  'strategy', 'updated_at', 'check_cols', 'target_schema', 'target_database', 'invalidate_hard_deletes',
  'hard_deletes', 'snapshot_meta_column_names', 'dbt_valid_to_current',
  // sources
  'freshness', 'loaded_at_field', 'loaded_at_query',
  // warehouse specific
  'partition_by', 'cluster_by', 'labels', 'transient', 'copy_grants', 'indexes', 'unlogged', 'secure',
  'require_partition_filter', 'partition_expiration_days', 'hours_to_expiration', 'kms_key_name',
  'snowflake_warehouse', 'query_tag', 'automatic_clustering', 'table_type',
];

/**
 * More keys of dbt's adapters and of Python models. Also accepted quietly, but not read as config when
 * written without `+` in a folder tree: several are common folder names (`format`, `index`, `project`).
 */
const ADAPTER_CONFIG_KEYS: readonly string[] = [
  // Python models, merge column lists
  'submission_method', 'merge_update_columns', 'merge_exclude_columns', 'python_version', 'imports',
  // BigQuery
  'partitions', 'grant_access_to', 'enable_refresh', 'refresh_interval_minutes',
  'max_staleness', 'dataset', 'project', 'policy_tags', 'resource_tags', 'labels_from_meta',
  'dataproc_cluster_name', 'notebook_template_id', 'enable_list_inference', 'intermediate_format',
  // Snowflake
  'target_lag', 'refresh_mode', 'initialize', 'table_format', 'external_volume',
  'base_location_root', 'base_location_subpath', 'tmp_relation_type', 'row_access_policy', 'table_tag',
  'cluster_by_expression',
  // Redshift
  'sort', 'dist', 'sort_type', 'bind', 'backup', 'auto_refresh',
  // Databricks / Spark
  'file_format', 'location_root', 'clustered_by', 'buckets', 'liquid_clustered_by', 'auto_liquid_cluster',
  'tblproperties', 'zorder', 'options', 'include_full_name_in_path', 'databricks_tags', 'compression',
  'target_alias', 'source_alias', 'matched_condition', 'not_matched_condition', 'not_matched_by_source_condition',
  'not_matched_by_source_action', 'skip_matched_step', 'skip_not_matched_step', 'merge_with_schema_evolution',
  'http_path', 'cluster_id', 'job_cluster_config', 'python_job_config', 'create_notebook',
  'user_folder_for_python', 'access_control_list',
  // DuckDB
  'location', 'format', 'glue_register', 'glue_database', 'per_thread_output', 'plugin', 'overwrite',
  // Trino / Athena / SQL Server / Synapse
  'properties', 'views_enabled', 'on_table_exists', 'external_location', 'partitioned_by', 'bucketed_by',
  'bucket_count', 'write_compression', 'table_properties', 'as_columnstore', 'index', 'distribution',
];

/**
 * Config keys xform knows (dbt names, snake_case): the ones xform reads, then dbt's and its adapters' other
 * keys, accepted without a word so that dbt projects load quietly. An unknown key that is a likely typo of
 * one of these is an error (XFORM_CONFIG_UNKNOWN_KEY): it would silently do nothing, e.g. `+materialzed:
 * table` builds a view. Any other unknown key is kept — user macros may read it with config.get — and
 * draws a warning.
 */
export const KNOWN_CONFIG_KEYS: readonly string[] = Object.freeze([...CORE_CONFIG_KEYS, ...ADAPTER_CONFIG_KEYS]);

const KNOWN = new Set(KNOWN_CONFIG_KEYS);
const CORE = new Set(CORE_CONFIG_KEYS);

/** The materializations a model can have. */
export const MODEL_MATERIALIZATIONS = ['view', 'table', 'incremental', 'ephemeral'] as const;

/**
 * The canonical spelling of a config key: without dbt's `+` prefix, and snake_case when that makes it a
 * known key (`pre-hook` -> `pre_hook`). Other keys are returned as written.
 */
export function canonicalConfigKey(key: string): string {
  const bare = key.startsWith('+') ? key.slice(1) : key;
  if (KNOWN.has(bare)) return bare;
  const snake = bare.replaceAll('-', '_');
  return KNOWN.has(snake) ? snake : bare;
}

/** Whether a key written without `+` in a folder tree is config rather than a folder (dbt's and xform's own keys). */
export function isFolderConfigKey(key: string): boolean {
  return CORE.has(canonicalConfigKey(key));
}

type Check = (value: unknown) => { value: unknown } | { expected: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

const str: Check = (v) => (typeof v === 'string' ? { value: v } : { expected: 'a string' });
const bool: Check = (v) => (typeof v === 'boolean' ? { value: v } : { expected: 'true or false' });
const record: Check = (v) => (isRecord(v) ? { value: { ...v } } : { expected: 'a mapping' });
const stringList: Check = (v) => {
  if (typeof v === 'string') return { value: [v] };
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { value: [...v] };
  return { expected: 'a string or a list of strings' };
};
const stringOrList: Check = (v) => {
  if (typeof v === 'string') return { value: v };
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { value: [...v] };
  return { expected: 'a string or a list of strings' };
};
const oneOf =
  (values: readonly string[], lower = false): Check =>
  (v) => {
    const s = typeof v === 'string' && lower ? v.toLowerCase() : v;
    return typeof s === 'string' && values.includes(s) ? { value: s } : { expected: `one of ${values.map((x) => `'${x}'`).join(', ')}` };
  };
/** Hooks: a string, `{sql: ...}` (dbt's transaction form), or a list of either. */
const hooks: Check = (v) => {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') out.push(item);
    else if (isRecord(item) && typeof item.sql === 'string') out.push(item.sql);
    else return { expected: 'a SQL string or a list of SQL strings' };
  }
  return { value: out };
};
const threshold: Check = (v) => (typeof v === 'string' && parseThreshold(v) ? { value: v } : { expected: THRESHOLD_EXPECTED });
const limit: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? { value: v } : { expected: 'a whole number >= 0' });
const recordOf =
  (inner: 'string' | 'boolean'): Check =>
  (v) =>
    isRecord(v) && Object.values(v).every((x) => typeof x === inner) ? { value: { ...v } } : { expected: `a mapping of ${inner} values` };
const docs: Check = (v) => {
  if (!isRecord(v)) return { expected: 'a mapping like {show: true, node_color: "#ccc"}' };
  if (v.show !== undefined && typeof v.show !== 'boolean') return { expected: 'a mapping whose show is true or false' };
  if (v.node_color !== undefined && typeof v.node_color !== 'string') return { expected: 'a mapping whose node_color is a string' };
  return { value: { ...v } };
};

/** Value checks of the keys whose type the rest of xform relies on; other known keys pass through as given. */
const CHECKS: Record<string, Check> = {
  enabled: bool,
  materialized: str,
  schema: str,
  database: str,
  alias: str,
  tags: stringList,
  layer: str,
  unique_key: stringOrList,
  incremental_strategy: oneOf(['merge', 'delete+insert', 'append', 'insert_overwrite', 'microbatch']),
  on_schema_change: oneOf(['ignore', 'fail', 'append_new_columns', 'sync_all_columns']),
  incremental_predicates: stringList,
  pre_hook: hooks,
  post_hook: hooks,
  full_refresh: bool,
  meta: record,
  docs,
  persist_docs: recordOf('boolean'),
  column_types: recordOf('string'),
  quote_columns: bool,
  delimiter: str,
  severity: oneOf(['error', 'warn'], true),
  warn_if: threshold,
  error_if: threshold,
  fail_calc: str,
  where: str,
  limit,
  store_failures: bool,
};

const UNKNOWN_KEY = 'XFORM_CONFIG_UNKNOWN_KEY';
/** The codes of misspelt config keys and YAML keys: errors in the project, warnings in installed packages. */
export const KEY_TYPO_CODES: ReadonlySet<string> = new Set([UNKNOWN_KEY, 'XFORM_UNKNOWN_KEY']);

/** Where a config key was written: one location for all keys, or one per key (YAML). */
export type ConfigLocation = SourceLocation | ((rawKey: string) => SourceLocation);

/**
 * Checks and normalises raw config (from YAML, xform_project.yml folder trees or a `config()` call):
 * `+key` and `pre-hook` spellings become `key` / `pre_hook`, a string tag or hook becomes a list, `null`
 * means "not set". Known keys with a wrong type are errors (XFORM_CONFIG_INVALID). An unknown key that is
 * a likely typo of a known one is an error (XFORM_CONFIG_UNKNOWN_KEY) with a did-you-mean and is dropped;
 * any other unknown key is kept and draws a warning with the same code.
 *
 * @param diagnostics where errors and warnings go. Without it, the first error is thrown as an XformError
 *   and warnings are dropped.
 * @param options.typosAreErrors false makes typos warnings (kept, like any unknown key): an installed
 *   package's typos are its author's to fix. Default true.
 */
export function normalizeConfig(
  raw: Record<string, unknown>,
  location: ConfigLocation,
  diagnostics?: DiagnosticBag,
  options: { typosAreErrors?: boolean } = {},
): NodeConfig {
  const locate = typeof location === 'function' ? location : () => location;
  const out: NodeConfig = {};
  for (const [rawKey, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    const key = canonicalConfigKey(rawKey);
    if (!KNOWN.has(key)) {
      const typo = likelyTypo(key, KNOWN_CONFIG_KEYS);
      if (typo !== undefined && options.typosAreErrors !== false) {
        const message = `unknown config key '${rawKey}' — did you mean '${typo}'?`;
        const hint = `did you mean '${typo}'? (a setting of your own belongs under 'meta:')`;
        if (!diagnostics) throw new XformError(UNKNOWN_KEY, message, { location: locate(rawKey), hint });
        diagnostics.error(UNKNOWN_KEY, message, locate(rawKey), hint);
        continue;
      }
      const suggestion = didYouMean(key, KNOWN_CONFIG_KEYS);
      diagnostics?.warning(
        UNKNOWN_KEY,
        `unknown config key '${rawKey}'` + (suggestion ? ` — did you mean '${suggestion}'?` : ' (kept: macros can read it with config.get)'),
        locate(rawKey),
        suggestion ? `did you mean '${suggestion}'?` : undefined,
      );
      out[key] = value;
      continue;
    }
    const check = CHECKS[key];
    const result = check ? check(value) : { value };
    if ('expected' in result) {
      const message = `config '${key}' must be ${result.expected}, got ${describeType(value)}`;
      const suggestion = typeof value === 'string' && key in ENUMS ? didYouMean(value, ENUMS[key]!) : undefined;
      const hint = suggestion ? `did you mean '${suggestion}'?` : undefined;
      if (!diagnostics) throw new XformError('XFORM_CONFIG_INVALID', message, { location: locate(rawKey), hint });
      diagnostics.error('XFORM_CONFIG_INVALID', message, locate(rawKey), hint);
      continue;
    }
    // Two spellings of one key in the same block (pre-hook and pre_hook): keep both by merging.
    out[key] = key in out ? mergeConfig({ [key]: out[key] }, { [key]: result.value })[key] : result.value;
  }
  return out;
}

const ENUMS: Record<string, string[]> = {
  incremental_strategy: ['merge', 'delete+insert', 'append', 'insert_overwrite', 'microbatch'],
  on_schema_change: ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'],
  severity: ['error', 'warn'],
};

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return `'${value}'`;
  return `${typeof value} ${String(value)}`;
}

const ACCUMULATE = new Set(['pre_hook', 'post_hook']);
const SHALLOW_MERGE = new Set(['meta', 'column_types', 'docs', 'persist_docs']);

/**
 * dbt's config precedence: `override` (the more specific level) wins for scalars; `tags` accumulate
 * (deduplicated, first occurrence kept); `meta`, `column_types`, `docs` and `persist_docs` merge shallowly;
 * `pre_hook`/`post_hook` accumulate, base first. Neither input is modified; `undefined` values are ignored.
 */
export function mergeConfig(base: NodeConfig, override: NodeConfig): NodeConfig {
  const out: NodeConfig = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const prev = out[key];
    if (key === 'tags') {
      out.tags = [...new Set([...asList(prev), ...asList(value)].map(String))];
    } else if (ACCUMULATE.has(key)) {
      out[key] = [...asList(prev), ...asList(value)];
    } else if (SHALLOW_MERGE.has(key) && isRecord(prev) && isRecord(value)) {
      out[key] = { ...prev, ...value };
    } else {
      out[key] = value;
    }
  }
  return out;
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
