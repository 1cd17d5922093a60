/**
 * Writing many small files fast: `target/compiled` holds one file per model and test, 25,000 of them in a
 * 10,000-model project. Writing each beside its name and renaming it into place, through the promise API,
 * costs five thread-pool round trips per file; this module writes with plain synchronous calls instead, on a
 * worker thread when there are many (so the main thread serializes the manifest meanwhile).
 *
 * Two modes:
 * - a fresh tree: every file goes straight into a new folder beside the old one (no per-file renames; nobody
 *   reads that folder yet), unchanged files are hard-linked from the old tree, and the new folder replaces the
 *   old one by two renames. A reader sees the old tree or the new one, never a mix.
 * - in place: each file is written beside its name and renamed into place (for a few changed files).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface TreeFile {
  /** Path under the job's root. */
  rel: string;
  data: string;
  /** A newline follows `data`. Default: none. */
  eol?: boolean;
  /** Fresh trees only: an existing file with these exact contents, hard-linked instead of written when it can be. */
  linkFrom?: string;
}

export interface TreeJob {
  root: string;
  /** The root is a new folder that nobody reads yet: files are written in place, without renames. */
  fresh: boolean;
  /** Makes this writer's temporary names unique (pid and a random part). */
  tag: string;
  files: TreeFile[];
}

/**
 * A job as it runs (on a worker thread or this one): the files' contents as one buffer, transferred rather
 * than copied, and their names as one string. Cloned as TreeFile objects, 12,500 files cost ~30-100 ms to
 * serialize on the main thread and ~100-150 ms to deserialize in the worker before its first file (measured),
 * and each file's text was encoded to UTF-8 there again.
 */
export interface PackedTreeJob {
  root: string;
  fresh: boolean;
  tag: string;
  /** Each file's `rel`, joined with NUL (which no path holds). */
  rels: string;
  /** Each file's `linkFrom`, or '' for none, joined with NUL. */
  links: string;
  /** Every file's contents in UTF-8, one after the other: file i ends at `ends[i]`. */
  bytes: Uint8Array;
  ends: Float64Array;
}

export type TreeResult =
  /**
   * Each file's size at `stats[2i]` and mtimeMs at `stats[2i + 1]`, and the SHA-1 of its contents at
   * `sha1[20i]` to `sha1[20i + 20]`, in the job's order. The hashes are taken here, on the writers: 25,000 of
   * them were ~70 ms of the main thread's critical path while the manifest is written.
   */
  | { ok: true; stats: Float64Array; sha1: Uint8Array }
  | { ok: false; error: { message: string; code?: string; syscall?: string; errno?: number }; path: string };

/**
 * Runs a job. Self-contained (its modules are parameters) because a worker thread runs its source text.
 * Stops at the first failure and says which path failed; a file written beside its name is removed again.
 *
 * It keeps nothing per file but its size, mtime and hash, in typed arrays: a writer runs at the compile's peak
 * memory, and 12,500 file records (name, view of the buffer, [size, mtime] pair) were ~4 MB of its heap.
 */
