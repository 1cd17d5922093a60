/**
 * `xform retry`, as dbt's `dbt retry`: the previous invocation's run_results.json says which command ran and
 * which nodes did not succeed; the same command runs again on those nodes only, a microbatch model that
 * partly succeeded on its failed batches only. The retry's own run_results.json continues the previous one,
 * so that a second retry picks up whatever still failed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XformError } from '../errors.js';
import { fsError } from '../fs-write.js';
import type { RunResultsFile } from './run-results.js';

/** A microbatch batch: [start, end) as ISO 8601 UTC strings. */
type Batch = [start: string, end: string];

/** run_results.json `batch_results` of a microbatch model (the run layer has its own type for writing it). */
interface PreviousBatchResults {
  successful: Batch[];
  failed: Batch[];
}

export type PreviousResult = RunResultsFile['results'][number] & { batch_results?: PreviousBatchResults | null };

/** A run_results.json as read back; `file` is where it was read from. */
export interface PreviousRun extends Omit<RunResultsFile, 'results'> {
  results: PreviousResult[];
  file: string;
}

/** Statuses dbt retries; a warning is not retried. */
export const RETRYABLE_STATUSES: ReadonlySet<string> = new Set(['error', 'fail', 'skipped', 'partial success', 'runtime error']);

/**
 * `<stateDir>/run_results.json`. A missing file is XFORM_NO_PREVIOUS_RUN naming the path; a file that is not
 * run results (or records no command) is XFORM_BAD_RUN_RESULTS.
 */
export async function readPreviousRun(stateDir: string): Promise<PreviousRun> {
  const file = path.join(stateDir, 'run_results.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new XformError('XFORM_NO_PREVIOUS_RUN', `no previous run to retry: ${file} does not exist`, {
        location: { file },
        hint: 'run xform run, build, seed or test first, or pass --state <dir> naming the target folder of the run to retry',
      });
    }
    throw fsError(err, 'the previous run results', file, 'read');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new XformError('XFORM_BAD_RUN_RESULTS', `${file} is not valid JSON: ${(err as Error).message}`, { location: { file } });
  }
  const run = parsed as Partial<PreviousRun> | null;
  if (run === null || typeof run !== 'object' || !Array.isArray(run.results) || run.args === null || typeof run.args !== 'object') {
    throw new XformError('XFORM_BAD_RUN_RESULTS', `${file} is not a run_results.json: expected 'results' and 'args'`, { location: { file } });
  }
  if (typeof run.args.which !== 'string') {
    throw new XformError('XFORM_BAD_RUN_RESULTS', `${file} does not record which command ran (args.which), so it cannot be retried`, { location: { file } });
  }
  return { ...(run as PreviousRun), file };
}

/** What retry needs to know of a node of the current project. */
export interface RetryNode {
  resourceType: string;
  /** unique_ids it depends on. */
  parents: readonly string[];
}

export interface RetryPlan {
  /** The command to run again (`args.which`). */
  which: string;
  /** unique_ids to run, all present in the project. */
  selected: Set<string>;
  /** Microbatch models that partly succeeded -> the batches that failed, the only ones to run again. */
  batches: Map<string, Batch[]>;
  /** Ids that should run again but are no longer in the project (removed or disabled since). */
  removed: string[];
}

/**
 * The nodes of `previous` to run again: those that did not succeed (RETRYABLE_STATUSES). For `build`, as
 * dbt does, the parents of a failed test are rebuilt with it, and every test the previous build ran on a
 * node that runs again runs again too (write-audit-publish tests the new relation, not the old one).
 * `node` answers for the current project; `runs` says which resource types the command runs.
 */
export function planRetry(previous: Pick<PreviousRun, 'results' | 'args'>, node: (id: string) => RetryNode | undefined, runs: (resourceType: string) => boolean): RetryPlan {
  const which = String(previous.args.which);
  const wanted = new Set(previous.results.filter((r) => RETRYABLE_STATUSES.has(r.status)).map((r) => r.unique_id));
  if (which === 'build') {
    const isTest = (id: string) => ['test', 'unit_test'].includes(node(id)?.resourceType ?? '');
    const failedTests = previous.results.filter((r) => (r.status === 'fail' || r.status === 'error') && isTest(r.unique_id));
    for (const r of failedTests) for (const p of node(r.unique_id)!.parents) if (node(p) !== undefined && runs(node(p)!.resourceType)) wanted.add(p);
    for (const r of previous.results) {
      if (wanted.has(r.unique_id) || !isTest(r.unique_id)) continue;
      if (node(r.unique_id)!.parents.some((p) => wanted.has(p))) wanted.add(r.unique_id);
    }
  }
  const selected = new Set<string>();
  const removed: string[] = [];
  for (const id of wanted) {
    const n = node(id);
    if (n === undefined) removed.push(id);
    else if (runs(n.resourceType)) selected.add(id);
  }
  // Only a partial success narrows to batches: with none successful the model runs as a whole (it may need
  // its first, full build).
  const batches = new Map<string, Batch[]>();
  for (const r of previous.results) {
    const b = r.batch_results;
    if (!selected.has(r.unique_id) || !b || b.successful.length === 0 || b.failed.length === 0) continue;
    batches.set(r.unique_id, b.failed.map(([s, e]) => [s, e]));
  }
  return { which, selected, batches, removed: removed.sort() };
}

/**
 * The retry's run results continuing `previous`: this run's results first, then the previous results of
 * nodes this run did not run (still in the project), so that the file describes the whole command. A
 * microbatch model that ran only its failed batches keeps the batches that succeeded before.
 */
export function continueRunResults(previous: Pick<PreviousRun, 'results'>, current: RunResultsFile, plan: Pick<RetryPlan, 'batches' | 'removed'>): RunResultsFile {
  const ran = new Set(current.results.map((r) => r.unique_id));
  const gone = new Set(plan.removed);
  const before = new Map(previous.results.map((r) => [r.unique_id, r]));
  const results = current.results.map((r): PreviousResult => {
    const asked = plan.batches.get(r.unique_id);
    const earlier = before.get(r.unique_id)?.batch_results;
    if (asked === undefined || !earlier) return r;
    const now = (r as PreviousResult).batch_results;
    // A model that failed before running any batch still owes the batches that were asked of it.
    const failed = now ? now.failed : asked;
    const successful = uniqueBatches([...earlier.successful, ...(now?.successful ?? [])]).filter((b) => !failed.some((f) => f[0] === b[0] && f[1] === b[1]));
    const status = failed.length === 0 && r.status === 'success' ? 'success' : r.status === 'success' ? 'partial success' : r.status;
    return { ...r, status, batch_results: { successful, failed: uniqueBatches(failed) } };
  });
  const carried = previous.results.filter((r) => !ran.has(r.unique_id) && !gone.has(r.unique_id));
  return { ...current, results: [...results, ...carried] };
}

function uniqueBatches(batches: Batch[]): Batch[] {
  const seen = new Map<string, Batch>();
  for (const b of batches) seen.set(`${b[0]}|${b[1]}`, [b[0], b[1]]);
  return [...seen.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
