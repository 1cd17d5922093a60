import { spawnSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestChunks, writeCompileArtifacts, type Manifest, type WrittenFiles } from './manifest.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function targetDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'xform-artifacts-'));
  dirs.push(dir);
  return path.join(dir, 'target');
}

/** A manifest of `count` models in 20 folders whose compiled SQL is `select <i> as id -- <label>`. */
function manifest(count: number, label: (i: number) => string): Manifest {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    nodes[`model.p.m${i}`] = {
      unique_id: `model.p.m${i}`,
      resource_type: 'model',
      compiled_code: `select ${i} as id -- ${label(i)}`,
      compiled_path: `compiled/p/models/f${i % 20}/m${i}.sql`,
    };
  }
  return { metadata: { invocation_id: label(0) }, nodes, sources: {}, macros: {}, docs: {}, disabled: {}, parent_map: {}, child_map: {}, layers: [] } as unknown as Manifest;
}

function compiledFiles(target: string): Map<string, string> {
  const root = path.join(target, 'compiled');
  const out = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true })) {
    const file = path.join(root, String(entry));
    if (statSync(file).isFile()) out.set(path.relative(target, file), readFileSync(file, 'utf8'));
  }
  return out;
}

/** Entries beside target/compiled other than the tree itself (a tree half-written, one moved aside). */
function besideCompiled(target: string): string[] {
  return readdirSync(target).filter((e) => e.startsWith('compiled.'));
}

describe('writeCompileArtifacts', () => {
  it('writes every compiled file (many: on worker threads) and records each file as it is on disk', async () => {
    const target = targetDir();
    const written = await writeCompileArtifacts(target, manifest(4200, () => 'v1'));
    const files = compiledFiles(target);
    expect(files.size).toBe(4200);
    expect(files.get('compiled/p/models/f7/m1207.sql')).toBe('select 1207 as id -- v1\n');
    expect(Object.keys(written)).toHaveLength(4200);
    for (const [rel, [sha1, size, mtimeMs]] of Object.entries(written)) {
      const st = statSync(path.join(target, rel));
      expect([sha1, size, mtimeMs], rel).toEqual([hash('sha1', readFileSync(path.join(target, rel)), 'base64'), st.size, st.mtimeMs]);
    }
    expect(JSON.parse(readFileSync(path.join(target, 'manifest.json'), 'utf8')).metadata.invocation_id).toBe('v1');
    expect(besideCompiled(target)).toEqual([]);
  });

  it('replaces the tree whole when most files change: files of removed nodes go, unchanged files are kept as they were', async () => {
    const target = targetDir();
    const first = await writeCompileArtifacts(target, manifest(600, () => 'v1'));
    const keptBefore = statSync(path.join(target, 'compiled/p/models/f1/m1.sql'));
    // 400 of the first 500 change, 100 stay; m500..m599 are gone.
    const second = await writeCompileArtifacts(target, manifest(500, (i) => (i % 5 === 1 ? 'v1' : 'v2')), { previous: first });
    const files = compiledFiles(target);
    expect(files.size).toBe(500);
    expect(files.has('compiled/p/models/f0/m580.sql')).toBe(false);
    expect(files.get('compiled/p/models/f2/m2.sql')).toBe('select 2 as id -- v2\n');
    const keptAfter = statSync(path.join(target, 'compiled/p/models/f1/m1.sql'));
    expect([keptAfter.ino, keptAfter.mtimeMs]).toEqual([keptBefore.ino, keptBefore.mtimeMs]);
    expect(second['compiled/p/models/f1/m1.sql']).toEqual(first['compiled/p/models/f1/m1.sql']);
    // The old tree is removed in the background.
    await expect.poll(() => besideCompiled(target), { timeout: 10_000 }).toEqual([]);
  });

  it('hands onManifest the stamp of the manifest it wrote', async () => {
    const target = targetDir();
    let stamp: string | undefined;
    await writeCompileArtifacts(target, manifest(3, () => 'v1'), { onManifest: (s) => (stamp = s) });
    const st = statSync(path.join(target, 'manifest.json'));
    expect(stamp).toBe(`${st.ino}:${st.size}:${st.mtimeMs}`);
  });

  it('replaces only the changed files when few change', async () => {
    const target = targetDir();
    const first = await writeCompileArtifacts(target, manifest(300, () => 'v1'));
    const untouched = statSync(path.join(target, 'compiled/p/models/f3/m3.sql'));
    const second: WrittenFiles = await writeCompileArtifacts(target, manifest(300, (i) => (i === 4 ? 'v2' : 'v1')), { previous: first });
    expect(readFileSync(path.join(target, 'compiled/p/models/f4/m4.sql'), 'utf8')).toBe('select 4 as id -- v2\n');
    const after = statSync(path.join(target, 'compiled/p/models/f3/m3.sql'));
    expect([after.ino, after.mtimeMs]).toEqual([untouched.ino, untouched.mtimeMs]);
    expect(second['compiled/p/models/f4/m4.sql']?.[0]).not.toBe(first['compiled/p/models/f4/m4.sql']?.[0]);
  });

  it('removes trees left by a killed writer, and keeps those of a running one', async () => {
    const target = targetDir();
    // A pid that no longer runs: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    for (const name of [`compiled.${dead}.abc123.new`, `compiled.${dead}.def456.old`, `compiled.${process.ppid}.ghi789.new`]) {
      mkdirSync(path.join(target, name, 'p'), { recursive: true });
      writeFileSync(path.join(target, name, 'p', 'half.sql'), 'select');
    }
    await writeCompileArtifacts(target, manifest(3, () => 'v1'));
    expect(besideCompiled(target)).toEqual([`compiled.${process.ppid}.ghi789.new`]);
    expect(compiledFiles(target).size).toBe(3);
  });

  it('two writers at once leave one whole tree: all files of one or all of the other', async () => {
    const target = targetDir();
    await writeCompileArtifacts(target, manifest(2200, () => 'v0'));
    await Promise.all([writeCompileArtifacts(target, manifest(2200, () => 'A')), writeCompileArtifacts(target, manifest(2200, () => 'B'))]);
    const labels = new Set([...compiledFiles(target).values()].map((sql) => sql.trim().split('-- ')[1]));
    expect(labels.size).toBe(1);
    expect(compiledFiles(target).size).toBe(2200);
  });

  it('a file in the way of a folder fails naming target/compiled, leaving no half tree and the previous manifest', async () => {
    const target = targetDir();
    await writeCompileArtifacts(target, manifest(3, () => 'v1'));
    const before = readFileSync(path.join(target, 'manifest.json'), 'utf8');
    // A node whose folder path runs through an existing file.
    const broken = manifest(250, () => 'v2');
    (broken.nodes['model.p.m0'] as { compiled_path: string }).compiled_path = 'compiled/p/models/f1/m1.sql/inner.sql';
    await expect(writeCompileArtifacts(target, broken)).rejects.toThrow(/compiled/);
    expect(readFileSync(path.join(target, 'manifest.json'), 'utf8')).toBe(before);
    expect(besideCompiled(target)).toEqual([]);
    // The new manifest, written beside while the tree was, is gone too.
    expect(readdirSync(target).sort()).toEqual(['compiled', 'manifest.json']);
    expect(existsSync(path.join(target, 'compiled/p/models/f1/m1.sql'))).toBe(true);
  });

  it('a manifest that cannot be put in place fails naming it, and leaves no file beside it', async () => {
    const target = targetDir();
    mkdirSync(path.join(target, 'manifest.json', 'in-the-way'), { recursive: true });
    await expect(writeCompileArtifacts(target, manifest(300, () => 'v1'))).rejects.toThrow(/manifest.*manifest\.json/s);
    expect(readdirSync(target).sort()).toEqual(['compiled', 'manifest.json']);
    expect(compiledFiles(target).size).toBe(300);
  });

  it('a file named target/compiled is never replaced: the error names it', async () => {
    const target = targetDir();
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, 'compiled'), 'not a folder\n');
    await expect(writeCompileArtifacts(target, manifest(300, () => 'v1'))).rejects.toThrow(/'compiled' .*is a file, not a folder/);
    expect(readFileSync(path.join(target, 'compiled'), 'utf8')).toBe('not a folder\n');
    expect(besideCompiled(target)).toEqual([]);
  });
});


