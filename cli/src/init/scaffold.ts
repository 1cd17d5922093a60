/**
 * Writes a new project from the @xform/templates package: templates/project/ is copied file by file (with
 * `__PROJECT_NAME__` and `__RAW_SCHEMA__` replaced), templates/profiles/<adapter>.yml becomes profiles.yml,
 * and `gitignore` becomes `.gitignore` (npm would drop a packaged .gitignore).
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean, fsError, XformError } from '@xform/core';
import { templatesDir } from '../assets.js';

export const INIT_ADAPTERS = ['duckdb', 'postgres', 'bigquery', 'snowflake'] as const;
export type InitAdapter = (typeof INIT_ADAPTERS)[number];

/** The schema each adapter's template profile builds models in; seeds go to `<schema>_raw`. */
const MODEL_SCHEMA: Record<InitAdapter, string> = { duckdb: 'main', postgres: 'analytics', bigquery: 'analytics', snowflake: 'analytics' };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ScaffoldOptions {
  /** The folder to create the project in; it may exist only when empty. */
  dir: string;
  /** Project (and profile) name: letters, digits and underscores. */
  name: string;
  /** Default 'duckdb'. */
  adapter?: InitAdapter;
}

export function checkAdapter(value: string): InitAdapter {
  if ((INIT_ADAPTERS as readonly string[]).includes(value)) return value as InitAdapter;
  const suggestion = didYouMean(value, INIT_ADAPTERS);
  throw new XformError('XFORM_INIT_BAD_ADAPTER', `unknown adapter '${value}'; expected one of ${INIT_ADAPTERS.join(', ')}`, {
    hint: suggestion ? `did you mean '${suggestion}'?` : undefined,
  });
}

export function checkProjectName(name: string): string {
  if (IDENTIFIER.test(name)) return name;
  const fixed = projectNameFrom(name);
  throw new XformError('XFORM_INIT_BAD_NAME', `project name '${name}' must be an identifier (letters, digits and underscores, not starting with a digit)`, {
    hint: `did you mean '${fixed}'?`,
  });
}

/** A valid project name made from a folder name: `my-shop` -> `my_shop`. */
export function projectNameFrom(text: string): string {
  const cleaned = text.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (cleaned === '') return 'my_project';
  return /^\d/.test(cleaned) ? `_${cleaned}` : cleaned;
}

async function assertEmptyOrMissing(dir: string): Promise<void> {
  let entries: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw new XformError('XFORM_INIT_DIR_NOT_EMPTY', `${dir} exists and is not a folder`, { hint: 'choose another folder name' });
    }
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
    throw new XformError('XFORM_INIT_DIR_NOT_EMPTY', `${dir} is not empty (${shown}); xform init never overwrites files`, {
      hint: 'choose a new folder name, or empty this one first',
    });
  }
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, child)));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

export interface ScaffoldResult {
  /** The files written, relative to the project folder, sorted. */
  files: string[];
  /** Environment variables profiles.yml reads without a default (set them before `xform build`). */
  requiredEnv: string[];
}

/** `env_var('NAME')` calls without a default, outside comments. */
export function requiredEnvVars(profileText: string): string[] {
  const names = new Set<string>();
  for (const line of profileText.split('\n')) {
    const code = line.replace(/^\s*#.*$/, '').replace(/\s#\s.*$/, '');
    for (const m of code.matchAll(/env_var\(\s*'([^']+)'\s*\)/g)) names.add(m[1]!);
  }
  return [...names];
}

/** Creates the project from the templates. */
export async function scaffoldProject(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const adapter = options.adapter ?? 'duckdb';
  const name = checkProjectName(options.name);
  const dir = path.resolve(options.dir);
  await assertEmptyOrMissing(dir);
  const root = templatesDir();
  const replacements: [string, string][] = [
    ['__PROJECT_NAME__', name],
    ['__RAW_SCHEMA__', `${MODEL_SCHEMA[adapter]}_raw`],
  ];
  const fill = (text: string) => replacements.reduce((acc, [from, to]) => acc.replaceAll(from, to), text);

  const copies: { from: string; to: string }[] = (await listFiles(path.join(root, 'project'))).map((rel) => ({
    from: path.join(root, 'project', rel),
    to: rel === 'gitignore' ? '.gitignore' : rel,
  }));
  copies.push({ from: path.join(root, 'profiles', `${adapter}.yml`), to: 'profiles.yml' });
  let requiredEnv: string[] = [];
  for (const { from, to } of copies) {
    const target = path.join(dir, to);
    const text = fill(await readFile(from, 'utf8'));
    if (to === 'profiles.yml') requiredEnv = requiredEnvVars(text);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text, { flag: 'wx' });
    } catch (err) {
      throw fsError(err, 'the new project', target);
    }
  }
  return { files: copies.map((c) => c.to).sort(), requiredEnv };
}
