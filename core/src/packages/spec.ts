/**
 * packages.yml / dependencies.yml: the three kinds of package dbt installs — `local:` folders, `git:`
 * repositories (`revision`, `subdirectory`, `warn-unpinned`) and hub packages (`package:` + `version:`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { DiagnosticBag, XformError } from '../errors.js';
import { lazyEnvironment } from '../project/nunjucks-env.js';
import { parseYaml, validateYaml } from '../project/yaml-doc.js';

export const PACKAGE_FILES = ['packages.yml', 'dependencies.yml'] as const;

export type PackageSpec =
  | { kind: 'local'; local: string }
  | {
      kind: 'git';
      /** The URL rendered (`https://{{ env_var('DBT_ENV_SECRET_GIT_TOKEN') }}@...`): never shown, never written. */
      git: string;
      /** The URL as written, for package-lock.yml and messages. */
      written: string;
      revision?: string;
      subdirectory?: string;
      warnUnpinned: boolean;
    }
  | { kind: 'hub'; package: string; version: string[] };

const versionField = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]);
const entry = z.union([
  z.strictObject({ local: z.string() }),
  z.strictObject({
    git: z.string(),
    revision: z.union([z.string(), z.number()]).optional(),
    subdirectory: z.string().optional(),
    'warn-unpinned': z.boolean().optional(),
  }),
  z.strictObject({ package: z.string(), version: versionField, 'install-prerelease': z.boolean().optional() }),
]);
// dependencies.yml may also hold `projects:` (dbt Mesh), which installs nothing.
const fileSchema = z.strictObject({ packages: z.array(entry).nullable().optional(), projects: z.unknown().optional() });

export interface PackagesFile {
  /** Shown in messages, e.g. `packages.yml` or `dbt_packages/x/packages.yml`. */
  file: string;
  specs: PackageSpec[];
  /** The entries as written, and rendered, for the lock file's sha1_hash. */
  raw: unknown[];
  rendered: unknown[];
}

/** Reads the project's packages.yml (else dependencies.yml). Undefined when there is neither. */
export async function readPackagesFile(dir: string, shownDir: string, env: Record<string, string | undefined> = {}): Promise<PackagesFile | undefined> {
  for (const name of PACKAGE_FILES) {
    let text: string;
    try {
      text = await readFile(path.join(dir, name), 'utf8');
    } catch {
      continue;
    }
    const file = shownDir === '' ? name : `${shownDir}/${name}`;
    return parsePackagesFile(text, file, name === 'packages.yml' ? env : undefined);
  }
  return undefined;
}

/**
 * With `env`, Jinja in values is rendered with env_var() — secret variables included, as dbt's package
 * renderer allows, for credentials in git URLs. dbt renders packages.yml, never dependencies.yml.
 */
export function parsePackagesFile(text: string, file: string, env?: Record<string, string | undefined>): PackagesFile {
  const bag = new DiagnosticBag();
  const src = parseYaml(text, file, bag, 'XFORM_PACKAGES_INVALID');
  const parsed = src && src.value !== undefined ? validateYaml(fileSchema, { src, bag, errorCode: 'XFORM_PACKAGES_INVALID' }) : { packages: [] };
  bag.throwIfErrors('XFORM_PACKAGES_INVALID', `${file} is not a valid packages file`);
  if (!parsed) throw new XformError('XFORM_PACKAGES_INVALID', `${file} is not a valid packages file`, { location: { file } });
  const raw = parsed.packages ?? [];
  const render = env ? envRenderer(env, file) : (text: string) => text;
  const specs = raw.map((e): PackageSpec => {
    if ('local' in e) return { kind: 'local', local: render(e.local) };
    if ('git' in e) {
      return { kind: 'git', git: render(e.git), written: e.git, revision: e.revision === undefined ? undefined : String(e.revision), subdirectory: e.subdirectory, warnUnpinned: e['warn-unpinned'] ?? true };
    }
    const version = Array.isArray(e.version) ? e.version.map(String) : [String(e.version)];
    return { kind: 'hub', package: render(e.package), version: version.map(render) };
  });
  const written = (src?.value as { packages?: unknown[] } | undefined)?.packages ?? [];
  const rendered = written.map((entry) => renderEntry(entry, render));
  return { file, specs, raw: written, rendered };
}

function renderEntry(entry: unknown, render: (text: string) => string): unknown {
  if (typeof entry === 'string') return render(entry);
  if (Array.isArray(entry)) return entry.map((e) => renderEntry(e, render));
  if (entry && typeof entry === 'object') return Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, renderEntry(v, render)]));
  return entry;
}

function envRenderer(env: Record<string, string | undefined>, file: string): (text: string) => string {
  const nj = lazyEnvironment({ autoescape: false }, (made) => {
    made.addGlobal('env_var', (name: unknown, fallback?: unknown) => {
      const value = env[String(name)];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new XformError('XFORM_ENV_VAR_MISSING', `environment variable '${String(name)}' is not set (used in ${file}) and env_var() has no default`, {
        location: { file },
        hint: `set ${String(name)}, or give a default: env_var('${String(name)}', '...')`,
      });
    });
  });
  return (text) => {
    if (!text.includes('{{') && !text.includes('{%')) return text;
    try {
      return nj().renderString(text, {});
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (err instanceof XformError) throw err;
      if (cause instanceof XformError) throw cause;
      // The text may hold a credential: say where, not what.
      throw new XformError('XFORM_PACKAGES_INVALID', `cannot render a value of ${file}`, { location: { file } });
    }
  };
}
