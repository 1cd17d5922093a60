/**
 * package-lock.yml as dbt writes it: every installed package (transitive ones too) with its resolved
 * version (hub) or commit (git), and the `sha1_hash` of the packages as written. While packages.yml is
 * unchanged (same hash), `xform deps` installs what the lock names instead of resolving again, as dbt
 * does; `--upgrade`, or a changed packages.yml, resolves afresh.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DiagnosticBag } from '../errors.js';
import { isPlainObject, parseYaml } from '../project/yaml-doc.js';
import type { PackageSpec } from './spec.js';

export const LOCK_FILE = 'package-lock.yml';

/** Returns the spec pinned to what the lock recorded for it, or the spec itself. */
export type Pin = (spec: PackageSpec) => PackageSpec;

const unpinned: Pin = (spec) => spec;

export async function readLockPins(root: string, hash: string): Promise<Pin> {
  let text: string;
  try {
    text = await readFile(path.join(root, LOCK_FILE), 'utf8');
  } catch {
    return unpinned;
  }
  const src = parseYaml(text, LOCK_FILE, new DiagnosticBag());
  const lock = src?.value;
  // A lock that cannot be read, or was written for other packages, is simply written again.
  if (!isPlainObject(lock) || lock.sha1_hash !== hash || !Array.isArray(lock.packages)) return unpinned;
  const hubVersions = new Map<string, string>();
  const gitCommits = new Map<string, string>();
  for (const entry of lock.packages) {
    if (!isPlainObject(entry)) continue;
    if (typeof entry.package === 'string' && entry.version !== undefined) hubVersions.set(entry.package, String(entry.version));
    if (typeof entry.git === 'string' && typeof entry.revision === 'string') gitCommits.set(gitKey(entry.git, entry.subdirectory), entry.revision);
  }
  return (spec) => {
    if (spec.kind === 'hub') {
      const version = hubVersions.get(spec.package);
      return version === undefined ? spec : { ...spec, version: [version] };
    }
    if (spec.kind === 'git') {
      const commit = gitCommits.get(gitKey(spec.written, spec.subdirectory));
      return commit === undefined ? spec : { ...spec, revision: commit, warnUnpinned: false };
    }
    return spec;
  };
}

/**
 * dbt's `sha1_hash`: each top-level entry (rendered, plus the entry as written under `unrendered`) as
 * Python's `json.dumps(..., sort_keys=True)` prints it, sorted, joined by newlines, then SHA-1. The same
 * algorithm as dbt, so a lock written by dbt is followed by xform and the other way round.
 */
export function specHash(rendered: readonly unknown[], written: readonly unknown[]): string {
  const lines = rendered.map((entry, i) => pyJson(isPlainObject(entry) ? { ...entry, unrendered: written[i] } : entry)).sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

/** Python's json.dumps with sort_keys=True: `, ` and `: ` separators, non-ASCII escaped. */
function pyJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${pyJson(k)}: ${pyJson(value[k])}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

function gitKey(url: string, subdirectory: unknown): string {
  return `${url}#${typeof subdirectory === 'string' ? subdirectory : ''}`;
}
