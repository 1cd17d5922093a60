/**
 * The log file's size limit, as dbt's: `--log-file-max-bytes` (or XFORM_LOG_FILE_MAX_BYTES; dbt reads
 * DBT_LOG_FILE_MAX_BYTES), 10 MB by default, 0 for no limit. A log about to pass it rolls over: xform.log
 * becomes xform.log.1, xform.log.1 becomes xform.log.2 and so on, and the fifth is dropped (dbt's five
 * backups), so a project scheduled every few minutes keeps at most ~60 MB of log.
 */
import { renameSync, rmSync } from 'node:fs';

export const DEFAULT_LOG_FILE_MAX_BYTES = 10 * 1024 * 1024;
/** Rolled-over files kept beside the log (xform.log.1 ... xform.log.5). */
export const LOG_FILE_BACKUPS = 5;

/**
 * The limit from the flag, else the environment, else the default: `bytes`, or `bad` with the value and
 * where it came from when that is not a whole number of at least 0.
 */
export function logFileMaxBytes(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { bytes: number } | { bad: string; from: string } {
  const [text, from] = flag !== undefined ? [flag, '--log-file-max-bytes'] : [env.XFORM_LOG_FILE_MAX_BYTES, 'XFORM_LOG_FILE_MAX_BYTES'];
  if (text === undefined || (flag === undefined && text.trim() === '')) return { bytes: DEFAULT_LOG_FILE_MAX_BYTES };
  const bytes = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(bytes) ? { bytes } : { bad: text, from };
}

/**
 * Whether a log holding `size` bytes must roll over before `incoming` more are written: it is not empty
 * (a single write larger than the limit still goes in whole) and would pass `max` (0: never).
 */
export function mustRollOver(size: number, incoming: number, max: number): boolean {
  return max > 0 && size > 0 && size + incoming > max;
}

/**
 * Rolls `file` over: each backup moves up one number, the oldest is removed, `file` becomes `file.1`.
 * Another xform writing the same log at once may have done it already: a file gone missing is skipped.
 * Never throws; says whether `file` was moved aside.
 */
export function rollOver(file: string): boolean {
  try {
    rmSync(`${file}.${LOG_FILE_BACKUPS}`, { force: true });
    for (let n = LOG_FILE_BACKUPS - 1; n >= 1; n--) moveIfThere(`${file}.${n}`, `${file}.${n + 1}`);
    return moveIfThere(file, `${file}.1`);
  } catch {
    // A log that cannot roll over keeps growing; it never stops a command.
    return false;
  }
}

function moveIfThere(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
