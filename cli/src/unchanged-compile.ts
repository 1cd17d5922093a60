/**
 * `xform compile` when nothing changed since the last compile: the partial-parse snapshot in
 * `target/partial_parse.json` says whether any input (files, folders, profiles.yml, the environment
 * variables read, the command line, the xform build) differs; if none does, the manifest and compiled SQL
 * on disk are already what a compile would write: nothing is rewritten (only the snapshot itself, when
 * files it had to re-read can be trusted by their stat from now on). Runs before the compiler is loaded.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { scrubSecrets } from '@xform/core/secrets';
import { checkUnchanged, compileKey, readEnvKey, readSnapshot, snapshotStamp, writeSnapshot } from '@xform/core/partial-parse';
import { printCompileSummary, type CompileSummary } from './compile-summary.js';
import { parentProjectDir } from './project-root.js';

/**
 * The only flags the short cut accepts (each takes values); anything else (`--inline`, `--dry-run`,
 * `--no-partial-parse`, `--help`, a flag added later) means a full compile.
 */
const KNOWN_FLAGS = new Set(['--project-dir', '--profiles-dir', '-t', '--target', '--vars', '-s', '--select', '--exclude']);

/** The value of `--project-dir` in `args` (either `--project-dir x` or `--project-dir=x`). */
function projectDirArg(args: readonly string[]): string | undefined {
  let dir: string | undefined;
  args.forEach((arg, i) => {
    if (arg === '--project-dir') dir = args[i + 1];
    else if (arg.startsWith('--project-dir=')) dir = arg.slice('--project-dir='.length);
  });
  return dir;
}

/** The project folder as the full command finds it: --project-dir, else the nearest one upwards. */
function projectDirOf(args: readonly string[]): string {
  return path.resolve(projectDirArg(args) ?? parentProjectDir() ?? '.');
}

/** Exit code 0 when the last compile still stands (and its summary was printed); undefined otherwise. */
export function compileIfUnchanged(argv: readonly string[]): number | undefined {
  const started = performance.now();
  if (argv[0] !== 'compile' || argv.some((a) => a.startsWith('-') && !KNOWN_FLAGS.has(a.split('=')[0]!))) return undefined;
  const projectDir = projectDirOf(argv);
  // A project with another target-path keeps its snapshot there; it simply compiles in full.
  const targetDir = path.join(projectDir, 'target');
  const stamp = snapshotStamp(targetDir);
  const snapshot = readSnapshot(targetDir);
  const envKey = readEnvKey(targetDir);
  if (!snapshot || !envKey) return undefined;
  const summary = snapshot.result as CompileSummary;
  if (summary.warnings !== 0) return undefined;
  const check = checkUnchanged(snapshot, { key: compileKey(argv, process.cwd()), env: process.env, envKey });
  if (!check.unchanged) return undefined;
  // Another compile may have replaced the snapshot meanwhile (its own is newer): keep that one.
  if (check.refreshed && snapshotStamp(targetDir) === stamp) {
    try {
      writeSnapshot(targetDir, check.refreshed);
    } catch {
      // Only the next check's speed depends on it.
    }
  }
  printCompileSummary(summary, started);
  return 0;
}

/**
 * The log file's lines for a compile answered by the short cut, written without loading the logging module
 * (and with it the compiler) that every other command starts with; same format as logging.ts.
 */
export function logUnchangedCompile(argv: readonly string[], exitCode: number): void {
  const dir = path.join(projectDirOf(argv), 'logs');
  const now = new Date().toISOString();
  const line = (level: string, text: string) => `${now.slice(11, 23)} [${level.padEnd(5)}] ${text}\n`;
  try {
    mkdirSync(dir, { recursive: true });
    const text =
      line('info', `${'='.repeat(20)} ${now} | xform ${argv.join(' ')} ${'='.repeat(20)}`) +
      line('info', 'compile: nothing changed since the last compile; target/ is up to date') +
      line('debug', `finished with exit code ${exitCode}`);
    appendFileSync(path.join(dir, 'xform.log'), scrubSecrets(text));
  } catch {
    // A log that cannot be written never fails a compile.
  }
}
