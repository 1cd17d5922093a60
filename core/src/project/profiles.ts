/**
 * profiles.yml: where it is looked up, `{{ env_var() }}` rendering, and validation of the chosen target.
 * Secrets (passwords, keys) are never quoted in any message: errors name keys and variables, not values.
 */
import { statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { lazyEnvironment } from './nunjucks-env.js';
import { XformError, didYouMean, type DiagnosticBag } from '../errors.js';
import { addNativeFilters } from './config-render.js';
import { targetSchema, TARGET_TYPES, toTargetConfig } from './target-schema.js';
import type { DuckDBTargetConfig, TargetConfig } from './types.js';
import { isPlainObject, parseYaml, validateYaml, type YamlPath, type YamlSource } from './yaml-doc.js';

export const PROFILES_FILE = 'profiles.yml';

/** Keys whose values are secret: never quoted, even in a did-you-mean. */
export function isSecretKey(key: string): boolean {
  return /pass|secret|token|private_key|keyfile_json|credential/i.test(key);
}

export interface ProfilesLookup {
  projectDir: string;
  /** Explicit directory (`--profiles-dir`): the only place looked at; a missing file there is an error. */
  profilesDir?: string;
  env: Record<string, string | undefined>;
  /** Home directory for `~/.xform/`; default os.homedir(). */
  homeDir: string;
  /** Receives every location tried and whether a file was there (for the partial-parse cache). */
  probed?: { path: string; exists: boolean }[];
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function probe(lookup: ProfilesLookup, file: string): Promise<boolean> {
  const found = await exists(file);
  lookup.probed?.push({ path: file, exists: found });
  return found;
}

/**
 * The profiles.yml to use: `profilesDir` if given, else the project dir, `XFORM_PROFILES_DIR`, `~/.xform/`,
 * then dbt's places `DBT_PROFILES_DIR` and `~/.dbt/` (xform's own first, so a dbt profile of the same name
 * never shadows one written for xform). Undefined when there is none (the built-in DuckDB default applies).
 */
export async function findProfilesFile(lookup: ProfilesLookup): Promise<string | undefined> {
  if (lookup.profilesDir !== undefined) {
    const file = path.resolve(lookup.projectDir, lookup.profilesDir, PROFILES_FILE);
    if (await probe(lookup, file)) return file;
    throw new XformError('XFORM_PROFILES_NOT_FOUND', `no ${PROFILES_FILE} in the profiles directory ${path.dirname(file)}`, {
      location: { file: path.dirname(file) },
      hint: 'check --profiles-dir, or leave it out to use the project directory, XFORM_PROFILES_DIR or ~/.xform/',
    });
  }
  const candidates = [lookup.projectDir];
  const fromEnv = lookup.env.XFORM_PROFILES_DIR;
  if (fromEnv) candidates.push(path.resolve(lookup.projectDir, fromEnv));
  candidates.push(path.join(lookup.homeDir, '.xform'));
  const fromDbtEnv = lookup.env.DBT_PROFILES_DIR;
  if (fromDbtEnv) candidates.push(path.resolve(lookup.projectDir, fromDbtEnv));
  candidates.push(path.join(lookup.homeDir, '.dbt'));
  for (const dir of candidates) {
    const file = path.join(dir, PROFILES_FILE);
    if (await probe(lookup, file)) return file;
  }
  return undefined;
}

/** The built-in target when no profiles.yml exists: an embedded DuckDB file under the target path. */
export function defaultTarget(targetPath: string): DuckDBTargetConfig {
  return { type: 'duckdb', name: 'dev', path: `${targetPath}/xform.duckdb`, schema: 'main', threads: 4 };
}

export interface ResolveTargetOptions {
  text: string;
  /** The file as shown in messages. */
  file: string;
  /** `profile:` of xform_project.yml, default the project name. */
  profileName: string;
  /** `--target`; default the profile's `target:`. */
  targetName?: string;
  env: Record<string, string | undefined>;
  /** The project's target-path (for the DuckDB default path). */
  targetPath: string;
  /** The project folder, against which a relative DuckDB `path:` is checked. Default: not checked. */
  projectRoot?: string;
  bag: DiagnosticBag;
}

/** Reads profiles.yml text and returns the chosen, rendered and validated target (undefined on errors). */
export function resolveTarget(options: ResolveTargetOptions): TargetConfig | undefined {
  const { file, profileName, bag } = options;
  const src = parseYaml(options.text, file, bag);
  if (!src) return undefined;
  const root = src.value;
  const profiles = isPlainObject(root) ? Object.keys(root).filter((k) => k !== 'config') : [];
  const profile = isPlainObject(root) && Object.hasOwn(root, profileName) ? root[profileName] : undefined;
  if (profile === undefined) {
    const suggestion = didYouMean(profileName, profiles);
    bag.error(
      'XFORM_PROFILE_NOT_FOUND',
      `profile '${profileName}' not found in ${file}; available profiles: ${profiles.join(', ') || '(none)'}`,
      { file, line: 1, column: 1 },
      suggestion ? `did you mean '${suggestion}'? (set 'profile:' in xform_project.yml)` : `add a '${profileName}:' profile or set 'profile:' in xform_project.yml`,
    );
    return undefined;
  }
  if (!isPlainObject(profile) || !isPlainObject(profile.outputs)) {
    bag.error('XFORM_PROFILE_INVALID', `profile '${profileName}' in ${file} must be a mapping with 'target' and 'outputs'`, src.locate([profileName]));
    return undefined;
  }
  for (const key of Object.keys(profile)) {
    if (key !== 'target' && key !== 'outputs') {
      const suggestion = didYouMean(key, ['target', 'outputs']);
      bag.warning('XFORM_UNKNOWN_KEY', `unknown key '${key}' in profile '${profileName}'` + (suggestion ? ` — did you mean '${suggestion}'?` : ''), src.locate([profileName, key], 'key'));
    }
  }
  const render = createRenderer(options.env, src, bag);
  const outputs = profile.outputs;
  const available = Object.keys(outputs);
  let targetName = options.targetName;
  if (targetName === undefined) {
    const written = profile.target === undefined ? undefined : render(profile.target, [profileName, 'target']);
    if (written === RENDER_FAILED) return undefined;
    targetName = written === undefined || written === null ? (available.length === 1 ? available[0]! : 'dev') : String(written);
  }
  if (!Object.hasOwn(outputs, targetName)) {
    const suggestion = didYouMean(targetName, available);
    bag.error(
      'XFORM_TARGET_NOT_FOUND',
      `target '${targetName}' not found in profile '${profileName}' (${file}); available targets: ${available.join(', ') || '(none)'}`,
      src.locate(options.targetName === undefined && profile.target !== undefined ? [profileName, 'target'] : [profileName, 'outputs']),
      suggestion ? `did you mean '${suggestion}'?` : undefined,
    );
    return undefined;
  }
  const outputPath: YamlPath = [profileName, 'outputs', targetName];
  const output = outputs[targetName];
  if (!isPlainObject(output)) {
    bag.error('XFORM_PROFILE_INVALID', `target '${targetName}' in ${file} must be a mapping with a 'type'`, src.locate(outputPath));
    return undefined;
  }
  const rendered = render(output, outputPath);
  if (rendered === RENDER_FAILED || !isPlainObject(rendered)) return undefined;
  coerceScalars(rendered);

  const type = rendered.type;
  if (typeof type !== 'string' || !(TARGET_TYPES as readonly string[]).includes(type)) {
    const suggestion = typeof type === 'string' ? didYouMean(type, TARGET_TYPES) : undefined;
    bag.error(
      'XFORM_ADAPTER_TYPE_UNKNOWN',
      type === undefined
        ? `target '${targetName}' in ${file} has no 'type' (expected one of ${TARGET_TYPES.join(', ')})`
        : `unknown adapter type '${String(type)}' for target '${targetName}' in ${file}; expected one of ${TARGET_TYPES.join(', ')}` +
            (suggestion ? ` — did you mean '${suggestion}'?` : ''),
      src.locate(type === undefined ? outputPath : [...outputPath, 'type']),
      suggestion ? `did you mean '${suggestion}'?` : undefined,
    );
    return undefined;
  }
  const parsed = validateYaml(targetSchema, {
    src,
    value: rendered,
    basePath: outputPath,
    bag,
    errorCode: 'XFORM_PROFILE_INVALID',
    isSecret: isSecretKey,
    // A secret pasted under the wrong key must not be echoed either.
    quoteValues: false,
  });
  if (!parsed) return undefined;
  const result = toTargetConfig(parsed, targetName, options.targetPath);
  if (typeof result === 'string') {
    bag.error('XFORM_PROFILE_INVALID', `target '${targetName}' in ${file}: ${result}`, src.locate(outputPath));
    return undefined;
  }
  if (result.type === 'duckdb' && options.projectRoot !== undefined && isLocalFolder(result.path, options.projectRoot)) {
    // DuckDB itself reports a folder as a file it cannot lock, which sends the user looking for another process.
    bag.error(
      'XFORM_DUCKDB_PATH_IS_DIRECTORY',
      `the DuckDB path '${result.path}' of target '${targetName}' is a folder; expected a database file`,
      src.locate([...outputPath, 'path']),
      `point path: at a file, e.g. ${path.posix.join(result.path.replace(/\/+$/, '') || '.', 'xform.duckdb')}`,
    );
    return undefined;
  }
  return result;
}

/** A DuckDB `path:` naming an existing local folder (not `:memory:`, MotherDuck `md:` or a URL). */
function isLocalFolder(dbPath: string, projectRoot: string): boolean {
  if (dbPath === '' || dbPath.startsWith(':memory:') || /^[a-z][a-z0-9+]*:(?![\\/])/i.test(dbPath)) return false;
  try {
    return statSync(path.resolve(projectRoot, dbPath)).isDirectory();
  } catch {
    return false;
  }
}

const RENDER_FAILED = Symbol('render failed');

/**
 * A renderer for profile values: one small nunjucks Environment (autoescape off) whose only global is
 * env_var(). Strings without `{{`/`{%` are returned untouched.
 */
function createRenderer(env: Record<string, string | undefined>, src: YamlSource, bag: DiagnosticBag) {
  let missing: string | undefined;
  const nj = lazyEnvironment({ autoescape: false }, (made) => {
    addNativeFilters(made);
    made.addGlobal('env_var', (name: unknown, fallback?: unknown) => {
      const key = String(name);
      const value = env[key];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      missing ??= key;
      return '';
    });
  });
  const renderString = (text: string, at: YamlPath): string | typeof RENDER_FAILED => {
    if (!text.includes('{{') && !text.includes('{%')) return text;
    missing = undefined;
    let out: string;
    try {
      out = nj().renderString(text, {});
    } catch (err) {
      // The template text may be a secret: report where, never what (nunjucks messages do not quote it).
      const detail = (err instanceof Error ? err.message : String(err)).split(text).join('<value>').replace(/\s+/g, ' ').trim();
      bag.error('XFORM_PROFILE_TEMPLATE_ERROR', `cannot render '${at[at.length - 1]}' in ${src.file}: ${detail}`, src.locate(at));
      return RENDER_FAILED;
    }
    if (missing !== undefined) {
      bag.error(
        'XFORM_ENV_VAR_MISSING',
        `environment variable '${missing}' is not set (used by '${at[at.length - 1]}' in ${src.file}) and env_var() has no default`,
        src.locate(at),
        `set ${missing}, or give a default: env_var('${missing}', '...')`,
      );
      return RENDER_FAILED;
    }
    return out;
  };
  const render = (value: unknown, at: YamlPath): unknown => {
    if (typeof value === 'string') return renderString(value, at);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (let i = 0; i < value.length; i++) {
        const item = render(value[i], [...at, i]);
        if (item === RENDER_FAILED) return RENDER_FAILED;
        out.push(item);
      }
      return out;
    }
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      let failed = false;
      for (const [key, item] of Object.entries(value)) {
        const r = render(item, [...at, key]);
        if (r === RENDER_FAILED) failed = true;
        else out[key] = r;
      }
      return failed ? RENDER_FAILED : out;
    }
    return value;
  };
  return render;
}

const NUMERIC_KEYS = new Set(['port', 'threads', 'statement_timeout', 'connect_timeout', 'job_timeout_seconds', 'job_retries', 'maximum_bytes_billed', 'keepalives_idle', 'retries', 'timeout_seconds', 'job_execution_timeout_seconds']);
const BOOLEAN_KEYS = new Set(['transient', 'client_session_keep_alive']);

/** env_var() always yields text; numeric and boolean fields written that way are converted back. */
function coerceScalars(output: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(output)) {
    if (typeof value !== 'string') continue;
    const trimmed = value.trim();
    if (NUMERIC_KEYS.has(key) && /^-?\d+(\.\d+)?$/.test(trimmed)) output[key] = Number(trimmed);
    else if (BOOLEAN_KEYS.has(key) && /^(true|false)$/i.test(trimmed)) output[key] = trimmed.toLowerCase() === 'true';
  }
  // A password of digits is still a password, whether YAML read it as a number or not.
  for (const key of ['password', 'pass', 'private_key_passphrase']) {
    if (typeof output[key] === 'number') output[key] = String(output[key]);
  }
}
