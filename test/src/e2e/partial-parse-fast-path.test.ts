/**
 * The unchanged-compile short cut on a project whose files and folders are all older than the last compile:
 * folders are trusted by their mtime (not listed again) and files by their stat (not read again). Every
 * kind of change must still be seen; and a check that had to re-read files refreshes the snapshot so the
 * next one is stats only.
 */
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const FILES: Record<string, string> = {
  'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  min_amount: 10\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: target/dev.duckdb, schema: dev_schema}\n',
  'models/stg_orders.sql': "select 1 as id, '{{ env_var('SHOP_REGION', 'eu') }}' as region where 1 >= {{ var('min_amount') }}",
  'models/other.sql': 'select 1 as id',
  'models/staging/inner.sql': 'select 5 as id',
  'macros/cents.sql': '{% macro cents(col) %}{{ col }} / 100{% endmacro %}',
};

interface Manifest {
  nodes: Record<string, { compiled_code?: string; original_file_path?: string }>;
}

const manifestFile = (root: string) => path.join(root, 'target/manifest.json');
const snapshotFile = (root: string) => path.join(root, 'target/partial_parse.json');
const mtime = async (file: string) => (await stat(file)).mtimeMs;
const manifestOf = async (root: string) => JSON.parse(await readFile(manifestFile(root), 'utf8')) as Manifest;
const code = (m: Manifest, id: string) => m.nodes[id]?.compiled_code ?? '';

async function compile(root: string, args: string[] = [], env: Record<string, string> = {}): Promise<void> {
  const result = await runXform(['compile', ...args], { cwd: root, env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^Compiled \d+ models/);
}

/** Sets every file and folder of the project (but target/ and logs/) an hour back. */
async function age(dir: string): Promise<void> {
  const old = new Date(Date.now() - 3600_000);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'target' || entry.name === 'logs') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await age(full);
    await utimes(full, old, old);
  }
  await utimes(dir, old, old);
}

/**
 * A project whose inputs are all old and a snapshot that trusts them: an unchanged compile then rewrites
 * neither the manifest nor the snapshot.
 */
async function agedProject(): Promise<string> {
  const root = await writeProject(FILES);
  roots.push(root);
  await compile(root);
  await age(root);
  await compile(root, ['--no-partial-parse']);
  const manifestBefore = await mtime(manifestFile(root));
  const snapshotBefore = await mtime(snapshotFile(root));
  await compile(root);
  expect(await mtime(manifestFile(root))).toBe(manifestBefore);
  expect(await mtime(snapshotFile(root))).toBe(snapshotBefore);
  return root;
}

describe('partial parse: the fast path on old files and folders', { timeout: 180_000 }, () => {
  it('sees a file edited in place (same size; its folder keeps its mtime)', async () => {
    const root = await agedProject();
    const folder = await mtime(path.join(root, 'models'));
    await writeFile(path.join(root, 'models/other.sql'), 'select 9 as id');
    expect(await mtime(path.join(root, 'models'))).toBe(folder);
    await compile(root);
    expect(code(await manifestOf(root), 'model.shop.other')).toContain('select 9 as id');
  });

  it('sees an added file and a removed file', async () => {
    const root = await agedProject();
    await writeFile(path.join(root, 'models/added.sql'), "select * from {{ ref('other') }}");
    await compile(root);
    expect(code(await manifestOf(root), 'model.shop.added')).toContain('"dev_schema"."other"');
    await age(root);
    await compile(root, ['--no-partial-parse']);
    await rm(path.join(root, 'models/added.sql'));
    await compile(root);
    expect((await manifestOf(root)).nodes['model.shop.added']).toBeUndefined();
  });

  it('sees a renamed folder, even when its parent folder is set back to its old mtime', async () => {
    const root = await agedProject();
    const models = path.join(root, 'models');
    const { atime, mtime: before } = await stat(models);
    await rename(path.join(models, 'staging'), path.join(models, 'stage'));
    await utimes(models, atime, before);
    await compile(root);
    expect((await manifestOf(root)).nodes['model.shop.inner']?.original_file_path).toBe('models/stage/inner.sql');
  });

  it('sees a changed var (project file and --vars) and a changed environment variable', async () => {
    const root = await agedProject();
    await writeFile(path.join(root, 'xform_project.yml'), 'name: shop\nversion: "1"\nvars:\n  min_amount: 20\n');
    await compile(root);
    expect(code(await manifestOf(root), 'model.shop.stg_orders')).toContain('1 >= 20');
    await compile(root, ['--vars', '{min_amount: 30}']);
    expect(code(await manifestOf(root), 'model.shop.stg_orders')).toContain('1 >= 30');
    await compile(root, [], { SHOP_REGION: 'apac' });
    expect(code(await manifestOf(root), 'model.shop.stg_orders')).toContain("'apac' as region");
  });

  it('refreshes the snapshot after re-reading files that were touched, and still sees a later edit', async () => {
    const root = await writeProject(FILES);
    roots.push(root);
    await compile(root);
    const manifestBefore = await mtime(manifestFile(root));
    // New mtimes, same contents (a checkout, `touch`): the check re-reads them and keeps their new stats.
    await age(root);
    const snapshotBefore = await mtime(snapshotFile(root));
    await compile(root);
    expect(await mtime(manifestFile(root))).toBe(manifestBefore);
    const refreshed = await mtime(snapshotFile(root));
    expect(refreshed).not.toBe(snapshotBefore);
    // Now trusted by stat alone: the next check writes nothing.
    await compile(root);
    expect(await mtime(snapshotFile(root))).toBe(refreshed);
    await writeFile(path.join(root, 'models/other.sql'), 'select 8 as id');
    await compile(root);
    expect(code(await manifestOf(root), 'model.shop.other')).toContain('select 8 as id');
    expect(await mtime(manifestFile(root))).not.toBe(manifestBefore);
  });
});
