/**
 * Throw-away projects for tests, built from object literals: `{ 'models/a.sql': 'select 1' }`. A value
 * that is not a string is written as YAML. Every directory lives under the OS temp dir and is removed by
 * `cleanup()`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export type FixtureFiles = Record<string, string | object>;

export interface Fixture {
  dir: string;
  /** Absolute path of a file in the fixture. */
  file(rel: string): string;
  write(files: FixtureFiles): Promise<void>;
  cleanup(): Promise<void>;
}

export async function makeTempDir(files: FixtureFiles = {}): Promise<Fixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xform-project-'));
  const fixture: Fixture = {
    dir,
    file: (rel) => path.join(dir, rel),
    async write(more) {
      for (const [rel, content] of Object.entries(more)) {
        const abs = path.join(dir, rel);
        await mkdir(path.dirname(abs), { recursive: true });
        await writeFile(abs, typeof content === 'string' ? content : stringify(content));
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  await fixture.write(files);
  return fixture;
}

/** A project with `xform_project.yml` for `name` plus the given files. */
export async function makeProject(files: FixtureFiles = {}, name = 'shop'): Promise<Fixture> {
  return makeTempDir({ 'xform_project.yml': { name }, ...files });
}

/** An environment with nothing set, so that tests never depend on the real one. */
export const EMPTY_ENV: Record<string, string | undefined> = Object.freeze({}) as Record<string, string | undefined>;
