/**
 * loadProject: xform_project.yml, then profiles.yml and file discovery side by side, then schema YAML and
 * the whole-project checks. Every problem is collected first; errors are thrown together at the end,
 * warnings are returned in `diagnostics`.
 */
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiagnosticBag, XformError, type Diagnostic } from '../errors.js';
import { sha256 } from '../partial-parse/input-snapshot.js';
import { checkDuplicateFiles, checkSchemaEntries, checkUnusedFolderConfigs } from './cross-checks.js';
import { discoverFiles } from './discovery.js';
import { readDocBlocks } from './docs-blocks.js';
import { defaultTarget, findProfilesFile, resolveTarget } from './profiles.js';
import { createConfigRenderer, renderNodeConfig, type RenderFn } from './config-render.js';
import { loadInstalledPackages } from './packages.js';
import { DBT_PROJECT_FILE, PROJECT_FILE, parseProjectConfig } from './project-config.js';
import { parseSchemaFile } from './schema-yaml.js';
import type { LoadedProject, LoadProjectOptions, NodePatch, ProjectInputs, SchemaFile, TargetConfig } from './types.js';
import { isPlainObject, parseYaml, type YamlSource } from './yaml-doc.js';

/** The project file and the target, read and rendered as loadProject starts. */
async function readSettings(options: LoadProjectOptions, bag: DiagnosticBag, inputs: ProjectInputs) {
  const root = path.resolve(options.projectDir ?? process.cwd());
  const env = options.env ?? process.env;
  const { text, file: projectFile } = await readProjectFile(root);
  const cliVars = options.vars ?? {};
  inputs.files[path.join(root, projectFile)] = sha256(text);
  // dbt renders the project with the target in context, and the target depends on the project's `profile:`.
  const settings = peekProjectSettings(text, projectFile, { cliVars, env });
  const target = settings ? await loadTarget(root, settings, options, env, bag, inputs) : {};
  const projectRender = (src: YamlSource) => createConfigRenderer({ target: target.target, profileName: settings?.profile, cliVars, env }, src, bag, 'XFORM_PROJECT_CONFIG_INVALID');
  const packageNames = settings ? await installedNames(path.resolve(root, settings.packagesInstallPath)) : [];
  const config = parseProjectConfig(text, bag, projectFile, projectRender, packageNames);
  if (!config) throwIfErrors(bag, 'XFORM_PROJECT_CONFIG_INVALID');
  return { root, env, cliVars, settings, target, projectRender, config };
}

/**
 * The project's settings and target without reading a node file (a compile that re-renders only the models
 * edited since the last one, see cli/src/patch-compile.ts); undefined when loading them found any problem,
 * which a full load reports.
 */
export async function loadProjectSettings(
  options: LoadProjectOptions = {},
): Promise<Pick<LoadedProject, 'root' | 'config' | 'target' | 'profilesFile' | 'cliVars'> | undefined> {
  const bag = new DiagnosticBag();
  try {
    const { root, cliVars, target, config } = await readSettings(options, bag, { files: {}, dirs: {}, profilesProbes: [] });
    if (bag.items.length > 0 || !target.target) return undefined;
    return { root, config, target: target.target, profilesFile: target.file, cliVars };
  } catch {
    return undefined;
  }
}

export async function loadProject(options: LoadProjectOptions = {}): Promise<LoadedProject> {
  const bag = new DiagnosticBag();
  const inputs: ProjectInputs = { files: {}, dirs: {}, profilesProbes: [] };
  const onDirectory = (dir: string, names: string[] | null) => {
    inputs.dirs[dir] = names;
  };
  const { root, env, cliVars, settings, target, projectRender, config } = await readSettings(options, bag, inputs);
  const { onDiscovered } = options;
  const files = await discoverFiles(root, config, bag, { onDirectory, onFound: onDiscovered && ((counts) => onDiscovered(counts, { root, config })) });
  const docs = await readDocBlocks(root, config, bag, inputs);
  const schemaFiles: SchemaFile[] = [];
  const cache = await options.schemaCache?.(path.resolve(root, config.targetPath));
  for (const file of files.schemaYaml) {
    inputs.files[file.absPath] = file.checksum;
    const where = { rootDir: file.rootDir, checksum: file.checksum };
    const cached = cache?.get(file.path, file.checksum);
    if (cached) {
      schemaFiles.push({ ...cached, ...where });
      continue;
    }
    const diagnostics = bag.items.length;
    const parsed = parseSchemaFile(file.contents, file.path, bag);
    if (parsed) schemaFiles.push({ ...parsed, ...where });
    if (parsed && bag.items.length === diagnostics) cache?.set(file.path, file.checksum, parsed);
  }
  // Rendered after the cache: the values depend on the target, vars and environment, not only on the file.
  const projectVars = scopedVars(config.vars, config.name);
  const schemaRender = (file: string) =>
    createConfigRenderer({ target: target.target, profileName: settings?.profile, cliVars, projectVars, env }, { file, value: undefined, locate: () => ({ file }) }, bag, 'XFORM_SCHEMA_CONFIG_INVALID');
  const renderedSchemaFiles = schemaFiles.map((f) => renderSchemaConfigs(f, schemaRender(f.path)));
  checkDuplicateFiles(files, bag);
  checkSchemaEntries(schemaFiles, files, config, bag);
  checkUnusedFolderConfigs(config, files, bag);
  const installed = await loadInstalledPackages(root, config, bag, projectRender, {
    onDirectory,
    onFile: (abs, contents) => {
      inputs.files[abs] = sha256(contents);
    },
  });
  if (!target.target) throwIfErrors(bag, 'XFORM_PROFILE_INVALID');
  throwIfErrors(bag);

  return {
    root,
    config,
    target: target.target,
    profilesFile: target.file,
    cliVars,
    models: [...files.models, ...installed.files.models],
    seeds: [...files.seeds, ...installed.files.seeds],
    tests: [...files.tests, ...installed.files.tests],
    macros: [...files.macros, ...installed.files.macros],
    snapshots: [...files.snapshots, ...installed.files.snapshots],
    schemaFiles: [...renderedSchemaFiles, ...installed.schemaFiles.map((f) => renderSchemaConfigs(f, schemaRender(f.path)))],
    packages: installed.packages,
    docs,
    diagnostics: sortDiagnostics(bag.warnings),
    inputs,
  };
}

