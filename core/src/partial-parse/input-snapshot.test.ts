import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUnchanged, sha256, takeSnapshot, type InputSnapshot } from './input-snapshot.js';

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
});
