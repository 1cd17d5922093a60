/**
 * `xform compile` when nothing changed since the last compile: the partial-parse snapshot in
 * `target/partial_parse.json` says whether any input (files, folders, profiles.yml, the environment
 * variables read, the command line, the xform build) differs; if none does, the manifest and compiled SQL
 * on disk are already what a compile would write: nothing is rewritten (only the snapshot itself, when
 * files it had to re-read can be trusted by their stat from now on). When the only differences are a few
 * edited files, a patch compile (patch-compile.ts) may answer instead. Runs before the compiler is loaded.
 */
import { appendFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { scrubSecrets } from '@xform/core/secrets';
import { checkUnchanged, compileKey, readEnvKey, readSnapshot, snapshotStamp, writeSnapshot } from '@xform/core/partial-parse';
import { printCompileSummary, type CompileSummary } from './compile-summary.js';
import { flagValue } from './flag-value.js';
import { logFileMaxBytes, mustRollOver, rollOver } from './log-rotation.js';
import { MAX_PATCHED_FILES, compileByPatch } from './patch-compile.js';
import { parentProjectDir } from './project-root.js';

/**
 * The only flags the short cut accepts (each takes values); anything else (`--inline`, `--dry-run`,
 * `--no-partial-parse`, `--help`, a flag added later) means a full compile.
 */
const KNOWN_FLAGS = new Set(['--project-dir', '--profiles-dir', '-t', '--target', '--vars', '-s', '--select', '--exclude']);

/** The project folder as the full command finds it: --project-dir, else the nearest one upwards. */
function projectDirOf(args: readonly string[]): string {
  return path.resolve(flagValue(args, '--project-dir') ?? parentProjectDir() ?? '.');
}

/** What the short cut did, for the log file. */
export type ShortCut = 'unchanged' | { patched: number };

/** What patches target/: compileByPatch, this module's or another copy's (cli/bin/xform.js has one with V8's code cache). */
export type Patcher = typeof compileByPatch;

/**
 * The short cut taken when the last compile still stands, or stands but for a few patched models (its summary
 * was printed then and the exit code is 0); undefined when a full compile is needed. `loadPatcher` is called
 * only when a patch is tried.
 */
export async function compileIfUnchanged(argv: readonly string[], loadPatcher: () => Patcher = () => compileByPatch): Promise<ShortCut | undefined> {
  const started = performance.now();
  if (argv[0] !== 'compile' || argv.some((a) => a.startsWith('-') && !KNOWN_FLAGS.has(a.split('=')[0]!))) return undefined;
  // A bad log size limit is a usage error, which the full command reports.
  if ('bad' in logFileMaxBytes(undefined)) return undefined;
  const projectDir = projectDirOf(argv);
  // A project with another target-path keeps its snapshot there; it simply compiles in full.
  const targetDir = path.join(projectDir, 'target');
  const stamp = snapshotStamp(targetDir);
  const snapshot = readSnapshot(targetDir);
  const envKey = readEnvKey(targetDir);
  if (!snapshot || !envKey) return undefined;
  const summary = snapshot.result as CompileSummary;
  if (summary.warnings !== 0) return undefined;
  const check = checkUnchanged(snapshot, { key: compileKey(argv, process.cwd()), env: process.env, envKey }, { allowChanged: MAX_PATCHED_FILES });
  if (!check.unchanged) {
    if (!check.changed || !check.refreshed) return undefined;
    const patched = await loadPatcher()(argv, { projectDir, targetDir, snapshot, refreshed: check.refreshed, changed: check.changed });
    if (!patched) return undefined;
    printCompileSummary(patched, started);
    return { patched: check.changed.length };
  }
  // Another compile may have replaced the snapshot meanwhile (its own is newer): keep that one.
  if (check.refreshed && snapshotStamp(targetDir) === stamp) {
    try {
      writeSnapshot(targetDir, check.refreshed);
    } catch {
      // Only the next check's speed depends on it.
    }
  }
  printCompileSummary(summary, started);
  return 'unchanged';
}

/**
 * The log file's lines for a compile answered by the short cut, written without loading the logging module
 * (and with it the compiler) that every other command starts with; same format as logging.ts.
 */
export function logUnchangedCompile(argv: readonly string[], shortCut: ShortCut): void {
  const dir = path.join(projectDirOf(argv), 'logs');
  const now = new Date().toISOString();
  const line = (level: string, text: string) => `${now.slice(11, 23)} [${level.padEnd(5)}] ${text}\n`;
  try {
    mkdirSync(dir, { recursive: true });
    const text =
      line('info', `${'='.repeat(20)} ${now} | xform ${argv.join(' ')} ${'='.repeat(20)}`) +
      line(
        'info',
        shortCut === 'unchanged'
          ? 'compile: nothing changed since the last compile; target/ is up to date'
          : `compile: ${shortCut.patched === 1 ? '1 model file' : `${shortCut.patched} model files`} edited since the last compile; only their manifest entries and compiled SQL were rewritten`,
      ) + line('debug', 'finished with exit code 0');
    const file = path.join(dir, 'xform.log');
    const scrubbed = scrubSecrets(text);
    const limit = logFileMaxBytes(undefined);
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if ('bytes' in limit && mustRollOver(size, Buffer.byteLength(scrubbed), limit.bytes)) rollOver(file);
    appendFileSync(file, scrubbed);
  } catch {
    // A log that cannot be written never fails a compile.
  }
}
