/**
 * Targets for the live BigQuery/Snowflake conformance runs, from XFORM_BIGQUERY_* / XFORM_SNOWFLAKE_*
 * variables (never from files in the repository). Without them the suites are skipped, and say so.
 *
 * BigQuery: XFORM_BIGQUERY_PROJECT (required); XFORM_BIGQUERY_KEYFILE (a key file path) or
 *   XFORM_BIGQUERY_KEYFILE_JSON (the key itself), else application default credentials;
 *   XFORM_BIGQUERY_LOCATION (default US).
 * Snowflake: XFORM_SNOWFLAKE_ACCOUNT, _USER, _DATABASE, _WAREHOUSE (required); _PASSWORD or
 *   _PRIVATE_KEY_PATH (+ _PRIVATE_KEY_PASSPHRASE); _ROLE; _AUTHENTICATOR.
 */
import type { BigQueryTargetConfig, SnowflakeTargetConfig } from '@xform/core';
import { describe, it } from 'vitest';

type Env = Record<string, string | undefined>;

export function bigQueryTarget(env: Env = process.env): BigQueryTargetConfig | undefined {
  const project = env.XFORM_BIGQUERY_PROJECT;
  if (!project) return undefined;
  const method = env.XFORM_BIGQUERY_KEYFILE_JSON ? 'service-account-json' : env.XFORM_BIGQUERY_KEYFILE ? 'service-account' : 'oauth';
  return {
    type: 'bigquery',
    name: 'live',
    method,
    project,
    dataset: 'xform_conformance',
    database: project,
    schema: 'xform_conformance',
    location: env.XFORM_BIGQUERY_LOCATION ?? 'US',
    threads: 4,
    job_retries: 2,
    ...(env.XFORM_BIGQUERY_KEYFILE ? { keyfile: env.XFORM_BIGQUERY_KEYFILE } : {}),
    ...(env.XFORM_BIGQUERY_KEYFILE_JSON ? { keyfile_json: env.XFORM_BIGQUERY_KEYFILE_JSON } : {}),
  };
}

export function snowflakeTarget(env: Env = process.env): SnowflakeTargetConfig | undefined {
  const { XFORM_SNOWFLAKE_ACCOUNT: account, XFORM_SNOWFLAKE_USER: user, XFORM_SNOWFLAKE_DATABASE: database, XFORM_SNOWFLAKE_WAREHOUSE: warehouse } = env;
  if (!account || !user || !database || !warehouse) return undefined;
  return {
    type: 'snowflake',
    name: 'live',
    account,
    user,
    database,
    warehouse,
    schema: 'xform_conformance',
    threads: 4,
    query_tag: 'xform-conformance',
    ...(env.XFORM_SNOWFLAKE_PASSWORD ? { password: env.XFORM_SNOWFLAKE_PASSWORD } : {}),
    ...(env.XFORM_SNOWFLAKE_PRIVATE_KEY_PATH ? { private_key_path: env.XFORM_SNOWFLAKE_PRIVATE_KEY_PATH } : {}),
    ...(env.XFORM_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE ? { private_key_passphrase: env.XFORM_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE } : {}),
    ...(env.XFORM_SNOWFLAKE_ROLE ? { role: env.XFORM_SNOWFLAKE_ROLE } : {}),
    ...(env.XFORM_SNOWFLAKE_AUTHENTICATOR ? { authenticator: env.XFORM_SNOWFLAKE_AUTHENTICATOR } : {}),
  };
}

/** A visible skip: a message on the console and a skipped test naming the variables to set. */
export function describeSkippedLive(name: string, needs: string): void {
  const message = `live ${name} conformance suite SKIPPED: set ${needs} to run it against a real ${name} account (see README, Profiles)`;
  process.stdout.write(`\n[xform] ${message}\n`);
  describe(`conformance: ${name} (live)`, () => {
    it.skip(message, () => undefined);
  });
}

/** profiles.yml lines of a target, with secrets read from the same environment variables by env_var(). */
export function profileLines(entries: [string, string | number | undefined][]): string[] {
  return entries.filter(([, v]) => v !== undefined).map(([k, v]) => `      ${k}: ${typeof v === 'string' && v.startsWith('{{') ? `"${v}"` : v}`);
}

/** profiles.yml text with one `dev` output of `type` (profile `shop`, as the quality tests' projects use). */
export function liveProfile(type: string, entries: [string, string | number | undefined][]): string {
  return ['shop:', '  target: dev', '  outputs:', '    dev:', `      type: ${type}`, ...profileLines(entries), ''].join('\n');
}
