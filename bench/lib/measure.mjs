/**
 * Timing child processes: wall time from spawn to exit, and the child's peak RSS, which a tiny preloaded
 * probe (rss-probe.mjs) writes on exit so that no platform tool (/usr/bin/time) is needed.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './load-ts.mjs';

const PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));
export const CLI = path.join(REPO_ROOT, 'cli', 'bin', 'xform.js');

let probeCounter = 0;

/**
 * Runs `node <script> ...args` and resolves with { ms, rssMb, code, stdout, stderr }. Throws when the exit
 * code is not 0 unless `allowFailure`, so that a broken build never passes as a fast one. `nodeArgs`: Node's
 * own options, before the script (a profiled run's).
 */
export async function timeNode(script, args, { cwd, env, allowFailure = false, nodeArgs = [] } = {}) {
  const rssFile = path.join(tmpdir(), `xform-bench-rss-${process.pid}-${probeCounter++}`);
  const child = spawn(process.execPath, [...nodeArgs, '--import', PROBE, script, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env, XFORM_BENCH_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ms = performance.now() - started;
  const rssKb = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
  await rm(rssFile, { force: true });
  if (code !== 0 && !allowFailure) {
    throw new Error(`node ${path.relative(REPO_ROOT, script)} ${args.join(' ')} exited with ${code} in ${cwd}\n${stdout}\n${stderr}`);
  }
  return { ms, rssMb: rssKb / 1024, code, stdout, stderr };
}

/** Runs the real CLI (cli/bin/xform.js) in `cwd`. */
export function timeXform(args, options) {
  return timeNode(CLI, args, options);
}

/** target/run_results.json of the project in `dir`: per-node execution_time (s) and the run's elapsed_time. */
export async function readRunResults(dir) {
  return JSON.parse(await readFile(path.join(dir, 'target', 'run_results.json'), 'utf8'));
}

/** Seconds the node named `name` took (its execution_time in run_results.json); throws if it did not succeed. */
export function nodeSeconds(runResults, name) {
  const result = runResults.results.find((r) => r.unique_id.endsWith(`.${name}`));
  if (!result || result.status !== 'success') {
    throw new Error(`node '${name}' did not succeed: ${JSON.stringify(result ?? runResults.results.map((r) => r.unique_id))}`);
  }
  return result.execution_time;
}
