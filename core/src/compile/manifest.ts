/** The manifest: every node of the project after compilation, in dbt's manifest.json shape. */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { ensureDir, writeFileAtomic } from '../fs-write.js';
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
}

/**
 * Writes manifest.json and every node's compiled SQL under `target/compiled/<original path>`. Returns what
 * it wrote, for the next compile's `previous`.
 */
export async function writeCompileArtifacts(targetDir: string, manifest: Manifest, options: WriteArtifactsOptions = {}): Promise<WrittenFiles> {
  const compiledRoot = path.join(targetDir, 'compiled');
  const previous = options.previous ?? {};
  const written: WrittenFiles = {};
  const files: { rel: string; file: string; sql: string; hash: string }[] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (node.compiled_code === undefined || node.compiled_path === undefined) continue;
    const sql = node.compiled_code.endsWith('\n') ? node.compiled_code : `${node.compiled_code}\n`;
    const rel = node.compiled_path;
    const hash = createHash('sha1').update(sql).digest('base64');
    const before = previous[rel];
    if (before !== undefined && before[0] === hash && untouched(path.join(targetDir, rel), before)) {
      written[rel] = before;
      continue;
    }
    files.push({ rel, file: path.join(targetDir, rel), sql, hash });
  }
  const dirs = new Set(files.map((f) => path.dirname(f.file)));
  dirs.add(compiledRoot);
  // Create each folder once (parents before children), then write files in bounded batches.
  for (const dir of [...dirs].sort((a, b) => a.length - b.length)) await ensureDir(dir, 'the compiled SQL');
  const batch = 64;
  for (let i = 0; i < files.length; i += batch) {
    await Promise.all(files.slice(i, i + batch).map((f) => writeFileAtomic(f.file, f.sql, 'the compiled SQL')));
  }
  for (const f of files) {
    const st = statSync(f.file);
    written[f.rel] = [f.hash, st.size, st.mtimeMs];
  }
  await writeFileAtomic(path.join(targetDir, 'manifest.json'), JSON.stringify(manifest), 'the manifest');
  return written;
}

function untouched(file: string, [, size, mtimeMs]: [string, number, number]): boolean {
  const st = statSync(file, { throwIfNoEntry: false });
  return st !== undefined && st.size === size && st.mtimeMs === mtimeMs;
}
