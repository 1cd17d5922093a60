import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { isXformError, type XformError } from '../errors.js';
import type { ExecutableNode, SourceNode, TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject, type CompiledProject } from './compiler.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compile(files: Record<string, string>): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-docs-'));
  dirs.push(root);
  const all = { 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return compileProject(await loadProject({ projectDir: root, env: {} }), { dialect: new DialectBase(), env: {} });
}

/** The first error of a compile that must fail (compile errors arrive together, as diagnostics). */
async function compileError(files: Record<string, string>): Promise<Pick<XformError, 'code' | 'message' | 'location' | 'hint' | 'diagnostics'>> {
  const err = await compile(files).catch((e: unknown) => e);
  if (!isXformError(err)) throw new Error(`expected an XformError, got ${String(err)}`);
  const first = err.diagnostics?.find((d) => d.severity === 'error');
  return first ? { ...first, diagnostics: err.diagnostics } : err;
}

const STATUS_DOC = ['{% docs orders_status %}', '', 'Orders can be one of:', '', '| status | meaning |', '|--------|---------|', '| placed | **not** shipped yet |', '', '{% enddocs %}', ''].join('\n');

describe('docs blocks and doc() in descriptions', () => {
  it("renders doc() in every kind of description and lists the blocks in the manifest as dbt's docs", async () => {
    const c = await compile({
      'models/docs.md': STATUS_DOC,
      'models/overview.md': '{% docs __overview__ %}\n## Shop\nA shop.\n{% enddocs %}\n',
      'macros/more_docs.md': '{%- docs raw_orders -%} Orders as {{ "loaded" }} by the app. {%- enddocs -%}',
      'models/orders.sql': "select 1 as order_id, 'placed' as status",
      'models/schema.yml': [
        'version: 2',
        'sources:',
        '  - name: raw',
        "    description: Raw data. {{ doc('raw_orders') }}",
        '    tables:',
        '      - name: orders',
        '        description: "{{ doc(\'shop\', \'raw_orders\') }}"',
        '        columns:',
        '          - name: status',
        "            description: '{{ doc(\"orders_status\") }}'",
        'models:',
        '  - name: orders',
        '    description: "Orders. {{ doc(\'raw_orders\') }}"',
        '    columns:',
        '      - name: status',
        "        description: '{{ doc(\"orders_status\") }}'",
        '        tests:',
        "          - accepted_values: {values: [placed], description: \"{{ doc('orders_status') }}\"}",
        '      - name: order_id',
        '        description: Plain text with <b>markup</b> stays as it is',
      ].join('\n'),
    });
    const statusText = 'Orders can be one of:\n\n| status | meaning |\n|--------|---------|\n| placed | **not** shipped yet |';
    expect(c.manifest.docs).toEqual({
      'doc.shop.orders_status': { unique_id: 'doc.shop.orders_status', name: 'orders_status', resource_type: 'doc', package_name: 'shop', path: 'docs.md', original_file_path: 'models/docs.md', block_contents: statusText },
      'doc.shop.__overview__': { unique_id: 'doc.shop.__overview__', name: '__overview__', resource_type: 'doc', package_name: 'shop', path: 'overview.md', original_file_path: 'models/overview.md', block_contents: '## Shop\nA shop.' },
      'doc.shop.raw_orders': { unique_id: 'doc.shop.raw_orders', name: 'raw_orders', resource_type: 'doc', package_name: 'shop', path: 'more_docs.md', original_file_path: 'macros/more_docs.md', block_contents: 'Orders as loaded by the app.' },
    });
    const orders = c.manifest.nodes['model.shop.orders'] as ExecutableNode;
    expect(orders.description).toBe('Orders. Orders as loaded by the app.');
    expect(orders.columns.status!.description).toBe(statusText);
    expect(orders.columns.order_id!.description).toBe('Plain text with <b>markup</b> stays as it is');
    const source = c.manifest.sources['source.shop.raw.orders'] as SourceNode;
    expect(source.description).toBe('Orders as loaded by the app.');
    expect(source.source_description).toBe('Raw data. Orders as loaded by the app.');
    expect(source.columns.status!.description).toBe(statusText);
    const test = Object.values(c.manifest.nodes).find((n): n is TestNode => n.resource_type === 'test')!;
    expect(test.name).toBe('accepted_values_orders_status__placed');
    expect(test.description).toBe(statusText);
    // The project's schema YAML is not changed for the next compile (descriptions are rendered on copies).
    expect(c.project.schemaFiles[0]!.models[0]!.columns[0]!.description).toBe('{{ doc("orders_status") }}');
  });

  it('reports an unknown docs block at the line of its doc() call, with a did-you-mean', async () => {
    const err = await compileError({
      'models/docs.md': STATUS_DOC,
      'models/orders.sql': "select 'placed' as status",
      'models/schema.yml': ['version: 2', 'models:', '  - name: orders', '    columns:', '      - name: status', '        description: >', '          The status.', "          {{ doc('order_status') }}"].join('\n'),
    });
    expect(err.code).toBe('XFORM_DOC_NOT_FOUND');
    expect(err.message).toBe("doc('order_status') refers to a docs block that does not exist");
    expect(err.location).toEqual({ file: 'models/schema.yml', line: 8 });
    expect(err.hint).toBe("did you mean 'orders_status'?");
  });

  it("renders doc() in macros' descriptions, and checks it in exposures'", async () => {
    const c = await compile({
      'models/docs.md': STATUS_DOC + '{% docs cents %}Dollars from cents.{% enddocs %}\n',
      'macros/cents.sql': '{% macro cents(col) %}{{ col }} / 100{% endmacro %}',
      'models/orders.sql': 'select 1 as id',
      'models/macros.yml': ['version: 2', 'macros:', '  - name: cents', "    description: \"{{ doc('cents') }}\"", '    arguments:', '      - name: col', '        type: string', "        description: A column"].join('\n'),
    });
    expect(c.manifest.macros['macro.shop.cents']!.description).toBe('Dollars from cents.');
    const err = await compileError({
      'models/docs.md': STATUS_DOC,
      'models/orders.sql': 'select 1 as id',
      'models/exposures.yml': ['version: 2', 'exposures:', '  - name: dashboard', '    type: dashboard', '    owner: {name: Ann}', "    description: \"{{ doc('dashbord') }}\"", "    depends_on: [ref('orders')]"].join('\n'),
    });
    expect(err).toMatchObject({ code: 'XFORM_DOC_NOT_FOUND', location: { file: 'models/exposures.yml', line: 6 } });
  });

  it('puts exposures in the manifest with their nodes, owner, url and rendered description', async () => {
    const c = await compile({
      'models/docs.md': STATUS_DOC,
      'models/orders.sql': 'select 1 as id',
      'models/sources.yml': ['version: 2', 'sources:', '  - name: shop', '    tables:', '      - name: customers'].join('\n'),
      'models/exposures.yml': [
        'version: 2',
        'exposures:',
        '  - name: revenue',
        '    label: Revenue dashboard',
        '    type: dashboard',
        '    maturity: high',
        '    url: https://bi.example.com/revenue',
        '    owner: {name: Ann, email: ann@example.com}',
        "    description: \"{{ doc('orders_status') }}\"",
        "    depends_on: [ref('orders'), \"source('shop', 'customers')\"]",
      ].join('\n'),
      'macros/m.sql': '{% macro cents(col, scale=2) %}{{ col }}{% endmacro %}',
      'models/macros.yml': ['version: 2', 'macros:', '  - name: cents', '    arguments:', '      - name: col', '        description: The **column**'].join('\n'),
    });
    expect(c.manifest.exposures?.['exposure.shop.revenue']).toMatchObject({
      resource_type: 'exposure',
      label: 'Revenue dashboard',
      type: 'dashboard',
      maturity: 'high',
      url: 'https://bi.example.com/revenue',
      owner: { name: 'Ann', email: 'ann@example.com' },
      original_file_path: 'models/exposures.yml',
      line: 3,
      depends_on: { nodes: ['model.shop.orders', 'source.shop.shop.customers'] },
    });
    expect(c.manifest.exposures?.['exposure.shop.revenue']?.description).toContain('| placed | **not** shipped yet |');
    expect(c.manifest.macros['macro.shop.cents']?.argument_descriptions).toEqual({ col: 'The **column**' });
  });

  it("an exposure's unknown ref is an error at its line with did-you-mean", async () => {
    const err = await compileError({
      'models/orders.sql': 'select 1 as id',
      'models/exposures.yml': ['version: 2', 'exposures:', '  - name: revenue', '    type: dashboard', '    owner: {name: Ann}', '    depends_on:', "      - ref('order')"].join('\n'),
    });
    expect(err).toMatchObject({ code: 'XFORM_REF_NOT_FOUND', location: { file: 'models/exposures.yml', line: 7 } });
    expect(err.hint).toContain("'orders'");
    const bad = await compileError({
      'models/orders.sql': 'select 1 as id',
      'models/exposures.yml': ['version: 2', 'exposures:', '  - name: revenue', '    type: dashboard', '    owner: {name: Ann}', '    depends_on: [orders]'].join('\n'),
    });
    expect(bad).toMatchObject({ code: 'XFORM_EXPOSURE_INVALID', location: { file: 'models/exposures.yml', line: 6 } });
  });

  it('reads docs blocks only under docs-paths when the project sets them', async () => {
    const err = await compileError({
      'xform_project.yml': 'name: shop\nversion: "1"\ndocs-paths: [docs]\n',
      'docs/shop.md': '{% docs shop %}The shop.{% enddocs %}',
      'models/docs.md': STATUS_DOC,
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml': ['version: 2', 'models:', '  - name: orders', "    description: \"{{ doc('shop') }} {{ doc('orders_status') }}\""].join('\n'),
    });
    expect(err.code).toBe('XFORM_DOC_NOT_FOUND');
    expect(err.message).toContain("doc('orders_status')");
    expect(err.location).toEqual({ file: 'models/schema.yml', line: 4 });
  });

  it('reports a docs block defined twice and one never closed, at their lines', async () => {
    const err = await compileError({
      'models/a.md': STATUS_DOC,
      'models/b.md': `\n${STATUS_DOC}\n{% docs open %}\nnever closed\n`,
      'models/orders.sql': 'select 1 as id',
    });
    const problems = (err.diagnostics ?? []).filter((d) => d.severity === 'error');
    expect(problems.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['XFORM_DUPLICATE_DOC', 'models/b.md', 2],
      ['XFORM_DOCS_BLOCK_INVALID', 'models/b.md', 12],
    ]);
    expect(problems[0]!.message).toBe("two docs blocks are named 'orders_status': in models/a.md:1 and here");
  });
});
