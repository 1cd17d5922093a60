/**
 * `pnpm bench`: runs the benchmark suites against the built CLI (run `pnpm build` first), prints a table of
 * every figure against its target and writes bench/results.json.
 *
 *   node bench/run.mjs [--smoke] [--runs N] [--only compile,run,scheduler,incremental,seeds,docs-search,docs-graph] [--out FILE]
 *                      [--profile missed|all|none]
 *
 * --smoke: tiny sizes and one run, to prove the harness works (CI runs it from a vitest test); its figures
 * say nothing about speed. Generated projects and data live in bench/.cache/ (git-ignored).
 * --profile: which figures get one more run of the process they time under the CPU profiler and a memory
 * probe (lib/profile.mjs), printed under the table as what is left and kept in profiles/ beside the results
 * file. Default: the missed ones (none with --smoke). A figure can be profiled when its suite says how to run
 * that process once more (`profile` in its record); the others are listed as not profiled.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, TRASH_DIR } from './lib/load-ts.mjs';
import { stopSharedPostgres } from './lib/postgres.mjs';
import { formatTable, formatValue, makeFigure } from './lib/report.mjs';
import { CLI } from './lib/measure.mjs';
import { formatProfile, profileNode } from './lib/profile.mjs';
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
      profile: { type: 'string' },
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
  const profile = values.profile ?? (values.smoke ? 'none' : 'missed');
  if (!PROFILE_MODES.includes(profile)) throw new Error(`--profile expects one of ${PROFILE_MODES.join(', ')}, got '${profile}'`);
  return { mode, runs, only, out, profile };
}

const PROFILE_MODES = ['missed', 'all', 'none'];

/**
 * Profiles the figures `mode` asks for whose suites said how (see `record`), while their projects and servers
 * are still there; a run shared by several figures (a cold compile's time and its peak RSS) is profiled once.
 * Returns [figure, summary] pairs, the figures asked for that cannot be profiled, and those whose profiled
 * run failed (with why: the measured figures are reported all the same).
 */
async function profileFigures(recorded, mode, dir) {
  // All: every figure with a way to profile it or a target to meet.
  const wanted = recorded.filter(({ figure, profile }) => (mode === 'all' && (profile !== undefined || figure.target !== undefined)) || (mode === 'missed' && figure.met === false));
  const done = new Map();
  const profiled = [];
  const unprofiled = [];
  const failed = [];
  if (wanted.length > 0) await rm(dir, { recursive: true, force: true });
  for (const { figure, profile } of wanted) {
    if (profile === undefined) {
      unprofiled.push(figure);
      continue;
    }
    if (!done.has(profile.name)) {
      process.stderr.write(`bench: profiling ${profile.name}\n`);
      try {
        const run = await profile.prepare();
        done.set(profile.name, await profileNode(run.script ?? CLI, run.args, { cwd: run.cwd, env: run.env, dir: path.join(dir, profile.name) }));
      } catch (err) {
        done.set(profile.name, { error: String(err?.message ?? err).split('\n')[0] });
      }
    }
    const summary = done.get(profile.name);
    if ('error' in summary) failed.push([figure, summary.error]);
    else profiled.push([figure, summary]);
  }
  return { profiled, unprofiled, failed };
}

/** The figures profiled, each with what its profile shows, for under the table. */
function formatLeft({ profiled, unprofiled, failed }, mode) {
  if (profiled.length === 0 && unprofiled.length === 0 && failed.length === 0) return '';
  const lines = [mode === 'all' ? 'Where it goes: one profiled run of each figure' : 'What is left: one profiled run of each missed figure'];
  lines.push('(open a .cpuprofile in Chrome DevTools, Performance tab, to see it on a time line)');
  // Figures that share a run (a cold compile's time and peak RSS) are listed together above its profile.
  const bySummary = new Map();
  for (const [figure, summary] of profiled) bySummary.set(summary, [...(bySummary.get(summary) ?? []), figure]);
  for (const [summary, shared] of bySummary) {
    lines.push('');
    for (const figure of shared) {
      const target = figure.target === undefined ? 'no target' : `target <= ${formatValue(figure.target, figure.unit)}`;
      lines.push(`${figure.label}: ${formatValue(figure.value, figure.unit)}, ${target}`);
    }
    lines.push(...formatProfile(summary).map((l) => `  ${l}`));
  }
  if (unprofiled.length > 0) lines.push('', `not profiled (their suites measure no single process of ours): ${unprofiled.map((f) => f.id).join(', ')}`);
  for (const [figure, error] of failed) lines.push('', `${figure.label}: the profiled run failed: ${error}`);
  return `${lines.join('\n')}\n`;
}

async function main() {
  const { mode, runs, only, out, profile } = options();
  const figures = [];
  const recorded = [];
  /**
   * A figure from its samples (makeFigure). `profile`, when the suite can run the timed process once more:
   * { name (the profile's folder; figures that share a run share it), prepare() -> { args, cwd, env, script } }
   * (script: the CLI by default), prepare putting the project in the state the figure measures.
   */
  const record = ({ profile: how, ...spec }) => {
    const figure = makeFigure(spec);
    figures.push(figure);
    recorded.push({ figure, profile: how });
    process.stderr.write(`  ${figure.label}: ${figure.value} ${figure.unit}\n`);
  };
  const started = performance.now();
  let left;
  try {
    for (const name of only) {
      process.stderr.write(`bench: ${name} (${mode}, ${runs} run${runs === 1 ? '' : 's'})\n`);
      await SUITES[name]({ ...SIZES[mode][name], runs, record, mode });
    }
    left = await profileFigures(recorded, profile, path.join(path.dirname(out), 'profiles'));
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
    profiles: left.profiled.map(([figure, summary]) => ({ id: figure.id, ...summary, dir: path.relative(path.dirname(out), summary.dir) })),
  };
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatTable(figures)}\n\n`);
  const leftText = formatLeft(left, profile);
  if (leftText) process.stdout.write(`${leftText}\n`);
  process.stdout.write(`${results.machine.cores} cores, node ${results.node}, ${mode} mode, medians of ${runs} run${runs === 1 ? '' : 's'}; ${path.relative(process.cwd(), out)}\n`);
}

await main();
