import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from './load-project.js';
import { SchemaFileCache } from './schema-cache.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const SCHEMA = 'version: 2\nmodels:\n  - name: orders\n    description: all orders\n    columns:\n      - name: id\n        tests: [not_null, unique]\n';

async function setup(files: Record<string, string>) {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-schema-cache-'));
  dirs.push(root);
  const all = { 'xform_project.yml': 'name: shop\nversion: "1"\n', 'models/orders.sql': 'select 1 as id', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const cacheFile = path.join(root, 'yaml.bin');
  await mkdir(path.join(root, 'target'), { recursive: true });
  const load = async (useCache: boolean) => {
    const cache = useCache ? await SchemaFileCache.load(cacheFile) : SchemaFileCache.empty();
    const project = await loadProject({ projectDir: root, env: {}, schemaCache: async () => cache });
    await cache.save(cacheFile);
    return { project, cache };
  };
  return { root, load, edit: (file: string, text: string) => writeFile(path.join(root, file), text) };
}

describe('schema YAML cache', () => {
  it('reuses a parsed file until its text changes, and gives what parsing gives', async () => {
    const p = await setup({ 'models/schema.yml': SCHEMA });
    await p.load(false);
    const again = await p.load(true);
    expect(again.cache).toMatchObject({ reused: 1, parsed: 0 });
    expect(again.project.schemaFiles).toEqual((await p.load(false)).project.schemaFiles);
    await p.edit('models/schema.yml', SCHEMA.replace('all orders', 'every order'));
    const edited = await p.load(true);
    expect(edited.cache).toMatchObject({ reused: 0, parsed: 1 });
    expect(edited.project.schemaFiles[0]!.models[0]!.description).toBe('every order');
  });

  it('never keeps a file that warned, so the warning shows on every load', async () => {
    const p = await setup({ 'models/schema.yml': SCHEMA.replace('description', 'owner') });
    const first = await p.load(true);
    expect(first.project.diagnostics.map((d) => d.code)).toContain('XFORM_UNKNOWN_KEY');
    const second = await p.load(true);
    expect(second.cache).toMatchObject({ reused: 0, parsed: 0 });
    expect(second.project.diagnostics.map((d) => d.code)).toContain('XFORM_UNKNOWN_KEY');
  });
});
