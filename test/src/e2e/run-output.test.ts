/**
 * What a run prints, as dbt prints it: the project's counts and the target first, `N of M` in finishing order,
 * a START line for a node still running after 2 s (a live status line on a terminal), and a closing block that
 * repeats each failure below the skipped nodes. The slow model reads a named pipe (DuckDB's read_csv) that the
 * test writes only once it saw what it expects, so the model is exactly as slow as each test needs.
 */
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, XFORM_BIN } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const PROJECT = {
  'seeds/s.csv': 'id\n1\n',
  // Blocks until the test writes the pipe.
  'models/slow.sql': "{{ config(materialized='table') }}\nselect * from read_csv('gate.fifo', header = true)",
  'models/quick_a.sql': 'select 1 as id',
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('quick_a') }}",
  'models/uses_eph.sql': "select * from {{ ref('eph') }}",
  'models/bad.sql': 'select * from no_such_table',
  'models/bad_child.sql': "select * from {{ ref('bad') }}",
  'models/bad_grandchild.sql': "select * from {{ ref('bad_child') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: quick_a\n    columns:\n      - name: id\n        tests: [not_null]\n',
  'tests/warns.sql': "{{ config(severity='warn') }}\nselect * from {{ ref('quick_a') }}",
};
/** Scheduled by `build`: 6 models (not the ephemeral one), the seed, 2 tests. */
const TOTAL = 9;

const roots: string[] = [];
const pipes: string[] = [];
afterAll(async () => {
  // A test that failed before writing its pipe: open the read end so that no writer stays blocked.
  for (const pipe of pipes) {
    try {
      closeSync(openSync(pipe, constants.O_RDONLY | constants.O_NONBLOCK));
    } catch {
      // Already gone.
    }
  }
  await Promise.all(roots.map(removeProject));
});

async function project(files: Record<string, string> = PROJECT): Promise<{ root: string; release: () => Promise<void> }> {
  const root = await writeProject(files);
  roots.push(root);
  const pipe = path.join(root, 'gate.fifo');
  execFileSync('mkfifo', [pipe]);
  pipes.push(pipe);
  return { root, release: () => writeFile(pipe, 'x\n1\n') };
}

interface Running {
  output(): string;
  /** Resolves once the output matches (or the command ended). */
  waitFor(until: RegExp | ((output: string) => boolean)): Promise<void>;
  done: Promise<number>;
}

/** Starts a command, keeping what it prints so far (stdout and stderr together) readable while it runs. */
function start(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Running {
  const child = spawn(command, args, { cwd, env: { ...process.env, XFORM_PROFILES_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters: { test: (output: string) => boolean; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const w of [...waiters]) {
      if (!w.test(output)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const w of waiters) w.resolve();
      resolve(code ?? -1);
    });
  });
  return {
    output: () => output,
    waitFor: (until) => {
      const test = typeof until === 'function' ? until : (text: string) => until.test(text);
      if (test(output)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`timed out waiting for ${String(until)}; printed so far:\n${output}`)), 20_000);
        waiters.push({ test, resolve: () => (clearTimeout(timeout), resolve()) });
      });
    },
    done,
  };
}

const xform = (args: string[], cwd: string) => start(process.execPath, [XFORM_BIN, ...args], cwd, { NO_COLOR: '1' });

/** The terminal's final screen from what was written to it: \r returns, ESC[2K erases the line, colors dropped. */
function screen(raw: string): string[] {
  const rows: string[] = [''];
  let col = 0;
  const text = raw.replace(/\x1b\[[0-9;]*m/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('\x1b[2K', i)) {
      rows[rows.length - 1] = '';
      i += 3;
      continue;
    }
    const c = text[i]!;
    if (c === '\n') {
      rows.push('');
      col = 0;
    } else if (c === '\r') {
      col = 0;
    } else {
      const row = rows[rows.length - 1]!.padEnd(col);
      rows[rows.length - 1] = row.slice(0, col) + c + row.slice(col + 1);
      col++;
    }
  }
  return rows.map((r) => r.trimEnd());
}

