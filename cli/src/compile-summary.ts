/** The line `xform compile` ends with; shared by a full compile and an unchanged one. */
import path from 'node:path';
import { dim, green } from './colors.js';

/** What an unchanged re-compile needs to print the same line (stored in the partial-parse snapshot). */
export interface CompileSummary {
  /** `10 models, 3 tests, 1 source`. */
  counts: string;
  targetDir: string;
  /** Warnings the compile printed; an unchanged re-compile only short-cuts when there were none. */
  warnings: number;
  /** fileStamp() of the manifest.json written (a patch compile patches only that one). */
  manifest?: string;
}

export function printCompileSummary(summary: CompileSummary, startedMs: number): void {
  const seconds = ((performance.now() - startedMs) / 1000).toFixed(2);
  const where = path.relative(process.cwd(), summary.targetDir) || '.';
  process.stdout.write(`${green('Compiled')} ${summary.counts} in ${seconds}s ${dim(`-> ${where}/manifest.json, ${where}/compiled/`)}\n`);
}
