/**
 * What every run lock shares, whatever holds it (a PostgreSQL advisory lock, a DuckDB file lock): trying
 * again until the wait runs out, and one way of saying who holds the target.
 */
import { XformError } from '../errors.js';
import type { RunLockOptions } from './types.js';

/** How often a waiting run asks again: a second run starts well within a second of the first one ending. */
const POLL_MS = 250;

/** The lock is taken: by whom, in words (`since … (pid …, host …)`), and the error that refuses the run. */
export interface LockHeld {
  held: true;
  /** Who holds it, e.g. `since 2026-12-06 03:10:02 UTC (pid 4242, host build-1)`. */
  holder: string;
}

export type LockWait = Omit<RunLockOptions, 'invocationId'>;

/** The one message a run gets when another run holds its target (`where`: the schema, or the DuckDB file). */
export function targetLockedError(
  target: { name: string },
  where: string,
  holder: string,
  waitedSeconds: number,
  who = 'another xform build',
): XformError {
  const waited = waitedSeconds >= 0.5 ? ` (waited ${Math.round(waitedSeconds)} s)` : '';
  return new XformError('XFORM_TARGET_LOCKED', `${who} holds target ${target.name} (${where}) ${holder}${waited}`, {
    hint: 'wait for it to finish, or pass --wait [seconds] to wait for it instead of refusing',
  });
}

/**
 * Calls `attempt` until it returns the lock. While the lock is held: refuses at once without a wait, else
 * calls `onWait` once and asks again every POLL_MS until `waitSeconds` have passed (then refuses) or the
 * signal aborts (XFORM_CANCELLED). `refuse` builds the error from the last holder and the seconds waited.
 */
export async function pollLock<T>(
  wait: LockWait,
  attempt: () => Promise<T | LockHeld>,
  refuse: (holder: string, waitedSeconds: number) => XformError,
): Promise<T> {
  const started = performance.now();
  const limitMs = (wait.waitSeconds ?? 0) * 1000;
  let announced = false;
  for (;;) {
    if (wait.signal?.aborted) throw cancelled();
    const result = await attempt();
    if (!isHeld(result)) return result;
    const waited = performance.now() - started;
    if (waited >= limitMs) throw refuse(result.holder, waited / 1000);
    if (!announced) {
      announced = true;
      wait.onWait?.(result.holder);
    }
    await sleep(Math.min(POLL_MS, limitMs - waited), wait.signal);
  }
}

function isHeld(value: unknown): value is LockHeld {
  return typeof value === 'object' && value !== null && (value as { held?: unknown }).held === true;
}

function cancelled(): XformError {
  return new XformError('XFORM_CANCELLED', 'cancelled while waiting for another xform build to finish');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `2026-12-06 03:10:02 UTC`: when a holder took the lock. */
export function formatLockTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
