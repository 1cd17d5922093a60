/** Records what a full `xform compile` read, so that the next one can tell whether anything changed. */
import path from 'node:path';
import type { CompiledProject } from '@xform/core';
import { compileKey, envKey, removeSnapshot, takeSnapshot, writeSnapshot } from '@xform/core/partial-parse';
import type { CompileSummary } from './compile-summary.js';
import { invocationArgs } from './invocation.js';

export interface PendingSnapshot {
  /** Writes the snapshot once the artifacts are on disk. */
  write(summary: CompileSummary): void;
}

/**
 * Stats the inputs now (right after compiling) and removes the previous snapshot, so that a compile that
 * fails while writing its artifacts never leaves a snapshot describing them.
 */
export function saveCompileSnapshot(
  compiled: CompiledProject,
  options: { targetDir: string; startedAt: number; envReads: ReadonlyMap<string, string | undefined> },
): PendingSnapshot {
  const { project } = compiled;
  const files = new Map<string, string>(Object.entries(project.inputs?.files ?? {}));
  for (const list of [project.models, project.seeds, project.tests, project.macros, project.snapshots]) {
    for (const file of list) files.set(file.absPath, file.checksum);
  }
  const base = {
    key: compileKey(invocationArgs(), process.cwd()),
    startedAt: options.startedAt,
    envReads: options.envReads,
    files,
    dirs: project.inputs?.dirs ?? {},
    probes: project.inputs?.profilesProbes ?? [],
    outputs: [path.join(options.targetDir, 'manifest.json'), path.join(options.targetDir, 'compiled')],
  };
  removeSnapshot(options.targetDir);
  return {
    write(summary) {
      // Without the inputs of loading (a project built in memory) nothing can be checked later.
      if (!project.inputs) return;
      writeSnapshot(options.targetDir, takeSnapshot({ ...base, envKey: envKey(options.targetDir), result: summary }));
    },
  };
}
