/**
 * The long microbatch kill series (`pnpm test:faults`): a 30-day backfill SIGKILLed at many random batches,
 * checked after each kill (every day whole or absent), then run to the end: it must converge to the
 * checksums of an uninterrupted backfill. XFORM_FAULT_KILLS raises the count, XFORM_FAULT_SEED replays.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeProject } from '../helpers/project.js';
import { withPostgres } from '../postgres-server.js';
import { duckdbWarehouse, postgresWarehouse } from '../e2e/microbatch-project.js';
import { faultSeed } from './fault-project.js';
import { microbatchKillSeries } from './microbatch-kills.js';

const KILLS = Math.max(15, Number(process.env.XFORM_FAULT_KILLS ?? 15));

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await removeProject(root);
});

describe('long microbatch kill series', () => {
  it(`DuckDB: ${KILLS} SIGKILLs mid-backfill, then a converging backfill`, async () => {
    const r = await microbatchKillSeries(() => duckdbWarehouse, { kills: KILLS, seed: faultSeed('microbatch duckdb long'), tag: 'duck' });
    roots.push(...r.roots);
    process.stdout.write(`${r.log.join('\n')}\n`);
    expect(r.anomalies).toEqual([]);
  });

  const server = withPostgres();
  it(`PostgreSQL: ${KILLS} SIGKILLs mid-backfill, then a converging backfill`, async () => {
    const r = await microbatchKillSeries((tag) => () => postgresWarehouse(server(), `mb_${tag}`), { kills: KILLS, seed: faultSeed('microbatch postgres long'), tag: 'pg' });
    roots.push(...r.roots);
    process.stdout.write(`${r.log.join('\n')}\n`);
    expect(r.anomalies).toEqual([]);
  });
});
