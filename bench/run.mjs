/**
 * `pnpm bench`: runs the benchmark suites against the built CLI (run `pnpm build` first), prints a table of
 * every figure against its target and writes bench/results.json.
 *
 *   node bench/run.mjs [--smoke] [--runs N] [--only compile,run,scheduler,incremental,seeds,docs-search,docs-graph] [--out FILE]
 *
 * --smoke: tiny sizes and one run, to prove the harness works (CI runs it from a vitest test); its figures
 * say nothing about speed. Generated projects and data live in bench/.cache/ (git-ignored).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, TRASH_DIR } from './lib/load-ts.mjs';
import { stopSharedPostgres } from './lib/postgres.mjs';
import { formatTable, makeFigure } from './lib/report.mjs';
import { compileSuite } from './suites/compile.mjs';
import { docsSearchSuite } from './suites/docs-search.mjs';
import { docsGraphSuite } from './suites/docs-graph.mjs';
import { incrementalSuite } from './suites/incremental.mjs';
import { runOverheadSuite } from './suites/run-overhead.mjs';
import { schedulerSuite } from './suites/scheduler.mjs';
import { seedsSuite } from './suites/seeds.mjs';

/** Sizes from issue 8; the smoke sizes only exercise the same code paths. */
const SIZES = {
  full: {
    runs: 5,
    compile: { sizes: [1000, 10000] },
    run: { models: 1000 },
    scheduler: { models: 64, sleepSeconds: 0.25, threads: 8 },
    incremental: { rows: 10_000_000, newFraction: 0.01 },
    seeds: { rows: 1_000_000 },
    'docs-search': { models: 10000 },
    'docs-graph': { models: 10000 },
  },
  smoke: {
    runs: 1,
    compile: { sizes: [40] },
    run: { models: 30 },
    scheduler: { models: 8, sleepSeconds: 0.05, threads: 4 },
    incremental: { rows: 20_000, newFraction: 0.01 },
    seeds: { rows: 2_000 },
    'docs-search': { models: 40 },
    'docs-graph': { models: 200 },
  },
};

const SUITES = {
  compile: compileSuite,
  run: runOverheadSuite,
  scheduler: schedulerSuite,
  incremental: incrementalSuite,
  seeds: seedsSuite,
  'docs-search': docsSearchSuite,
  'docs-graph': docsGraphSuite,
};

function options() {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const mode = values.smoke ? 'smoke' : 'full';
  const runs = values.runs === undefined ? SIZES[mode].runs : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number of at least 1, got '${values.runs}'`);
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SUITES);
  for (const name of only) {
    if (!(name in SUITES)) throw new Error(`--only: unknown suite '${name}'; expected some of ${Object.keys(SUITES).join(', ')}`);
  }
  const out = path.resolve(values.out ?? path.join(REPO_ROOT, 'bench', 'results.json'));
  return { mode, runs, only, out };
}

async function main() {
  const { mode, runs, only, out } = options();
  const figures = [];
  const record = (spec) => {
    const figure = makeFigure(spec);
    figures.push(figure);
    process.stderr.write(`  ${figure.label}: ${figure.value} ${figure.unit}\n`);
  };
  const started = performance.now();
  try {
    for (const name of only) {
      process.stderr.write(`bench: ${name} (${mode}, ${runs} run${runs === 1 ? '' : 's'})\n`);
      await SUITES[name]({ ...SIZES[mode][name], runs, record, mode });
    }
  } finally {
    await stopSharedPostgres();
    await rm(TRASH_DIR, { recursive: true, force: true });
  }
  const results = {
    mode,
    date: new Date().toISOString(),
    runs,
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), platform: `${process.platform}-${process.arch}` },
    node: process.version,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    figures,
    missed: figures.filter((f) => f.met === false).map((f) => ({ id: f.id, value: f.value, target: f.target, missed_by: f.missed_by })),
  };
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatTable(figures)}\n\n`);
  process.stdout.write(`${results.machine.cores} cores, node ${results.node}, ${mode} mode, medians of ${runs} run${runs === 1 ? '' : 's'}; ${path.relative(process.cwd(), out)}\n`);
}

await main();
