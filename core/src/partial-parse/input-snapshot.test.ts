import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUnchanged, fileChecksum, filePaths, sha256, takeSnapshot, withFileStats, type InputSnapshot } from './input-snapshot.js';

const KEY = 'a'.repeat(64);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A folder `models/` with two files, and the snapshot a compile that read them at `startedAt` would take. */
function project(startedAt: number): { root: string; models: string; snapshot: () => InputSnapshot } {
  const root = mkdtempSync(path.join(tmpdir(), 'xform-snapshot-'));
  dirs.push(root);
  const models = path.join(root, 'models');
  mkdirSync(models);
  writeFileSync(path.join(models, 'a.sql'), 'select 1');
  writeFileSync(path.join(models, 'b.sql'), 'select 2');
  const snapshot = () =>
    takeSnapshot({
      key: 'k',
      envKey: KEY,
      startedAt,
      envReads: new Map([['REGION', 'eu']]),
      files: new Map(['a.sql', 'b.sql'].map((f) => [path.join(models, f), sha256(f === 'a.sql' ? 'select 1' : 'select 2')])),
      dirs: { [models]: readdirSync(models) },
      probes: [],
      outputs: [],
      result: null,
    });
  return { root, models, snapshot };
}

const now = { key: 'k', env: { REGION: 'eu' }, envKey: KEY };
const hourAgo = () => new Date(Date.now() - 3600_000);
function age(...paths: string[]): void {
  for (const p of paths) utimesSync(p, hourAgo(), hourAgo());
}

describe('checkUnchanged', () => {
  it('trusts old files and folders by stat, and writes nothing back', () => {
    const { models, snapshot } = project(Date.now());
    age(path.join(models, 'a.sql'), path.join(models, 'b.sql'), models);
    expect(checkUnchanged(snapshot(), now)).toEqual({ unchanged: true });
  });

  it('sees an edit in place, an added, a removed file and a changed environment value', () => {
    const { models, snapshot } = project(Date.now());
    age(path.join(models, 'a.sql'), path.join(models, 'b.sql'), models);
    const taken = snapshot();
    expect(checkUnchanged(taken, { ...now, env: { REGION: 'us' } }).unchanged).toBe(false);
    writeFileSync(path.join(models, 'a.sql'), 'select 9');
    expect(checkUnchanged(taken, now).unchanged).toBe(false);
    writeFileSync(path.join(models, 'a.sql'), 'select 1');
    writeFileSync(path.join(models, 'c.sql'), 'select 3');
    expect(checkUnchanged(taken, now).unchanged).toBe(false);
    rmSync(path.join(models, 'c.sql'));
    rmSync(path.join(models, 'b.sql'));
    expect(checkUnchanged(taken, now).unchanged).toBe(false);
  });

  it('hands back a refreshed snapshot after re-reading touched files, which then trusts them', () => {
    const { models, snapshot } = project(Date.now());
    const taken = snapshot();
    // Same contents, new (old) mtimes: re-read, found unchanged, and worth remembering.
    age(path.join(models, 'a.sql'), path.join(models, 'b.sql'), models);
    const first = checkUnchanged(taken, now);
    expect(first.unchanged).toBe(true);
    expect(first.refreshed).toBeDefined();
    expect(checkUnchanged(first.refreshed!, now)).toEqual({ unchanged: true });
    writeFileSync(path.join(models, 'b.sql'), 'select 7');
    expect(checkUnchanged(first.refreshed!, now).unchanged).toBe(false);
  });

  it('does not refresh files that are still racy (modified within 2 s)', () => {
    const { snapshot } = project(Date.now());
    const check = checkUnchanged(snapshot(), now);
    expect(check).toEqual({ unchanged: true });
  });

  it('names the edited files by index, and is no snapshot when its columns disagree', () => {
    const { models, snapshot } = project(Date.now());
    age(path.join(models, 'a.sql'), path.join(models, 'b.sql'), models);
    const taken = snapshot();
    writeFileSync(path.join(models, 'b.sql'), 'select 8');
    const check = checkUnchanged(taken, now, { allowChanged: 1 });
    expect(check.changed).toEqual([1]);
    expect(filePaths(taken.files)[1]).toBe(path.join(models, 'b.sql'));
    // A path more or less than the other columns hold: not trusted, whatever the stats say.
    expect(checkUnchanged(taken, now).unchanged).toBe(false);
    writeFileSync(path.join(models, 'b.sql'), 'select 2');
    age(path.join(models, 'b.sql'));
    expect(checkUnchanged(taken, now).unchanged).toBe(true);
    expect(checkUnchanged({ ...taken, files: { ...taken.files, paths: `${taken.files.paths}\0${path.join(models, 'a.sql')}` } }, now).unchanged).toBe(false);
    expect(checkUnchanged({ ...taken, files: { ...taken.files, paths: path.join(models, 'a.sql') } }, now).unchanged).toBe(false);
  });
});

describe('snapshot columns', () => {
  it('keep each file\'s path and checksum in its place, and replace some by index', () => {
    const { models, snapshot } = project(Date.now());
    const { files } = snapshot();
    expect(filePaths(files)).toEqual([path.join(models, 'a.sql'), path.join(models, 'b.sql')]);
    expect([fileChecksum(files, 0), fileChecksum(files, 1)]).toEqual([sha256('select 1'), sha256('select 2')]);
    const updated = withFileStats(files, new Map([[1, { size: 42, mtimeMs: 7, checksum: sha256('select 42') }]]));
    expect([fileChecksum(updated, 0), fileChecksum(updated, 1)]).toEqual([sha256('select 1'), sha256('select 42')]);
    expect(updated.sizes).toEqual([files.sizes[0], 42]);
    expect(updated.mtimes).toEqual([files.mtimes[0], 7]);
    // The snapshot taken is left as it was.
    expect(fileChecksum(files, 1)).toBe(sha256('select 2'));
  });

  it('records a checksum that is not a sha256 as one no contents match', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'xform-snapshot-'));
    dirs.push(root);
    const file = path.join(root, 'odd.sql');
    writeFileSync(file, 'select 1');
    age(file);
    const taken = takeSnapshot({ key: 'k', envKey: KEY, startedAt: Date.now(), envReads: new Map(), files: new Map([[file, 'not-a-sha256']]), dirs: {}, probes: [], outputs: [], result: null });
    expect(taken.files.checksums).toHaveLength(64);
    // Trusted by stat while the stat holds; re-read (touched), it counts as changed.
    expect(checkUnchanged(taken, { ...now, env: {} }).unchanged).toBe(true);
    utimesSync(file, new Date(), new Date(Date.now() - 1800_000));
    expect(checkUnchanged(taken, { ...now, env: {} }).unchanged).toBe(false);
  });
});
