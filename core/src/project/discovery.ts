/**
 * Finds the project's files under the configured paths and reads them, concurrently but bounded (a
 * 10,000-model project must load in well under a second). Results are sorted by path so that everything
 * downstream is deterministic.
 */
import { createHash } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DiagnosticBag } from '../errors.js';
import type { ProjectConfig, ProjectFile } from './types.js';

/** Directories never searched, wherever they are (besides hidden ones and the target path). */
const SKIPPED_DIRS = new Set(['node_modules', 'dbt_packages']);

export interface DiscoveredFiles {
  models: ProjectFile[];
  seeds: ProjectFile[];
  /** Singular tests (`tests/**.sql`, except `tests/generic/`). */
  tests: ProjectFile[];
  /** Macro files, including generic test definitions from `<test-path>/generic/`. */
  macros: ProjectFile[];
  snapshots: ProjectFile[];
  /** Schema YAML (`*.yml`/`*.yaml`) under the model, seed and snapshot paths. */
  schemaYaml: ProjectFile[];
}

export interface DiscoverOptions {
  /** Files read (and directories listed) at the same time. Default 64. */
  concurrency?: number;
}

type Kind = keyof DiscoveredFiles;
interface Found {
  kind: Kind;
  rel: string;
  abs: string;
  rootDir: string;
}

/** A tiny semaphore: at most `n` of the wrapped calls run at once. */
function limiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

const toPosix = (p: string) => p.split(path.sep).join('/');
const extOf = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();

export async function discoverFiles(root: string, config: ProjectConfig, bag: DiagnosticBag, options: DiscoverOptions = {}): Promise<DiscoveredFiles> {
  const limit = limiter(options.concurrency ?? 64);
  const targetAbs = path.resolve(root, config.targetPath);

  /** Every file below `dir`, pruning hidden and skipped folders and the target path. */
  const walk = async (dir: string, out: string[]): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await limit(() => readdir(dir, { withFileTypes: true }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    const subdirs: Promise<void>[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // Follow links to files; links to folders could loop, so they are not followed.
        const info = await stat(abs).catch(() => undefined);
        isFile = info?.isFile() ?? false;
        isDir = false;
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(entry.name) || abs === targetAbs) continue;
        subdirs.push(walk(abs, out));
      } else if (isFile) {
        out.push(abs);
      }
    }
    await Promise.all(subdirs);
  };

  const found: Found[] = [];
  const seen = new Set<string>();
  const add = (kind: Kind, abs: string, rootDir: string) => {
    const key = `${kind}\u0000${abs}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ kind, abs, rootDir, rel: toPosix(path.relative(root, abs)) });
  };

  const scan = async (paths: string[], classify: (abs: string, rootDir: string, rootAbs: string) => void) => {
    await Promise.all(
      paths.map(async (rootDir) => {
        const rootAbs = path.resolve(root, rootDir);
        const files: string[] = [];
        await walk(rootAbs, files);
        for (const abs of files) classify(abs, rootDir, rootAbs);
      }),
    );
  };
  // A model path of "." must not read the project's own settings files as schema YAML.
  const rootFiles = new Set(['xform_project.yml', 'profiles.yml', 'dbt_project.yml', 'packages.yml', 'dependencies.yml', 'selectors.yml'].map((f) => path.join(root, f)));
  const isYaml = (abs: string) => ['yml', 'yaml'].includes(extOf(abs)) && !rootFiles.has(abs);
  await Promise.all([
    scan(config.modelPaths, (abs, rootDir) => {
      const ext = extOf(abs);
      if (ext === 'sql') add('models', abs, rootDir);
      else if (isYaml(abs)) add('schemaYaml', abs, rootDir);
      else if (ext === 'py') {
        bag.warning('XFORM_PYTHON_MODEL_UNSUPPORTED', `python models are not supported; ignoring ${toPosix(path.relative(root, abs))}`, {
          file: toPosix(path.relative(root, abs)),
        }, 'write the model in SQL');
      }
    }),
    scan(config.seedPaths, (abs, rootDir) => {
      if (extOf(abs) === 'csv') add('seeds', abs, rootDir);
      else if (isYaml(abs)) add('schemaYaml', abs, rootDir);
    }),
    scan(config.testPaths, (abs, rootDir, rootAbs) => {
      if (extOf(abs) !== 'sql') return;
      // Files under <test-path>/generic/ define generic tests with {% test %} blocks: they are macros.
      const inGeneric = toPosix(path.relative(rootAbs, abs)).startsWith('generic/');
      add(inGeneric ? 'macros' : 'tests', abs, rootDir);
    }),
    scan(config.macroPaths, (abs, rootDir) => {
      if (extOf(abs) === 'sql') add('macros', abs, rootDir);
    }),
    scan(config.snapshotPaths, (abs, rootDir) => {
      if (extOf(abs) === 'sql') add('snapshots', abs, rootDir);
      else if (isYaml(abs)) add('schemaYaml', abs, rootDir);
    }),
  ]);

  const result: DiscoveredFiles = { models: [], seeds: [], tests: [], macros: [], snapshots: [], schemaYaml: [] };
  // The same YAML file reached from two configured paths is one schema file.
  const yamlSeen = new Set<string>();
  const files = await Promise.all(
    found
      .filter((f) => f.kind !== 'schemaYaml' || (!yamlSeen.has(f.abs) && (yamlSeen.add(f.abs), true)))
      .map((f) => limit(() => (f.kind === 'seeds' ? readSeed(f) : readText(f))).then((file) => ({ kind: f.kind, file }))),
  );
  for (const { kind, file } of files) result[kind].push(file);
  for (const list of Object.values(result) as ProjectFile[][]) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

async function readText(f: Found): Promise<ProjectFile> {
  const bytes = await readFile(f.abs);
  let contents = bytes.toString('utf8');
  if (contents.charCodeAt(0) === 0xfeff) contents = contents.slice(1);
  return { path: f.rel, absPath: f.abs, contents, checksum: createHash('sha256').update(bytes).digest('hex'), rootDir: f.rootDir };
}

/** Seeds can be large: hash them as a stream and leave the contents to the adapter's loader. */
async function readSeed(f: Found): Promise<ProjectFile> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(f.abs)) hash.update(chunk as Buffer);
  return { path: f.rel, absPath: f.abs, contents: '', checksum: hash.digest('hex'), rootDir: f.rootDir };
}

/**
 * The fqn of a file-based node: the project name, the folders below the configured path it was found
 * under, and the file name without extension — `['shop', 'staging', 'stg_orders']` for
 * `models/staging/stg_orders.sql`. Folder configs are resolved along it.
 */
export function fileFqn(projectName: string, file: Pick<ProjectFile, 'path' | 'absPath' | 'rootDir'>): string[] {
  const rootDir = file.rootDir.replace(/\/+$/, '');
  let rel: string;
  if (rootDir === '.' || rootDir === '') rel = file.path;
  else if (file.path.startsWith(`${rootDir}/`)) rel = file.path.slice(rootDir.length + 1);
  else rel = path.basename(file.path);
  const parts = rel.split('/');
  const last = parts.pop()!;
  const dot = last.lastIndexOf('.');
  return [projectName, ...parts, dot > 0 ? last.slice(0, dot) : last];
}
