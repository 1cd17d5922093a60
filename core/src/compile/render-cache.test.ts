import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { loadProject } from '../project/index.js';
import { compileProject } from './compiler.js';
import { RenderCache } from './render-cache.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const FILES: Record<string, string> = {
  'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  min_amount: 10\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
  'models/stg_orders.sql': "select id, amount from {{ source('raw', 'orders') }}",
  'models/filtered.sql': "select * from {{ ref('stg_orders') }} where amount >= {{ var('min_amount') }}",
  'models/dollars.sql': "select {{ cents('amount') }} as dollars from {{ ref('stg_orders') }}",
  'models/region.sql': "select '{{ env_var('SHOP_REGION', 'eu') }}' as region",
  'models/helper.sql': "select '{{ helper() if helper is defined else 'none' }}' as h",
  'models/plain.sql': 'select 1 as id',
  'models/configured.sql': "{{ config(materialized=var('m', 'table'), tags=['t']) }}select 1 as id",
  'models/stamped.sql': "select '{{ run_started_at }}' as at",
  'macros/cents.sql': '{% macro cents(col) %}{{ col }} / 100{% endmacro %}',
};

/** A project folder, compiled once to fill a cache; `again()` edits it and compiles with that cache. */
async function setup() {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-render-cache-'));
  dirs.push(root);
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const cacheFile = path.join(root, 'renders.json');
  const run = async (cache: RenderCache, env: Record<string, string>) => {
    const project = await loadProject({ projectDir: root, env });
    // A fixed clock, so that the render that reads it compares equal.
    const compiled = compileProject(project, { dialect: new DialectBase(), env, renderCache: cache, runStartedAt: new Date(0) });
    await cache.save(cacheFile);
    const sql: Record<string, string | undefined> = {};
    for (const [id, node] of Object.entries(compiled.manifest.nodes)) sql[id] = node.compiled_code;
    return { sql, nodes: JSON.parse(JSON.stringify(compiled.manifest.nodes)) as Record<string, Record<string, unknown>> };
  };
  await run(RenderCache.empty(), {});
  return {
    edit: (file: string, text: string) => writeFile(path.join(root, file), text),
    /** Compiles with the cache and without it; the manifest's nodes must be the same. Returns what the cache did. */
    async again(env: Record<string, string> = {}) {
      const cache = await RenderCache.load(cacheFile);
      const cached = await run(cache, env);
      const fresh = await run(RenderCache.empty(), env);
      expect(cached.nodes).toEqual(fresh.nodes);
      return { reused: cache.reused, rendered: cache.rendered, sql: cached.sql, nodes: cached.nodes };
    },
  };
}

const MODELS = Object.keys(FILES).filter((f) => f.endsWith('.sql') && f.startsWith('models/')).length;

describe('render cache', () => {
  it('reuses every render when nothing changed, except one that reads the clock', async () => {
    const p = await setup();
    expect(await p.again()).toMatchObject({ reused: MODELS - 1, rendered: 1 });
  });

  it("keeps a reused render's config() call for unrendered_config, without parsing the model again", async () => {
    const p = await setup();
    const r = await p.again();
    expect(r).toMatchObject({ reused: MODELS - 1, rendered: 1 });
    const node = r.nodes['model.shop.configured'] as { config: { materialized: string }; unrendered_config?: { materialized: string; tags: string[] } };
    expect(node.config.materialized).toBe('table');
    expect(node.unrendered_config?.materialized).toMatch(/"name":"var"/);
    expect(node.unrendered_config?.tags).toEqual(['t']);
  });

  it('re-renders only the model whose file changed', async () => {
    const p = await setup();
    await p.edit('models/plain.sql', 'select 2 as id');
    const r = await p.again();
    expect(r).toMatchObject({ reused: MODELS - 2, rendered: 2 });
    expect(r.sql['model.shop.plain']).toContain('select 2 as id');
  });

  it('re-renders the models that use a changed macro, and only those', async () => {
    const p = await setup();
    await p.edit('macros/cents.sql', '{% macro cents(col) %}round({{ col }} / 100.0, 2){% endmacro %}');
    const r = await p.again();
    expect(r).toMatchObject({ reused: MODELS - 2, rendered: 2 });
    expect(r.sql['model.shop.dollars']).toContain('round(amount / 100.0, 2)');
  });

  it('re-renders a model when a new macro takes a name it looked up', async () => {
    const p = await setup();
    await p.edit('macros/helper.sql', "{% macro helper() %}from a macro{% endmacro %}");
    const r = await p.again();
    expect(r).toMatchObject({ reused: MODELS - 2, rendered: 2 });
    expect(r.sql['model.shop.helper']).toContain("'from a macro' as h");
  });

  it('re-renders the models that read a changed var or environment variable', async () => {
    const p = await setup();
    await p.edit('xform_project.yml', 'name: shop\nversion: "1"\nvars:\n  min_amount: 25\n  unused: 1\n');
    const vars = await p.again();
    expect(vars).toMatchObject({ reused: MODELS - 2, rendered: 2 });
    expect(vars.sql['model.shop.filtered']).toContain('amount >= 25');
    const env = await p.again({ SHOP_REGION: 'us' });
    expect(env).toMatchObject({ reused: MODELS - 2, rendered: 2 });
    expect(env.sql['model.shop.region']).toContain("'us' as region");
  });

  it('re-renders the models whose source moved', async () => {
    const p = await setup();
    await p.edit('models/sources.yml', 'version: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: orders\n');
    const r = await p.again();
    expect(r).toMatchObject({ reused: MODELS - 2, rendered: 2 });
    expect(r.sql['model.shop.stg_orders']).toContain('"landing"."orders"');
  });

  it('re-renders a model whose schema YAML changed (config.get and model.* read it)', async () => {
    const p = await setup();
    await p.edit('models/plain.sql', "select '{{ config.get('owner') }}' as owner, '{{ model.description }}' as d");
    await p.again();
    await p.edit('models/schema.yml', 'version: 2\nmodels:\n  - name: plain\n    description: the plain one\n    config:\n      owner: ann\n');
    const r = await p.again();
    expect(r).toMatchObject({ reused: MODELS - 2, rendered: 2 });
    expect(r.sql['model.shop.plain']).toContain("'ann' as owner, 'the plain one' as d");
  });
});
