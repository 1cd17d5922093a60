import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProjectRoot, parentProjectDir } from './project-root.js';

const base = mkdtempSync(path.join(tmpdir(), 'xform-root-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('findProjectRoot', () => {
  it('finds the nearest folder upwards with xform_project.yml or dbt_project.yml', () => {
    const outer = path.join(base, 'outer');
    const inner = path.join(outer, 'vendor/inner');
    mkdirSync(path.join(inner, 'models/deep'), { recursive: true });
    writeFileSync(path.join(outer, 'xform_project.yml'), 'name: outer\n');
    writeFileSync(path.join(inner, 'dbt_project.yml'), 'name: inner\n');
    expect(findProjectRoot(path.join(inner, 'models/deep'))).toBe(inner);
    expect(findProjectRoot(path.join(outer, 'vendor'))).toBe(outer);
    expect(findProjectRoot(outer)).toBe(outer);
    expect(parentProjectDir(outer)).toBeUndefined();
    expect(parentProjectDir(path.join(outer, 'vendor'))).toBe(outer);
  });

  it('stops at the file-system root', () => {
    const lonely = path.join(base, 'lonely/a/b');
    mkdirSync(lonely, { recursive: true });
    expect(findProjectRoot(lonely)).toBeUndefined();
    expect(parentProjectDir(lonely)).toBeUndefined();
  });
});
