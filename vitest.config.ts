import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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
/**
 * Unit files long enough to start first (test/durations.json) run in the parallel project: the shared workers
 * take their files in batches, which started the longest (~10 s) last, alone, at the end of the first group.
 */
const slowUnit = new Set(['core/src/materialize/seed-csv-fast.test.ts', 'core/src/compile/write-artifacts.test.ts']);
const shared = unitFiles.filter((file) => !slowUnit.has(file) && !replacesGlobals.test(readFileSync(path.join(here, file), 'utf8')));

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

/**
 * Within each group, the longest files start first (test/durations.json, written by scripts/test-durations.mjs
 * from a full run), so that no long file starts late and runs on alone. vitest does the same from its own
 * cache, which a fresh clone does not have: there the suite ran its longest file (install.test, ~60 s) from
 * the 100th second, and the last group in the order it found its files. A file not in the table counts as
 * UNKNOWN_SECONDS.
 */
const durations = JSON.parse(readFileSync(path.join(here, 'test/durations.json'), 'utf8')) as Record<string, number>;
const UNKNOWN_SECONDS = 3;

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const group = (spec: TestSpecification) => `${spec.project.config.sequence.groupOrder}\u0000${spec.project.name}`;
    const seconds = (spec: TestSpecification) => durations[path.relative(here, spec.moduleId).split(path.sep).join('/')] ?? UNKNOWN_SECONDS;
    // The base order keeps groups and projects apart; within one, longest first (a stable sort).
    const base = await super.sort(files);
    const rank = new Map(base.map((spec, i) => [spec, i]));
    const firstOfGroup = new Map<string, number>();
    for (const spec of base) if (!firstOfGroup.has(group(spec))) firstOfGroup.set(group(spec), rank.get(spec)!);
    return [...base].sort((a, b) => firstOfGroup.get(group(a))! - firstOfGroup.get(group(b))! || seconds(b) - seconds(a) || rank.get(a)! - rank.get(b)!);
  }
}

export default defineConfig({
  test: {
    // A guard against hangs, not a speed check (speed lives in `pnpm bench`): an end-to-end test of nine CLI
    // runs on PostgreSQL takes ~4 s alone and 36-60 s in a full run on two loaded cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { sequencer: LongestFirst },
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
