/**
 * Fault injection through the real CLI: builds killed with SIGKILL at seeded random moments, then a normal
 * build that must converge; and two builds at once on the same target. Each series returns the anomalies
 * it saw (empty = all well) and a log of what it did, so a test can print both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { XFORM_BIN, runXform, type CliResult } from '../helpers/cli.js';
import type { PostgresServer } from '../postgres-server.js';
import { rng as seededRandom } from '../fixtures/generate-project.js';
import { checkWarehouse, type Warehouse } from './fault-project.js';

export interface FaultTarget {
  warehouse: Warehouse;
  root: string;
  schema: string;
  server?: PostgresServer;
}

export interface SeriesReport {
  anomalies: string[];
  log: string[];
  /** The first generation the series did not use. */
  nextGen?: number;
}

/** A running `xform` process: its result, and a promise for the first line it printed on stdout. */
export interface RunningXform {
  child: ChildProcess;
  started: Promise<void>;
  done: Promise<CliResult>;
  /** What it printed on stderr so far. */
  stderr(): string;
}

export function startXform(args: string[], cwd: string): RunningXform {
  const child = spawn(process.execPath, [XFORM_BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    markStarted();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      markStarted();
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : -1), stdout, stderr });
    });
  });
  return { child, started, done, stderr: () => stderr };
}

const buildArgs = (gen: number, extra: string[] = []) => ['build', '--vars', `{gen: ${gen}}`, ...extra];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A normal build of generation `gen`; anomalies if it fails or leaves anything but generation `gen`. */
export async function convergeBuild(target: FaultTarget, gen: number, label: string): Promise<string[]> {
  const result = await runXform(buildArgs(gen), { cwd: target.root });
  if (result.code !== 0) return [`${label}: build of generation ${gen} exited ${result.code}: ${(result.stderr + result.stdout).slice(0, 2000)}`];
  const found = await checkWarehouse(target.warehouse, target.root, target.schema, target.server, { allowed: [gen], requireGen: gen, leftovers: false });
  return found.map((a) => `${label}: after a normal build: ${a}`);
}

/**
 * `kills` rounds of: a build of the next generation, SIGKILLed a random time after its run started (within
 * the time the run part of a build takes), then a check that every relation is fully old or fully new
 * (of any generation since the last converged one). After every `convergeEvery` kills (default 1) and after
 * the last one, a normal build must converge: exit 0, every relation new, no staging/backup leftovers.
 */
export async function killConvergeSeries(target: FaultTarget, options: { kills: number; seed: number; convergeEvery?: number }): Promise<SeriesReport> {
  const random = seededRandom(options.seed);
  const log: string[] = [];
  const anomalies: string[] = [];
  anomalies.push(...(await convergeBuild(target, 1, 'initial')));
  // How long a build runs after its first line: the window the kills are spread over.
  const t0 = performance.now();
  const timing = startXform(buildArgs(2, ['--log-format', 'json']), target.root);
  await timing.started;
  const t1 = performance.now();
  const timed = await timing.done;
  const windowMs = Math.max(50, performance.now() - t1);
  if (timed.code !== 0) anomalies.push(`timing build exited ${timed.code}: ${timed.stderr}`);
  log.push(`a build takes ${Math.round(performance.now() - t0)} ms, ${Math.round(windowMs)} ms after its first line`);
  let gen = 2;
  let converged = gen;
  let landed = 0;
  let window = windowMs;
  // A build may finish before its kill: rounds go on until `kills` SIGKILLs hit a running build. One that
  // finished first shows how long builds now take after their first line (the timing build may have been
  // slowed by the machine): later kills are spread over that shorter window.
  for (let round = 1; landed < options.kills && round <= options.kills * 3; round++) {
    gen++;
    const delay = Math.round(random() * window);
    const run = startXform(buildArgs(gen, ['--log-format', 'json']), target.root);
    const finished = run.done.then((result) => ({ result, at: performance.now() }));
    await run.started;
    const started = performance.now();
    await sleep(delay);
    run.child.kill('SIGKILL');
    const { result: killed, at } = await finished;
    if (killed.code === 137) landed++;
    else window = Math.max(20, Math.min(window, (at - started) * 0.8));
    const outcome = killed.code === 137 ? 'killed' : `finished first (exit ${killed.code})`;
    log.push(`round ${round}: generation ${gen}, SIGKILL ${delay} ms after the first line: ${outcome}`);
    const allowed = Array.from({ length: gen - converged + 1 }, (_, i) => converged + i);
    const found = await checkWarehouse(target.warehouse, target.root, target.schema, target.server, { allowed, leftovers: true });
    anomalies.push(...found.map((a) => `round ${round} (kill after ${delay} ms): ${a}`));
    if (round % (options.convergeEvery ?? 1) === 0 || landed === options.kills) {
      anomalies.push(...(await convergeBuild(target, gen, `round ${round}`)));
      converged = gen;
    }
  }
  if (landed < options.kills) anomalies.push(`only ${landed} of ${options.kills} kills hit a running build`);
  log.push(`${landed} SIGKILLs hit a running build`);
  return { anomalies, log };
}

