import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, XFORM_BIN } from '../helpers/cli.js';
import { duckRows } from '../helpers/duckdb.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres, postgresProfile } from '../postgres-server.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function project(files: Record<string, string>): Promise<string> {
  const root = await writeProject(files);
  roots.push(root);
  return root;
}

describe('run flags', () => {
  it('--target picks the profile output and --vars overrides project vars', async () => {
    const root = await project({
      'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  factor: 2\n',
      'profiles.yml': [
        'shop:',
        '  target: dev',
        '  outputs:',
        '    dev: {type: duckdb, path: target/dev.duckdb}',
        '    prod: {type: duckdb, path: target/prod.duckdb, schema: analytics}',
      ].join('\n'),
      'models/numbers.sql': "{{ config(materialized='table') }}select 21 * {{ var('factor') }} as answer, '{{ target.name }}' as target_name",
    });
    const result = await runXform(['run', '--target', 'prod', '--vars', '{factor: 3}', '--threads', '2'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await duckRows(path.join(root, 'target/prod.duckdb'), 'select * from analytics.numbers')).toEqual([{ answer: 63, target_name: 'prod' }]);
  });

  it('runs on-run-start and on-run-end hooks around the run', async () => {
    const root = await project({
      'xform_project.yml': [
        'name: shop',
        'version: "1"',
        'on-run-start: "create table if not exists {{ target.schema }}.run_log (event varchar, at_ts timestamp)"',
        'on-run-end:',
        "  - \"insert into {{ target.schema }}.run_log values ('end', now())\"",
      ].join('\n'),
      'models/a.sql': 'select 1 as id',
    });
    expect((await runXform(['run'], { cwd: root })).code).toBe(0);
    expect((await runXform(['run'], { cwd: root })).code).toBe(0);
    expect(await duckRows(path.join(root, 'target/xform.duckdb'), 'select event from main.run_log')).toEqual([{ event: 'end' }, { event: 'end' }]);
  });

  it('rejects a bad --threads value without a stack trace', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const result = await runXform(['run', '--threads', 'many'], { cwd: root });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--threads expects a whole number of at least 1, got 'many'");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('Ctrl-C during a run on PostgreSQL', () => {
  const server = withPostgres();

  it('cancels the running query, publishes nothing half-built and exits 130', async () => {
    const s = server();
    const profile = postgresProfile(s, { profile: 'demo', schema: 'cancel_test' });
    const root = await project({
      'profiles.yml': profile,
      'models/slow.sql': "{{ config(materialized='table') }}select {{ var('value', 1) }} as v{% if var('sleep', false) %} from (select pg_sleep(30)) s{% endif %}",
    });
    const first = await runXform(['run'], { cwd: root });
    expect(first.code, first.stdout + first.stderr).toBe(0);

    const child = spawn(process.execPath, [XFORM_BIN, 'run', '--vars', '{sleep: true, value: 2}'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const client = new pg.Client({ connectionString: s.url });
    await client.connect();
    try {
      // Wait until the slow statement is running on the server, then press Ctrl-C.
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rows } = await client.query("select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(30)%' and state = 'active' and pid <> pg_backend_pid() and datname = current_database()");
        if (rows[0].n > 0) break;
        if (Date.now() > deadline) throw new Error('the slow model never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      const started = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
      expect(code).toBe(130);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(stderr).toContain('cancelling');
      const { rows } = await client.query('select v from cancel_test.slow');
      expect(rows).toEqual([{ v: 1 }]);
      const leftovers = await client.query("select table_name from information_schema.tables where table_schema = 'cancel_test' order by 1");
      expect(leftovers.rows).toEqual([{ table_name: 'slow' }]);
      const active = await client.query("select count(*)::int as n from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid() and state = 'active' and datname = current_database()");
      expect(active.rows[0].n).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await client.end();
    }
  });
});
