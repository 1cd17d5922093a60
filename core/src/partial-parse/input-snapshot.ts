/**
 * The inputs of a compile, as seen when it ran: every file read (size, mtime, sha256), every directory
 * searched (its names), where profiles.yml was looked for, the environment variables read, and a key for
 * everything else (xform build, command line, working and home directory). `unchangedSince()` answers
 * "would a compile now produce the same result?" with stat calls only, so an unchanged project re-compiles
 * in a few milliseconds; this module imports nothing but node built-ins so the CLI can use it before
 * loading the compiler.
 *
 * A file whose mtime is close to the start of the compile it was recorded in is "racy" (it may have been
 * written again within the same timestamp tick, as git's index calls it): its contents are hashed again
 * rather than trusted from stat.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { hashEnvValue } from './env-key.js';

/** 2: environment values are HMACs under the project's key (see env-key.ts), no longer plain sha256. */
export const SNAPSHOT_FORMAT = 2;
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
  /** Absolute path -> [size, mtimeMs, sha256 of the contents as compiled]. */
  files: Record<string, [number, number, string]>;
  /** Absolute directory -> sha256 of its sorted names, null when it did not exist. */
  dirs: Record<string, string | null>;
  /** profiles.yml locations tried in order, and whether each existed. */
  probes: { path: string; exists: boolean }[];
  /** Files the compile wrote that must still exist for its result to stand (manifest.json...). */
  outputs: string[];
  /** What the caller wants back when nothing changed (e.g. the summary line's counts). */
  result: unknown;
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

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
  const files: InputSnapshot['files'] = {};
  for (const [file, checksum] of sources.files) {
    try {
      const st = statSync(file);
      files[file] = [st.size, st.mtimeMs, checksum];
    } catch {
      files[file] = [-1, -1, checksum];
    }
  }
  const dirs: InputSnapshot['dirs'] = {};
  for (const [dir, names] of Object.entries(sources.dirs)) dirs[dir] = hashNames(names);
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

function fileUnchanged(file: string, [size, mtimeMs, checksum]: [number, number, string], startedAt: number): boolean {
  let st;
  try {
    st = statSync(file);
  } catch {
    return false;
  }
  if (st.size !== size) return false;
  if (st.mtimeMs === mtimeMs && mtimeMs < startedAt - RACY_MS) return true;
  try {
    return sha256(readFileSync(file)) === checksum;
  } catch {
    return false;
  }
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** True when a compile now would read exactly the same inputs as the one `snapshot` recorded. */
export function unchangedSince(snapshot: InputSnapshot, now: { key: string; env: Record<string, string | undefined>; envKey: string }): boolean {
  if (snapshot.format !== SNAPSHOT_FORMAT || snapshot.key !== now.key) return false;
  for (const [name, hash] of Object.entries(snapshot.env)) {
    if (hashEnvValue(now.envKey, now.env[name]) !== hash) return false;
  }
  for (const probe of snapshot.probes) if (exists(probe.path) !== probe.exists) return false;
  for (const file of snapshot.outputs) if (!exists(file)) return false;
  for (const [dir, hash] of Object.entries(snapshot.dirs)) {
    if (hashNames(listNames(dir)) !== hash) return false;
  }
  for (const [file, stat] of Object.entries(snapshot.files)) {
    if (!fileUnchanged(file, stat, snapshot.startedAt)) return false;
  }
  return true;
}
