import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { loadProject } from '../project/index.js';
import { compileProject } from './compiler.js';

async function manifestFor(files: Record<string, string>) {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-unrendered-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    }
    const project = await loadProject({ projectDir: root, env: {} });
    return compileProject(project, { dialect: new DialectBase(), env: {} }).manifest;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('unrendered_config (what state:modified compares)', () => {
  it('keeps Jinja from the project file, schema YAML and config() as written; literals are left to config', async () => {
    const manifest = await manifestFor({
      'xform_project.yml': `name: shop\nmodels:\n  shop:\n    +materialized: "{{ 'table' if target.name == 'prod' else 'view' }}"\n    b:\n      +materialized: table\n`,
      'models/a.sql': 'select 1 as x\n',
      'models/b.sql': 'select 1 as x\n',
      'models/c.sql': "{{ config(materialized=var('m', 'view'), tags=['x']) }}\nselect 1 as x\n",
      'models/d.sql': 'select 1 as x\n',
      'models/schema.yml': `models:\n  - name: d\n    config:\n      alias: "{{ var('d_alias', 'dd') }}"\n`,
      'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: x.duckdb}\n',
    });
    const node = (name: string) => manifest.nodes[`model.shop.${name}`] as { config: Record<string, unknown>; unrendered_config?: Record<string, unknown> };
    expect(node('a').config.materialized).toBe('view');
    expect(node('a').unrendered_config?.materialized).toBe("{{ 'table' if target.name == 'prod' else 'view' }}");
    expect(node('b').unrendered_config).toBeUndefined();
    expect(node('c').unrendered_config?.materialized).toMatch(/"name":"var"/);
    expect(node('c').unrendered_config?.tags).toEqual(node('c').config.tags);
    expect(node('d').config.alias).toBe('dd');
    expect(node('d').unrendered_config?.alias).toBe("{{ var('d_alias', 'dd') }}");
  });
});
