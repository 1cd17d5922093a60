/** The manifest: every node of the project after compilation, in dbt's manifest.json shape. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExecutableNode, MacroNode, SourceNode, TestNode } from '../graph/types.js';

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
  /** Nodes switched off with `enabled: false`, by unique_id. */
  disabled: Record<string, ExecutableNode | TestNode>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
  /** The project's ordered layers. */
  layers: string[];
}

/** Writes manifest.json and every node's compiled SQL under `target/compiled/<original path>`. */
export async function writeCompileArtifacts(targetDir: string, manifest: Manifest): Promise<void> {
  const compiledRoot = path.join(targetDir, 'compiled');
  const files: { file: string; sql: string }[] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (node.compiled_code === undefined || node.compiled_path === undefined) continue;
    files.push({ file: path.join(targetDir, node.compiled_path), sql: node.compiled_code });
  }
  const dirs = new Set(files.map((f) => path.dirname(f.file)));
  dirs.add(compiledRoot);
  // Create each folder once (parents before children), then write files in bounded batches.
  for (const dir of [...dirs].sort((a, b) => a.length - b.length)) await mkdir(dir, { recursive: true });
  const batch = 64;
  for (let i = 0; i < files.length; i += batch) {
    await Promise.all(files.slice(i, i + batch).map((f) => writeFile(f.file, f.sql.endsWith('\n') ? f.sql : `${f.sql}\n`)));
  }
  await writeFile(path.join(targetDir, 'manifest.json'), JSON.stringify(manifest));
}