/** xform_project.yml, else dbt_project.yml: when both exist xform's wins (it holds xform-only keys such as layers). */
async function readProjectFile(root: string): Promise<{ text: string; file: string }> {
  for (const name of [PROJECT_FILE, DBT_PROJECT_FILE]) {
    const file = path.join(root, name);
    try {
      return { text: await readFile(file, 'utf8'), file: name };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new XformError('XFORM_PROJECT_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`, { location: { file: name } });
      }
    }
  }
  throw new XformError('XFORM_PROJECT_NOT_FOUND', `no ${PROJECT_FILE} (or ${DBT_PROJECT_FILE}) in ${root}`, {
    location: { file: root },
    hint: `run xform in a project folder or a folder inside one (or pass --project-dir), or create one with 'xform init'`,
  });
}

/**
 * The project's target folder (absolute), from the project file alone: `xform retry` reads the previous run
 * there before it knows how to load the project (the vars and target it replays are in that run).
 */
export async function projectTargetDir(projectDir: string, env: Record<string, string | undefined> = process.env): Promise<string> {
  const root = path.resolve(projectDir);
  const { text, file } = await readProjectFile(root);
  return path.resolve(root, peekProjectSettings(text, file, { cliVars: {}, env })?.targetPath ?? 'target');
}

interface ProjectSettings {
  name: string;
  profile?: string;
  targetPath: string;
  packagesInstallPath: string;
}

/** Packages are installed under their own names: the folder names are the package names. */
async function installedNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() || e.isSymbolicLink()).map((e) => e.name);
  } catch {
    return [];
  }
}

/**
 * The few keys needed to find the target, read before the full parse (which needs the target to render
 * `{{ target.type }}`). Problems are left to the full parse, which reports them with their lines.
 */
function peekProjectSettings(text: string, file: string, ctx: { cliVars: Record<string, unknown>; env: Record<string, string | undefined> }): ProjectSettings | undefined {
  const scratch = new DiagnosticBag();
  const src = parseYaml(text, file, scratch);
  if (!src || !isPlainObject(src.value)) return undefined;
  const render = createConfigRenderer(ctx, src, scratch, 'XFORM_PROJECT_CONFIG_INVALID');
  const read = (key: string): string | undefined => {
    const value = (src.value as Record<string, unknown>)[key];
    if (value === undefined || value === null) return undefined;
    const rendered = render(value, [key]);
    return typeof rendered === 'string' ? rendered : String(rendered);
  };
  const name = read('name');
  if (name === undefined) return undefined;
  return { name, profile: read('profile'), packagesInstallPath: read('packages-install-path') ?? 'dbt_packages', targetPath: (read('target-path') ?? 'target').replace(/^(\.\/)+/, '').replace(/\/+$/, '') || '.' };
}

function scopedVars(vars: Record<string, unknown>, pkg: string): Record<string, unknown> {
  const scoped = vars[pkg];
  return isPlainObject(scoped) ? { ...vars, ...scoped } : vars;
}

function renderSchemaConfigs(file: SchemaFile, render: RenderFn): SchemaFile {
  const patch = (p: NodePatch, kind: string, i: number): NodePatch => {
    const config = renderNodeConfig(p.config, render, [kind, i, 'config']);
    return config === p.config ? p : { ...p, config, unrenderedConfig: p.config };
  };
  return {
    ...file,
    models: file.models.map((p, i) => patch(p, 'models', i)),
    seeds: file.seeds.map((p, i) => patch(p, 'seeds', i)),
    snapshots: file.snapshots.map((p, i) => patch(p, 'snapshots', i)),
    sources: file.sources.map((s, i) => ({
      ...s,
      config: renderNodeConfig(s.config, render, ['sources', i, 'config']),
      tables: s.tables.map((t, j) => ({ ...t, config: renderNodeConfig(t.config, render, ['sources', i, 'tables', j, 'config']) })),
    })),
  };
}

async function loadTarget(
  root: string,
  config: ProjectSettings,
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
