/** Where the partial-parse snapshot lives (`<target>/partial_parse.json`), and the key of a compile. */
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileStamp, removeFileSync, writeFileAtomicSync } from '../fs-write.js';
import { bundleInfo } from '../bundle.js';
import { XFORM_CORE_VERSION } from '../version.js';
import { SNAPSHOT_FORMAT, sha256, type InputSnapshot } from './input-snapshot.js';

export const PARTIAL_PARSE_FILE = 'partial_parse.json';

/**
 * The part of a compile's identity that is not a file: the xform build (its version, and in a development
 * checkout the time of the last build, so that a rebuilt compiler never reuses results of the old one),
 * the command line, the working directory and the home directory (`~/.xform/profiles.yml`).
 * `--no-partial-parse` is left out: a compile with it leaves a snapshot the next plain compile can use.
 */
export function compileKey(argv: readonly string[], cwd: string): string {
  const args = argv.filter((a) => a !== '--no-partial-parse');
  return sha256(JSON.stringify([SNAPSHOT_FORMAT, buildStamp(), args, cwd, os.homedir()]));
}

/** The xform version, and the time of the last build: the bundle's in the packed CLI, tsc's in a checkout. */
export function buildStamp(): string {
  if (bundleInfo) return `${XFORM_CORE_VERSION}@${bundleInfo.builtAt}`;
  let built = '';
  try {
    built = String(statSync(new URL('../../tsconfig.tsbuildinfo', import.meta.url)).mtimeMs);
  } catch {
    // An installed package has no build info; its version identifies it.
  }
  return `${XFORM_CORE_VERSION}@${built}`;
}

export function readSnapshot(targetDir: string): InputSnapshot | undefined {
  try {
    return JSON.parse(readFileSync(path.join(targetDir, PARTIAL_PARSE_FILE), 'utf8')) as InputSnapshot;
  } catch {
    return undefined;
  }
}

/**
 * What identifies the snapshot file on disk now (inode, size, mtime; an atomic write makes a new inode), or
 * undefined when there is none: a refreshed snapshot replaces only the one it was made from, never one a
 * compile running at the same time wrote.
 */
export function snapshotStamp(targetDir: string): string | undefined {
  return fileStamp(path.join(targetDir, PARTIAL_PARSE_FILE));
}

export function writeSnapshot(targetDir: string, snapshot: InputSnapshot): void {
  writeFileAtomicSync(path.join(targetDir, PARTIAL_PARSE_FILE), JSON.stringify(snapshot), 'the partial-parse snapshot');
}

/** Called before a compile writes its artifacts, so that a crash half-way never leaves a stale snapshot. */
export function removeSnapshot(targetDir: string): void {
  removeFileSync(path.join(targetDir, PARTIAL_PARSE_FILE), 'the partial-parse snapshot');
}
