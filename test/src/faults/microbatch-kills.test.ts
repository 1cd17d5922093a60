/**
 * The quick variant of the microbatch kill series (the long one is microbatch.series.ts, `pnpm test:faults`):
 * a 30-day backfill SIGKILLed three times at random batches, then run to the end, converges to the
 * checksums of an uninterrupted backfill, on DuckDB and on a throw-away PostgreSQL server.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeProject } from '../helpers/project.js';
import { withPostgres } from '../postgres-server.js';
import { duckdbWarehouse, postgresWarehouse } from '../e2e/microbatch-project.js';
import { faultSeed } from './fault-project.js';
import { firstRunKill, microbatchKillSeries } from './microbatch-kills.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await removeProject(root);
});

describe('a microbatch backfill killed mid-way', () => {
  it('converges on DuckDB to the checksums of an uninterrupted backfill', async () => {
    const r = await microbatchKillSeries(() => duckdbWarehouse, { kills: 3, seed: faultSeed('microbatch duckdb'), tag: 'duck' });
    roots.push(...r.roots);
    expect(r.anomalies, r.log.join('\n')).toEqual([]);
  }, 180_000);

  it('a killed first run leaves no table on DuckDB, so the next plain run builds every day', async () => {
    const r = await firstRunKill(duckdbWarehouse, 'raw_first');
    roots.push(...r.roots);
    expect(r.anomalies, r.log.join('\n')).toEqual([]);
  }, 120_000);

  const server = withPostgres();
  it('converges on PostgreSQL to the checksums of an uninterrupted backfill', async () => {
    const r = await microbatchKillSeries((tag) => () => postgresWarehouse(server(), `mb_${tag}`), { kills: 3, seed: faultSeed('microbatch postgres'), tag: 'pg' });
    roots.push(...r.roots);
    expect(r.anomalies, r.log.join('\n')).toEqual([]);
  }, 180_000);

  it('a killed first run leaves no table on PostgreSQL, so the next plain run builds every day', async () => {
    const r = await firstRunKill(() => postgresWarehouse(server(), 'mb_first'), 'raw_pg_first');
    roots.push(...r.roots);
    expect(r.anomalies, r.log.join('\n')).toEqual([]);
  }, 120_000);
});
