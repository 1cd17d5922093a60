import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { ExecutableNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { TemplateEngine } from '../template/index.js';
import { compileProject, type CompiledProject } from './compiler.js';
import { RenderCache } from './render-cache.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Models whose run render gives what compile gave, and models whose run render may differ from it. */
const FILES: Record<string, string> = {
  'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  min_amount: 10\nmodels:\n  shop:\n    +materialized: table\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
  'models/stg.sql': "select id, amount from {{ source('raw', 'orders') }}",
  'models/plain_ref.sql': "select * from {{ ref('stg') }} where amount >= {{ var('min_amount') }}",
  'models/with_macro.sql': "select {{ cents('amount') }} as dollars from {{ ref('stg') }}",
  'models/configured.sql': "{{ config(tags=['t']) }}select * from {{ this }}",
  'models/incremental.sql':
    "{{ config(materialized='incremental') }}select * from {{ ref('stg') }}{% if is_incremental() %} where id > (select max(id) from {{ this }}){% endif %}",
  'models/executes.sql': "select {{ 'true' if execute else 'false' }} as executed",
  'models/reads_model.sql': "select '{{ model.config.materialized }}' as m",
  'models/config_get.sql': "select '{{ config.get('materialized') }}' as m",
  'models/macro_reads_execute.sql': "select {{ executed() }} as e from {{ ref('stg') }}",
  'models/ref_attribute.sql': "select '{{ ref('stg').identifier }}' as name",
  'models/queries.sql': "{% set r = run_query('select 1') %}select 1 as id",
  'models/logs.sql': "{% do log('hello') %}select 1 as id",
  'models/macro_queries.sql': 'select {{ one_from_warehouse() }} as one',
  'models/dispatches.sql': 'select {{ current_timestamp() }} as at',
  'macros/cents.sql': '{% macro cents(col) %}{{ col }} / 100{% endmacro %}',
  'macros/executed.sql': "{% macro executed() %}{{ 'true' if execute else 'false' }}{% endmacro %}",
  'macros/one_from_warehouse.sql': "{% macro one_from_warehouse() %}{% set r = run_query('select 1') %}1{% endmacro %}",
};

const SAME = ['stg', 'plain_ref', 'with_macro', 'configured'];
const RENDERED = ['incremental', 'executes', 'reads_model', 'config_get', 'macro_reads_execute', 'ref_attribute', 'queries', 'logs', 'macro_queries', 'dispatches'];

async function projectDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-run-render-'));
  dirs.push(root);
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

async function compile(root: string, renderCache?: RenderCache): Promise<CompiledProject> {
  const project = await loadProject({ projectDir: root, env: {} });
  return compileProject(project, { dialect: new DialectBase(), env: {}, renderCache });
}

const node = (c: CompiledProject, name: string) => c.manifest.nodes[`model.shop.${name}`] as ExecutableNode;

/** What renderForRun gives for `name`, and how many templates it rendered to give it. */
function runRender(c: CompiledProject, name: string, isIncremental = false): { sql: string; renders: number } {
  const render = vi.spyOn(TemplateEngine.prototype, 'render');
  try {
    const sql = c.renderForRun(node(c, name), { isIncremental });
    return { sql, renders: render.mock.calls.length };
  } finally {
    render.mockRestore();
  }
}

describe('run render', () => {
  it('gives the compiled SQL without rendering again when the compile render read nothing a run answers differently', async () => {
    const c = await compile(await projectDir());
    for (const name of SAME) {
      expect(runRender(c, name), name).toEqual({ sql: node(c, name).compiled_code, renders: 0 });
    }
  });

  it('renders again a model that reads is_incremental(), execute, model, config.get(), a relation attribute, the warehouse (itself or through a macro), adapter.dispatch or logs', async () => {
    const c = await compile(await projectDir());
    for (const name of RENDERED) expect(runRender(c, name).renders, name).toBeGreaterThan(0);
    expect(runRender(c, 'incremental', true).sql).toContain('where id > (select max(id) from "main"."incremental")');
    expect(runRender(c, 'incremental', false).sql).not.toContain('where');
    expect(runRender(c, 'executes').sql).toBe('select true as executed');
    expect(node(c, 'executes').compiled_code).toBe('select false as executed');
    expect(runRender(c, 'macro_reads_execute').sql).toContain('select true as e');
    expect(runRender(c, 'reads_model').sql).toBe("select 'table' as m");
    expect(runRender(c, 'config_get').sql).toBe("select 'table' as m");
  });

  it('knows the same from a partial-parse cache of the renders', async () => {
    const root = await projectDir();
    const file = path.join(root, 'renders.json');
    const first = RenderCache.empty();
    await compile(root, first);
    await first.save(file);
    const cache = await RenderCache.load(file);
    const c = await compile(root, cache);
    // Only the renders a cache never keeps (a relation attribute read before names were final, a log) ran.
    expect(cache.rendered).toBe(2);
    for (const name of SAME) expect(runRender(c, name), name).toEqual({ sql: node(c, name).compiled_code, renders: 0 });
    for (const name of RENDERED) expect(runRender(c, name).renders, name).toBeGreaterThan(0);
    expect(runRender(c, 'executes').sql).toBe('select true as executed');
  });

  it('renders every model again for --empty, where ref() and source() read no rows', async () => {
    const root = await projectDir();
    const project = await loadProject({ projectDir: root, env: {} });
    const c = compileProject(project, { dialect: new DialectBase(), env: {}, empty: true });
    const { sql, renders } = runRender(c, 'plain_ref');
    expect(renders).toBeGreaterThan(0);
    expect(sql).toContain('limit 0');
  });
});
