import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const include = ['core/src/**/*.test.ts', 'adapters/*/src/**/*.test.ts', 'cli/src/**/*.test.ts', 'docs-site/src/**/*.test.ts', 'test/src/**/*.test.ts'];

/**
 * Files that hold work to a time budget (a benchmark run, frame and search times in Chromium, a statement
 * cancelled within a second) or that load the machine in bursts (builds SIGKILLed and restarted in a
 * series): they run after all the others, two at a time, so that neither they nor the rest starve.
 */
const last = [
  'test/src/bench/bench-smoke.test.ts',
  'test/src/e2e/docs-graph.test.ts',
  'test/src/e2e/docs-scale.test.ts',
  'test/src/adapters/duckdb.test.ts',
  'test/src/adapters/postgres.test.ts',
  'test/src/faults/faults.test.ts',
  'test/src/faults/microbatch-kills.test.ts',
];

/**
 * A file spends its time in processes it starts and waits for (the CLI, PostgreSQL, Chromium): with twice
 * as many files at a time as there are cores, plus one, a core always has work while files wait.
 * XFORM_TEST_WORKERS sets the number.
 */
const workers = Number(process.env.XFORM_TEST_WORKERS) || Math.min(12, availableParallelism() * 2 + 1);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One PostgreSQL server and one Chromium for the whole run, started when a file first asks for them.
    globalSetup: ['test/src/test-services.ts'],
    projects: [
      { extends: true, test: { name: 'parallel', include, exclude: last, maxWorkers: workers, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'last', include: last, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
