import { mkdtemp, readdir, readFile, rm, writeFile as realWriteFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { isXformError } from './errors.js';

// A disk that fills half-way through a write: the first half of the bytes land, then ENOSPC.
const state = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    writeFile: async (file: string, data: string | Uint8Array, options?: object) => {
      if (!state.full) return actual.writeFile(file, data, options);
      await actual.writeFile(file, typeof data === 'string' ? data.slice(0, data.length / 2) : data.slice(0, data.length / 2));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', syscall: 'write', path: file });
    },
  };
});

const { writeRunResults } = await import('./run/run-results.js');

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('writing artifacts on a full disk', () => {
  it('run_results.json: an XFORM_FS_ERROR naming the file, and the previous file left whole', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'xform-fs-'));
    dirs.push(dir);
    const file = path.join(dir, 'run_results.json');
    await realWriteFile(file, '{"previous": true}\n');
    state.full = true;
    const meta = { invocationId: 'x', generatedAt: new Date(0), elapsed: 1, args: {}, xformVersion: '0' };
    const err = await writeRunResults(dir, [], meta).then(
      () => undefined,
      (e: unknown) => e,
    );
    state.full = false;
    expect(isXformError(err) && err.code).toBe('XFORM_FS_ERROR');
    expect((err as Error).message).toContain('cannot write the run results to');
    expect((err as Error).message).toContain('run_results.json: the disk is full (no space left on device) (ENOSPC)');
    expect(await readFile(file, 'utf8')).toBe('{"previous": true}\n');
    expect(await readdir(dir)).toEqual(['run_results.json']);
  });
});

describe('writeFileAtomic', () => {
  it('makes the folder, or with folderExists trusts the caller made it (no mkdir: a missing folder fails naming the file)', async () => {
    const { writeFileAtomic } = await import('./fs-write.js');
    const dir = await mkdtemp(path.join(tmpdir(), 'xform-fs-'));
    dirs.push(dir);
    await writeFileAtomic(path.join(dir, 'made', 'a.sql'), 'select 1\n', 'the SQL that ran');
    expect(await readFile(path.join(dir, 'made', 'a.sql'), 'utf8')).toBe('select 1\n');
    await writeFileAtomic(path.join(dir, 'made', 'b.sql'), 'select 2\n', 'the SQL that ran', { folderExists: true });
    expect(await readdir(path.join(dir, 'made'))).toEqual(['a.sql', 'b.sql']);
    const err = await writeFileAtomic(path.join(dir, 'missing', 'c.sql'), 'select 3\n', 'the SQL that ran', { folderExists: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isXformError(err) && err.code).toBe('XFORM_FS_ERROR');
    expect((err as Error).message).toContain(path.join('missing', 'c.sql'));
    expect(await readdir(dir)).toEqual(['made']);
  });
});
