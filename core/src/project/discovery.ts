/**
 * Finds the project's files under the configured paths and reads them (a 10,000-model project must load in
 * well under a second). Folders are listed and text files read synchronously: for thousands of small local
 * files that is 3-4 times faster than the thread pool (measured on a 2-core machine: 10,000 models read in
 * 0.22 s instead of 0.76 s, the walk 0.05 s instead of 0.19 s), and nothing else waits meanwhile. Seeds,
 * which can be large, are hashed as streams, a bounded number at a time. Results are sorted by path so that
 * everything downstream is deterministic.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import type { DiagnosticBag } from '../errors.js';
import { sha256 } from '../partial-parse/input-snapshot.js';
import { flat } from '../flat-string.js';
import type { DiscoveredCounts, ProjectConfig, ProjectFile } from './types.js';

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
  /** Seeds hashed at the same time. Default 64. */
  concurrency?: number;
  /**
   * Called for every directory searched with the names it held (null: it does not exist), so that the
   * partial-parse cache can tell later whether a file was added or removed. Default: none.
   */
  onDirectory?: (dir: string, names: string[] | null) => void;
  /** Called with how many files of each kind were found, before they are read. Default: none. */
  onFound?: (counts: DiscoveredCounts) => void;
}

type Kind = keyof DiscoveredFiles;
interface Found {
  kind: Kind;
  rel: string;
  abs: string;
  rootDir: string;
}

/**
 * Runs `fn` over `items` with at most `lanes` calls in flight: each lane takes the next index until none
 * are left (fewer promises and closures than a semaphore per item — this runs for every project file).
 */
async function mapBounded<T, R>(items: readonly T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return out;
}

const toPosix = (p: string) => (path.sep === '/' ? p : p.split(path.sep).join('/'));
const extOf = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();

