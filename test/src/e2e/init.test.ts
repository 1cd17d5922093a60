import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { loadProject, type XformError } from '@xform/core';
import { XFORM_BIN, runXform } from '../helpers/cli.js';
import { removeProject } from '../helpers/project.js';
import { withPostgres } from '../postgres-server.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xform-init-'));
  roots.push(dir);
  return dir;
}

async function duckRows(file: string, root: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: file, schema: 'main', threads: 1 }, { projectRoot: root });
  try {
    return (await adapter.withConnection((c) => c.execute(sql))).rows;
  } finally {
    await adapter.close();
  }
}

/** What the template's sample data must produce: revenue per customer, cancelled order 1003 left out. */
const EXPECTED_REVENUE = [
  { customer_id: 1, revenue: 61.9 },
  { customer_id: 2, revenue: 52 },
  { customer_id: 3, revenue: 7.25 },
  { customer_id: 4, revenue: 58 },
  { customer_id: 5, revenue: 21.75 },
  { customer_id: 6, revenue: 15 },
  { customer_id: 7, revenue: 63.2 },
  { customer_id: 8, revenue: 9.99 },
];

/** The lines `xform init` prints under "Next:", as printed. */
function nextCommands(stdout: string): string[] {
  const after = stdout.split('\nNext:\n')[1];
  expect(after, stdout).toBeDefined();
  return after!.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
}

/** Runs `lines` in bash from `cwd`, as a user pasting them would (stdout and stderr together). */
function runPasted(lines: string[], cwd: string, env: Record<string, string> = {}): { code: number | null; output: string } {
  const run = spawnSync('bash', ['-c', `set -e\n${lines.join('\n')}\n`], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: run.status, output: run.stdout + run.stderr };
}

