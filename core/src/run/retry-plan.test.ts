import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { continueRunResults, planRetry, readPreviousRun, type PreviousResult, type RetryNode } from './retry-plan.js';
import type { RunResultsFile } from './run-results.js';

/** A run_results.json entry as the file holds it. */
function result(unique_id: string, status: string, extra: Partial<PreviousResult> = {}): PreviousResult {
  return {
    unique_id,
    status,
    timing: [],
    thread_id: null,
    execution_time: 0,
    adapter_response: {},
    message: null,
    failures: null,
    rows_affected: null,
    relation_name: null,
    ...extra,
  };
}

function file(results: PreviousResult[], which = 'run'): RunResultsFile {
  return {
    metadata: { dbt_schema_version: '', xform_version: '0', generated_at: '2026-12-06T00:00:00.000Z', invocation_id: 'i', env: {} },
    results,
    elapsed_time: 1,
    args: { which },
  };
}

/**
 * The project: raw (seed) -> stg -> fct -> rpt, and other (independent); tests on stg and fct, a
 * relationships test reading fct and a source, a unit test of fct, and events (a microbatch model).
 */
const PROJECT: Record<string, RetryNode> = {
  'seed.p.raw': { resourceType: 'seed', parents: [] },
  'model.p.stg': { resourceType: 'model', parents: ['seed.p.raw'] },
  'model.p.fct': { resourceType: 'model', parents: ['model.p.stg'] },
  'model.p.rpt': { resourceType: 'model', parents: ['model.p.fct'] },
  'model.p.other': { resourceType: 'model', parents: [] },
  'model.p.events': { resourceType: 'model', parents: [] },
  'test.p.not_null_stg_id.1': { resourceType: 'test', parents: ['model.p.stg'] },
  'test.p.unique_fct_id.2': { resourceType: 'test', parents: ['model.p.fct'] },
  'test.p.not_null_fct_id.3': { resourceType: 'test', parents: ['model.p.fct'] },
  'test.p.relationships_fct_src.4': { resourceType: 'test', parents: ['model.p.fct', 'source.p.raw.customers'] },
  'test.p.not_null_other_id.5': { resourceType: 'test', parents: ['model.p.other'] },
  'unit_test.p.fct.test_fct': { resourceType: 'unit_test', parents: ['model.p.fct'] },
};
const node = (id: string) => PROJECT[id];
const kinds = (...types: string[]) => (type: string) => types.includes(type);
const BUILD = kinds('seed', 'model', 'test', 'unit_test', 'snapshot');