export function runTreeJob(fsm: typeof fs, pathm: typeof path, cryptom: typeof crypto, job: PackedTreeJob): TreeResult {
  const count = job.ends.length;
  const stats = new Float64Array(count * 2);
  const sha1 = new Uint8Array(count * 20);
  let current = job.root;
  /** The text between NULs that starts at `at` in `joined`, and where the next one starts. */
  const field = (joined: string, at: number): [string, number] => {
    const end = joined.indexOf('\0', at);
    return end < 0 ? [joined.slice(at), joined.length + 1] : [joined.slice(at, end), end + 1];
  };
  const writeWhole = (file: string, i: number): void => {
    const fd = fsm.openSync(file, 'w');
    try {
      fsm.writeFileSync(fd, job.bytes.subarray(i === 0 ? 0 : job.ends[i - 1], job.ends[i]));
      const st = fsm.fstatSync(fd);
      stats[2 * i] = st.size;
      stats[2 * i + 1] = st.mtimeMs;
    } finally {
      fsm.closeSync(fd);
    }
  };
  try {
    // Every folder first, each once, parents before children.
    const dirs = new Set<string>([job.root]);
    for (let i = 0, at = 0, rel; i < count; i++) {
      [rel, at] = field(job.rels, at);
      dirs.add(pathm.dirname(pathm.join(job.root, rel)));
    }
    for (const dir of [...dirs].sort((a, b) => a.length - b.length)) {
      current = dir;
      fsm.mkdirSync(dir, { recursive: true });
    }
    for (let i = 0, at = 0, linkAt = 0, rel, linkFrom; i < count; i++) {
      [rel, at] = field(job.rels, at);
      [linkFrom, linkAt] = field(job.links, linkAt);
      sha1.set(cryptom.hash('sha1', job.bytes.subarray(i === 0 ? 0 : job.ends[i - 1], job.ends[i]), 'buffer'), 20 * i);
      const file = pathm.join(job.root, rel);
      current = file;
      if (job.fresh) {
        if (linkFrom !== '') {
          try {
            fsm.linkSync(linkFrom, file);
            const st = fsm.statSync(file);
            stats[2 * i] = st.size;
            stats[2 * i + 1] = st.mtimeMs;
            continue;
          } catch {
            // Another file system, no hard links there, or the old file went away: write it.
          }
        }
        writeWhole(file, i);
        continue;
      }
      const tmp = `${file}.${job.tag}.tmp`;
      try {
        writeWhole(tmp, i);
        fsm.renameSync(tmp, file);
      } catch (err) {
        fsm.rmSync(tmp, { force: true });
        throw err;
      }
    }
    return { ok: true, stats, sha1 };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, error: { message: String(e?.message ?? err), code: e?.code, syscall: e?.syscall, errno: e?.errno }, path: e?.path ?? current };
  }
}

/** Below this many files a worker thread costs more than it saves. */
const WORKER_MIN_FILES = 2000;

/**
 * Starts the job: on worker threads when it is large (two when there are two cores: creating a file is
 * mostly kernel time), else right away on this thread. The promise never rejects for a file-system failure
 * (that is a `TreeResult`); only for a worker that could not run at all.
 *
 * The two writers take half the files each, in the job's order: two threads creating files in one folder
 * are no slower than in two (measured on ext4: 15,000 files in one folder, 190-230 ms either way, against
 * ~330 ms on one thread), and a project's generic tests all go to one folder, 15,000 of the 25,000 files of
 * the 10,000-model bench project, which a split by folder left to one writer.
 */
export async function startTreeJob(job: TreeJob): Promise<TreeResult> {
  const count = job.files.length;
  if (count < WORKER_MIN_FILES) return runTreeJob(fs, path, crypto, packTreeJob(job));
  const writers = count >= 2 * WORKER_MIN_FILES ? Math.min(2, availableParallelism()) : 1;
  const cuts = Array.from({ length: writers + 1 }, (_, w) => Math.round((count * w) / writers));
  const results = await Promise.all(cuts.slice(1).map((end, w) => inWorker(packTreeJob(job, cuts[w], end))));
  const failed = results.find((r): r is Extract<TreeResult, { ok: false }> => !r.ok);
  if (failed) return failed;
  const stats = new Float64Array(count * 2);
  const sha1 = new Uint8Array(count * 20);
  results.forEach((result, w) => {
    stats.set((result as Extract<TreeResult, { ok: true }>).stats, 2 * cuts[w]!);
    sha1.set((result as Extract<TreeResult, { ok: true }>).sha1, 20 * cuts[w]!);
  });
  return { ok: true, stats, sha1 };
}

