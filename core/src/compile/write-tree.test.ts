import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packTreeJob, runTreeJob, startTreeJob, type TreeJob } from './write-tree.js';

const scratch = fs.mkdtempSync(path.join(tmpdir(), 'xform-write-tree-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('a tree job packed for a worker thread', () => {
  it('writes the same bytes as the job it was packed from: non-ASCII text, empty files, a newline added, hard links', () => {
    const old = path.join(scratch, 'old.sql');
    fs.writeFileSync(old, 'select 1\n');
    const job: TreeJob = {
      root: path.join(scratch, 'packed'),
      fresh: true,
      tag: 't',
      files: [
        { rel: 'a/caf\u00e9.sql', data: "select 'caf\u00e9 \u2603 \u{1F600}' as x\n" },
        { rel: 'a/empty.sql', data: '' },
        { rel: 'a/eol.sql', data: "select '\u00e9'", eol: true },
        { rel: 'a/eol-only.sql', data: '', eol: true },
        { rel: 'b/linked.sql', data: 'select 1\n', linkFrom: old },
        { rel: 'b/last.sql', data: 'select 2\n' },
      ],
    };
    const packed = packTreeJob(job);
    // Cloned as a worker receives it: the buffer arrives as a plain Uint8Array.
    const result = runTreeJob(fs, path, crypto, structuredClone(packed));
    expect(result.ok).toBe(true);
    const contents = job.files.map((f) => f.data + (f.eol ? '\n' : ''));
    job.files.forEach((f, i) => expect(fs.readFileSync(path.join(job.root, f.rel), 'utf8'), f.rel).toBe(contents[i]));
    expect(fs.statSync(path.join(job.root, 'b/linked.sql')).ino).toBe(fs.statSync(old).ino);
    if (result.ok) {
      expect([...result.stats].filter((_, i) => i % 2 === 0)).toEqual(contents.map((text) => Buffer.byteLength(text)));
      expect(job.files.map((_, i) => Buffer.from(result.sha1.subarray(20 * i, 20 * i + 20)).toString('hex'))).toEqual(contents.map((text) => crypto.hash('sha1', text)));
    }
  });

  it('packs no files as no files', () => {
    const root = path.join(scratch, 'none');
    expect(runTreeJob(fs, path, crypto, packTreeJob({ root, fresh: true, tag: 't', files: [] }))).toEqual({ ok: true, stats: new Float64Array(0), sha1: new Uint8Array(0) });
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('writes thousands of files on worker threads, each file its own contents', async () => {
    const root = path.join(scratch, 'many');
    const files = Array.from({ length: 4500 }, (_, i) => ({ rel: `f${i % 30}/m${i}.sql`, data: `select ${i} as id -- \u00e9${'x'.repeat(i % 7)}\n` }));
    const result = await startTreeJob({ root, fresh: true, tag: 't', files });
    expect(result.ok).toBe(true);
    for (const i of [0, 1, 2999, 4499]) expect(fs.readFileSync(path.join(root, files[i]!.rel), 'utf8')).toBe(files[i]!.data);
  });
});