describe('manifestChunks', () => {
  // Each chunk holds only until the next is asked for (one buffer is filled again): keep copies.
  const copied = (m: Manifest) => Array.from(manifestChunks(m), (chunk) => Buffer.from(chunk));

  it('gives JSON.stringify(manifest) character for character, in pieces of about a megabyte', () => {
    const big = manifest(30_000, (i) => `caf\u00e9 \u2603 "${i}"\n`) as unknown as Record<string, unknown>;
    // What JSON leaves out or turns: undefined members, an empty map, a key before the maps, a Date.
    (big.nodes as Record<string, Record<string, unknown>>)['model.p.m3']!.description = undefined;
    big.metadata = { generated_at: new Date(0), dropped: undefined };
    big.sources = { 'source.p.s.t': { unique_id: 'source.p.s.t', fn: () => 1 } };
    big.exposures = undefined;
    big.child_map = { a: ['b'], z: undefined };
    const chunks = copied(big as unknown as Manifest);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(JSON.stringify(big));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(2 ** 20);
  });

  it('puts an entry larger than a chunk on its own, between whole chunks', () => {
    const big = manifest(3, (i) => (i === 1 ? `\u00e9${'x'.repeat(3 * 2 ** 20)}` : `m${i}`));
    const chunks = copied(big);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(JSON.stringify(big));
    expect(chunks.some((c) => c.length > 3 * 2 ** 20)).toBe(true);
  });

  it('an empty manifest and empty maps read back as they were', () => {
    const empty = manifest(0, () => 'x');
    expect(Buffer.concat(copied(empty)).toString('utf8')).toBe(JSON.stringify(empty));
    expect(Buffer.concat(copied({} as Manifest)).toString('utf8')).toBe('{}');
  });
});