describe('planRetry', () => {
  it('run: re-runs the failed model and its skipped child, not what succeeded', () => {
    const previous = file([
      result('model.p.stg', 'success'),
      result('model.p.fct', 'error'),
      result('model.p.rpt', 'skipped'),
      result('model.p.other', 'success'),
    ]);
    const plan = planRetry(previous, node, kinds('model'));
    expect(plan.which).toBe('run');
    expect([...plan.selected].sort()).toEqual(['model.p.fct', 'model.p.rpt']);
    expect(plan.batches.size).toBe(0);
    expect(plan.removed).toEqual([]);
  });

  it('has nothing to retry when every node succeeded, passed or only warned', () => {
    const previous = file([result('model.p.stg', 'success'), result('test.p.not_null_stg_id.1', 'warn'), result('test.p.unique_fct_id.2', 'pass')], 'build');
    expect(planRetry(previous, node, BUILD).selected.size).toBe(0);
  });

  it('build: a failed test rebuilds its model, and every test the build ran on that model runs again', () => {
    const previous = file(
      [
        result('seed.p.raw', 'success'),
        result('model.p.stg', 'success'),
        result('test.p.not_null_stg_id.1', 'pass'),
        result('model.p.fct', 'success'),
        result('test.p.unique_fct_id.2', 'fail', { failures: 2 }),
        result('test.p.not_null_fct_id.3', 'pass'),
        result('test.p.relationships_fct_src.4', 'pass'),
        result('unit_test.p.fct.test_fct', 'pass'),
        result('model.p.rpt', 'success'),
        result('model.p.other', 'success'),
        result('test.p.not_null_other_id.5', 'pass'),
      ],
      'build',
    );
    const plan = planRetry(previous, node, BUILD);
    expect([...plan.selected].sort()).toEqual([
      'model.p.fct',
      'test.p.not_null_fct_id.3',
      'test.p.relationships_fct_src.4',
      'test.p.unique_fct_id.2',
      'unit_test.p.fct.test_fct',
    ]);
  });

  it('build: a model that failed runs again with its skipped tests and skipped children', () => {
    const previous = file(
      [
        result('model.p.stg', 'success'),
        result('model.p.fct', 'error'),
        result('test.p.unique_fct_id.2', 'skipped'),
        result('model.p.rpt', 'skipped'),
        result('model.p.other', 'success'),
      ],
      'build',
    );
    expect([...planRetry(previous, node, BUILD).selected].sort()).toEqual(['model.p.fct', 'model.p.rpt', 'test.p.unique_fct_id.2']);
  });

  it('test: a failed test runs again alone (xform test never builds its model)', () => {
    const previous = file([result('test.p.unique_fct_id.2', 'fail'), result('test.p.not_null_fct_id.3', 'pass')], 'test');
    expect([...planRetry(previous, node, kinds('test', 'unit_test')).selected]).toEqual(['test.p.unique_fct_id.2']);
  });

  it('a microbatch model that partly succeeded runs only its failed batches; one that fully failed runs whole', () => {
    const day = (d: number): [string, string] => [`2026-01-${String(d).padStart(2, '0')}T00:00:00Z`, `2026-01-${String(d + 1).padStart(2, '0')}T00:00:00Z`];
    const previous = file([
      result('model.p.events', 'partial success', { batch_results: { successful: [day(1), day(3)], failed: [day(2), day(4)] } }),
      result('model.p.fct', 'error', { batch_results: { successful: [], failed: [day(1), day(2)] } }),
      result('model.p.rpt', 'skipped'),
    ]);
    const plan = planRetry(previous, node, kinds('model'));
    expect([...plan.selected].sort()).toEqual(['model.p.events', 'model.p.fct', 'model.p.rpt']);
    expect([...plan.batches]).toEqual([['model.p.events', [day(2), day(4)]]]);
  });

  it('names the nodes that are no longer in the project and does not run them', () => {
    const previous = file([result('model.p.gone', 'error'), result('model.p.rpt', 'skipped')]);
    const plan = planRetry(previous, node, kinds('model'));
    expect(plan.removed).toEqual(['model.p.gone']);
    expect([...plan.selected]).toEqual(['model.p.rpt']);
  });
});

describe('planRetry on a hand-written dbt run_results.json', () => {
  // A dbt 1.9 `build` (dbt's own keys and nulls included): a partly failed microbatch model and its skipped
  // child, a model error with its skipped test, a failed and a warning test on a model that succeeded.
  const fixture = fileURLToPath(new URL('./__fixtures__/dbt-build', import.meta.url));
  const SHOP: Record<string, RetryNode> = {
    'seed.shop.raw_orders': { resourceType: 'seed', parents: [] },
    'model.shop.stg_events': { resourceType: 'model', parents: ['source.shop.raw.events'] },
    'model.shop.fct_daily': { resourceType: 'model', parents: ['model.shop.stg_events'] },
    'model.shop.stg_orders': { resourceType: 'model', parents: ['seed.shop.raw_orders'] },
    'model.shop.customers': { resourceType: 'model', parents: [] },
    'test.shop.not_null_stg_orders_order_id.5fb22c2a3f': { resourceType: 'test', parents: ['model.shop.stg_orders'] },
    'test.shop.unique_customers_customer_id.c5af1ff4b5': { resourceType: 'test', parents: ['model.shop.customers'] },
    'test.shop.not_null_customers_email.0a1b2c3d4e': { resourceType: 'test', parents: ['model.shop.customers'] },
  };

  it('retries the failed, skipped and partly successful nodes, the failed test with its model and that model\'s tests', async () => {
    const previous = await readPreviousRun(fixture);
    const plan = planRetry(previous, (id) => SHOP[id], BUILD);
    expect(plan.which).toBe('build');
    expect([...plan.selected].sort()).toEqual([
      'model.shop.customers',
      'model.shop.fct_daily',
      'model.shop.stg_events',
      'model.shop.stg_orders',
      'test.shop.not_null_customers_email.0a1b2c3d4e',
      'test.shop.not_null_stg_orders_order_id.5fb22c2a3f',
      'test.shop.unique_customers_customer_id.c5af1ff4b5',
    ]);
    expect([...plan.batches]).toEqual([['model.shop.stg_events', [['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z']]]]);
  });
});