export async function discoverFiles(root: string, config: ProjectConfig, bag: DiagnosticBag, options: DiscoverOptions = {}): Promise<DiscoveredFiles> {
  const lanes = options.concurrency ?? 64;
  const targetAbs = path.resolve(root, config.targetPath);

  /** One directory: its files and the sub-directories to descend into (hidden, skipped and target pruned). */
  const listDir = (dir: string): { dirs: string[]; files: string[] } => {
    const dirs: string[] = [];
    const files: string[] = [];
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        options.onDirectory?.(dir, null);
        return { dirs, files };
      }
      throw err;
    }
    // `dir` is resolved and a listed name holds no separator: joining needs no normalizing (path.join was a
    // visible part of listing 10,000 files).
    const under = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const abs = under + entry.name;
      if (entry.isSymbolicLink()) {
        // Follow links to files; links to folders could loop, so they are not followed.
        if (statSync(abs, { throwIfNoEntry: false })?.isFile()) files.push(abs);
      } else if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && abs !== targetAbs) dirs.push(abs);
      } else if (entry.isFile()) {
        files.push(abs);
      }
    }
    // After the paths under `dir` are made: the hook may key an object by `dir`, which turns the string into a
    // reference to an internalized copy, and V8 (11) stores what is concatenated to such a reference in two
    // bytes a character. Every path, name and relation made from them would then take twice the memory, and
    // the manifest's JSON too.
    options.onDirectory?.(dir, entries.map((e) => e.name));
    return { dirs, files };
  };

  /** Every file below `rootAbs`, level by level (the order the folders were listed in before). */
  const walk = (rootAbs: string): string[] => {
    const files: string[] = [];
    let level = [rootAbs];
    while (level.length > 0) {
      const listed = level.map(listDir);
      level = [];
      for (const entry of listed) {
        level.push(...entry.dirs);
        files.push(...entry.files);
      }
    }
    return files;
  };

  const found: Found[] = [];
  const seen = new Set<string>();
  const rootAbsolute = path.resolve(root);
  const rootPrefix = rootAbsolute.endsWith(path.sep) ? rootAbsolute : rootAbsolute + path.sep;
  /** path.relative(root, abs), by slicing when `abs` (resolved, as listDir makes them) is under the root. */
  const relative = (abs: string) => (abs.startsWith(rootPrefix) ? abs.slice(rootPrefix.length) : path.relative(root, abs));
  const add = (kind: Kind, abs: string, rootDir: string) => {
    const key = `${kind}\u0000${abs}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ kind, abs: flat(abs), rootDir, rel: flat(toPosix(relative(abs))) });
  };

  const scan = (paths: string[], classify: (abs: string, rootDir: string, rootAbs: string) => void) => {
    for (const rootDir of paths) {
      const rootAbs = path.resolve(root, rootDir);
      for (const abs of walk(rootAbs)) classify(abs, rootDir, rootAbs);
    }
  };
  // A model path of "." must not read the project's own settings files as schema YAML.
  const rootFiles = new Set(['xform_project.yml', 'profiles.yml', 'dbt_project.yml', 'packages.yml', 'dependencies.yml', 'selectors.yml'].map((f) => path.join(root, f)));
  const isYaml = (abs: string) => ['yml', 'yaml'].includes(extOf(abs)) && !rootFiles.has(abs);
  scan(config.modelPaths, (abs, rootDir) => {
    const ext = extOf(abs);
    if (ext === 'sql') add('models', abs, rootDir);
    else if (isYaml(abs)) add('schemaYaml', abs, rootDir);
    else if (ext === 'py') {
      bag.warning('XFORM_PYTHON_MODEL_UNSUPPORTED', `python models are not supported; ignoring ${toPosix(path.relative(root, abs))}`, {
        file: toPosix(path.relative(root, abs)),
      }, 'write the model in SQL');
    }
  });
  scan(config.seedPaths, (abs, rootDir) => {
    if (extOf(abs) === 'csv') add('seeds', abs, rootDir);
    else if (isYaml(abs)) add('schemaYaml', abs, rootDir);
  });
  scan(config.testPaths, (abs, rootDir, rootAbs) => {
    if (extOf(abs) !== 'sql') return;
    // Files under <test-path>/generic/ define generic tests with {% test %} blocks: they are macros.
    const inGeneric = toPosix(path.relative(rootAbs, abs)).startsWith('generic/');
    add(inGeneric ? 'macros' : 'tests', abs, rootDir);
  });
  scan(config.macroPaths, (abs, rootDir) => {
    if (extOf(abs) === 'sql') add('macros', abs, rootDir);
  });
  scan(config.snapshotPaths, (abs, rootDir) => {
    if (extOf(abs) === 'sql') add('snapshots', abs, rootDir);
    else if (isYaml(abs)) add('schemaYaml', abs, rootDir);
  });

  const result: DiscoveredFiles = { models: [], seeds: [], tests: [], macros: [], snapshots: [], schemaYaml: [] };
  // The same YAML file reached from two configured paths is one schema file.
  const yamlSeen = new Set<string>();
  const unique = found.filter((f) => f.kind !== 'schemaYaml' || (!yamlSeen.has(f.abs) && (yamlSeen.add(f.abs), true)));
  if (options.onFound) {
    const counts: DiscoveredCounts = { models: 0, seeds: 0, tests: 0, macros: 0, snapshots: 0, schemaYaml: 0 };
    for (const f of unique) counts[f.kind]++;
    options.onFound(counts);
  }
  for (const f of unique) if (f.kind !== 'seeds') result[f.kind].push(readText(f));
  result.seeds = await mapBounded(
    unique.filter((f) => f.kind === 'seeds'),
    lanes,
    readSeed,
  );
  for (const list of Object.values(result) as ProjectFile[][]) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

/** A file's text without the byte-order mark an editor may have put first. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readText(f: Found): ProjectFile {
  const bytes = readFileSync(f.abs);
  const contents = withoutBom(bytes.toString('utf8'));
  return { path: f.rel, absPath: f.abs, contents, checksum: sha256(bytes), rootDir: f.rootDir };
}

/**
 * Seeds can be large: hash them as a stream and leave the contents to the adapter's loader. Line endings
 * are hashed as LF (as dbt reads seeds in text mode), so a CRLF checkout of the same CSV is not a change
 * for `state:modified`.
 */
async function readSeed(f: Found): Promise<ProjectFile> {
  const lfHash = createHash('sha256');
  const lf = Buffer.from([0x0a]);
  let pendingCr = false;
  for await (const chunk of createReadStream(f.abs)) {
    const bytes = chunk as Buffer;
    let start = 0;
    if (pendingCr) {
      lfHash.update(lf);
      pendingCr = false;
      if (bytes[0] === 0x0a) start = 1;
    }
    for (let cr = bytes.indexOf(0x0d, start); cr !== -1; cr = bytes.indexOf(0x0d, start)) {
      lfHash.update(bytes.subarray(start, cr));
      start = cr + 1;
      // A CR ending the chunk waits for the next one to see whether an LF follows.
      if (start === bytes.length) {
        pendingCr = true;
        break;
      }
      lfHash.update(lf);
      if (bytes[start] === 0x0a) start++;
    }
    lfHash.update(bytes.subarray(start));
  }
  if (pendingCr) lfHash.update(lf);
  return { path: f.rel, absPath: f.abs, contents: '', checksum: lfHash.digest('hex'), rootDir: f.rootDir };
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