/** The message a refused build prints (the holder's pid comes from the warehouse or DuckDB's lock). */
export const LOCKED_MESSAGE = /another xform build holds target dev \((.+)\) (since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC )?\(pid (\d+)/u;

/** When a build ran its nodes, from its JSON log (first and last event with a timestamp). */
function runInterval(result: CliResult): [number, number] | undefined {
  const times = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { ts?: string }).ts)
    .filter((ts): ts is string => ts !== undefined)
    .map((ts) => Date.parse(ts));
  return times.length === 0 ? undefined : [Math.min(...times), Math.max(...times)];
}

/**
 * `pairs` times two builds of the same project started together (PostgreSQL: the project's slow model makes
 * them overlap). Without --wait exactly one builds and the other refuses with LOCKED_MESSAGE naming the
 * first one's pid; with --wait (every other pair when `alternateWait`) both build, one after the other.
 * Two builds that both succeed must have run their nodes one after the other (else the lock failed); a
 * refusing pair in which both built without overlapping tested nothing, and is started again. Every pair
 * ends with every relation at the pair's generation.
 */
export async function concurrentPairs(target: FaultTarget, options: { pairs: number; firstGen: number; alternateWait?: boolean }): Promise<SeriesReport> {
  const log: string[] = [];
  const anomalies: string[] = [];
  let gen = options.firstGen;
  let pair = 0;
  for (let attempts = 0; pair < options.pairs && attempts < options.pairs * 3; attempts++, gen++) {
    const wait = options.alternateWait === true && pair % 2 === 1;
    const extra = ['--log-format', 'json', ...(wait ? ['--wait', '120'] : [])];
    const a = startXform(buildArgs(gen, extra), target.root);
    const b = startXform(buildArgs(gen, extra), target.root);
    const results = await Promise.all([a.done, b.done]);
    const codes = results.map((r) => r.code);
    const label = `pair ${pair + 1}${wait ? ' (--wait)' : ''}`;
    log.push(`${label}: exit codes ${codes.join(', ')}`);
    const ok = results.filter((r) => r.code === 0);
    if (ok.length === 2) {
      const [x, y] = ok.map(runInterval);
      if (!x || !y) anomalies.push(`${label}: no timestamps in the JSON log`);
      else if (x[0] < y[1] && y[0] < x[1]) anomalies.push(`${label}: both builds ran their nodes at the same time: ${JSON.stringify([x, y])}`);
      else if (!wait) {
        log.push(`${label}: the builds did not overlap; started again`);
        continue;
      }
    } else if (wait) {
      for (const r of results) if (r.code !== 0) anomalies.push(`${label}: a waiting build exited ${r.code}: ${(r.stderr + r.stdout).slice(0, 1500)}`);
    } else if (ok.length !== 1) {
      anomalies.push(`${label}: expected one build and one refusal, got exit codes ${codes.join(', ')}: ${results.map((r) => r.stderr.slice(0, 1500)).join(' | ')}`);
    } else {
      const refused = results.find((r) => r.code !== 0)!;
      const winner = [a, b][results.indexOf(ok[0]!)]!.child.pid;
      const match = LOCKED_MESSAGE.exec(refused.stderr);
      if (refused.code !== 2 || !match) anomalies.push(`${label}: the refused build exited ${refused.code} with: ${refused.stderr.slice(0, 1500)}`);
      else if (Number(match[3]) !== winner) anomalies.push(`${label}: the message names pid ${match[3]}, the building one is ${winner}`);
    }
    pair++;
    const found = await checkWarehouse(target.warehouse, target.root, target.schema, target.server, { allowed: [gen], requireGen: gen, leftovers: false });
    anomalies.push(...found.map((x) => `${label}: ${x}`));
  }
  if (pair < options.pairs) anomalies.push(`only ${pair} of ${options.pairs} pairs tested: the builds of the others did not overlap`);
  return { anomalies, log, nextGen: gen };
}
