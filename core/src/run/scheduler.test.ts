import { describe, expect, it } from 'vitest';
import { runScheduler, type NodeOutcome, type RunEvent, type SchedulerNode } from './scheduler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** model.p.<name> ids so that skip messages read naturally. */
function graph(edges: Record<string, string[]>): SchedulerNode[] {
  return Object.entries(edges).map(([name, parents]) => ({ id: `model.p.${name}`, parents: parents.map((p) => `model.p.${p}`) }));
}
const short = (id: string) => id.split('.').pop()!;

describe('runScheduler', () => {
  it('starts a node only after all its parents succeeded, whatever the input order', async () => {
    const nodes = graph({ d: ['b', 'c'], c: ['a'], b: ['a'], a: [], e: [] });
    const finishedAt = new Map<string, number>();
    const startedAt = new Map<string, number>();
    let clock = 0;
    const results = await runScheduler({
      nodes,
      threads: 4,
      async execute(id) {
        startedAt.set(short(id), clock++);
        await sleep(short(id) === 'b' ? 30 : 5);
        finishedAt.set(short(id), clock++);
        return { status: 'success', message: 'OK' };
      },
    });
    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success', 'success', 'success']);
    expect(startedAt.get('b')!).toBeGreaterThan(finishedAt.get('a')!);
    expect(startedAt.get('c')!).toBeGreaterThan(finishedAt.get('a')!);
    expect(startedAt.get('d')!).toBeGreaterThan(finishedAt.get('b')!);
    expect(startedAt.get('d')!).toBeGreaterThan(finishedAt.get('c')!);
    // Results come in completion order: d is last, a precedes b and c.
    expect(short(results.at(-1)!.unique_id)).toBe('d');
    for (const r of results) {
      expect(r.timing[0]!.name).toBe('execute');
      expect(Date.parse(r.timing[0]!.completed_at)).toBeGreaterThanOrEqual(Date.parse(r.timing[0]!.started_at));
      expect(r.thread_id).toMatch(/^Thread-[1-4]$/);
    }
  });

  it('never runs more than `threads` executes at once, and does use them all', async () => {
    const nodes = Array.from({ length: 40 }, (_, i) => ({ id: `model.p.n${i}`, parents: i >= 20 ? [`model.p.n${i - 20}`] : [] }));
    let running = 0;
    let peak = 0;
    const threadsInUse = new Set<string>();
    const results = await runScheduler({
      nodes,
      threads: 3,
      async execute() {
        running++;
        peak = Math.max(peak, running);
        await sleep(2 + Math.random() * 5);
        running--;
        return { status: 'success', message: 'OK' };
      },
      onEvent(e) {
        if (e.type === 'node_start') {
          expect(threadsInUse.has(e.threadId)).toBe(false);
          threadsInUse.add(e.threadId);
        }
        if (e.type === 'node_finish' && e.result.thread_id) threadsInUse.delete(e.result.thread_id);
      },
    });
    expect(results).toHaveLength(40);
    expect(peak).toBe(3);
  });

  it('skips every descendant of a failed node while an independent branch completes', async () => {
    // a -> b -> c -> d, b -> e ; x -> y (independent)
    const nodes = graph({ a: [], b: ['a'], c: ['b'], d: ['c'], e: ['b'], x: [], y: ['x'] });
    const executed: string[] = [];
    const events: RunEvent[] = [];
    const results = await runScheduler({
      nodes,
      threads: 2,
      async execute(id) {
        executed.push(short(id));
        await sleep(short(id) === 'x' ? 20 : 1);
        if (short(id) === 'b') throw new Error('relation "missing" does not exist');
        return { status: 'success', message: 'OK', rowsAffected: 1 };
      },
      onEvent: (e) => events.push(e),
    });
    const byName = new Map(results.map((r) => [short(r.unique_id), r]));
    expect(executed.sort()).toEqual(['a', 'b', 'x', 'y']);
    expect(byName.get('b')!.status).toBe('error');
    expect(byName.get('b')!.message).toContain('does not exist');
    for (const name of ['c', 'd', 'e']) {
      expect(byName.get(name)!.status).toBe('skipped');
      expect(byName.get(name)!.message).toBe("skipped: upstream model 'b' failed");
    }
    expect(byName.get('y')!.status).toBe('success');
    expect(byName.get('y')!.rows_affected).toBe(1);
    expect(results).toHaveLength(7);
    // Every node gets exactly one finish event with a unique index 1..7.
    const finishes = events.filter((e) => e.type === 'node_finish');
    expect(finishes.map((e) => (e as { index: number }).index).sort((p, q) => p - q)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events[0]).toEqual({ type: 'run_start', total: 7 });
    expect(events.at(-1)!.type).toBe('run_finish');
  });

  it('numbers nodes in finishing order: the slow node started first is "N of N"', async () => {
    const nodes = graph({ slow: [], a: [], b: [], c: ['a'] });
    const events: RunEvent[] = [];
    await runScheduler({
      nodes,
      threads: 2,
      async execute(id) {
        await sleep(short(id) === 'slow' ? 60 : 2);
        return { status: 'success', message: 'OK' };
      },
      onEvent: (e) => events.push(e),
    });
    const finishes = events.flatMap((e) => (e.type === 'node_finish' ? [[short(e.id), e.index] as const] : []));
    expect(finishes.map(([, index]) => index)).toEqual([1, 2, 3, 4]);
    expect(finishes.at(-1)).toEqual(['slow', 4]);
    expect(events.find((e) => e.type === 'node_start')).not.toHaveProperty('index');
  });

  it('treats a test failure like an error for descendants, but not a warning', async () => {
    const nodes = [
      { id: 'test.p.unique_a_id.abc123', parents: [] },
      { id: 'model.p.after_fail', parents: ['test.p.unique_a_id.abc123'] },
      { id: 'test.p.warns.def456', parents: [] },
      { id: 'model.p.after_warn', parents: ['test.p.warns.def456'] },
    ];
    const results = await runScheduler({
      nodes,
      threads: 1,
      async execute(id): Promise<NodeOutcome> {
        if (id.startsWith('test.p.unique')) return { status: 'fail', message: 'Got 2 results', failures: 2 };
        if (id.startsWith('test.p.warns')) return { status: 'warn', message: 'Got 1 result', failures: 1 };
        return { status: 'success', message: 'OK' };
      },
    });
    const byId = new Map(results.map((r) => [r.unique_id, r]));
    expect(byId.get('model.p.after_fail')!.message).toBe("skipped: upstream test 'unique_a_id' failed");
    expect(byId.get('model.p.after_warn')!.status).toBe('success');
    expect(byId.get('test.p.unique_a_id.abc123')!.failures).toBe(2);
  });

  it('fail-fast stops launching new nodes and reports the rest as skipped', async () => {
    const nodes = Array.from({ length: 10 }, (_, i) => ({ id: `model.p.n${i}`, parents: [] }));
    const executed: string[] = [];
    const results = await runScheduler({
      nodes,
      threads: 1,
      failFast: true,
      async execute(id) {
        executed.push(id);
        await sleep(1);
        return id === 'model.p.n2' ? { status: 'error', message: 'boom' } : { status: 'success', message: 'OK' };
      },
    });
    expect(executed).toEqual(['model.p.n0', 'model.p.n1', 'model.p.n2']);
    expect(results).toHaveLength(10);
    expect(results.filter((r) => r.status === 'skipped')).toHaveLength(7);
    expect(results.find((r) => r.unique_id === 'model.p.n9')!.message).toBe("skipped: fail-fast after model 'n2' failed");
  });

  it('abort stops launching, signals running executes, and settles', async () => {
    const nodes = Array.from({ length: 6 }, (_, i) => ({ id: `model.p.n${i}`, parents: [] }));
    const controller = new AbortController();
    const executed: string[] = [];
    let sawAbort = 0;
    const promise = runScheduler({
      nodes,
      threads: 2,
      signal: controller.signal,
      execute(id, signal) {
        executed.push(id);
        return new Promise<NodeOutcome>((resolve) => {
          const timer = setTimeout(() => resolve({ status: 'success', message: 'OK' }), 5_000);
          signal.addEventListener('abort', () => {
            sawAbort++;
            clearTimeout(timer);
            resolve({ status: 'error', message: 'canceling statement due to user request' });
          });
        });
      },
    });
    await sleep(20);
    controller.abort();
    const started = Date.now();
    const results = await promise;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(executed).toHaveLength(2);
    expect(sawAbort).toBe(2);
    expect(results.filter((r) => r.status === 'error')).toHaveLength(2);
    expect(results.filter((r) => r.status === 'skipped').map((r) => r.message)).toEqual(Array(4).fill('skipped: run cancelled'));
  });

  it('handles an empty run and a 10,000-node chain without quadratic work or deep recursion', async () => {
    expect(await runScheduler({ nodes: [], threads: 4, execute: async () => ({ status: 'success', message: '' }) })).toEqual([]);
    const n = 10_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `model.p.n${i}`, parents: i === 0 ? [] : [`model.p.n${i - 1}`, `model.p.n${Math.floor(i / 2)}`] }));
    const started = Date.now();
    const results = await runScheduler({
      nodes: nodes.reverse(),
      threads: 8,
      execute: async (id) => (id === 'model.p.n1' ? { status: 'error', message: 'x' } : { status: 'success', message: 'OK' }),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(results).toHaveLength(n);
    expect(results.filter((r) => r.status === 'skipped')).toHaveLength(n - 2);
  });

  it('ignores parents outside the run set', async () => {
    const results = await runScheduler({
      nodes: [{ id: 'model.p.b', parents: ['model.p.not_selected'] }],
      threads: 1,
      execute: async () => ({ status: 'success', message: 'OK' }),
    });
    expect(results[0]!.status).toBe('success');
  });
  it('finishes the nodes an execution settled (audited tests) with their outcomes, right after the node itself', async () => {
    const nodes: SchedulerNode[] = [
      ...graph({ m: [], child: ['m'], other: [] }),
      { id: 'test.p.unique_m.1', parents: ['model.p.m'] },
      { id: 'test.p.not_null_m.2', parents: ['model.p.m'] },
    ];
    const executed: string[] = [];
    const events: RunEvent[] = [];
    const results = await runScheduler({
      nodes,
      threads: 2,
      onEvent: (e) => events.push(e),
      async execute(id): Promise<NodeOutcome> {
        executed.push(id);
        if (id !== 'model.p.m') return { status: 'success', message: 'OK' };
        return {
          status: 'error',
          message: 'not published: blocked by test unique_m',
          settled: [
            { id: 'test.p.unique_m.1', outcome: { status: 'fail', message: 'FAIL 2 failing rows', failures: 2 }, seconds: 0.01 },
            { id: 'test.p.not_null_m.2', outcome: { status: 'pass', message: 'PASS', failures: 0 }, seconds: 0.01 },
          ],
        };
      },
    });
    // The audited tests were never executed on their own; the child of the blocked model was skipped.
    expect(executed.sort()).toEqual(['model.p.m', 'model.p.other']);
    const status = Object.fromEntries(results.map((r) => [r.unique_id, r.status]));
    expect(status).toEqual({
      'model.p.m': 'error',
      'model.p.child': 'skipped',
      'model.p.other': 'success',
      'test.p.unique_m.1': 'fail',
      'test.p.not_null_m.2': 'pass',
    });
    expect(results.find((r) => r.unique_id === 'test.p.unique_m.1')!.failures).toBe(2);
    const order = events.filter((e) => e.type === 'node_finish').map((e) => (e as { id: string }).id);
    expect(order.indexOf('test.p.unique_m.1')).toBeGreaterThan(order.indexOf('model.p.m'));
    const indexes = events.filter((e) => e.type === 'node_finish').map((e) => (e as { index: number }).index);
    expect([...indexes].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  });
});
