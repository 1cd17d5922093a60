/**
 * `xform compile` when only a few model files were edited since the last compile: the partial-parse snapshot
 * names them, and @xform/core/patch renders just those again and replaces their manifest entries and compiled
 * files (see core/src/compile/patch-compile.ts for when it declines; the full compile runs then). The
 * snapshot is removed first and written again last, with the edited files' new stats, so that a patch stopped
 * half-way leaves no snapshot vouching for a target/ it did not finish.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { filePaths, removeSnapshot, sha256, withFileStats, writeSnapshot, type InputSnapshot } from '@xform/core/partial-parse';
import { carriedAdapterDirs } from './bundle.js';
import type { CompileSummary } from './compile-summary.js';
import { flagValue } from './flag-value.js';

/** At most this many edited files are patched; more means a full compile. */
export const MAX_PATCHED_FILES = 20;

/** The flags a patch compile accepts (each takes a value); any other (a selection, --defer...) compiles in full. */
const PATCH_FLAGS = new Set(['--project-dir', '--profiles-dir', '-t', '--target', '--vars']);

/**
 * Patches target/ for the snapshot's `changed` files; resolves with the summary to print when it did, and
 * undefined when a full compile is needed (then target/ is as it was, or has no snapshot).
 */
export async function compileByPatch(
  argv: readonly string[],
  { projectDir, targetDir, snapshot, refreshed, changed }: { projectDir: string; targetDir: string; snapshot: InputSnapshot; refreshed: InputSnapshot; changed: number[] },
): Promise<CompileSummary | undefined> {
  if (argv.slice(1).some((a) => a.startsWith('-') && !PATCH_FLAGS.has(a.split('=')[0]!))) return undefined;
  const summary = snapshot.result as CompileSummary;
  const core = await import('@xform/core/patch');
  const state = core.readPatchState(targetDir);
  if (!state || summary.manifest !== state.manifest) return undefined;
  const paths = filePaths(refreshed.files);
  const files = changed.map((i) => paths[i]!);
  if (!files.every((f) => core.patchable(state, f))) return undefined;
  const vars = flagValue(argv, '--vars');
  const profilesDir = flagValue(argv, '--profiles-dir');
  const settings = await core.loadProjectSettings({
    projectDir,
    profilesDir: profilesDir === undefined ? undefined : path.resolve(profilesDir),
    target: flagValue(argv, '-t', '--target'),
    vars: vars === undefined ? undefined : core.parseVarsArg(vars),
  });
  if (!settings || path.resolve(settings.root, settings.config.targetPath) !== targetDir) return undefined;
  // The dialects the CLI ships with (the packed CLI's bundle has them as chunks, not packages).
  core.registerBuiltInDialects({
    duckdb: () => import('@xform/adapter-duckdb/dialect'),
    postgres: () => import('@xform/adapter-postgres/dialect'),
    bigquery: () => import('@xform/adapter-bigquery/dialect'),
    snowflake: () => import('@xform/adapter-snowflake/dialect'),
  }, carriedAdapterDirs);
  const dialect = await core.loadDialect(settings.target.type, { projectRoot: settings.root });
  // Each file is stat'ed before it is read: an edit after the read shows as a newer mtime next time.
  const edits = files.map((file) => ({ file, stat: statSync(file), bytes: readFileSync(file) }));
  const stamp = await core.patchCompile({
    targetDir,
    project: settings,
    dialect,
    state,
    edits,
    env: process.env,
    envNames: new Set(Object.keys(snapshot.env)),
    beforeWrite: () => removeSnapshot(targetDir),
  });
  if (stamp === undefined) return undefined;
  const updates = new Map(changed.map((index, i) => [index, { size: edits[i]!.stat.size, mtimeMs: edits[i]!.stat.mtimeMs, checksum: sha256(edits[i]!.bytes) }]));
  const next: InputSnapshot = { ...refreshed, files: withFileStats(refreshed.files, updates) };
  const result: CompileSummary = { ...summary, manifest: stamp };
  writeSnapshot(targetDir, { ...next, result });
  return result;
}