/** Files `start` to `end` of `job` as one buffer and two strings (PackedTreeJob). */
export function packTreeJob(job: TreeJob, start = 0, end = job.files.length): PackedTreeJob {
  const files = start === 0 && end === job.files.length ? job.files : job.files.slice(start, end);
  const ends = new Float64Array(files.length);
  let size = 0;
  files.forEach((f, i) => (ends[i] = size += Buffer.byteLength(f.data) + (f.eol ? 1 : 0)));
  // Its own memory (not Node's shared pool of small buffers), since it is handed over whole.
  const bytes = Buffer.allocUnsafeSlow(size);
  files.forEach((f, i) => {
    bytes.write(f.data, i === 0 ? 0 : ends[i - 1]);
    if (f.eol) bytes[ends[i]! - 1] = 0x0a;
  });
  const rels = files.map((f) => f.rel).join('\0');
  const links = files.map((f) => f.linkFrom ?? '').join('\0');
  return { root: job.root, fresh: job.fresh, tag: job.tag, rels, links, bytes, ends };
}

function inWorker(packed: PackedTreeJob): Promise<TreeResult> {
  const source = [
    "const { parentPort, workerData } = require('node:worker_threads');",
    `const runTreeJob = ${runTreeJob.toString()};`,
    "const result = runTreeJob(require('node:fs'), require('node:path'), require('node:crypto'), workerData);",
    'parentPort.postMessage(result, result.ok ? [result.stats.buffer, result.sha1.buffer] : []);',
  ].join('\n');
  return new Promise<TreeResult>((resolve, reject) => {
    const worker = new Worker(source, {
      eval: true,
      workerData: packed,
      transferList: [packed.bytes.buffer as ArrayBuffer],
      // Its heap holds little for long (the file list, the stats): with V8's default young generation each
      // writer of a 10,000-model compile grew to 16-25 MB, with 4 MB to 12-13 MB, for the same collection time
      // (measured with --trace-gc). The writers run at the compile's peak memory.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    worker.once('message', (result: TreeResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the file writer stopped with exit code ${code}`)));
  });
}

/** The failure of a job as a Node file-system error (for fsError), with the path it happened at. */
export function treeError(result: Extract<TreeResult, { ok: false }>, path: string): NodeJS.ErrnoException {
  const err = new Error(result.error.message) as NodeJS.ErrnoException;
  if (result.error.code !== undefined) err.code = result.error.code;
  if (result.error.syscall !== undefined) err.syscall = result.error.syscall;
  if (result.error.errno !== undefined) err.errno = result.error.errno;
  err.path = path;
  return err;
}

const LEFTOVER = /^(.+)\.(\d+)\.[a-z0-9]+\.(new|old)$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Trees left beside `dir` by writers that died (a killed compile); those of running writers stay. */
export function removeLeftoverTrees(dir: string): void {
  const parent = path.dirname(dir);
  const name = path.basename(dir);
  let entries: string[];
  try {
    entries = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = LEFTOVER.exec(entry);
    if (!m || m[1] !== name || alive(Number(m[2]))) continue;
    fs.rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}

/** A name beside `dir` for a new tree or an old one on its way out, unique to this writer. */
export function besideName(dir: string, kind: 'new' | 'old', tag: string): string {
  return `${dir}.${tag}.${kind}`;
}

/**
 * Puts the tree `fresh` in the place of `dir` (which may not exist): the old tree is renamed aside, the new
 * one renamed into place. Another writer doing the same at once may win the place in between: its tree is
 * moved aside too, and the rename is tried again. Returns the trees moved aside, for removal.
 */
export function swapTree(fresh: string, dir: string, tag: string): string[] {
  const aside: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const old = besideName(dir, 'old', `${tag}${attempt === 0 ? '' : attempt}`);
    try {
      fs.renameSync(dir, old);
      aside.push(old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    try {
      fs.renameSync(fresh, dir);
      return aside;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 20) throw err;
    }
  }
}
