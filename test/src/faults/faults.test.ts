/**
 * The quick fault-injection cases, run with every test run (the long series is `pnpm test:faults`): a few
 * SIGKILLs mid-build followed by a converging build, and two builds of one target at once, on DuckDB and
 * on a throw-away PostgreSQL server.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres } from '../postgres-server.js';
import { checkWarehouse, faultProject, faultSeed, openWarehouse, type Warehouse } from './fault-project.js';
import { concurrentPairs, convergeBuild, killConvergeSeries, LOCKED_MESSAGE, startXform, type FaultTarget } from './fault-runs.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await removeProject(root);
});

async function target(warehouse: Warehouse, schema: string, server?: ReturnType<ReturnType<typeof withPostgres>>, slowMs?: number): Promise<FaultTarget> {
  const root = await writeProject(faultProject(warehouse, { server, schema, slowMs }));
  roots.push(root);
  return { warehouse, root, schema, server };
}

/**
 * A build that holds the target, stopped (SIGSTOP) once it has started printing, so that a second build
 * meets it whatever the machine's speed; `resume` lets it finish.
 */
async function heldBuild(t: FaultTarget, gen: number) {
  const holder = startXform(['build', '--vars', `{gen: ${gen}}`], t.root);
  await holder.started;
  holder.child.kill('SIGSTOP');
  return {
    pid: holder.child.pid!,
    async resume() {
      holder.child.kill('SIGCONT');
      return holder.done;
    },
  };
}

/** Whether a build said it waits for another one (within 20 s). */
async function announcedWaiting(run: ReturnType<typeof startXform>): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && run.child.exitCode === null) {
    if (/waiting for another xform build to release target dev/u.test(run.stderr())) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return /waiting for another xform build to release target dev/u.test(run.stderr());
}

/**
 * Refusal and waiting, the same on every local warehouse, from generation `gen` on (the target holds
 * generation `gen - 1` or nothing). Returns the next unused generation.
 */
async function refusesThenWaits(t: FaultTarget, gen: number): Promise<number> {
  const holder = await heldBuild(t, gen);
  let second;
  let impatient;
  try {
    second = await runXform(['build', '--vars', `{gen: ${gen + 1}}`], { cwd: t.root });
    if (t.warehouse === 'duckdb') {
      // DuckDB's file lock keeps out every command; one that cannot wait does not suggest --wait.
      const docs = await runXform(['docs', 'generate'], { cwd: t.root });
      expect(docs.code).toBe(2);
      expect(docs.stderr).toMatch(LOCKED_MESSAGE);
      expect(docs.stderr).not.toContain('--wait');
    }
    // Ctrl-C while waiting: cancelled (130), nothing touched.
    const waiter = startXform(['build', '--vars', `{gen: ${gen + 1}}`, '--wait'], t.root);
    expect(await announcedWaiting(waiter), waiter.stderr()).toBe(true);
    waiter.child.kill('SIGINT');
    impatient = await waiter.done;
  } finally {
    const first = await holder.resume();
    expect(first.code, first.stderr).toBe(0);
  }
  expect(impatient.code, impatient.stderr).toBe(130);
  expect(second.code, second.stdout).toBe(2);
  const match = LOCKED_MESSAGE.exec(second.stderr);
  expect(match, second.stderr).not.toBeNull();
  expect(Number(match![3])).toBe(holder.pid);
  if (t.warehouse === 'postgres') {
    expect(match![1]).toBe(t.schema);
    expect(second.stderr).toMatch(/ since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(pid \d+, host [^,]+, invocation [0-9a-f]{8}\)/u);
    expect(second.stderr).not.toContain(t.server!.password);
  } else {
    expect(match![1]).toMatch(/target\/warehouse\.duckdb$/u);
  }
  expect(second.stderr).toContain('--wait');
  expect(second.stderr).not.toMatch(/\n\s+at /u);
  // Refused before touching anything: every relation is the holder's generation.
  expect(await checkWarehouse(t.warehouse, t.root, t.schema, t.server, { allowed: [gen], requireGen: gen, leftovers: false })).toEqual([]);

  const again = await heldBuild(t, gen + 2);
  const waiting = startXform(['build', '--vars', `{gen: ${gen + 3}}`, '--wait', '60'], t.root);
  const announced = await announcedWaiting(waiting);
  const first = await again.resume();
  const waited = await waiting.done;
  expect(announced, waited.stderr).toBe(true);
  expect(first.code, first.stderr).toBe(0);
  expect(waited.code, waited.stderr).toBe(0);
  expect(await checkWarehouse(t.warehouse, t.root, t.schema, t.server, { allowed: [gen + 3], requireGen: gen + 3, leftovers: false })).toEqual([]);
  return gen + 4;
}

