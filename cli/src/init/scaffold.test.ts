import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAdapter, checkProjectName, projectNameFrom, requiredEnvVars, scaffoldProject } from './scaffold.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('scaffoldProject', () => {
  it('fills every placeholder and writes the profile of the chosen adapter', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'xform-scaffold-'));
    dirs.push(root);
    const { files, requiredEnv } = await scaffoldProject({ dir: path.join(root, 'p'), name: 'acme', adapter: 'snowflake' });
    expect(requiredEnv).toEqual(['XFORM_SF_ACCOUNT', 'XFORM_SF_USER', 'XFORM_SF_PRIVATE_KEY_PATH', 'XFORM_SF_DATABASE']);
    expect(files).toContain('.gitignore');
    expect(files).not.toContain('gitignore');
    expect(files).toContain('profiles.yml');
    for (const file of files) {
      const text = await readFile(path.join(root, 'p', file), 'utf8');
      expect(text, file).not.toMatch(/__[A-Z_]+__/);
    }
    expect(await readFile(path.join(root, 'p/profiles.yml'), 'utf8')).toMatch(/^acme:\n[\s\S]*type: snowflake/m);
    expect(await readFile(path.join(root, 'p/models/bronze/_sources.yml'), 'utf8')).toContain('schema: analytics_raw');
    expect((await readdir(path.join(root, 'p/models'))).sort()).toEqual(['bronze', 'gold', 'silver']);
  });

  it('refuses a folder with files in it, before writing anything', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'xform-scaffold-'));
    dirs.push(root);
    await scaffoldProject({ dir: root, name: 'first' });
    await expect(scaffoldProject({ dir: root, name: 'second' })).rejects.toMatchObject({ code: 'XFORM_INIT_DIR_NOT_EMPTY' });
    expect(await readFile(path.join(root, 'xform_project.yml'), 'utf8')).toContain('name: first');
  });
});

describe('names and adapters', () => {
  it('lists the env vars a profile reads without a default, ignoring comments', () => {
    expect(requiredEnvVars("a: \"{{ env_var('A') }}\"\nb: \"{{ env_var('B', 'x') }}\"\n# c: {{ env_var('C') }}\nd: 1 # {{ env_var('D') }}\n")).toEqual(['A']);
  });

  it('turns a folder name into a project name', () => {
    expect(projectNameFrom('my-shop')).toBe('my_shop');
    expect(projectNameFrom('2024 data')).toBe('_2024_data');
    expect(projectNameFrom('---')).toBe('my_project');
  });

  it('explains a bad name or adapter with a did-you-mean', () => {
    expect(() => checkProjectName('my shop')).toThrow(expect.objectContaining({ code: 'XFORM_INIT_BAD_NAME', hint: "did you mean 'my_shop'?" }));
    expect(() => checkAdapter('snowflak')).toThrow(expect.objectContaining({ code: 'XFORM_INIT_BAD_ADAPTER', hint: "did you mean 'snowflake'?" }));
    expect(checkAdapter('bigquery')).toBe('bigquery');
  });
});
