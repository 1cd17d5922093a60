/** Throw-away projects built from object literals: `{ 'models/a.sql': 'select 1' }` -> a temp folder. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type ProjectFiles = Record<string, string>;

export const MINIMAL_PROJECT_YML = 'name: demo\nversion: "1.0"\n';

export async function writeProject(files: ProjectFiles, dir?: string): Promise<string> {
  const root = dir ?? (await mkdtemp(path.join(tmpdir(), 'xform-test-')));
  const all: ProjectFiles = { 'xform_project.yml': MINIMAL_PROJECT_YML, ...files };
  const dirs = new Set(Object.keys(all).map((f) => path.dirname(path.join(root, f))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  await Promise.all(Object.entries(all).map(([file, text]) => writeFile(path.join(root, file), text)));
  return root;
}

export async function removeProject(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}
