/**
 * The inputs of a compile, as seen when it ran: every file read (size, mtime, sha256), every directory
 * searched (its names and mtime), where profiles.yml was looked for, the environment variables read, and a key for
 * everything else (xform build, command line, working and home directory). `unchangedSince()` answers
 * "would a compile now produce the same result?" with stat calls only, so an unchanged project re-compiles
 * in a few milliseconds; this module imports nothing but node built-ins so the CLI can use it before
 * loading the compiler.
 *
 * A file whose mtime is close to the start of the compile it was recorded in is "racy" (it may have been
 * written again within the same timestamp tick, as git's index calls it): its contents are hashed again
 * rather than trusted from stat. The same holds for a folder: its mtime changes whenever a name in it is
 * added, removed or renamed, so a folder whose mtime is old and unchanged is not listed again (a file edited
 * in place does not change its folder's mtime: every file is still stat'ed).
 *
 * A check that had to re-hash racy files (a project compiled right after a checkout or generation) hands
 * back a refreshed snapshot with the stats it saw, so the next check trusts them by stat alone, as git
 * refreshes its index.
 */
import { hash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { hashEnvValue } from './env-key.js';

/**
 * 2: environment values are HMACs under the project's key (see env-key.ts), no longer plain sha256.
 * 3: folders carry their mtime; files are stored as columns (parsed and walked faster than 10k small arrays).
 * 4: the paths and checksums columns are one string each (see SnapshotFiles).
 */
export const SNAPSHOT_FORMAT = 4;
/** Files modified less than this before the compile started are re-hashed instead of trusted by stat. */
const RACY_MS = 2000;

export interface InputSnapshot {
  format: number;
  /** sha256 of the xform build, command line, working and home directory. */
  key: string;
  /** Wall clock (ms) when the compile started, before any input was read. */
  startedAt: number;
  /** Environment variables read, by name: HMAC of the value under the project's key (values may be secrets), null when unset. */
  env: Record<string, string | null>;
  /** Every file read, as columns: absolute path, size (-1: none), mtimeMs, sha256 of the contents as compiled. */
  files: SnapshotFiles;
  /** Absolute directory -> [sha256 of its sorted names (null when it did not exist), mtimeMs (-1: none)]. */
  dirs: Record<string, [string | null, number]>;
  /** profiles.yml locations tried in order, and whether each existed. */
  probes: { path: string; exists: boolean }[];
  /** Files the compile wrote that must still exist for its result to stand (manifest.json...). */
  outputs: string[];
  /** What the caller wants back when nothing changed (e.g. the summary line's counts). */
  result: unknown;
}

/**
 * Every file read, as columns. Paths and checksums are one string each rather than 10,000: parsed as one
 * string, the snapshot is read ~20 ms sooner in a 10,000-model project (fewer objects to make, and fewer to
 * copy while they are young), and a check takes each path as a slice only for its stat. Use filePaths() and
 * fileChecksum() to read them.
 */
export interface SnapshotFiles {
  /** Absolute paths, joined with NUL (which no path holds). */
  paths: string;
  sizes: number[];
  mtimes: number[];
  /** sha256 (hex, 64 characters) of each file's contents, one after the other. */
  checksums: string;
}

const CHECKSUM_LENGTH = 64;
const CHECKSUM = /^[0-9a-f]{64}$/;
/** Recorded for a file whose checksum is not a sha256 (none is): no contents hash to it, so it counts as changed. */
const NEVER_MATCHES = '-'.repeat(CHECKSUM_LENGTH);
/** The checksum as recorded (called for every project file: the pattern and the stand-in are made once). */
const recorded = (checksum: string): string => (CHECKSUM.test(checksum) ? checksum : NEVER_MATCHES);

/** The files' paths, in order. */
export function filePaths(files: SnapshotFiles): string[] {
  return files.sizes.length === 0 ? [] : files.paths.split('\0');
}

/** The checksum of file `i`. */
export function fileChecksum(files: SnapshotFiles, i: number): string {
  return files.checksums.slice(i * CHECKSUM_LENGTH, (i + 1) * CHECKSUM_LENGTH);
}

/** `files` with the size, mtime and checksum of some files replaced (by index). */
export function withFileStats(files: SnapshotFiles, updates: ReadonlyMap<number, { size: number; mtimeMs: number; checksum: string }>): SnapshotFiles {
  const sizes = [...files.sizes];
  const mtimes = [...files.mtimes];
  const checksums: string[] = [];
  let at = 0;
  for (const [i, update] of [...updates].sort((a, b) => a[0] - b[0])) {
    sizes[i] = update.size;
    mtimes[i] = update.mtimeMs;
    checksums.push(files.checksums.slice(at, i * CHECKSUM_LENGTH), recorded(update.checksum));
    at = (i + 1) * CHECKSUM_LENGTH;
  }
  checksums.push(files.checksums.slice(at));
  return { paths: files.paths, sizes, mtimes, checksums: checksums.join('') };
}

// One-shot: a Hash object per call was a visible part of hashing 10,000 nodes.
export const sha256 = (data: string | Uint8Array): string => hash('sha256', data, 'hex');

export function hashNames(names: readonly string[] | null): string | null {
  return names === null ? null : sha256([...names].sort().join('\u0000'));
}


export interface SnapshotSources {
  key: string;
  /** The project's key for environment values (envKey of the target folder). */
  envKey: string;
  startedAt: number;
  envReads: ReadonlyMap<string, string | undefined>;
  /** Absolute path -> sha256 of the contents that were compiled. */
  files: ReadonlyMap<string, string>;
  dirs: Readonly<Record<string, readonly string[] | null>>;
  probes: { path: string; exists: boolean }[];
  outputs: string[];
  result: unknown;
}

/** Stats every input file now (after the compile): a file changed since it was read shows as racy or different. */
export function takeSnapshot(sources: SnapshotSources): InputSnapshot {
  const paths: string[] = [];
  const sizes: number[] = [];
  const mtimes: number[] = [];
  const checksums: string[] = [];
  for (const [file, checksum] of sources.files) {
    const st = statOf(file);
    paths.push(file);
    sizes.push(st?.size ?? -1);
    mtimes.push(st?.mtimeMs ?? -1);
    checksums.push(recorded(checksum));
  }
  const files: SnapshotFiles = { paths: paths.join('\0'), sizes, mtimes, checksums: checksums.join('') };
  const dirs: InputSnapshot['dirs'] = {};
  // Stat'ed after the compile listed it: a name added since has an mtime after startedAt, never trusted.
  for (const [dir, names] of Object.entries(sources.dirs)) dirs[dir] = [hashNames(names), statOf(dir)?.mtimeMs ?? -1];
  const env: InputSnapshot['env'] = {};
  for (const [name, value] of sources.envReads) env[name] = hashEnvValue(sources.envKey, value);
  return {
    format: SNAPSHOT_FORMAT,
    key: sources.key,
    startedAt: sources.startedAt,
    env,
    files,
    dirs,
    probes: sources.probes,
    outputs: sources.outputs,
    result: sources.result,
  };
}

function listNames(dir: string): string[] | null {
  try {
    return readdirSync(dir);
  } catch {
    return null;
  }
}

function statOf(file: string): Stats | undefined {
  return statSync(file, { throwIfNoEntry: false });
}

/** What the current state of an input is checked against, and where a refreshed snapshot is collected. */
interface Check {
  /** The snapshot's startedAt: stats from before startedAt - RACY_MS are trusted. */
  trustedBefore: number;
  /** Files (by index) that had to be re-read and matched, with the mtime seen now. */
  mtimes: Map<number, number>;
  /** Folders that had to be listed again and matched, with the mtime seen now. */
  dirs: InputSnapshot['dirs'];
  /** Stats from before this are trusted by the refreshed snapshot. */
  refreshTrustsBefore: number;
  /** Set when an entry had to be re-read (racy or touched), matched, and would be trusted after a refresh. */
  reread: boolean;
}

function fileUnchanged(files: SnapshotFiles, file: string, i: number, check: Check): boolean {
  const mtimeMs = files.mtimes[i]!;
  const st = statOf(file);
  if (!st || st.size !== files.sizes[i]) return false;
  if (st.mtimeMs === mtimeMs && mtimeMs < check.trustedBefore) return true;
  let same: boolean;
  try {
    same = sha256(readFileSync(file)) === fileChecksum(files, i);
  } catch {
    return false;
  }
  // The stat was taken before the read: an edit after it shows as a later mtime (or as racy) next time.
  if (same) {
    check.mtimes.set(i, st.mtimeMs);
    if (st.mtimeMs < check.refreshTrustsBefore) check.reread = true;
  }
  return same;
}

function dirUnchanged(dir: string, [hash, mtimeMs]: [string | null, number], check: Check): boolean {
  const st = statOf(dir);
  if (st && st.mtimeMs === mtimeMs && mtimeMs < check.trustedBefore) return true;
  if (hashNames(listNames(dir)) !== hash) return false;
  check.dirs[dir] = [hash, st?.mtimeMs ?? -1];
  if (st && st.mtimeMs < check.refreshTrustsBefore) check.reread = true;
  return true;
}

function exists(file: string): boolean {
  return statOf(file) !== undefined;
}

export interface UnchangedCheck {
  unchanged: boolean;
  /**
   * When unchanged but some files or folders had to be read again (they were racy, or touched without a
   * change): the snapshot with the stats seen now, for the caller to save so the next check is stats only.
   * With `changed`: the snapshot with the stats seen of every other input, for the caller to complete.
   */
  refreshed?: InputSnapshot;
  /**
   * With `allowChanged`, when the only differences are the contents of files the snapshot lists (at most
   * that many; every folder, environment variable and other input the same): their indices in `files`.
   */
  changed?: number[];
}

/** Whether a compile now would read exactly the same inputs as the one `snapshot` recorded. */
export function checkUnchanged(
  snapshot: InputSnapshot,
  now: { key: string; env: Record<string, string | undefined>; envKey: string },
  { allowChanged = 0 }: { allowChanged?: number } = {},
): UnchangedCheck {
  // Taken before any stat: whatever changes from here on has a later mtime than this.
  const checkStartedAt = Date.now();
  const no = { unchanged: false };
  if (snapshot.format !== SNAPSHOT_FORMAT || snapshot.key !== now.key) return no;
  for (const name in snapshot.env) {
    if (hashEnvValue(now.envKey, now.env[name]) !== snapshot.env[name]) return no;
  }
  for (const probe of snapshot.probes) if (exists(probe.path) !== probe.exists) return no;
  for (const file of snapshot.outputs) if (!exists(file)) return no;
  const check: Check = { trustedBefore: snapshot.startedAt - RACY_MS, mtimes: new Map(), dirs: {}, refreshTrustsBefore: checkStartedAt - RACY_MS, reread: false };
  for (const dir in snapshot.dirs) if (!dirUnchanged(dir, snapshot.dirs[dir]!, check)) return no;
  const { files } = snapshot;
  const changed: number[] = [];
  const count = files.sizes.length;
  if (files.mtimes.length !== count || files.checksums.length !== count * CHECKSUM_LENGTH) return no;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const separator = files.paths.indexOf('\0', at);
    const end = separator < 0 ? files.paths.length : separator;
    // A slice: the path is not copied out of the column to be stat'ed.
    const file = files.paths.slice(at, end);
    at = end + 1;
    if (fileUnchanged(files, file, i, check)) continue;
    if (changed.length === allowChanged) return no;
    changed.push(i);
  }
  // Every path taken and none left over: columns that disagree are no snapshot.
  if (at !== (count === 0 ? 0 : files.paths.length + 1)) return no;
  if (!check.reread && changed.length === 0) return { unchanged: true };
  const mtimes = files.mtimes.map((m, i) => check.mtimes.get(i) ?? m);
  const refreshed = { ...snapshot, startedAt: checkStartedAt, files: { ...files, mtimes }, dirs: { ...snapshot.dirs, ...check.dirs } };
  return changed.length === 0 ? { unchanged: true, refreshed } : { unchanged: false, refreshed, changed };
}

/** True when a compile now would read exactly the same inputs as the one `snapshot` recorded. */
export function unchangedSince(snapshot: InputSnapshot, now: { key: string; env: Record<string, string | undefined>; envKey: string }): boolean {
  return checkUnchanged(snapshot, now).unchanged;
}
