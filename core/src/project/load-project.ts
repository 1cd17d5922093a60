/**
 * loadProject: xform_project.yml, then profiles.yml and file discovery side by side, then schema YAML and
 * the whole-project checks. Every problem is collected first; errors are thrown together at the end,
 * warnings are returned in `diagnostics`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiagnosticBag, XformError, type Diagnostic } from '../errors.js';
import { checkDuplicateFiles, checkSchemaEntries, checkUnusedFolderConfigs } from './cross-checks.js';
import { discoverFiles } from './discovery.js';
import { readDocBlocks } from './docs-blocks.js';
import { defaultTarget, findProfilesFile, resolveTarget } from './profiles.js';
import { PROJECT_FILE, parseProjectConfig } from './project-config.js';
import { parseSchemaFile } from './schema-yaml.js';
import type { LoadedProject, LoadProjectOptions, ProjectConfig, ProjectInputs, SchemaFile, TargetConfig } from './types.js';

export async function loadProject(options: LoadProjectOptions = {}): Promise<LoadedProject> {
  const root = path.resolve(options.projectDir ?? process.cwd());
  const env = options.env ?? process.env;
  const bag = new DiagnosticBag();

  const text = await readProjectFile(root);
  const config = parseProjectConfig(text, bag);
  if (!config) throwIfErrors(bag, 'XFORM_PROJECT_CONFIG_INVALID');

  const inputs: ProjectInputs = { files: { [path.join(root, PROJECT_FILE)]: sha256(text) }, dirs: {}, profilesProbes: [] };
  const onDirectory = (dir: string, names: string[] | null) => {
    inputs.dirs[dir] = names;
  };
  const [target, files] = await Promise.all([
    loadTarget(root, config, options, env, bag, inputs),
    discoverFiles(root, config, bag, { onDirectory }),
  ]);
  const docs = await readDocBlocks(root, config, bag, inputs);
  const schemaFiles: SchemaFile[] = [];
  const cache = await options.schemaCache?.(path.resolve(root, config.targetPath));
  for (const file of files.schemaYaml) {
    inputs.files[file.absPath] = file.checksum;
    const cached = cache?.get(file.path, file.checksum);
    if (cached) {
      schemaFiles.push(cached);
      continue;
    }
    const diagnostics = bag.items.length;
    const parsed = parseSchemaFile(file.contents, file.path, bag);
    if (parsed) schemaFiles.push(parsed);
    if (parsed && bag.items.length === diagnostics) cache?.set(file.path, file.checksum, parsed);
  }
  checkDuplicateFiles(files, bag);
  checkSchemaEntries(schemaFiles, files, config, bag);
  checkUnusedFolderConfigs(config, files, bag);
  if (!target.target) throwIfErrors(bag, 'XFORM_PROFILE_INVALID');
  throwIfErrors(bag);

  return {
    root,
    config,
    target: target.target,
    profilesFile: target.file,
    cliVars: options.vars ?? {},
    models: files.models,
    seeds: files.seeds,
    tests: files.tests,
    macros: files.macros,
    snapshots: files.snapshots,
    schemaFiles,
    docs,
    diagnostics: sortDiagnostics(bag.warnings),
    inputs,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function readProjectFile(root: string): Promise<string> {
  const file = path.join(root, PROJECT_FILE);
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new XformError('XFORM_PROJECT_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, { location: { file: PROJECT_FILE } });
    }
    const dbt = await readFile(path.join(root, 'dbt_project.yml')).then(
      () => true,
      () => false,
    );
    throw new XformError('XFORM_PROJECT_NOT_FOUND', `no ${PROJECT_FILE} in ${root}`, {
      location: { file: root },
      hint: dbt
        ? `this looks like a dbt project: copy dbt_project.yml to ${PROJECT_FILE}`
        : `run xform in a project directory (or pass --project-dir), or create one with 'xform init'`,
    });
  }
}

async function loadTarget(
  root: string,
  config: ProjectConfig,
  options: LoadProjectOptions,
  env: Record<string, string | undefined>,
  bag: DiagnosticBag,
  inputs: ProjectInputs,
): Promise<{ target?: TargetConfig; file?: string }> {
  const file = await findProfilesFile({
    projectDir: root,
    profilesDir: options.profilesDir,
    env,
    homeDir: options.homeDir ?? os.homedir(),
    probed: inputs.profilesProbes,
  });
  if (file === undefined) {
    if (options.target !== undefined && options.target !== 'dev') {
      bag.error('XFORM_TARGET_NOT_FOUND', `target '${options.target}' requested, but there is no profiles.yml (only the built-in 'dev' DuckDB target exists)`, undefined, `create profiles.yml in ${root} or ~/.xform/`);
      return {};
    }
    return { target: defaultTarget(config.targetPath) };
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new XformError('XFORM_PROFILES_UNREADABLE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { location: { file } });
  }
  inputs.files[file] = sha256(text);
  const relative = path.relative(root, file);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
  const target = resolveTarget({
    text,
    file: shown,
    profileName: config.profile ?? config.name,
    targetName: options.target,
    env,
    targetPath: config.targetPath,
    projectRoot: root,
    bag,
  });
  return { target, file };
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.location?.file ?? '';
  const fb = b.location?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0);
}

/** Deterministic order (files are discovered concurrently). The sort is stable within one line. */
function sortDiagnostics(items: Diagnostic[]): Diagnostic[] {
  return [...items].sort(compareDiagnostics);
}

/**
 * One error: thrown with its own code. Several: XFORM_PROJECT_INVALID carrying all of them, so that the
 * CLI can print every problem at once. With `always`, throws even without errors (a phase produced no
 * result, which only happens after an error — this guards the assumption).
 */
function throwIfErrors(bag: DiagnosticBag): void;
function throwIfErrors(bag: DiagnosticBag, always: string): never;
function throwIfErrors(bag: DiagnosticBag, always?: string): void {
  const errors = sortDiagnostics(bag.errors);
  if (errors.length === 0) {
    if (always) throw new XformError(always, 'the project could not be loaded', {});
    return;
  }
  const first = errors[0]!;
  // Warnings travel with the errors: an unknown key is often the reason for a missing one ('nmae' -> 'name').
  const diagnostics = sortDiagnostics([...errors, ...bag.warnings]);
  if (errors.length === 1) throw new XformError(first.code, first.message, { location: first.location, hint: first.hint, diagnostics });
  throw new XformError('XFORM_PROJECT_INVALID', `${errors.length} problems in the project; the first: ${first.message}`, {
    location: first.location,
    hint: first.hint,
    diagnostics,
  });
}
