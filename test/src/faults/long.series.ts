/**
 * The long fault-injection series, `pnpm test:faults` (not part of `pnpm test`): ≥ 30 SIGKILLs per local
 * warehouse, each followed by a check and a converging build, and ≥ 10 pairs of builds started together
 * on PostgreSQL (10 refusing, then some waiting with --wait), plus pairs on DuckDB. Prints what it did and
 * every anomaly; fails on any. XFORM_FAULT_KILLS and XFORM_FAULT_PAIRS raise the counts, XFORM_FAULT_SEED
 * replays a series.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres, type PostgresServer } from '../postgres-server.js';
import { faultProject, faultSeed, type Warehouse } from './fault-project.js';
import { concurrentPairs, convergeBuild, killConvergeSeries, type FaultTarget, type SeriesReport } from './fault-runs.js';

const KILLS = Math.max(30, Number(process.env.XFORM_FAULT_KILLS ?? 30));
const PAIRS = Math.max(10, Number(process.env.XFORM_FAULT_PAIRS ?? 10));

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await removeProject(root);
});

async function target(warehouse: Warehouse, schema: string, server?: PostgresServer, slowMs?: number): Promise<FaultTarget> {
  const root = await writeProject(faultProject(warehouse, { server, schema, slowMs }));
  roots.push(root);
  return { warehouse, root, schema, server };
}

function report(title: string, r: SeriesReport): void {
  process.stdout.write(`\n## ${title}: ${r.anomalies.length} anomalies\n${r.log.map((l) => `  ${l}`).join('\n')}\n`);
  for (const a of r.anomalies) process.stdout.write(`  ANOMALY ${a}\n`);
  expect(r.anomalies).toEqual([]);
}

describe('long fault-injection series on DuckDB', () => {
  it(`${KILLS} SIGKILLs, each followed by a converging build`, async () => {
    const t = await target('duckdb', 'main');
    report(`DuckDB kill/converge (${KILLS} kills)`, await killConvergeSeries(t, { kills: KILLS, seed: faultSeed('duckdb long series') }));
  });

  it('pairs of builds started together: one at a time, never a half-built relation', async () => {
    const t = await target('duckdb', 'main');
    const initial = await convergeBuild(t, 1, 'initial');
    const r = await concurrentPairs(t, { pairs: PAIRS, firstGen: 2, alternateWait: true });
    report(`DuckDB pairs (${PAIRS})`, { anomalies: [...initial, ...r.anomalies], log: r.log });
  });
});

describe('long fault-injection series on PostgreSQL', () => {
  const server = withPostgres();

  it(`${KILLS} SIGKILLs, each followed by a converging build`, async () => {
    const t = await target('postgres', 'faults_kill', server());
    report(`PostgreSQL kill/converge (${KILLS} kills)`, await killConvergeSeries(t, { kills: KILLS, seed: faultSeed('postgres long series') }));
  });

  it(`${PAIRS} pairs of builds started together: one builds, the other refuses naming it; then pairs with --wait`, async () => {
    const t = await target('postgres', 'faults_pairs', server(), 1000);
    const initial = await convergeBuild(t, 1, 'initial');
    const refusing = await concurrentPairs(t, { pairs: PAIRS, firstGen: 2 });
    const waiting = await concurrentPairs(t, { pairs: 4, firstGen: refusing.nextGen!, alternateWait: true });
    report(`PostgreSQL pairs (${PAIRS} refusing, 2 waiting)`, {
      anomalies: [...initial, ...refusing.anomalies, ...waiting.anomalies],
      log: [...refusing.log, ...waiting.log],
    });
  });
});
