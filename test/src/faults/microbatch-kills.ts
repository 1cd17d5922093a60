/**
 * A microbatch backfill killed (SIGKILL) at seeded random batches, then run again to the end: the tables
 * must converge to the checksums of an uninterrupted backfill of the same events, with no staging leftovers.
 */
import { spawn } from 'node:child_process';
import { XFORM_BIN, runXform } from '../helpers/cli.js';
import { rng as seededRandom } from '../fixtures/generate-project.js';
import { checksums, createMicrobatchProject, dailyEvents, insertEvents, type Warehouse } from '../e2e/microbatch-project.js';

const BACKFILL = ['run', '--event-time-start', '2026-01-01', '--event-time-end', '2026-01-31', '--log-format', 'json'];
const DAYS = 30;

export interface MicrobatchKillReport {
  anomalies: string[];
  log: string[];
}

async function project(makeWarehouse: (root: string) => Warehouse, rawSchema: string) {
  const made = await createMicrobatchProject(makeWarehouse, { begin: '2026-01-01', rawSchema });
  await insertEvents(made.warehouse, rawSchema, dailyEvents(new Date('2026-01-01T00:00:00Z'), DAYS));
  return made;
}

/** Rows per day of stg_events; an absent table has none. */
async function dayCounts(warehouse: Warehouse): Promise<Map<string, number>> {
  try {
    const rows = await warehouse.rows(`select cast(cast(occurred_at as date) as varchar(10)) as d, count(*) as n from ${warehouse.schema}.stg_events group by 1`);
    return new Map(rows.map((r) => [String(r.d), Number(r.n)]));
  } catch {
    return new Map();
  }
}