describe('fault injection on DuckDB', () => {
  it('kill/converge: SIGKILLed builds leave every relation fully old or fully new, and the next build converges', async () => {
    const t = await target('duckdb', 'main');
    const report = await killConvergeSeries(t, { kills: 3, convergeEvery: 3, seed: faultSeed('duckdb kill/converge') });
    expect(report.anomalies, report.log.join('\n')).toEqual([]);
  });

  it('a second build refuses with the holder named, or waits with --wait', async () => {
    const t = await target('duckdb', 'main');
    await refusesThenWaits(t, 1);
  });

  it('--wait takes a number of seconds, or nothing', async () => {
    const t = await target('duckdb', 'main');
    const result = await runXform(['build', '--wait', 'soon'], { cwd: t.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--wait expects a number of seconds (or nothing, to wait as long as it takes), got 'soon'");
  });
});

describe('fault injection on PostgreSQL', () => {
  const server = withPostgres();
  /** One project for the lock cases (its slow model makes builds started together overlap). */
  let shared: FaultTarget | undefined;
  let gen = 1;
  const lockTarget = async () => (shared ??= await target('postgres', 'faults_lock', server(), 400));

  it('kill/converge: SIGKILLed builds leave every relation fully old or fully new, and the next build converges', async () => {
    const t = await target('postgres', 'faults_kill', server());
    const report = await killConvergeSeries(t, { kills: 3, convergeEvery: 3, seed: faultSeed('postgres kill/converge') });
    expect(report.anomalies, report.log.join('\n')).toEqual([]);
  });

  it('a second build refuses with the holder named (since, pid, host), or waits with --wait', async () => {
    const t = await lockTarget();
    gen = await refusesThenWaits(t, gen);
  });

  it('two builds started together: one builds, the other refuses (or waits with --wait)', async () => {
    const t = await lockTarget();
    const report = await concurrentPairs(t, { pairs: 3, firstGen: gen, alternateWait: true });
    gen = report.nextGen!;
    expect(report.anomalies, report.log.join('\n')).toEqual([]);
  });

  it('drops staging and backup relations that killed runs left, under the lock', async () => {
    const t = await lockTarget();
    const adapter = await openWarehouse('postgres', t.root, t.schema, t.server);
    try {
      await adapter.withConnection(async (c) => {
        for (const name of ['m_01__xform_tmp_0a1b2c', 'm_01__xform_backup_ffffff', 'm_04__xform_tmp', 'base__xform_tmp_123456', 'inc_merge__xform_tmp_abcdef']) {
          await c.execute(`create table ${t.schema}."${name}" as select 1 as x`);
        }
        await c.execute(`create view ${t.schema}."v_01__xform_backup_999999" as select 1 as x`);
      });
    } finally {
      await adapter.close();
    }
    const found = await checkWarehouse('postgres', t.root, t.schema, t.server, { allowed: [gen - 1], leftovers: false });
    expect(found.filter((a) => a.startsWith('leftover'))).toHaveLength(6);
    expect(await convergeBuild(t, gen, 'cleanup')).toEqual([]);
  });
});
