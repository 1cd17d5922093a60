/**
 * File-system failures while writing artifacts, under real conditions: `target` is a file, `target` is not
 * writable (the CLI run as `nobody`, since root ignores permission bits), and a full disk (a 1 MiB tmpfs).
 * Each must be one located error without a stack trace, exit code 2, and never half a file on disk.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
const mounts: string[] = [];
afterAll(async () => {
  for (const m of mounts) execFileSync('umount', [m]);
  await Promise.all(roots.map(removeProject));
});

async function project(files: Record<string, string> = {}): Promise<string> {
  const root = await writeProject({ 'models/a.sql': 'select 1 as id', ...files });
  roots.push(root);
  return root;
}

function expectFsError(result: { code: number; stdout: string; stderr: string }, ...words: string[]): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('[XFORM_FS_ERROR]');
  for (const w of words) expect(result.stderr).toContain(w);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

/** Mounts a tmpfs of `size` at a new folder; undefined where mounting is not permitted (not root, a container). */
async function smallDisk(root: string, size: string): Promise<string | undefined> {
  const dir = path.join(root, 'small-disk');
  await mkdir(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

const isRoot = process.getuid?.() === 0;

async function leftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => String(e).endsWith('.tmp'));
}

describe('file-system errors', () => {
  it.each([['compile'], ['run'], ['docs', 'generate', '--no-catalog'], ['source', 'freshness']])(
    "`xform %s` when 'target' is a file names it, without a stack trace",
    async (...args) => {
      const root = await project();
      await writeFile(path.join(root, 'target'), 'not a folder\n');
      const result = await runXform(args, { cwd: root });
      expectFsError(result, "'target' is a file, not a folder", 'target/');
      // The file in the way is left as it was.
      expect(await readFile(path.join(root, 'target'), 'utf8')).toBe('not a folder\n');
    },
  );

  it.skipIf(!isRoot)('`xform compile` into a folder it may not write reports permission denied at the path', async () => {
    const root = await project();
    await mkdir(path.join(root, 'target'));
    // Readable and enterable for everyone, writable only for root: `nobody` may read the project only.
    for (const dir of [root, path.join(root, 'models'), path.join(root, 'target')]) await chmod(dir, 0o755);
    const result = await runXform(['compile'], { cwd: root, uid: 65534, gid: 65534 });
    expectFsError(result, 'cannot write the compiled SQL to target/compiled: permission denied (EACCES)');
  });

  it.skipIf(!isRoot)('a project folder it may not read is named too, without a stack trace', async () => {
    const root = await project();
    await chmod(root, 0o777);
    await chmod(path.join(root, 'models'), 0o700);
    const result = await runXform(['compile'], { cwd: root, uid: 65534, gid: 65534 });
    expectFsError(result, 'cannot read models: permission denied (EACCES)', 'make it readable');
  });

  it('`xform compile` on a full disk says so and leaves the previous manifest whole', async (ctx) => {
    const root = await project();
    const disk = await smallDisk(root, '1m');
    if (!disk) return ctx.skip();
    await writeFile(path.join(root, 'xform_project.yml'), `name: demo\nversion: "1.0"\ntarget-path: ${disk}/target\n`);
    const first = await runXform(['compile'], { cwd: root });
    expect(first.code, first.stderr).toBe(0);
    const before = await readFile(path.join(disk, 'target', 'manifest.json'), 'utf8');
    // 2 MB of SQL (in the compiled file and again in the manifest) cannot fit on a 1 MiB disk; the first
    // manifest (with dbt's built-in macros, ~70 KB) does.
    await writeFile(path.join(root, 'models', 'big.sql'), `select 1 as id -- ${'x'.repeat(2_000_000)}\n`);
    const result = await runXform(['compile'], { cwd: root });
    expectFsError(result, 'the disk is full', '(ENOSPC)');
    expect(await readFile(path.join(disk, 'target', 'manifest.json'), 'utf8')).toBe(before);
    expect(await leftovers(disk)).toEqual([]);
  });
});