describe('continueRunResults', () => {
  const d1: [string, string] = ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'];
  const d2: [string, string] = ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'];
  const d3: [string, string] = ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z'];

  it('keeps the previous results of nodes not run again, drops removed nodes, and lists the retried ones once', () => {
    const previous = file([result('model.p.stg', 'success'), result('model.p.fct', 'error'), result('model.p.rpt', 'skipped'), result('model.p.gone', 'error')]);
    const current = file([result('model.p.fct', 'success'), result('model.p.rpt', 'error')]);
    const merged = continueRunResults(previous, current, { batches: new Map(), removed: ['model.p.gone'] });
    expect(merged.results.map((r) => [r.unique_id, r.status])).toEqual([
      ['model.p.fct', 'success'],
      ['model.p.rpt', 'error'],
      ['model.p.stg', 'success'],
    ]);
    expect(merged.args).toEqual(current.args);
  });

  it('a microbatch model keeps the batches that succeeded before; all batches done is a success', () => {
    const previous = file([result('model.p.events', 'partial success', { batch_results: { successful: [d1, d3], failed: [d2] } })]);
    const current = file([result('model.p.events', 'success', { batch_results: { successful: [d2], failed: [] } })]);
    const merged = continueRunResults(previous, current, { batches: new Map([['model.p.events', [d2]]]), removed: [] });
    expect(merged.results).toHaveLength(1);
    expect(merged.results[0]).toMatchObject({ status: 'success', batch_results: { successful: [d1, d2, d3], failed: [] } });
  });

  it('a microbatch model that failed before running a batch still owes the batches asked of it', () => {
    const previous = file([result('model.p.events', 'partial success', { batch_results: { successful: [d1], failed: [d2, d3] } })]);
    const current = file([result('model.p.events', 'error')]);
    const merged = continueRunResults(previous, current, { batches: new Map([['model.p.events', [d2, d3]]]), removed: [] });
    expect(merged.results[0]).toMatchObject({ status: 'error', batch_results: { successful: [d1], failed: [d2, d3] } });
    // ... so that the next retry again runs exactly those.
    expect([...planRetry(merged, node, kinds('model')).batches]).toEqual([['model.p.events', [d2, d3]]]);
  });
});

describe('readPreviousRun', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  const dir = async (text?: string) => {
    const d = await mkdtemp(path.join(tmpdir(), 'xform-retry-'));
    dirs.push(d);
    if (text !== undefined) await writeFile(path.join(d, 'run_results.json'), text);
    return d;
  };

  it('reads the file back', async () => {
    const d = await dir(JSON.stringify(file([result('model.p.fct', 'error')], 'build')));
    const run = await readPreviousRun(d);
    expect(run.args.which).toBe('build');
    expect(run.file).toBe(path.join(d, 'run_results.json'));
  });

  it('a missing file names the path it looked for', async () => {
    const d = await dir();
    await expect(readPreviousRun(d)).rejects.toMatchObject({ code: 'XFORM_NO_PREVIOUS_RUN', message: `no previous run to retry: ${path.join(d, 'run_results.json')} does not exist` });
  });

  it('a file that is not run results, or records no command, is refused with its path', async () => {
    await expect(readPreviousRun(await dir('{"results": ['))).rejects.toMatchObject({ code: 'XFORM_BAD_RUN_RESULTS' });
    await expect(readPreviousRun(await dir('{"nodes": {}}'))).rejects.toMatchObject({ code: 'XFORM_BAD_RUN_RESULTS' });
    await expect(readPreviousRun(await dir('{"results": [], "args": {}}'))).rejects.toMatchObject({ code: 'XFORM_BAD_RUN_RESULTS', message: expect.stringContaining('args.which') });
  });
});
