/**
 * Every file xform writes (artifacts, partial-parse caches, the docs site) goes through here, so that a
 * file-system failure becomes one XformError (`XFORM_FS_ERROR`) naming the path, what was being written and
 * the reason in words, and so that no reader ever finds half a file: each file is written beside its final
 * name and renamed into place (a rename within one folder is atomic on POSIX file systems).
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XformError } from './errors.js';

export const FS_ERROR = 'XFORM_FS_ERROR';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'the disk is full (no space left on device)',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder, not a file',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'an input/output error of the device',
  ENAMETOOLONG: 'the path is too long',
  ENOENT: 'a folder on the path does not exist',
  EBUSY: 'the file is busy',
};

function errnoOf(err: unknown): NodeJS.ErrnoException | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? (err as NodeJS.ErrnoException) : undefined;
}

/** The nearest existing ancestor of `file` that is not a folder (the reason for ENOTDIR / EEXIST). */
function fileInTheWay(file: string): string | undefined {
  let dir = path.resolve(file);
  for (;;) {
    let st;
    try {
      st = statSync(dir, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    if (st && !st.isDirectory()) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** The OS reason of a file-system error in words. */
export function fsReason(err: NodeJS.ErrnoException, file: string): string {
  const code = err.code ?? '';
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = fileInTheWay(path.dirname(file)) ?? fileInTheWay(file);
    if (blocker) {
      const name = shown(blocker);
      return `'${path.basename(blocker)}'${name === path.basename(blocker) ? '' : ` (${name})`} is a file, not a folder`;
    }
  }
  return REASONS[code] ?? code;
}

/**
 * `err` as an XformError naming `file` and `what` was being written (or the `action`, e.g. "read"), when it
 * is a file-system error; other errors are returned untouched.
 */
export function fsError(err: unknown, what: string, file: string, action = `write ${what} to`): unknown {
  const errno = errnoOf(err);
  if (!errno) return err;
  const reason = fsReason(errno, file);
  const hint =
    errno.code === 'ENOSPC' || errno.code === 'EDQUOT'
      ? 'free some space (or set target-path in xform_project.yml to another disk) and run again'
      : errno.code === 'ENOTDIR' || errno.code === 'EEXIST'
        ? 'move that file away, or set target-path in xform_project.yml to another folder'
        : action === 'read' && (errno.code === 'EACCES' || errno.code === 'EPERM')
          ? 'make it readable for the user running xform'
          : errno.code === 'EACCES' || errno.code === 'EPERM' || errno.code === 'EROFS'
            ? 'make the folder writable for this user, or set target-path in xform_project.yml to a writable folder'
            : undefined;
  return new XformError(FS_ERROR, `cannot ${action} ${shown(file)}: ${reason} (${errno.code})`, {
    location: { file: shown(file) },
    hint,
    cause: err,
  });
}

/** A raw Node file-system error (one that escaped every wrapper) as an XformError; undefined otherwise. */
export function unwrappedFsError(err: unknown): XformError | undefined {
  const errno = errnoOf(err);
  if (!errno || typeof errno.path !== 'string' || typeof errno.syscall !== 'string') return undefined;
  const action = /^(open|read|stat|lstat|scandir|readlink|access)$/.test(errno.syscall) ? `read` : errno.syscall === 'unlink' || errno.syscall === 'rmdir' ? 'remove' : 'write';
  return fsError(err, '', errno.path, action) as XformError;
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
}

export interface WriteOptions {
  /** File mode of a newly written file; default 0o666 less the umask. */
  mode?: number;
  /** The caller made the file's folder already (writeFileAtomic and its twin then skip their mkdir). Default false. */
  folderExists?: boolean;
}

/** Creates `dir` and its parents; `what` names the artifact in an error ("the compiled SQL"). */
export async function ensureDir(dir: string, what: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw fsError(err, what, dir);
  }
}

/** The synchronous twin of ensureDir. */
export function ensureDirSync(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fsError(err, what, dir);
  }
}

/**
 * Writes `file` whole or not at all (beside it, then renamed into place), creating its folder; `data` may be
 * chunks (an array, or a generator asked for each chunk only when the one before is written), written one
 * after the other (no copy into one buffer). Resolves with fileStamp() of what it wrote, taken before the
 * rename: a writer that replaces the file right after never lends it its own stamp.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array | Iterable<string | Uint8Array>, what: string, options: WriteOptions = {}): Promise<string> {
  return (await writeFileAside(file, data, what, options)).publish();
}

/** A file written whole beside its final name, not yet in place (writeFileAside). */
export interface AsideFile {
  /** Renames it into place; resolves with its fileStamp() taken before the rename. */
  publish(): Promise<string>;
  /** Removes it (nothing is published). */
  discard(): Promise<void>;
}

/**
 * The first half of writeFileAtomic: the file is written beside `file` and put in place only by publish(),
 * so that it can be written while something it must not go ahead of (a tree it describes) is.
 */
export async function writeFileAside(file: string, data: string | Uint8Array | Iterable<string | Uint8Array>, what: string, options: WriteOptions = {}): Promise<AsideFile> {
  const tmp = tempName(file);
  const failed = async (err: unknown): Promise<never> => {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fsError(err, what, file);
  };
  let written: Stats;
  try {
    if (options.folderExists !== true) await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, data, { mode: options.mode });
    written = await stat(tmp);
  } catch (err) {
    return failed(err);
  }
  return {
    publish: async () => {
      try {
        await rename(tmp, file);
      } catch (err) {
        return failed(err);
      }
      return stampOf(written);
    },
    discard: () => rm(tmp, { force: true }).catch(() => undefined),
  };
}

