import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRunResults } from './run-results.js';
import type { RunResult } from './scheduler.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('writeRunResults', () => {
  it("writes target/run_results.json in dbt's shape without secrets", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'xform-rr-'));
    dirs.push(dir);
    const results: RunResult[] = [
      {
        unique_id: 'model.shop.orders',
        status: 'success',
        message: 'CREATE TABLE (3 rows)',
        timing: [{ name: 'execute', started_at: '2024-01-01T00:00:00.000Z', completed_at: '2024-01-01T00:00:01.500Z' }],
        thread_id: 'Thread-1',
        execution_time: 1.5,
        adapter_response: { _message: 'SELECT 3', rows_affected: 3 },
        rows_affected: 3,
        relation_name: '"db"."main"."orders"',
        error: new Error('not serialised'),
      },
      { unique_id: 'model.shop.after', status: 'skipped', message: "skipped: upstream model 'orders' failed", timing: [], execution_time: 0, adapter_response: {} },
    ];
    const file = await writeRunResults(path.join(dir, 'target'), results, {
      invocationId: 'abc-123',
      generatedAt: new Date('2024-01-01T00:00:02Z'),
      elapsed: 2.25,
      args: { which: 'run', select: ['orders'], threads: 4, vars: { db_password: 'hunter2', region: 'eu' }, target: 'dev' },
    });
    expect(file).toBe(path.join(dir, 'target', 'run_results.json'));
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('not serialised');
    const json = JSON.parse(text);
    expect(json.metadata).toMatchObject({ invocation_id: 'abc-123', generated_at: '2024-01-01T00:00:02.000Z' });
    expect(json.metadata.dbt_schema_version).toContain('run-results');
    expect(json.elapsed_time).toBe(2.25);
    expect(json.args).toEqual({ which: 'run', select: ['orders'], threads: 4, vars: { db_password: '[redacted]', region: 'eu' }, target: 'dev' });
    expect(json.results[0]).toEqual({
      unique_id: 'model.shop.orders',
      status: 'success',
      timing: [{ name: 'execute', started_at: '2024-01-01T00:00:00.000Z', completed_at: '2024-01-01T00:00:01.500Z' }],
      thread_id: 'Thread-1',
      execution_time: 1.5,
      adapter_response: { _message: 'SELECT 3', rows_affected: 3 },
      message: 'CREATE TABLE (3 rows)',
      failures: null,
      rows_affected: 3,
      relation_name: '"db"."main"."orders"',
    });
    expect(json.results[1]).toMatchObject({ status: 'skipped', thread_id: null, timing: [], relation_name: null });
  });
});
