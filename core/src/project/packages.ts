/**
 * Installed packages (what `xform deps` put under `packages-install-path`): each is read as a project of
 * its own — its project file, its files and schema YAML — and its files are tagged with its name, so that
 * nodes get `model.<package>.<name>` ids and macros register under the package.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { SofteningDiagnosticBag, XformError, type DiagnosticBag } from '../errors.js';
import { PACKAGE_FILES } from '../packages/spec.js';
import type { RenderFn } from './config-render.js';
import { checkDuplicateFiles, checkSchemaEntries } from './cross-checks.js';
import { discoverFiles, type DiscoveredFiles } from './discovery.js';
import { DBT_PROJECT_FILE, PROJECT_FILE, parseProjectConfig } from './project-config.js';
import { KEY_TYPO_CODES } from './node-config.js';
import { parseSchemaFile } from './schema-yaml.js';
import type { LoadedPackage, ProjectConfig, ProjectFile, SchemaFile } from './types.js';
import type { YamlSource } from './yaml-doc.js';

export interface LoadedPackages {
  packages: LoadedPackage[];
  files: Omit<DiscoveredFiles, 'schemaYaml'>;
  schemaFiles: SchemaFile[];
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/** Where loading looked, for the partial-parse check (a file added to a package must trigger a compile). */
export interface PackageInputs {
  onDirectory: (dir: string, names: string[] | null) => void;
  onFile: (absPath: string, text: string) => void;
}

export async function loadInstalledPackages(root: string, config: ProjectConfig, bag: DiagnosticBag, render: (src: YamlSource) => RenderFn, inputs?: PackageInputs): Promise<LoadedPackages> {
  const installRel = config.packagesInstallPath ?? 'dbt_packages';
  const installDir = path.resolve(root, installRel);
  const out: LoadedPackages = { packages: [], files: { models: [], seeds: [], tests: [], macros: [], snapshots: [] }, schemaFiles: [] };
  if (!(await isDir(installDir))) {
    inputs?.onDirectory(installDir, null);
    await checkNothingMissing(root, installRel);
    return out;
  }
  const names = (await readdir(installDir)).sort();
  inputs?.onDirectory(installDir, names);
  for (const dirName of names) {
    const abs = path.join(installDir, dirName);
    if (!(await isDir(abs))) continue;
    const rel = path.posix.join(installRel.split(path.sep).join('/'), dirName);
    let text: string | undefined;
    let file = '';
    for (const name of [PROJECT_FILE, DBT_PROJECT_FILE]) {
      text = await readIfExists(path.join(abs, name));
      file = `${rel}/${name}`;
      if (text !== undefined) {
        inputs?.onFile(path.join(abs, name), text);
        break;
      }
    }
    if (text === undefined) continue;
    // A package's misspelt keys are warnings: its author's to fix, they must not stop the user's build.
    const pkgConfig = softened(bag, (soft) => parseProjectConfig(text, soft, file, render));
    if (!pkgConfig) continue;
    if (pkgConfig.name === config.name) {
      bag.error('XFORM_PACKAGE_NAME_CLASH', `the package in ${rel} has the root project's name '${config.name}'`, { file }, 'remove it from packages.yml and run xform deps');
      continue;
    }
    const files = await discoverFiles(abs, pkgConfig, bag, { onDirectory: inputs?.onDirectory });
    const tag = (f: ProjectFile): ProjectFile => ({ ...f, path: `${rel}/${f.path}`, rootDir: `${rel}/${f.rootDir}`, packageName: pkgConfig.name });
    const tagged = {
      models: files.models.map(tag),
      seeds: files.seeds.map(tag),
      tests: files.tests.map(tag),
      macros: files.macros.map(tag),
      snapshots: files.snapshots.map(tag),
      schemaYaml: files.schemaYaml.map(tag),
    };
    const schemaFiles: SchemaFile[] = [];
    for (const f of tagged.schemaYaml) {
      inputs?.onFile(f.absPath, f.contents);
      const parsed = softened(bag, (soft) => parseSchemaFile(f.contents, f.path, soft));
      if (parsed) schemaFiles.push({ ...parsed, packageName: pkgConfig.name, rootDir: f.rootDir, checksum: f.checksum });
    }
    checkDuplicateFiles(tagged, bag);
    checkSchemaEntries(schemaFiles, tagged, pkgConfig, bag);
    for (const kind of ['models', 'seeds', 'tests', 'macros', 'snapshots'] as const) out.files[kind].push(...tagged[kind]);
    out.schemaFiles.push(...schemaFiles);
    out.packages.push({ name: pkgConfig.name, path: rel, config: pkgConfig });
  }
  return out;
}

/** Packages listed but never installed fail early, as in dbt, instead of as a missing macro much later. */
async function checkNothingMissing(root: string, installRel: string): Promise<void> {
  for (const name of PACKAGE_FILES) {
    const text = await readIfExists(path.join(root, name));
    if (text === undefined) continue;
    if (!/^\s*-\s*(local|git|package)\s*:/m.test(text)) return;
    throw new XformError('XFORM_PACKAGES_NOT_INSTALLED', `${name} lists packages, but none is installed in ${installRel}/`, {
      location: { file: name },
      hint: 'run xform deps',
    });
  }
}

/** Runs `parse` with a bag in which key typos are warnings, then hands every diagnostic on to `bag`. */
function softened<T>(bag: DiagnosticBag, parse: (soft: DiagnosticBag) => T): T {
  const soft = new SofteningDiagnosticBag(KEY_TYPO_CODES);
  const result = parse(soft);
  for (const d of soft.items) bag.add(d);
  return result;
}
