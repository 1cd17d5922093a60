/**
 * The `args` a run records in run_results.json (the command line in dbt's snake_case names) and how
 * `xform retry` turns them back into the command's options. Only command-line flags are recorded, never a
 * value from profiles.yml: a retry reads the profile afresh (secret-looking keys in --vars are redacted).
 */
import { parseVarsArg, XformError } from '@xform/core';

/**
 * Flags a retry never takes from the run it retries: where things are, how output looks, and --warn-error
 * (dbt ignores the same); the retry's own flags decide them. `--state` and `--defer` are replayed, as in dbt:
 * the retried nodes resolve their unselected parents as the first run did.
 */
const NOT_REPLAYED = new Set(['which', 'project_dir', 'profiles_dir', 'target_path', 'log_path', 'log_format', 'log_level', 'quiet', 'debug', 'wait', 'warn_error']);

const REDACTED = '[redacted]';

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Every option the command was given, under dbt's names, with what it resolved to where that matters for a
 * replay (`threads` from the profile, the `target` used, `vars` parsed).
 */
export function recordArgs(which: string, options: object, resolved: { threads: number; target: string }): Record<string, unknown> {
  const args: Record<string, unknown> = { which, select: [], exclude: [], full_refresh: false, store_failures: false };
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || typeof value === 'function') continue;
    args[snake(key)] = key === 'vars' && typeof value === 'string' ? parseVarsArg(value) : value;
  }
  args.threads = resolved.threads;
  args.target = resolved.target;
  return args;
}

/** What a retry's own command line says, overriding the run retried (dbt lets --vars and --threads override). */
export interface RetryOverrides {
  vars?: string;
  threads?: string;
}

/**
 * The options of the command recorded in `args`, as the command's parser would have produced them. A
 * recorded --vars that held a secret-looking key was redacted: replaying it would run with '[redacted]'
 * as the value, so the retry must be given --vars again.
 */
export function replayOptions(args: Record<string, unknown>, overrides: RetryOverrides, file: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (NOT_REPLAYED.has(key) || value === null || value === undefined) continue;
    options[camel(key)] = typeof value === 'number' ? String(value) : value;
  }
  if (overrides.threads !== undefined) options.threads = overrides.threads;
  if (overrides.vars !== undefined) options.vars = overrides.vars;
  else if (args.vars !== undefined && args.vars !== null) {
    if (typeof args.vars === 'object' && holdsRedacted(args.vars)) {
      throw new XformError('XFORM_RETRY_VARS_REDACTED', `the run to retry was given --vars with a secret-looking key, which ${file} does not record`, {
        location: { file },
        hint: "pass the same --vars to xform retry (e.g. xform retry --vars '{api_token: ...}'), or better, read the secret with env_var()",
      });
    }
    options.vars = typeof args.vars === 'string' ? args.vars : JSON.stringify(args.vars);
  }
  return options;
}

function holdsRedacted(value: unknown): boolean {
  if (value === REDACTED) return true;
  if (Array.isArray(value)) return value.some(holdsRedacted);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsRedacted);
  return false;
}
