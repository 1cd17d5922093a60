/** The manifest: every node of the project after compilation, in dbt's manifest.json shape. */
import { hash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { encodedChunks, fsError, jsonObjectTexts, writeFileAside } from '../fs-write.js';
import { besideName, removeLeftoverTrees, startTreeJob, swapTree, treeError, type TreeJob } from './write-tree.js';
import type { ExecutableNode, ExposureNode, MacroNode, SourceNode, TestNode } from '../graph/types.js';
import type { ManifestDoc } from './descriptions.js';

export interface ManifestMetadata {
  xform_version: string;
  generated_at: string;
  invocation_id: string;
  project_name: string;
  adapter_type: string;
  target_name: string;
}

export interface Manifest {
  metadata: ManifestMetadata;
  /** Models, seeds, snapshots and tests, by unique_id. */
  nodes: Record<string, ExecutableNode | TestNode>;
  sources: Record<string, SourceNode>;
  macros: Record<string, MacroNode>;
  /** Docs blocks (`{% docs %}` in .md files), by unique_id (`doc.<package>.<name>`); `__overview__` is the docs site's front page. */
  docs: Record<string, ManifestDoc>;
  /** Exposures (`exposures:` in schema YAML), by unique_id. Default: none. */
  exposures?: Record<string, ExposureNode>;
  /** Nodes switched off with `enabled: false`, by unique_id. */
  disabled: Record<string, ExecutableNode | TestNode>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
  /** The project's ordered layers. */
  layers: string[];
}

/** Compiled SQL files written, by path under the target folder: [sha1 of the contents, size, mtimeMs]. */
export type WrittenFiles = Record<string, [string, number, number]>;

export interface WriteArtifactsOptions {
  /**
   * What the previous compile wrote. A file whose contents are the same and which nobody touched since
   * (same size and mtime) is not written again. Default: none, every file is written.
   */
  previous?: WrittenFiles;
  /** Receives the fileStamp() of the manifest.json written (see patch-state.ts). Default: none. */
  onManifest?: (stamp: string) => void;
}

/**
 * Writes manifest.json and every node's compiled SQL under `target/compiled/<original path>`. Returns what
 * it wrote, for the next compile's `previous`.
 *
 * When most files change (the first compile, `--no-partial-parse`, a macro every model calls), a new tree is
 * written beside `target/compiled` and swapped in whole; otherwise the changed files are replaced one by one.
 * Many files are written on a worker thread while this one serializes the manifest. The manifest is written
 * last, so a compile that fails writing SQL leaves the previous manifest whole.
 */
export async function writeCompileArtifacts(targetDir: string, manifest: Manifest, options: WriteArtifactsOptions = {}): Promise<WrittenFiles> {
  const compiledRoot = path.join(targetDir, 'compiled');
  const previous = options.previous ?? {};
  const written: WrittenFiles = {};
  // A file the previous compile did not write is written whatever its contents: its hash, needed only for
  // the record, is taken by the writer (on a first compile, 25,000 hashes off this thread).
  // A file is the node's SQL and a newline when it does not end with one (`eol`): written after it, not
  // joined to it, which made a copy of every such SQL (a generic test's) for as long as the writing lasted.
  const changed: { rel: string; code: string; eol: boolean; hash: string | undefined }[] = [];
  const unchanged: { rel: string; code: string; eol: boolean; hash: string }[] = [];
  let outside = false;
  for (const node of Object.values(manifest.nodes)) {
    const code = node.compiled_code;
    if (code === undefined || node.compiled_path === undefined) continue;
    const eol = !code.endsWith('\n');
    const rel = node.compiled_path;
    if (!rel.startsWith('compiled/')) outside = true;
    const before = previous[rel];
    if (before === undefined) {
      changed.push({ rel, code, eol, hash: undefined });
      continue;
    }
    const hash = sqlHash(eol ? `${code}\n` : code);
    if (before[0] === hash && untouched(path.join(targetDir, rel), before)) {
      written[rel] = before;
      unchanged.push({ rel, code, eol, hash });
      continue;
    }
    changed.push({ rel, code, eol, hash });
  }
  try {
    mkdirSync(targetDir, { recursive: true });
  } catch (err) {
    throw fsError(err, 'the compiled SQL', compiledRoot);
  }
  const tag = `${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  const inPlace = statSync(compiledRoot, { throwIfNoEntry: false });
  if (inPlace !== undefined && !inPlace.isDirectory()) {
    // A file where the tree goes is never replaced: it is named, as any file in the way of a folder.
    const err = Object.assign(new Error(`EEXIST: file already exists, mkdir '${compiledRoot}'`), { code: 'EEXIST', syscall: 'mkdir', path: compiledRoot });
    throw fsError(err, 'the compiled SQL', compiledRoot);
  }
  const treeExists = inPlace !== undefined;
  const fresh = !outside && (!treeExists || (changed.length >= FRESH_TREE_MIN && changed.length * 2 >= changed.length + unchanged.length));
  let job: TreeJob;
  let records: { rel: string; hash: string | undefined }[];
  if (fresh) {
    removeLeftoverTrees(compiledRoot);
    const root = besideName(compiledRoot, 'new', tag);
    const under = (rel: string) => rel.slice('compiled/'.length);
    records = [...changed, ...unchanged];
    job = {
      root,
      fresh: true,
      tag,
      files: [
        ...changed.map((f) => ({ rel: under(f.rel), data: f.code, eol: f.eol })),
        ...unchanged.map((f) => ({ rel: under(f.rel), data: f.code, eol: f.eol, linkFrom: path.join(targetDir, f.rel) })),
      ],
    };
  } else {
    records = changed;
    job = { root: targetDir, fresh: false, tag, files: changed.map((f) => ({ rel: f.rel, data: f.code, eol: f.eol })) };
  }
  const pending = job.files.length > 0 || fresh ? startTreeJob(job) : undefined;
  // Meanwhile (the tree is written on worker threads): the manifest, beside its place until the tree is in its.
  const manifestFile = writeFileAside(path.join(targetDir, 'manifest.json'), manifestChunks(manifest), 'the manifest', { folderExists: true });
  const [result, manifestAside] = await Promise.all([pending, manifestFile.then((file) => ({ file }), (error: unknown) => ({ error }))]);
  if (result !== undefined && !result.ok) {
    if ('file' in manifestAside) await manifestAside.file.discard();
    if (fresh) rmSync(job.root, { recursive: true, force: true });
    // A failure inside the new tree is reported at the path it stands for.
    const shownPath = fresh && result.path.startsWith(job.root) ? compiledRoot + result.path.slice(job.root.length) : result.path;
    throw fsError(treeError(result, shownPath), 'the compiled SQL', shownPath);
  }
  if (result !== undefined) {
    const sha1 = Buffer.from(result.sha1.buffer, result.sha1.byteOffset, result.sha1.byteLength);
    records.forEach((f, i) => {
      written[f.rel] = [f.hash ?? sha1.toString('base64', 20 * i, 20 * i + 20), result.stats[2 * i]!, result.stats[2 * i + 1]!];
    });
  }
  if (fresh) {
    let aside: string[];
    try {
      aside = swapTree(job.root, compiledRoot, tag);
    } catch (err) {
      if ('file' in manifestAside) await manifestAside.file.discard();
      rmSync(job.root, { recursive: true, force: true });
      throw fsError(err, 'the compiled SQL', compiledRoot);
    }
    // The old trees go in the background; one left behind by an exit is removed by the next fresh write.
    for (const dir of aside) void rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  if ('error' in manifestAside) throw manifestAside.error;
  // Not inside `onManifest?.(...)`: an optional call without a callee evaluates none of its arguments.
  const stamp = await manifestAside.file.publish();
  options.onManifest?.(stamp);
  return written;
}

/** What WrittenFiles records of a compiled file's contents. */
function sqlHash(sql: string): string {
  return hash('sha1', sql, 'base64');
}

/** About this many bytes of manifest text are written at a time. */
const CHUNK_BYTES = 1 << 20;

/**
 * `JSON.stringify(manifest)`, character for character, as UTF-8 in pieces of about CHUNK_BYTES made only as
 * the writer asks for them: a 10,000-model manifest (40 MB) is never one string, nor one buffer. Each entry of
 * a map (nodes, sources, macros...) is stringified on its own, every other value whole, and each is encoded
 * straight into one reused buffer (no joined string, no buffer per piece): a chunk holds until the next is
 * asked for, as a writer that writes each before asking for the next needs (copy it to keep it).
 */
export function manifestChunks(manifest: Manifest): Generator<Uint8Array> {
  return encodedChunks(manifestTexts(manifest), CHUNK_BYTES);
}

/** The manifest's JSON, in pieces: each top-level member, and each entry of the entry maps. */
function* manifestTexts(manifest: Manifest): Generator<string> {
  let first = true;
  for (const key of Object.keys(manifest)) {
    const value = (manifest as unknown as Record<string, unknown>)[key];
    const lead = `${first ? '{' : ','}${JSON.stringify(key)}:`;
    if (!isEntryMap(key, value)) {
      const text = JSON.stringify(value);
      // As JSON.stringify: a member whose value has no JSON (undefined, a function) is left out.
      if (text === undefined) continue;
      first = false;
      yield lead;
      yield text;
      continue;
    }
    first = false;
    yield lead;
    yield* jsonObjectTexts(Object.entries(value));
  }
  yield first ? '{}' : '}';
}

/** The manifest's maps of entries by unique_id (plain objects, stringified entry by entry). */
function isEntryMap(key: string, value: unknown): value is Record<string, unknown> {
  return ENTRY_MAPS.has(key) && typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

const ENTRY_MAPS = new Set(['nodes', 'sources', 'macros', 'docs', 'exposures', 'disabled', 'parent_map', 'child_map']);

/** A new tree pays off from this many changed files on (and when they are at least half of all). */
const FRESH_TREE_MIN = 200;

function untouched(file: string, [, size, mtimeMs]: [string, number, number]): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  return st !== undefined && st.size === size && st.mtimeMs === mtimeMs;
}
