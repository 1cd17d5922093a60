import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The packages' own tests (unit) share a worker's loaded modules from file to file (isolate: false): each
 * file would otherwise transform and load much of core's source again, which cost more than the tests
 * themselves (111 CPU-seconds against 45). A file that replaces a module or a method (vi.mock, vi.spyOn,
 * vi.stub*, fake timers) or changes the process's folder keeps a fresh module graph of its own.
 */
const replacesGlobals = /\bvi\.(mock|doMock|spyOn|stubEnv|stubGlobal|useFakeTimers)\b|process\.chdir\(/;
const unitRoots = ['core/src', 'cli/src', 'docs-site/src', ...readdirSync(path.join(here, 'adapters')).map((name) => `adapters/${name}/src`)];
const include = [...unitRoots, 'test/src'].map((root) => `${root}/**/*.test.ts`);
const unitFiles = unitRoots.flatMap((root) =>
  (readdirSync(path.join(here, root), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.posix.join(root, file.split(path.sep).join('/'))),
);
const shared = unitFiles.filter((file) => !replacesGlobals.test(readFileSync(path.join(here, file), 'utf8')));

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
    // A guard against hangs, not a speed check (speed lives in `pnpm bench`): an end-to-end test of nine CLI
    // runs on PostgreSQL takes ~4 s alone and 36-60 s in a full run on two loaded cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The workspace's built packages (what `@xform/core` and `@xform/adapter-*` resolve to) are plain JavaScript:
    // Node imports them itself. Through Vite, every isolated file transformed them again (import 150 -> 100 s
    // in a full run; a file that imports the DuckDB adapter 1.4 -> 0.24 s).
    server: { deps: { external: [/\/(core|cli|docs-site|adapters\/[^/]+)\/dist\//] } },
    // One PostgreSQL server and one Chromium for the whole run, started when a file first asks for them.
    globalSetup: ['test/src/test-services.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: shared, isolate: false, maxWorkers: workers, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'parallel', include, exclude: [...last, ...shared], maxWorkers: workers, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'last', include: last, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