/** Starts `args` (default the backfill) and SIGKILLs it once `batches` batches have finished, plus `delayMs`; true if it died. */
async function killAfter(root: string, batches: number, delayMs: number, args = BACKFILL): Promise<boolean> {
  const child = spawn(process.execPath, [XFORM_BIN, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = 0;
  let timer: NodeJS.Timeout | undefined;
  child.stdout.on('data', (d: Buffer) => {
    seen += (d.toString().match(/"type":"batch_finish"/gu) ?? []).length;
    if (seen >= batches && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  child.stderr.resume();
  const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, sig) => resolve([code, sig])));
  clearTimeout(timer);
  return signal === 'SIGKILL';
}

/**
 * `reference` and `victim` are two projects on the same warehouse kind (distinct raw schemas, same events).
 * The reference is backfilled once; the victim is killed `kills` times, then backfilled to the end.
 */
export async function microbatchKillSeries(
  makeWarehouse: (schemaTag: string) => (root: string) => Warehouse,
  options: { kills: number; seed: number; tag: string },
): Promise<MicrobatchKillReport & { roots: string[] }> {
  const random = seededRandom(options.seed);
  const anomalies: string[] = [];
  const log: string[] = [];
  const reference = await project(makeWarehouse(`${options.tag}_ref`), `raw_${options.tag}_ref`);
  const victim = await project(makeWarehouse(`${options.tag}_kill`), `raw_${options.tag}_kill`);
  const clean = await runXform(BACKFILL, { cwd: reference.root });
  if (clean.code !== 0) anomalies.push(`the uninterrupted backfill exited ${clean.code}: ${clean.stderr.slice(0, 1500)}`);
  const expected = await checksums(reference.warehouse);
  // Kills are spread over a batch's duration, so they land in every step of a batch, not only between two.
  const seconds = clean.stdout.split('\n').filter((l) => l.includes('"type":"batch_finish"')).map((l) => Number((JSON.parse(l) as { seconds: number }).seconds));
  const batchMs = Math.max(5, (1000 * seconds.reduce((a, b) => a + b, 0)) / Math.max(1, seconds.length));
  log.push(`a batch takes ${batchMs.toFixed(1)} ms`);

  let landed = 0;
  let complete = new Set<string>();
  for (let round = 1; landed < options.kills && round <= options.kills * 3; round++) {
    const after = 1 + Math.floor(random() * (DAYS - 1));
    const delay = Math.round(random() * batchMs * 1.2);
    const killed = await killAfter(victim.root, after, delay);
    if (killed) landed++;
    log.push(`round ${round}: SIGKILL ${delay} ms after batch ${after}/${DAYS}: ${killed ? 'killed' : 'finished first'}`);
    // Each window is replaced atomically: a day holds all its rows or none, and a day complete before the
    // kill is still complete (a DELETE committed without its INSERT would empty it).
    const days = await dayCounts(victim.warehouse);
    for (const [day, n] of days) if (n !== 3) anomalies.push(`round ${round}: day ${day} holds ${n} rows, expected 3 or none`);
    for (const day of complete) if (!days.has(day)) anomalies.push(`round ${round}: day ${day} was complete before the kill and is now empty`);
    complete = new Set(days.keys());
  }
  if (landed < options.kills) anomalies.push(`only ${landed} of ${options.kills} kills hit a running backfill`);

  const rerun = await runXform(BACKFILL, { cwd: victim.root });
  if (rerun.code !== 0) anomalies.push(`the backfill after the kills exited ${rerun.code}: ${(rerun.stderr + rerun.stdout).slice(0, 1500)}`);
  const found = await checksums(victim.warehouse);
  if (JSON.stringify(found) !== JSON.stringify(expected)) anomalies.push(`checksums differ: ${JSON.stringify(found)} vs uninterrupted ${JSON.stringify(expected)}`);
  const leftovers = await victim.warehouse.rows(
    `select table_name from information_schema.tables where table_schema = '${victim.warehouse.schema}' and table_name like '%xform%'`,
  );
  if (leftovers.length > 0) anomalies.push(`staging leftovers: ${leftovers.map((r) => String(r.table_name)).join(', ')}`);
  return { anomalies, log, roots: [reference.root, victim.root] };
}

/**
 * The FIRST run of a microbatch model (no table yet, no --event-time bounds: every batch from `begin`) is
 * SIGKILLed after a few batches; then a plain `xform run`. The killed run must leave no table (batches are
 * built aside and published together), so the plain run builds every day; a table holding the first few
 * days would make the plain run plan only the lookback batches and leave the days between missing.
 */
export async function firstRunKill(makeWarehouse: (root: string) => Warehouse, rawSchema: string): Promise<MicrobatchKillReport & { roots: string[] }> {
  const anomalies: string[] = [];
  const log: string[] = [];
  const days = 12;
  const first = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - (days - 1) * 86_400_000);
  const made = await createMicrobatchProject(makeWarehouse, { begin: first.toISOString().slice(0, 10), rawSchema });
  await insertEvents(made.warehouse, rawSchema, dailyEvents(first, days));
  const plain = ['run', '--log-format', 'json'];
  let killed = false;
  const whole = (counts: Map<string, number>) => counts.size === days && [...counts.values()].every((n) => n === 3);
  for (let attempt = 1; attempt <= 5 && !killed; attempt++) {
    killed = await killAfter(made.root, 4, 0, plain);
    // On a loaded machine the run can finish its last batches and publish before the signal lands: a kill
    // that finds every day whole did not stop the run mid-way (and left what a finished run leaves).
    const late = killed && whole(await dayCounts(made.warehouse));
    log.push(`attempt ${attempt}: ${!killed ? 'finished first' : late ? 'killed after the run had published every day' : 'killed after 4 batches'}`);
    if (late) killed = false;
    if (!killed) await made.warehouse.exec(`drop table if exists ${made.warehouse.schema}.stg_events`);
  }
  if (!killed) anomalies.push('no kill hit the first run');
  const afterKill = await dayCounts(made.warehouse);
  if (afterKill.size > 0) anomalies.push(`the killed first run left a table with ${afterKill.size} of ${days} days`);
  const rerun = await runXform(plain, { cwd: made.root });
  if (rerun.code !== 0) anomalies.push(`the run after the kill exited ${rerun.code}: ${(rerun.stderr + rerun.stdout).slice(0, 1500)}`);
  const counts = await dayCounts(made.warehouse);
  if (!whole(counts)) anomalies.push(`after the plain run: ${JSON.stringify([...counts].sort())}, expected ${days} days of 3 rows`);
  return { anomalies, log, roots: [made.root] };
}
