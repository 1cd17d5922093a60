/**
 * Jinja in project config values and schema-YAML `config:` values, rendered when the project loads, as dbt
 * does (dbt-core's DbtProjectYamlRenderer and SchemaYamlRenderer): `{{ target.type }}`, `{{ var(...) }}`,
 * `{{ env_var(...) }}`. What dbt renders later is left as written: `vars:`, run hooks, `query-comment`,
 * and pre/post hooks anywhere in a config tree — they are rendered per node or per run.
 */
import type { Environment } from 'nunjucks';
import type { DiagnosticBag } from '../errors.js';
import { isSecretEnvName } from '../secrets.js';
import type { NodeConfig, TargetConfig } from './types.js';
import { lazyEnvironment } from './nunjucks-env.js';
import { isPlainObject, type YamlPath, type YamlSource } from './yaml-doc.js';

export interface ConfigRenderContext {
  /** The chosen target; undefined while the profile itself is being looked for (`profile:` only). */
  target?: TargetConfig;
  profileName?: string;
  /** `--vars`, which win. */
  cliVars: Record<string, unknown>;
  /** Project vars (schema YAML sees them; dbt_project.yml itself sees only `--vars`). */
  projectVars?: Record<string, unknown>;
  env: Record<string, string | undefined>;
}

/** A value that could not be rendered: the error is in the bag, the value is kept as written. */
export type RenderFn = (value: unknown, at: YamlPath) => unknown;

const HOOK_KEYS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);
const PROJECT_LATE_KEYS = new Set(['vars', 'on-run-start', 'on-run-end', 'query-comment']);
const CONFIG_TREES = new Set(['models', 'seeds', 'snapshots', 'tests', 'data_tests', 'sources']);

/** dbt's rule for dbt_project.yml: which key paths wait for later rendering. */
export function projectKeyIsLate(at: YamlPath): boolean {
  const first = at[0];
  if (typeof first !== 'string') return false;
  if (PROJECT_LATE_KEYS.has(first)) return true;
  return CONFIG_TREES.has(first) && at.some((k) => typeof k === 'string' && HOOK_KEYS.has(k.replace(/^\+/, '').trim()));
}

const hasJinja = (text: string) => text.includes('{{') || text.includes('{%');

/**
 * dbt renders these values natively: `{{ target.type == 'duckdb' }}` is a boolean, `{{ 3 }}` a number.
 * Only a rendered Jinja value is converted; a plain YAML string stays a string.
 */
function nativeValue(text: string): unknown {
  const t = text.trim();
  if (/^(true|True)$/.test(t)) return true;
  if (/^(false|False)$/.test(t)) return false;
  if (/^(None|none)$/.test(t)) return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return text;
}

/**
 * dbt's filters for values that must not stay text (`{{ env_var('PORT') | as_number }}`). The value is
 * passed through: scalars are converted back from text after rendering where the key needs it.
 */
export function addNativeFilters(nj: Environment): void {
  for (const name of ['as_number', 'as_bool', 'as_native', 'as_text']) nj.addFilter(name, (value: unknown) => value);
}

/** A renderer over YAML values: strings holding Jinja are rendered, everything else is returned as is. */
export function createConfigRenderer(ctx: ConfigRenderContext, src: YamlSource, bag: DiagnosticBag, code: string): RenderFn {
  let problem: { message: string; hint: string } | undefined;
  const nj = lazyEnvironment({ autoescape: false, throwOnUndefined: false }, (made) => {
    addNativeFilters(made);
    made.addGlobal('env_var', (name: unknown, fallback?: unknown) => {
      const key = String(name);
      if (isSecretEnvName(key)) {
        problem ??= { message: `secret environment variable '${key}' can be used only in profiles.yml`, hint: 'use a variable without the secret prefix' };
        return '';
      }
      const value = ctx.env[key];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      problem ??= { message: `environment variable '${key}' is not set and env_var() has no default`, hint: `set ${key}, or give a default: env_var('${key}', '...')` };
      return '';
    });
    made.addGlobal('var', (name: unknown, fallback?: unknown) => {
      const key = String(name);
      if (Object.hasOwn(ctx.cliVars, key)) return ctx.cliVars[key];
      if (ctx.projectVars && Object.hasOwn(ctx.projectVars, key)) return ctx.projectVars[key];
      if (fallback !== undefined) return fallback;
      problem ??= { message: `var '${key}' is not defined and has no default`, hint: `pass --vars '{${key}: ...}' or give a default: var('${key}', ...)` };
      return '';
    });
  });
  const target = ctx.target
    ? {
        name: ctx.target.name,
        type: ctx.target.type,
        schema: ctx.target.schema,
        database: ctx.target.database,
        threads: ctx.target.threads,
        profile_name: ctx.profileName,
      }
    : undefined;

  const renderString = (text: string, at: YamlPath): unknown => {
    if (!hasJinja(text)) return text;
    problem = undefined;
    let out: string;
    try {
      out = nj().renderString(text, { target });
    } catch (err) {
      const detail = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
      bag.error(code, `cannot render '${String(at[at.length - 1])}' in ${src.file}: ${detail}`, src.locate(at));
      return text;
    }
    // Assigned by the globals above during renderString; TypeScript cannot see that.
    const found = problem as { message: string; hint: string } | undefined;
    if (found) {
      bag.error(code, `${found.message} (in '${String(at[at.length - 1])}' of ${src.file})`, src.locate(at), found.hint);
      return text;
    }
    return nativeValue(out);
  };
  return (value, at) => renderString(String(value), at);
}

/** Renders every Jinja string in `value` (a parsed YAML tree) except where `isLate(path)` says to wait. */
export function renderTree(value: unknown, at: YamlPath, render: RenderFn, isLate: (at: YamlPath) => boolean): unknown {
  if (isLate(at)) return value;
  if (typeof value === 'string') return render(value, at);
  if (Array.isArray(value)) return value.map((item, i) => renderTree(item, [...at, i], render, isLate));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderTree(item, [...at, key], render, isLate);
    return out;
  }
  return value;
}

/** Schema-YAML `config:` values: rendered, except hooks (dbt renders those per node). */
export function renderNodeConfig(config: NodeConfig, render: RenderFn, at: YamlPath): NodeConfig {
  let changed = false;
  const out: NodeConfig = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = HOOK_KEYS.has(key) ? value : renderTree(value, [...at, key], render, () => false);
    if (out[key] !== value) changed = true;
  }
  return changed ? out : config;
}

export { hasJinja };