/** `xform <args>` in a pseudo-terminal (script(1)) with its answers typed ahead on stdin. */
function typedAhead(args: string, input: string, cwd: string) {
  return spawnSync('script', ['-qec', `${process.execPath} ${XFORM_BIN} ${args}`, '/dev/null'], {
    cwd,
    input,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/**
 * Runs `xform args` in a pseudo-terminal (script(1)) whose input stays open and empty, as a person who types
 * nothing: a question would wait for ever, so the run is stopped after `timeoutMs`.
 */
function runInTerminal(args: string[], cwd: string, timeoutMs = 40_000): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, XFORM_BIN, ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '' }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

describe('xform init', () => {
  it('creates a DuckDB project and builds it at once, with its tests', async () => {
    const cwd = await tempDir();
    const init = await runXform(['init', 'demo', '--adapter', 'duckdb'], { cwd });
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toContain('Created project demo (duckdb)');
    const root = path.join(cwd, 'demo');
    for (const file of ['xform_project.yml', 'profiles.yml', '.gitignore', 'models/bronze/stg_orders.sql', 'models/silver/slv_orders.sql', 'models/gold/gld_daily_revenue.sql', 'snapshots/_snapshots.yml', 'seeds/raw_orders.csv']) {
      expect(init.stdout).toContain(file);
    }
    expect(await readFile(path.join(root, '.gitignore'), 'utf8')).toMatch(/^target\/$/m);
    expect(await readFile(path.join(root, 'xform_project.yml'), 'utf8')).toMatch(/^name: demo$/m);
    expect(await readFile(path.join(root, 'models/silver/slv_orders.sql'), 'utf8')).toContain("materialized='incremental'");

    // The build ran as part of init: seeds, models, snapshots and tests, then what to do next.
    expect(init.stdout).toContain('Building demo on the embedded DuckDB');
    expect(init.stdout).toMatch(/OK\s+seed\s+main_raw\.raw_orders 12 rows/);
    expect(init.stdout).toMatch(/OK\s+incremental\s+main\.slv_orders/);
    expect(init.stdout).toMatch(/OK\s+snapshot\s+main\.slv_customer_history \d+ rows/);
    expect(init.stdout).toMatch(/PASS\s+test\s+unique_gld_customer_revenue_customer_id/);
    expect(init.stdout).toMatch(/PASS\s+test\s+assert_revenue_matches_orders/);
    expect(init.stdout).toMatch(/PASS\s+test\s+revenue_leaves_out_cancelled_orders/);
    expect(init.stdout).toMatch(/Done: \d+ ok, 0 error, 0 failed tests[^\n]*\n\nCompleted successfully\n\nDone\. PASS=\d+ WARN=0 ERROR=0 SKIP=0 TOTAL=\d+\n\nNext:\n/);
    const file = path.join(root, 'target/demo.duckdb');
    expect(await duckRows(file, root, 'select customer_id, cast(revenue as double) as revenue from main.gld_customer_revenue order by 1')).toEqual(EXPECTED_REVENUE);

    // The incremental model merges on the next build (the one "Next:" prints) instead of duplicating rows.
    const next = nextCommands(init.stdout);
    expect(next[0]).toBe('cd demo');
    expect(next[1]).toMatch(/ build +# again after you change a model$/);
    const again = runPasted(next.slice(0, 2), cwd);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
    expect(await duckRows(file, root, 'select count(*) as n, count(distinct order_id) as d from main.slv_orders')).toEqual([{ n: 12, d: 12 }]);

    // Building the incremental model alone: the singular test that also reads the gold model downstream of it
    // runs after it is published (as dbt runs it), not as an audit of the three days of rows it merges.
    const alone = await runXform(['build', '-s', 'slv_orders'], { cwd: root });
    expect(alone.code, alone.stdout + alone.stderr).toBe(0);
    expect(alone.stdout).toMatch(/PASS\s+test\s+assert_revenue_matches_orders/);
    expect(alone.stdout).toMatch(/Completed successfully/);
  });

  it('never asks, even in a terminal, when given a name and --adapter', async () => {
    const cwd = await tempDir();
    const run = await runInTerminal(['init', 'my_shop', '--adapter', 'duckdb'], cwd);
    expect(run.timedOut, run.output).toBe(false);
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain('Project name');
    expect(run.output).not.toContain('Warehouse');
    expect(run.output).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
    expect(await readFile(path.join(cwd, 'my_shop/xform_project.yml'), 'utf8')).toMatch(/^name: my_shop$/m);
    expect(await duckRows(path.join(cwd, 'my_shop/target/my_shop.duckdb'), path.join(cwd, 'my_shop'), 'select count(*)::int as n from main.gld_customer_revenue')).toEqual([{ n: 8 }]);
  });

  it('with --no-build only writes the project, and prints the build command that works as printed', async () => {
    const cwd = await tempDir();
    const init = await runXform(['init', 'my shop', '--no-build'], { cwd });
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toContain('Created project my_shop (duckdb)');
    expect(init.stdout).not.toContain('Building');
    expect(existsSync(path.join(cwd, 'my shop/target'))).toBe(false);
    const next = nextCommands(init.stdout);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatch(/^cd 'my shop' && .+ build$/);
    const build = runPasted(next, cwd);
    expect(build.code, build.output).toBe(0);
    expect(build.output).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
    expect(await duckRows(path.join(cwd, 'my shop/target/my_shop.duckdb'), path.join(cwd, 'my shop'), 'select count(*)::int as n from main.gld_customer_revenue')).toEqual([{ n: 8 }]);
  });

  it('refuses a folder that is not empty and leaves its files alone', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'taken'));
    await writeFile(path.join(cwd, 'taken/notes.txt'), 'mine');
    const result = await runXform(['init', 'taken'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[XFORM_INIT_DIR_NOT_EMPTY]');
    expect(result.stderr).toContain('notes.txt');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(path.join(cwd, 'taken/notes.txt'), 'utf8')).toBe('mine');
  });

  it('explains a mistyped adapter or project name', async () => {
    const cwd = await tempDir();
    const adapter = await runXform(['init', 'x', '--adapter', 'postgress'], { cwd });
    expect(adapter.code).toBe(2);
    expect(adapter.stderr).toContain("unknown adapter 'postgress'");
    expect(adapter.stderr).toContain("did you mean 'postgres'?");
    const name = await runXform(['init', 'y', '--name', 'my-shop'], { cwd });
    expect(name.code).toBe(2);
    expect(name.stderr).toContain("did you mean 'my_shop'?");
    const none = await runXform(['init'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('needs a folder or --name');
  });

  it('asks for the name and the adapter when stdin is a terminal, repeating a question after a bad answer', async () => {
    const cwd = await tempDir();
    const run = typedAhead('init', 'shop 1\nmy_shop\npostgrs\npostgres\n', cwd);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("did you mean 'shop_1'?");
    expect(run.stdout).toContain("did you mean 'postgres'?");
    expect(await readFile(path.join(cwd, 'my_shop/xform_project.yml'), 'utf8')).toMatch(/^name: my_shop$/m);
    expect(await readFile(path.join(cwd, 'my_shop/profiles.yml'), 'utf8')).toMatch(/^my_shop:\n/m);
    expect(await readFile(path.join(cwd, 'my_shop/profiles.yml'), 'utf8')).toContain('type: postgres');
  });

  it('asks only for the warehouse when given a folder in a terminal', async () => {
    const cwd = await tempDir();
    const run = typedAhead('init my-shop', 'snowflake\n', cwd);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toContain('Project name');
    expect(run.stdout).toContain('Warehouse');
    expect(await readFile(path.join(cwd, 'my-shop/xform_project.yml'), 'utf8')).toMatch(/^name: my_shop$/m);
    expect(await readFile(path.join(cwd, 'my-shop/profiles.yml'), 'utf8')).toContain('type: snowflake');
  });

  const envFor: Record<string, Record<string, string>> = {
    duckdb: {},
    postgres: { XFORM_PG_USER: 'me', XFORM_PG_PASSWORD: 'pw', XFORM_PG_DBNAME: 'shop' },
    bigquery: { XFORM_BQ_PROJECT: 'my-gcp-project' },
    snowflake: { XFORM_SF_ACCOUNT: 'xy12345', XFORM_SF_USER: 'me', XFORM_SF_PRIVATE_KEY_PATH: '/keys/rsa.p8', XFORM_SF_DATABASE: 'SHOP' },
  };
  for (const [adapter, env] of Object.entries(envFor)) {
    it(`writes a ${adapter} profiles.yml that the profile loader accepts`, async () => {
      const cwd = await tempDir();
      const result = await runXform(['init', 'p', '--adapter', adapter, '--name', 'shop', '--no-build'], { cwd });
      expect(result.code, result.stderr).toBe(0);
      const project = await loadProject({ projectDir: path.join(cwd, 'p'), env });
      expect(project.profilesFile).toBe(path.join(cwd, 'p', 'profiles.yml'));
      expect(project.target.type).toBe(adapter);
      expect(project.target.threads).toBeGreaterThan(0);
      if (adapter !== 'duckdb') {
        // Every connection setting without a default is read from the environment, never written in the file.
        const error = (await loadProject({ projectDir: path.join(cwd, 'p'), env: {} }).catch((e: unknown) => e)) as XformError;
        expect(error.diagnostics.map((d) => d.code)).toContain('XFORM_ENV_VAR_MISSING');
      }
    });
  }
});

describe('xform init --adapter postgres', () => {
  const server = withPostgres();

  it('builds against PostgreSQL with the env vars its profile reads, never printing the password', async () => {
    const pgServer = server();
    const cwd = await tempDir();
    const init = await runXform(['init', 'pgdemo', '--adapter', 'postgres'], { cwd });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('export XFORM_PG_USER=... XFORM_PG_PASSWORD=... XFORM_PG_DBNAME=...');
    const env = {
      XFORM_PG_HOST: pgServer.host,
      XFORM_PG_PORT: String(pgServer.port),
      XFORM_PG_USER: pgServer.user,
      XFORM_PG_PASSWORD: pgServer.password,
      XFORM_PG_DBNAME: pgServer.database,
    };
    const root = path.join(cwd, 'pgdemo');
    expect(init.stdout).not.toContain('Building');
    // What init prints next runs as printed: it checks the connection, then builds.
    const next = nextCommands(init.stdout);
    expect(next).toEqual([expect.stringMatching(/^cd pgdemo && .+ debug +# checks the connection$/), expect.stringMatching(/ build$/)]);
    const pasted = runPasted(next, cwd, env);
    expect(pasted.code, pasted.output).toBe(0);
    expect(pasted.output).toContain('Connection OK');
    expect(pasted.output).toMatch(/OK\s+seed\s+analytics_raw\.raw_orders 12 rows/);
    expect(pasted.output).not.toContain(pgServer.password);
    const again = await runXform(['build'], { cwd: root, env });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const client = new pg.Client({ connectionString: pgServer.url });
    await client.connect();
    try {
      const { rows } = await client.query('select customer_id, revenue::float8 as revenue from analytics.gld_customer_revenue order by 1');
      expect(rows).toEqual(EXPECTED_REVENUE);
      const orders = await client.query('select count(*)::int as n from analytics.slv_orders');
      expect(orders.rows).toEqual([{ n: 12 }]);
    } finally {
      await client.end();
    }
  });
});
