import type { Manifest, RunResult } from '@xform/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunPrinter } from './run-printer.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const NODES = 50;
const ids = Array.from({ length: NODES }, (_, i) => `model.p.m${i}`);
const manifest = {
  nodes: Object.fromEntries(ids.map((id, i) => [id, { resource_type: 'model', name: `m${i}`, schema: 'main', alias: `m${i}`, config: { materialized: 'view' } }])),
} as unknown as Manifest;

const result = (unique_id: string): RunResult => ({ unique_id, status: 'success', message: 'CREATE VIEW', timing: [], execution_time: 0, adapter_response: {} });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('run progress lines on stdout', () => {
  it('nodes finishing one per turn of the event loop are written together, every line in order, all of them by close()', async () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    });
    const printer = new RunPrinter(manifest, 'text', { progress: 'off' });
    printer.event({ type: 'run_start', total: NODES });
    for (const [i, id] of ids.entries()) {
      printer.event({ type: 'node_finish', id, index: i + 1, total: NODES, status: 'success', seconds: 0.01, message: 'CREATE VIEW', result: result(id) });
      await nextTurn();
    }
    printer.close();
    const lines = writes.join('').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(NODES);
    expect(lines.map((l) => /main\.(m\d+)/.exec(l)?.[1])).toEqual(ids.map((_, i) => `m${i}`));
    // A write per node costs as much as a fast node's own work; a few writes for the run are enough.
    expect(writes.length).toBeLessThan(NODES / 5);
  });
});