/** What identifies one version of a file on disk: inode, size and mtime (an atomic write makes a new inode). */
export function fileStamp(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  return st && stampOf(st);
}

export function stampOf(st: Pick<Stats, 'ino' | 'size' | 'mtimeMs'>): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

/**
 * The synchronous twin of writeFileAtomic: for code that runs before anything async is loaded, and for small
 * files written while the thread pool is busy (a run's SQL files would wait there behind DuckDB's statements,
 * and hold them up).
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, what: string, options: WriteOptions = {}): void {
  writeAsideSync(file, what, options, (tmp) => writeFileSync(tmp, data, { mode: options.mode }));
}

/**
 * writeFileAtomicSync for chunks, each written before the next is asked for (so a chunk may be a buffer its
 * maker fills again); returns fileStamp() of what it wrote, taken before the rename.
 */
export function writeChunksAtomicSync(file: string, chunks: Iterable<Uint8Array>, what: string, options: WriteOptions = {}): string {
  let written: Stats | undefined;
  writeAsideSync(file, what, options, (tmp) => {
    const fd = openSync(tmp, 'w', options.mode);
    try {
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.byteLength; ) at += writeSync(fd, chunk, at);
      }
      written = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
  });
  return stampOf(written!);
}

/**
 * `texts` as UTF-8 (a Uint8Array is taken as UTF-8 already), through one reused buffer of `bufferBytes` that
 * is yielded (a view of it) each time it fills: the chunks for writeChunksAtomicSync, which writes each before
 * it asks for the next. A large file is then never in memory as one string and its bytes as one buffer:
 * encoding a 10 MB string that JSON.stringify made (a rope V8 flattens first) took ~90 ms here, most of it
 * faulting in fresh pages.
 */
export function* encodedChunks(texts: Iterable<string | Uint8Array>, bufferBytes = 1 << 20): Generator<Uint8Array> {
  const buffer = Buffer.allocUnsafe(bufferBytes);
  let used = 0;
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most texts fit without being measured.
  const fits = (text: string | Uint8Array) => {
    const room = buffer.length - used;
    return typeof text === 'string' ? text.length * 3 <= room || Buffer.byteLength(text) <= room : text.byteLength <= room;
  };
  for (const text of texts) {
    if (!fits(text)) {
      if (used > 0) yield buffer.subarray(0, used);
      used = 0;
      // A text larger than the buffer goes on its own.
      if (!fits(text)) {
        yield typeof text === 'string' ? Buffer.from(text) : text;
        continue;
      }
    }
    if (typeof text === 'string') {
      used += buffer.write(text, used);
    } else {
      buffer.set(text, used);
      used += text.byteLength;
    }
  }
  if (used > 0) yield buffer.subarray(0, used);
}

/**
 * The JSON of an object with `members`, as JSON.stringify writes it (a member whose value has no JSON, such as
 * undefined, is left out), in pieces for encodedChunks: each member's key and value are yielded apart, so no
 * value's text is copied to be joined to another.
 */
export function* jsonObjectTexts(members: Iterable<readonly [string, unknown]>): Generator<string> {
  let open = '{';
  for (const [key, value] of members) {
    const text = JSON.stringify(value);
    if (text === undefined) continue;
    yield `${open}${JSON.stringify(key)}:`;
    yield text;
    open = ',';
  }
  yield open === ',' ? '}' : '{}';
}

function writeAsideSync(file: string, what: string, options: WriteOptions, write: (tmp: string) => void): void {
  const tmp = tempName(file);
  try {
    if (options.folderExists !== true) mkdirSync(path.dirname(file), { recursive: true });
    write(tmp);
    renameSync(tmp, file);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The temp file was never created, or cannot be removed either: the original error says why.
    }
    throw fsError(err, what, file);
  }
}

/** Removes `file` if it exists; `what` names it in an error. */
export function removeFileSync(file: string, what: string): void {
  try {
    rmSync(file, { force: true });
  } catch (err) {
    const code = errnoOf(err)?.code;
    // A path under a file cannot hold the file to remove; the write that follows reports the real problem.
    if (code === 'ENOTDIR') return;
    throw fsError(err, what, file, `remove ${what}`);
  }
}
