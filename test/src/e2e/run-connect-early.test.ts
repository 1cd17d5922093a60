/**
 * `xform run` opens the warehouse while the project compiles. What users see must not change for it: a
 * project that does not compile reports only its own errors (never the warehouse's, never a waiting build),
 * leaves no database file behind, and the process exits; a warehouse that refuses still says why once the
 * project compiled.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';
import { startXform } from '../faults/fault-runs.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const DUCKDB_PROFILE = ['shop:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', '      path: warehouse.duckdb', ''].join('\n');
const BROKEN_MODEL = "select 1 as id from {{ ref('no_such_model') }}\n";

async function project(files: ProjectFiles): Promise<string> {
  const root = await writeProject({ 'xform_project.yml': 'name: shop\nversion: "1.0"\n', 'models/a.sql': 'select 1 as id\n', ...files });
  roots.push(root);
  return root;
}

describe('the connection opened while compiling', () => {
  it('DuckDB: a project that does not compile leaves no database file, and reports only its own error', async () => {
    const root = await project({ 'profiles.yml': DUCKDB_PROFILE, 'models/b.sql': BROKEN_MODEL });
    const result = await runXform(['run'], { cwd: root });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("'no_such_model'");
    expect(existsSync(path.join(root, 'warehouse.duckdb'))).toBe(false);
  });

  it('DuckDB held by another build: a project that does not compile reports its own error, not the lock; one that compiles is refused as before', async () => {
    // Slow models (seconds of DuckDB work each, one at a time), so that the holder is stopped mid-run.
    const slow = Object.fromEntries([1, 2, 3].map((i) => [`models/slow_${i}.sql`, `{{ config(materialized='table') }}\nselect sum(i % ${i + 6}) as s from range(300000000) t(i)\n`]));
    const root = await project({ 'profiles.yml': DUCKDB_PROFILE.replace('path: warehouse.duckdb', 'path: warehouse.duckdb\n      threads: 1'), ...slow });
    const first = await runXform(['run', '--select', 'a'], { cwd: root });
    expect(first.code, first.stderr).toBe(0);
    // A build that holds the file: stopped once it printed its first line.
    const holder = startXform(['run'], root);
    await holder.started;
    holder.child.kill('SIGSTOP');
    try {
      await writeFile(path.join(root, 'models/b.sql'), BROKEN_MODEL);
      const broken = await runXform(['run'], { cwd: root });
      expect(broken.code, broken.stderr).toBe(2);
      expect(broken.stderr).toContain("'no_such_model'");
      expect(broken.stderr).not.toContain('another xform build holds target');
      await writeFile(path.join(root, 'models/b.sql'), 'select 2 as id\n');
      const refused = await runXform(['run'], { cwd: root });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain('another xform build holds target dev');
    } finally {
      holder.child.kill('SIGCONT');
      expect((await holder.done).code).toBe(0);
    }
  }, 180_000);

  describe('PostgreSQL', () => {
    const pg = withPostgres();

    it('a wrong password is reported once the project compiled, and never for a project that does not compile', async () => {
      const server = pg();
      const profile = postgresProfile({ ...server, password: 'not-the-password' }, { schema: 'early' });
      const root = await project({ 'profiles.yml': profile });
      const refused = await runXform(['run'], { cwd: root });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/password authentication failed/i);
      expect(refused.stderr).not.toContain('not-the-password');
      await writeFile(path.join(root, 'models/b.sql'), BROKEN_MODEL);
      const broken = await runXform(['run'], { cwd: root });
      expect(broken.code, broken.stderr).toBe(2);
      expect(broken.stderr).toContain("'no_such_model'");
      expect(broken.stderr).not.toMatch(/password authentication failed/i);
    });

    it('a selector error after compiling closes the early connection: the command ends', async () => {
      const root = await project({ 'profiles.yml': postgresProfile(pg(), { schema: 'early' }) });
      const result = await runXform(['run', '--select', 'tag:'], { cwd: root });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const ok = await runXform(['run'], { cwd: root });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('PASS=1');
    });
  });
});

describe('an unchanged run', () => {
  it('rewrites neither the partial-parse caches nor the compiled SQL nor the SQL that ran; a changed model rewrites them', async () => {
    const root = await project({
      'profiles.yml': DUCKDB_PROFILE,
      'models/b.sql': "select id from {{ ref('a') }}\n",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        tests: [not_null]\n',
    });
    const first = await runXform(['run'], { cwd: root });
    expect(first.code, first.stderr).toBe(0);
    const files = ['partial_parse_renders.json', 'partial_parse_yaml.bin', 'compiled/models/b.sql', 'run/models/b.sql'].map((f) => path.join(root, 'target', f));
    const stamp = () => files.map((f) => `${statSync(f).ino}:${statSync(f).mtimeMs}`);
    const before = stamp();
    const manifestBefore = statSync(path.join(root, 'target/manifest.json')).mtimeMs;
    const second = await runXform(['run'], { cwd: root });
    expect(second.code, second.stderr).toBe(0);
    expect(stamp()).toEqual(before);
    // The manifest names this invocation, as dbt's does.
    expect(statSync(path.join(root, 'target/manifest.json')).mtimeMs).toBeGreaterThan(manifestBefore);
    await writeFile(path.join(root, 'models/b.sql'), "select id + 1 as id from {{ ref('a') }}\n");
    const third = await runXform(['run'], { cwd: root });
    expect(third.code, third.stderr).toBe(0);
    const after = stamp();
    expect(after[0]).not.toBe(before[0]);
    expect(after[2]).not.toBe(before[2]);
    expect(after[3]).not.toBe(before[3]);
    expect(readFileSync(files[3]!, 'utf8')).toContain('select id + 1 as id');
  });
});
