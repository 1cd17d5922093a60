import { describe, expect, it } from 'vitest';
import { Pool } from './pool.js';

function counterPool(max: number, resetFails = false) {
  let created = 0;
  const destroyed: number[] = [];
  const pool = new Pool<{ id: number }>({
    max,
    create: async () => ({ id: ++created }),
    reset: async () => {
      if (resetFails) throw new Error('reset failed');
    },
    destroy: async (item) => void destroyed.push(item.id),
  });
  return { pool, created: () => created, destroyed };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Pool', () => {
  it('creates lazily, never more than max, and reuses released items', async () => {
    const { pool, created } = counterPool(2);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(created()).toBe(2);
    const third = pool.acquire();
    let got: { id: number } | undefined;
    void third.then((item) => (got = item));
    await tick();
    expect(got).toBeUndefined();
    pool.release(a);
    await tick();
    expect(got).toBe(a);
    expect(created()).toBe(2);
    expect(pool.inUse).toEqual(expect.arrayContaining([a, b]));
    await pool.close();
  });

  it('destroys an item whose reset fails and creates a new one for the next taker', async () => {
    const { pool, destroyed } = counterPool(1, true);
    const a = await pool.acquire();
    const next = pool.acquire();
    pool.release(a);
    const b = await next;
    expect(b).not.toBe(a);
    expect(destroyed).toEqual([1]);
    await pool.close();
    expect(destroyed).toEqual([1, 2]);
  });

  it('rejects waiters when closed', async () => {
    const { pool } = counterPool(1);
    await pool.acquire();
    const waiting = pool.acquire();
    await pool.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
