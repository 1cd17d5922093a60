/**
 * Scheduler: M independent PostgreSQL table models that each sleep S seconds (pg_sleep) at --threads T. A
 * perfect scheduler keeps every thread busy: ideal = M x S / T. The figure with the target is the run phase
 * (first node_start to last node_finish of the --log-format json events: acquiring connections, building
 * and publishing each table) divided by that ideal; the whole `xform run` process (start-up, compile,
 * connect, run, exit) divided by the ideal is recorded beside it, its fixed start-up cost being the
 * run-overhead figure's subject.
 * The server is a throw-away one (test/src/postgres-server.ts); its password reaches xform through the
 * environment only.
 */
import path from 'node:path';
import { writeTree } from '../lib/files.mjs';
import { CACHE_DIR } from '../lib/load-ts.mjs';
import { timeXform } from '../lib/measure.mjs';
import { sharedPostgres } from '../lib/postgres.mjs';
import { median } from '../lib/stats.mjs';

function sleepProject(models, sleepSeconds) {
  const files = { 'xform_project.yml': 'name: sleepers\nversion: "1.0"\nmodels:\n  sleepers:\n    +materialized: table\n' };
  for (let i = 0; i < models; i++) {
    files[`models/sleep_${String(i).padStart(3, '0')}.sql`] = `select ${i} as id, pg_sleep(${sleepSeconds}) is null as slept\n`;
  }
  return files;
}

/** Seconds between the first node_start and the last node_finish event of a --log-format json run. */
function runPhaseSeconds(stdout) {
  const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const starts = events.filter((e) => e.type === 'node_start').map((e) => Date.parse(e.ts));
  const finishes = events.filter((e) => e.type === 'node_finish').map((e) => Date.parse(e.ts));
  return (Math.max(...finishes) - Math.min(...starts)) / 1000;
}

export async function schedulerSuite({ models, sleepSeconds, threads, runs, record }) {
  const server = await sharedPostgres();
  const dir = path.join(CACHE_DIR, `scheduler-${models}`);
  await writeTree(dir, { ...sleepProject(models, sleepSeconds), 'profiles.yml': server.profile('sleepers', { threads }) });
  const env = { XFORM_BENCH_PG_PASSWORD: server.password };
  const ideal = (models * sleepSeconds) / threads;
  const wall = [];
  const phase = [];
  for (let i = 0; i < runs; i++) {
    const run = await timeXform(['run', '--threads', String(threads), '--log-format', 'json'], { cwd: dir, env });
    const ok = run.stdout.split('\n').filter((l) => l.includes('"type":"node_finish"') && l.includes('"status":"success"')).length;
    if (ok !== models) throw new Error(`xform run built ${ok} of ${models} models:\n${run.stdout}\n${run.stderr}`);
    wall.push(run.ms / 1000);
    phase.push(runPhaseSeconds(run.stdout));
  }
  const label = `${models} PostgreSQL models x ${sleepSeconds} s at --threads ${threads}`;
  record({ id: 'scheduler.wall', label: `scheduler, ${label}: xform run process`, unit: 's', samples: wall });
  record({ id: 'scheduler.process_ratio', label: `scheduler, ${label}: process / ideal`, unit: 'x', samples: wall.map((w) => w / ideal) });
  record({
    id: 'scheduler.ratio',
    label: `scheduler, ${label} (run phase / ideal ${ideal} s)`,
    unit: 'x',
    samples: phase.map((p) => p / ideal),
    value: median(phase) / ideal,
    target: 1.15,
    profile: { name: 'scheduler.ratio', prepare: async () => ({ args: ['run', '--threads', String(threads)], cwd: dir, env }) },
  });
}
