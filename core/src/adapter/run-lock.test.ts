import { describe, expect, it } from 'vitest';
import { formatLockTime, pollLock, targetLockedError } from './run-lock.js';

const held = { held: true as const, holder: 'since 2026-12-06 03:10:02 UTC (pid 4242, host build-1)' };
const refuse = (holder: string, waited: number) => targetLockedError({ name: 'dev' }, 'analytics', holder, waited);

describe('pollLock', () => {
  it('refuses at once without --wait, naming the holder', async () => {
    let attempts = 0;
    const error = await pollLock({}, async () => (attempts++, held), refuse).catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).toMatchObject({
      code: 'XFORM_TARGET_LOCKED',
      message: 'another xform build holds target dev (analytics) since 2026-12-06 03:10:02 UTC (pid 4242, host build-1)',
    });
    expect((error as Error).message).not.toContain('waited');
  });

  it('waits, announcing the holder once, until the lock is free', async () => {
    const announced: string[] = [];
    let attempts = 0;
    const lock = await pollLock({ waitSeconds: Infinity, onWait: (h) => announced.push(h) }, async () => (++attempts < 3 ? held : 'the lock'), refuse);
    expect(lock).toBe('the lock');
    expect(announced).toEqual([held.holder]);
  });

  it('gives up after the seconds given, saying how long it waited', async () => {
    const error = await pollLock({ waitSeconds: 0.6 }, async () => held, refuse).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/\(waited 1 s\)$/u);
  });

  it('stops waiting on Ctrl-C', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const error = await pollLock({ waitSeconds: Infinity, signal: abort.signal }, async () => held, refuse).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'XFORM_CANCELLED' });
  });

  it('formats times in UTC to the second', () => {
    expect(formatLockTime(new Date('2026-12-06T03:10:02.345Z'))).toBe('2026-12-06 03:10:02 UTC');
  });
});