describe('run output', () => {
  it('prints the counts and target, START for a slow node, N of M in finishing order, and repeats the failure at the end', async () => {
    const { root, release } = await project();
    const run = xform(['build', '--threads', '4'], root);
    await run.waitFor(/START\s+table\s+main\.slow/);
    // Everything else finished while the slow model ran.
    expect(run.output()).toMatch(/SKIP\s+view\s+main\.bad_grandchild/);
    await release();
    expect(await run.done).toBe(1);
    const out = run.output();
    const lines = out.split('\n');

    expect(lines[0]).toMatch(/^Found 7 models, 1 seed, 2 data tests, \d+ macros$/);
    expect(lines[1]).toBe('Target: dev (duckdb, schema main), 4 threads');
    // One START line, for the slow model only, before its result.
    expect(lines.filter((l) => l.includes('START'))).toEqual([expect.stringMatching(/^\s+START table\s+main\.slow still running$/)]);
    // Numbered as they finish: the slow model is the last, and the numbers appear in order.
    const numbered = lines.flatMap((l) => {
      const m = /^\s*(\d+) of (\d+)  /.exec(l);
      return m ? [[Number(m[1]), Number(m[2])]] : [];
    });
    expect(numbered).toEqual(Array.from({ length: TOTAL }, (_, i) => [i + 1, TOTAL]));
    expect(out).toMatch(new RegExp(`^${TOTAL} of ${TOTAL}  OK\\s+table\\s+main\\.slow 1 row`, 'm'));
    expect(lines.findIndex((l) => l.includes('START'))).toBeLessThan(lines.findIndex((l) => /OK\s+table\s+main\.slow/.test(l)));
    // The ephemeral model is inlined, never a line of its own.
    expect(out).not.toMatch(/main\.eph\b|ephemeral/);

    // The closing block, below every skipped line: each failure with its file, then dbt's counts.
    const lastSkip = lines.findLastIndex((l) => /^\s*\d+ of \d+\s+SKIP/.test(l));
    const completed = lines.indexOf('Completed with 1 error, 0 partial successes, and 1 warning:');
    expect(completed).toBeGreaterThan(lastSkip);
    const block = lines.slice(completed).join('\n');
    expect(block).toMatch(/\nError in model bad \(models\/bad\.sql:1:15\)\n {2}.*no_such_table/);
    expect(block).toContain('\nWarning in test warns (tests/warns.sql)\n  WARN 1 failing row');
    expect(lines.filter((l) => l !== '').at(-1)).toBe(`Done. PASS=5 WARN=1 ERROR=1 SKIP=2 TOTAL=${TOTAL}`);
    // The one-line count that scripts read is still there.
    expect(out).toMatch(/Finished with errors: 5 ok, 1 error, 0 failed tests, 1 warn, 2 skipped in/);
    // Not a terminal: no live status line.
    expect(out).not.toContain('\x1b[');
    expect(out).not.toContain('running:');
  });

  it('--log-format json: run_start with the counts and target, node_start for every node, the failures in the summary', async () => {
    const { root, release } = await project();
    const run = xform(['build', '--threads', '4', '--log-format', 'json'], root);
    await run.waitFor((output) => output.split('"type":"node_finish"').length - 1 === TOTAL - 1);
    await release();
    expect(await run.done).toBe(1);
    const events = run
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string; id?: string; index?: number });
    expect(events[0]).toMatchObject({
      type: 'run_start',
      total: TOTAL,
      found: { models: 7, seeds: 1, data_tests: 2, snapshots: 0, unit_tests: 0, sources: 0 },
      target: { name: 'dev', type: 'duckdb', schema: 'main', threads: 4 },
    });
    const started = events.filter((e) => e.type === 'node_start').map((e) => e.id);
    const finished = events.filter((e) => e.type === 'node_finish');
    // Every node executed on its own; build's tests run as their model's audit only finish.
    expect(started.sort()).toEqual(['model.demo.bad', 'model.demo.quick_a', 'model.demo.slow', 'model.demo.uses_eph', 'seed.demo.s']);
    expect(started).not.toContain('model.demo.eph');
    expect(finished.map((e) => e.index)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(finished.at(-1)).toMatchObject({ id: 'model.demo.slow', index: TOTAL, total: TOTAL });
    const summary = events.at(-1)!;
    expect(summary).toMatchObject({
      type: 'summary',
      ok: 5,
      error: 1,
      warn: 1,
      skipped: 2,
      stats: { pass: 5, warn: 1, error: 1, skip: 2, total: TOTAL },
      errors: [{ unique_id: 'model.demo.bad', status: 'error', node: 'model bad', location: expect.stringMatching(/^models\/bad\.sql/), message: expect.stringContaining('no_such_table') }],
      warnings: [{ status: 'warn', node: 'test warns', location: 'tests/warns.sql', message: 'WARN 1 failing row' }],
    });
  });

  it('on a terminal, shows a live status line with the running node and its time, and leaves a clean screen', async () => {
    const { root, release } = await project();
    // `script` gives the command a pseudo-terminal (util-linux).
    const command = [process.execPath, XFORM_BIN, 'run', '-s', 'slow', 'quick_a', '--threads', '2'].join(' ');
    const run = start('script', ['-qfec', command, '/dev/null'], root, { TERM: 'xterm', COLUMNS: '100' });
    await run.waitFor(/running: main\.slow [1-9]\.\ds/);
    await release();
    expect(await run.done).toBe(0);
    const raw = run.output();
    // Rewritten in place: a carriage return and an erase before each new state.
    expect(raw).toMatch(/\r\x1b\[2K(\x1b\[[0-9;]*m)*[^\n]*?1 of 2 done, running: main\.slow \d\.\ds/);
    expect(raw).not.toContain('START');
    const final = screen(raw).filter((l) => l !== '');
    expect(final.join('\n')).not.toContain('running:');
    expect(final[0]).toMatch(/^Found 7 models, 1 seed, 2 data tests/);
    expect(final).toContainEqual(expect.stringMatching(/^1 of 2  OK\s+view\s+main\.quick_a/));
    expect(final).toContainEqual(expect.stringMatching(/^2 of 2  OK\s+table\s+main\.slow 1 row in \d/));
    expect(final.slice(-2)).toEqual(['Completed successfully', 'Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2']);
    // The status line is the terminal's alone: never in the log file.
    const log = await readFile(path.join(root, 'logs/xform.log'), 'utf8');
    expect(log).toContain('2 of 2  OK');
    expect(log).not.toContain('running:');
  });
});

describe('run output with -q', () => {
  it('keeps the closing block of failures (errors only), not the counts nor the header', async () => {
    const root = await writeProject({ 'models/good.sql': 'select 1 as id', 'models/bad.sql': 'select * from no_such_table', 'models/child.sql': "select * from {{ ref('bad') }}" });
    roots.push(root);
    const quiet = await runXform(['run', '-q'], { cwd: root });
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toContain('Completed with 1 error, 0 partial successes, and 0 warnings:\n\nError in model bad (models/bad.sql:1:15)\n');
    expect(quiet.stdout).not.toMatch(/Found|Target:|Done\. PASS|SKIP|main\.good/);
  });
});

describe('run output on PostgreSQL', () => {
  const server = withPostgres();

  it('prints the target, a START line for a slow model and the closing block', async () => {
    const pgServer = server();
    const root = await writeProject({
      'profiles.yml': postgresProfile(pgServer, { profile: 'demo', schema: 'analytics', threads: 4 }),
      // Waits for an advisory lock the test holds until it saw the START line.
      'models/slow.sql': "{{ config(materialized='table') }}\nwith gate as (select pg_advisory_xact_lock(4242)::text as g) select 1 as id from gate",
      'models/quick.sql': 'select 1 as id',
      'models/bad.sql': 'select * from no_such_table',
      'models/bad_child.sql': "select * from {{ ref('bad') }}",
    });
    roots.push(root);
    const client = new pg.Client({ connectionString: pgServer.url });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock(4242)');
      const run = xform(['run'], root);
      await run.waitFor(/START\s+table\s+analytics\.slow/);
      await client.query('select pg_advisory_unlock(4242)');
      expect(await run.done).toBe(1);
      const lines = run.output().split('\n');
      expect(lines[0]).toMatch(/^Found 4 models, \d+ macros$/);
      expect(lines[1]).toBe('Target: dev (postgres, schema analytics), 4 threads');
      expect(lines).toContainEqual(expect.stringMatching(/^4 of 4  OK\s+table\s+analytics\.slow/));
      const completed = lines.indexOf('Completed with 1 error, 0 partial successes, and 0 warnings:');
      expect(completed).toBeGreaterThan(lines.findIndex((l) => /SKIP\s+view\s+analytics\.bad_child/.test(l)));
      expect(lines.slice(completed).join('\n')).toMatch(/\nError in model bad \(models\/bad\.sql(:\d+){0,2}\)\n {2}.*no_such_table/);
      expect(lines.filter((l) => l !== '').at(-1)).toBe('Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4');
    } finally {
      await client.end();
    }
  });
});
