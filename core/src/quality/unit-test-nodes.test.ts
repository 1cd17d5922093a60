import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { compileProject, type CompiledProject } from '../compile/compiler.js';
import { isXformError, type XformError } from '../errors.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { selectNodes } from '../graph/select.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compile(files: Record<string, string>): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-unit-'));
  dirs.push(root);
  for (const [file, text] of Object.entries({ 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files })) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return compileProject(await loadProject({ projectDir: root, env: {} }), { dialect: new DialectBase(), env: {} });
}

async function compileError(files: Record<string, string>): Promise<XformError> {
  try {
    await compile(files);
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected compilation to fail');
}

const MODELS = {
  'models/stg.sql': 'select 1 as id',
  'models/marts/inc.sql': [
    "{{ config(materialized='incremental') }}",
    "select s.id, o.total, {{ var('factor', 1) }} as factor from {{ ref('stg') }} s join {{ source('raw', 'orders') }} o on o.id = s.id",
    '{% if is_incremental() %}where s.id > (select max(id) from {{ this }}){% endif %}',
  ].join('\n'),
};
const SOURCES = 'sources:\n  - name: raw\n    tables: [{name: orders}]\n';

describe('unit test nodes', () => {
  it('become unit_test nodes that depend on their model, with resolved inputs, selectable with the model', async () => {
    const c = await compile({
      ...MODELS,
      'models/schema.yml': [
        SOURCES + 'unit_tests:',
        '  - name: only_new',
        '    model: inc',
        '    config: {tags: [nightly]}',
        '    overrides: {macros: {is_incremental: true}, vars: {factor: 3}}',
        '    given:',
        "      - {input: \"ref('stg')\", rows: [{id: 1}]}",
        "      - {input: \"source('raw', 'orders')\", rows: []}",
        '      - {input: this, rows: [{id: 0}]}',
        '    expect: {rows: [{id: 1}]}',
        '  - name: switched_off',
        '    model: inc',
        '    config: {enabled: false}',
        "    given: [{input: \"ref('stg')\"}, {input: \"source('raw', 'orders')\"}]",
        '    expect: {rows: []}',
      ].join('\n'),
    });
    const node = c.manifest.nodes['unit_test.shop.inc.only_new'] as TestNode;
    expect(node).toMatchObject({
      resource_type: 'unit_test',
      name: 'only_new',
      original_file_path: 'models/schema.yml',
      line: 5,
      fqn: ['shop', 'marts', 'inc', 'only_new'],
      tags: ['nightly'],
      depends_on: { nodes: ['model.shop.inc'] },
    });
    expect(node.unit_test!.given.map((g) => g.node)).toEqual(['model.shop.stg', 'source.shop.raw.orders', 'this']);
    expect(node.unit_test!.overrides).toEqual({ macros: { is_incremental: true }, vars: { factor: 3 } });
    expect(c.manifest.nodes['unit_test.shop.inc.switched_off']).toBeUndefined();
    expect([...selectNodes(c.graph, { select: ['inc'] })].sort()).toEqual(['model.shop.inc', 'unit_test.shop.inc.only_new']);
    expect([...selectNodes(c.graph, { select: ['test_type:unit'] })]).toEqual(['unit_test.shop.inc.only_new']);

    const relations = new Map([['model.shop.stg', 'g_stg'], ['source.shop.raw.orders', 'g_orders'], ['this', 'g_this']]);
    const inc = c.manifest.nodes['model.shop.inc'] as ExecutableNode;
    const sql = c.renderUnitTest(inc, { overrides: { relations, vars: { factor: 3 } }, isIncremental: true });
    expect(sql).toContain('select s.id, o.total, 3 as factor from g_stg s join g_orders o on o.id = s.id');
    expect(sql).toContain('where s.id > (select max(id) from g_this)');
    // The ordinary render is unchanged by a unit test's overrides.
    expect(c.renderForRun(inc, { isIncremental: false })).toContain('1 as factor from "main"."stg" s join "raw"."orders" o');
  });

  it('reports an unknown model, an unknown input and a parent without rows at the test', async () => {
    const err = await compileError({
      ...MODELS,
      'models/schema.yml': [
        SOURCES + 'unit_tests:',
        '  - name: a',
        '    model: incc',
        '    expect: {rows: []}',
        '  - name: b',
        '    model: inc',
        "    given: [{input: \"ref('stgg')\", rows: []}]",
        '    expect: {rows: []}',
      ].join('\n'),
    });
    const messages = err.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.location?.line, d.message, d.hint]);
    expect(messages).toContainEqual([5, "unit test 'a' in models/schema.yml tests model 'incc', which does not exist", "did you mean 'inc'?"]);
    expect(messages.some(([line, message, hint]) => line === 8 && String(message).includes("'stgg'") && hint === "did you mean 'stg'?")).toBe(true);
    expect(messages).toContainEqual([
      8,
      "unit test 'b' in models/schema.yml: model 'inc' reads source('raw', 'orders'), which has no rows under 'given:'",
      `add "- input: source('raw', 'orders')" with its rows (rows: [] for an empty input)`,
    ]);
  });
});
