/**
 * dbt's runtime as compiled projects see it: the as_* filters in SQL rendering, api.Relation and the
 * relations ref()/source()/this return, and config() inside generic test macros.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject, type CompiledProject } from './compiler.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compile(files: Record<string, string>, cliVars?: Record<string, unknown>): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-runtime-'));
  dirs.push(root);
  const all = { 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: {}, ...(cliVars ? { vars: cliVars } : {}) });
  return compileProject(project, { dialect: new DialectBase(), env: {} });
}

const model = (c: CompiledProject, name: string) => c.manifest.nodes[`model.shop.${name}`] as ExecutableNode | undefined;
const tests = (c: CompiledProject) => Object.values(c.manifest.nodes).filter((n): n is TestNode => n.resource_type === 'test');

describe('as_bool, as_number, as_native, as_text in SQL', () => {
  it('keep a false var false in {% if %} and in config(enabled=...), as dbt does', async () => {
    const c = await compile({
      'models/a.sql': "select {% if var('use_b', false) | as_bool %}'b'{% else %}'a'{% endif %} as pick, {{ var('n', 3) | as_number + 1 }} as n",
      'models/off.sql': "{{ config(enabled=var('enable_off', false) | as_bool) }}select 1 as id",
      'models/on.sql': "{{ config(enabled=var('enable_on', true) | as_bool) }}select 1 as id",
    });
    expect(model(c, 'a')!.compiled_code).toBe("select 'a' as pick, 4 as n");
    expect(model(c, 'off')).toBeUndefined();
    expect(model(c, 'on')).toBeDefined();
  });
});
