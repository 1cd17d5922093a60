/**
 * The zod schema of one profiles.yml output (a discriminated union on `type`), and the step from what was
 * written (dbt aliases such as `dbname`/`database`, `dataset`/`schema`) to a TargetConfig with defaults.
 */
import * as z from 'zod';
import type { BigQueryTargetConfig, DuckDBTargetConfig, PostgresTargetConfig, SnowflakeTargetConfig, TargetConfig } from './types.js';

export const TARGET_TYPES = ['duckdb', 'postgres', 'bigquery', 'snowflake'] as const;

const threads = z.number().int().positive().optional();
const optString = z.string().optional();
const nonNegative = z.number().int().nonnegative().optional();

const duckdb = z.strictObject({
  type: z.literal('duckdb'),
  threads,
  schema: optString,
  database: optString,
  path: optString,
  extensions: z.array(z.string()).optional(),
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** dbt-duckdb: options given when the database opens; xform applies them as settings. */
  config_options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

const postgres = z.strictObject({
  type: z.literal('postgres'),
  threads,
  schema: optString,
  host: z.string(),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string(),
  password: optString,
  /** dbt-postgres spells the password `pass`. */
  pass: optString,
  dbname: optString,
  database: optString,
  sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).optional(),
  statement_timeout: nonNegative,
  connect_timeout: nonNegative,
  search_path: optString,
  role: optString,
  application_name: optString,
  /** dbt-postgres: seconds of idle before TCP keepalives start (0: the system default). */
  keepalives_idle: nonNegative,
});

const bigquery = z.strictObject({
  type: z.literal('bigquery'),
  threads,
  method: z.enum(['oauth', 'oauth-secrets', 'service-account', 'service-account-json']).optional(),
  project: optString,
  database: optString,
  dataset: optString,
  schema: optString,
  location: optString,
  keyfile: optString,
  keyfile_json: z.union([z.record(z.string(), z.unknown()), z.string()]).optional(),
  token: optString,
  refresh_token: optString,
  client_id: optString,
  client_secret: optString,
  job_timeout_seconds: z.number().positive().optional(),
  job_retries: nonNegative,
  maximum_bytes_billed: nonNegative,
  priority: z.enum(['interactive', 'batch']).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  api_endpoint: optString,
  // dbt-bigquery's aliases.
  target_project: optString,
  target_dataset: optString,
  retries: nonNegative,
  timeout_seconds: z.number().positive().optional(),
  job_execution_timeout_seconds: z.number().positive().optional(),
});

const snowflake = z.strictObject({
  type: z.literal('snowflake'),
  threads,
  account: z.string(),
  user: z.string(),
  database: z.string(),
  schema: z.string(),
  password: optString,
  private_key_path: optString,
  private_key: optString,
  private_key_passphrase: optString,
  authenticator: optString,
  role: optString,
  warehouse: optString,
  query_tag: optString,
  transient: z.boolean().optional(),
  client_session_keep_alive: z.boolean().optional(),
  host: optString,
});

export const targetSchema = z.discriminatedUnion('type', [duckdb, postgres, bigquery, snowflake]);
export type RawTarget = z.infer<typeof targetSchema>;

/** Drops undefined values so that defaults stay visible and JSON output stays tidy. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Applies defaults and dbt aliases. Returns a message (never containing a value) when a required setting
 * is missing under every spelling.
 */
export function toTargetConfig(raw: RawTarget, name: string, targetPath: string): TargetConfig | string {
  const threadsValue = raw.threads ?? 4;
  switch (raw.type) {
    case 'duckdb': {
      const target: DuckDBTargetConfig = {
        type: 'duckdb',
        name,
        path: raw.path ?? `${targetPath}/xform.duckdb`,
        schema: raw.schema ?? 'main',
        threads: threadsValue,
        database: raw.database,
        extensions: raw.extensions,
        settings: raw.config_options || raw.settings ? { ...raw.config_options, ...raw.settings } : undefined,
      };
      return compact(target);
    }
    case 'postgres': {
      const dbname = raw.dbname ?? raw.database;
      if (dbname === undefined) return "missing required key 'dbname' (the database to connect to)";
      const { pass, dbname: _d, database: _db, threads: _t, ...rest } = raw;
      const target: PostgresTargetConfig = {
        ...rest,
        name,
        port: raw.port ?? 5432,
        schema: raw.schema ?? 'public',
        password: raw.password ?? pass,
        dbname,
        database: dbname,
        threads: threadsValue,
      };
      return compact(target);
    }
    case 'bigquery': {
      const project = raw.project ?? raw.database ?? raw.target_project;
      const dataset = raw.dataset ?? raw.schema ?? raw.target_dataset;
      if (project === undefined) return "missing required key 'project' (the GCP project)";
      if (dataset === undefined) return "missing required key 'dataset' (the default dataset)";
      const { threads: _t, target_project: _p, target_dataset: _d, retries, timeout_seconds, job_execution_timeout_seconds, ...rest } = raw;
      const target: BigQueryTargetConfig = {
        ...rest,
        job_retries: raw.job_retries ?? retries,
        job_timeout_seconds: raw.job_timeout_seconds ?? job_execution_timeout_seconds ?? timeout_seconds,
        name,
        method: raw.method ?? 'oauth',
        project,
        dataset,
        database: project,
        schema: dataset,
        threads: threadsValue,
      };
      return compact(target);
    }
    case 'snowflake': {
      const target: SnowflakeTargetConfig = { ...raw, name, threads: threadsValue };
      return compact(target);
    }
  }
}
