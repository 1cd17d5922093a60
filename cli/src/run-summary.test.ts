import type { Manifest, RunResult } from '@xform/core';
import { describe, expect, it } from 'vitest';
import { completedLine, problemLines, problemsOf, statsLine, statsOf } from './run-summary.js';

const manifest = {
  nodes: {
    'model.p.bad': { resource_type: 'model', name: 'bad', original_file_path: 'models/bad.sql' },
    'model.p.mb': { resource_type: 'model', name: 'mb', original_file_path: 'models/mb.sql' },
    'test.p.t.1': { resource_type: 'test', name: 't', original_file_path: 'models/schema.yml' },
  },
} as unknown as Manifest;

const result = (unique_id: string, status: RunResult['status'], message: string, error?: unknown): RunResult => ({
  unique_id,
  status,
  message,
  timing: [],
  execution_time: 0,
  adapter_response: {},
  ...(error === undefined ? {} : { error }),
});

describe('the closing block', () => {
  it("uses dbt's wording for each mix of errors, partial successes and warnings", () => {
    const none = { errors: [], partial: [], warnings: [] };
    const one = [{ unique_id: 'x', status: 'error' as const, node: 'model x', message: 'm' }];
    expect(completedLine(none, false)).toBe('Completed successfully');
    expect(completedLine({ ...none, errors: one, warnings: [...one, ...one] }, false)).toBe('Completed with 1 error, 0 partial successes, and 2 warnings:');
    expect(completedLine({ ...none, partial: one }, false)).toBe('Completed with 1 partial success and 0 warnings:');
    expect(completedLine({ ...none, warnings: one }, false)).toBe('Completed with 1 warning:');
  });

  it('names each problem with the location its error carries, else its file, and its message without that location', () => {
    const results = [
      result('model.p.bad', 'error', 'x', { message: 'models/bad.sql:3: syntax error at "form"', location: { file: 'models/bad.sql', line: 3 }, hint: 'did you mean "from"?' }),
      result('test.p.t.1', 'fail', 'FAIL 2 failing rows'),
      result('model.p.mb', 'partial success', '1 of 3 batches failed'),
      result('model.p.ok', 'skipped', 'skipped: upstream model bad failed'),
    ];
    const problems = problemsOf(results, manifest);
    expect(problemLines(problems)).toEqual([
      '',
      'Error in model bad (models/bad.sql:3)',
      '  syntax error at "form"',
      '  did you mean "from"?',
      '',
      'Failure in test t (models/schema.yml)',
      '  FAIL 2 failing rows',
      '',
      'Partial success in model mb (models/mb.sql)',
      '  1 of 3 batches failed',
    ]);
    // dbt counts a failed test and a partial success as errors.
    expect(statsLine(statsOf(results))).toBe('Done. PASS=0 WARN=0 ERROR=3 SKIP=1 TOTAL=4');
  });
});
