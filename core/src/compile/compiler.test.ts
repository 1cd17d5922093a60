import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { isXformError, type XformError } from '../errors.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject, type CompiledProject } from './compiler.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compile(files: Record<string, string>, env: Record<string, string> = {}, options: { releaseTemplates?: boolean } = {}): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-compile-'));
  dirs.push(root);
  const all = { 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: { ...env } });
  return compileProject(project, { dialect: new DialectBase(), env, ...options });
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

const model = (c: CompiledProject, name: string) => c.manifest.nodes[`model.shop.${name}`] as ExecutableNode;

describe('config precedence', () => {
  it('applies folder config < schema YAML config < in-file config(), accumulating tags', async () => {
    const c = await compile({
      'xform_project.yml': [
        'name: shop',
        'version: "1"',
        'models:',
        '  shop:',
        '    +tags: [all]',
        '    marts:',
        '      +materialized: table',
        '      +schema: marts',
        '      +tags: [marts]',
      ].join('\n'),
      'models/marts/a.sql': 'select 1 as id',
      'models/marts/b.sql': 'select 1 as id',
      'models/marts/c.sql': "{{ config(materialized='incremental', tags=['hourly']) }}select 1 as id",
      'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: b\n    config:\n      materialized: view\n  - name: c\n    config:\n      materialized: view\n',
    });
    expect(model(c, 'a').config.materialized).toBe('table');
    expect(model(c, 'b').config.materialized).toBe('view');
    expect(model(c, 'c').config.materialized).toBe('incremental');
    expect(model(c, 'c').tags).toEqual(['all', 'marts', 'hourly']);
    expect(model(c, 'a').schema).toBe('main_marts');
  });

  it('lets a generate_schema_name macro decide schemas', async () => {
    const c = await compile({
      'models/a.sql': "{{ config(schema='finance') }}select 1 as id",
      'macros/naming.sql':
        '{% macro generate_schema_name(custom_schema_name, node) %}{{ custom_schema_name or target.schema }}{% endmacro %}',
    });
    expect(model(c, 'a').schema).toBe('finance');
    expect(model(c, 'a').relation_name).toBe('"finance"."a"');
  });
});

describe('rendering', () => {
  it('renders is_incremental() false at compile time and true for an incremental run', async () => {
    const c = await compile({
      'models/events.sql': [
        "{{ config(materialized='incremental', unique_key='id') }}",
        'select * from {{ ref("raw_events") }}',
        '{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}',
      ].join('\n'),
      'models/raw_events.sql': 'select 1 as id, now() as ts',
    });
    const events = model(c, 'events');
    expect(events.compiled_code).not.toContain('where ts');
    expect(c.renderForRun(events, { isIncremental: true })).toContain('where ts > (select max(ts) from "main"."events")');
  });

  it('renders the same for a run when the compile let its templates go (releaseTemplates)', async () => {
    const files = {
      'models/events.sql': [
        "{{ config(materialized='incremental', unique_key='id') }}",
        'select * from {{ ref("raw_events") }}',
        '{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}',
      ].join('\n'),
      'models/raw_events.sql': "select 1 as id, now() as ts, '{{ this.identifier }}' as name",
      // Its relation's name is read as text while rendering: it renders again once names are final.
      'models/names.sql': "select '{{ ref(\"raw_events\") | string | upper }}' as parent from {{ ref('events') }}",
    };
    const kept = await compile(files);
    const released = await compile(files, {}, { releaseTemplates: true });
    for (const name of ['events', 'raw_events', 'names']) {
      expect(model(released, name).compiled_code, name).toBe(model(kept, name).compiled_code);
      for (const isIncremental of [false, true]) {
        expect(released.renderForRun(model(released, name), { isIncremental }), name).toBe(kept.renderForRun(model(kept, name), { isIncremental }));
      }
    }
    expect(model(released, 'names').compiled_code).toContain('\'"MAIN"."RAW_EVENTS"\' as parent');
    expect(released.renderForRun(model(released, 'events'), { isIncremental: true })).toContain('where ts > (select max(ts) from "main"."events")');
  });

  it('reads relation names as text the way dbt does: filters, string methods, comparisons, slices', async () => {
    // One operation a model (any one of them makes its model render again). Expected values from Jinja2 3.1
    // rendering the same expressions with str(relation) = '"main"."<name>"'.
    const cases: Record<string, [expression: string, expected: string]> = {
      filter_on_this: [`'{{ this | replace('"', '') }}'`, "'main.filter_on_this'"],
      filter_on_ref: [`'{{ ref('orders') | upper }}'`, `'"MAIN"."ORDERS"'`],
      method_then_filter: [`{{ (ref('orders') | string).split('.') | length }}`, '2'],
      method_on_concat: [`'{{ (ref('orders') ~ '').upper() }}'`, `'"MAIN"."ORDERS"'`],
      in_text: [`{{ '"orders"' in (ref('orders') | string) }}`, 'True'],
      equal_text: [`{{ (ref('orders') | string) == '"main"."orders"' }}`, 'True'],
      ordered_text: [`{{ (ref('orders') | string) > '"main"."a"' }}`, 'True'],
      text_in: [`{{ (ref('orders') | string) in 'from "main"."orders"' }}`, 'True'],
      sliced_text: [`'{{ (ref('orders') | string)[1:5] }}'`, "'main'"],
      indexed_text: [`'{{ (ref('orders') | string)[1] }}'`, "'m'"],
      looped_text: [`'{% for ch in (ref('orders') | string) %}.{% endfor %}'`, "'...............'"],
      percent_precision: [`'{{ '%.4s' % (ref('orders') | string) }}'`, `'"mai'`],
      lowercase_test: [`{{ (ref('orders') | string) is lower }}`, 'True'],
      regex_on_text: [`'{{ modules.re.sub('"', '', ref('orders') | string) }}'`, "'main.orders'"],
      macro_output: [`'{{ name_of(ref('orders')) | lower | replace('"', '\`') }}'`, "'`main`.`orders`'"],
    };
    const c = await compile({
      'models/orders.sql': 'select 1 as id',
      'macros/name_of.sql': '{% macro name_of(relation) %}{{ relation }}{% endmacro %}',
      ...Object.fromEntries(Object.entries(cases).map(([name, [expression]]) => [`models/${name}.sql`, `select ${expression} as v from {{ ref('orders') }}`])),
    });
    for (const [name, [, expected]] of Object.entries(cases)) {
      expect(model(c, name).compiled_code, name).toBe(`select ${expected} as v from "main"."orders"`);
    }
  });

  it('gives macros the calling model’s context', async () => {
    const c = await compile({
      'models/a.sql': 'select {{ whoami() }} as who',
      'models/b.sql': 'select {{ whoami() }} as who',
      'macros/who.sql': "{% macro whoami() %}'{{ this.identifier }}'{% endmacro %}",
    });
    expect(model(c, 'a').compiled_code).toBe("select 'a' as who");
    expect(model(c, 'b').compiled_code).toBe("select 'b' as who");
  });

  it('reads vars and env vars, failing clearly when one is missing', async () => {
    const c = await compile(
      {
        'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  region: eu\n',
        'models/a.sql': "select '{{ var('region') }}' as r, '{{ env_var('XF_TEST_TEAM') }}' as t, {{ var('missing', 7) }} as d",
      },
      { XF_TEST_TEAM: 'data' },
    );
    expect(model(c, 'a').compiled_code).toBe("select 'eu' as r, 'data' as t, 7 as d");
    const err = await compileError({ 'models/a.sql': "select 1\nwhere x = {{ var('start_dte') }}" });
    expect(err.diagnostics[0]).toMatchObject({ code: 'XFORM_VAR_NOT_FOUND', location: { file: 'models/a.sql', line: 2 } });
  });
});

describe('sources', () => {
  it('renders templated database, schema and identifier like dbt, and reports a bad one at its table', async () => {
    const c = await compile(
      {
        'models/a.sql': "select * from {{ source('raw', 'orders') }}",
        'models/sources.yml': [
          'version: 2',
          'sources:',
          '  - name: raw',
          '    schema: "{{ target.schema }}_raw"',
          '    tables:',
          '      - name: orders',
          "        identifier: \"{{ env_var('XF_TEST_ORDERS_TABLE', 'orders') }}_v2\"",
        ].join('\n'),
      },
      { XF_TEST_ORDERS_TABLE: 'shop_orders' },
    );
    expect(model(c, 'a').compiled_code).toBe('select * from "main_raw"."shop_orders_v2"');
    const err = await compileError({
      'models/sources.yml': ['version: 2', 'sources:', '  - name: raw', '    tables:', '      - name: orders', '        identifier: "{{ var(\'nope\') }}"'].join('\n'),
    });
    expect(err.diagnostics[0]).toMatchObject({ code: 'XFORM_VAR_NOT_FOUND' });
    expect(err.diagnostics[0]!.location?.file).toBe('models/sources.yml');
  });
});

describe('generic tests from schema YAML', () => {
  it('creates named test nodes depending on the models they test', async () => {
    const c = await compile({
      'models/orders.sql': 'select 1 as id, 1 as customer_id',
      'models/customers.sql': 'select 1 as id',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: id',
        '        tests: [not_null, unique]',
        '      - name: customer_id',
        '        data_tests:',
        "          - relationships: {to: ref('customers'), field: id}",
      ].join('\n'),
    });
    const tests = Object.values(c.manifest.nodes).filter((n): n is TestNode => n.resource_type === 'test');
    expect(tests.map((t) => t.name).sort()).toEqual([
      'not_null_orders_id',
      'relationships_orders_customer_id__id__ref_customers_',
      'unique_orders_id',
    ]);
    const rel = tests.find((t) => t.name.startsWith('relationships'))!;
    expect(rel.depends_on.nodes.sort()).toEqual(['model.shop.customers', 'model.shop.orders']);
    expect(rel.compiled_code).toContain('from "main"."customers"');
    expect(tests.find((t) => t.name === 'not_null_orders_id')!.compiled_code).toContain('where id is null');
  });

  it('reports an unknown test with a suggestion', async () => {
    const err = await compileError({
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests: [not_nul]\n',
    });
    expect(err.diagnostics[0]).toMatchObject({ code: 'XFORM_TEST_NOT_FOUND', hint: "did you mean 'not_null'?" });
    expect(err.diagnostics[0]!.location?.file).toBe('models/schema.yml');
  });
});

describe('graph errors', () => {
  it('rejects an unknown materialization with a suggestion', async () => {
    const err = await compileError({ 'models/a.sql': "{{ config(materialized='tabel') }}select 1" });
    expect(err.diagnostics[0]).toMatchObject({ code: 'XFORM_UNKNOWN_MATERIALIZATION', hint: "did you mean 'table'?" });
  });

  it('enforces layer rules, naming the edge and both files', async () => {
    const err = await compileError({
      'xform_project.yml': [
        'name: shop',
        'version: "1"',
        'layer-rules:',
        '  forbid-skip: true',
        'models:',
        '  shop:',
        '    bronze: {+layer: bronze}',
        '    gold: {+layer: gold}',
      ].join('\n'),
      'models/bronze/raw.sql': 'select 1 as id',
      'models/gold/report.sql': "select * from {{ ref('raw') }}",
    });
    const d = err.diagnostics.find((x) => x.code === 'XFORM_LAYER_VIOLATION')!;
    expect(d.message).toContain('models/gold/report.sql');
    expect(d.message).toContain('models/bronze/raw.sql');
  });
});

describe('renderTestForAudit', () => {
  const staging = { schema: 'main', identifier: 'customers__xform_tmp' };
  const files = {
    'models/customers.sql': 'select 1 as id',
    'models/customers_segments.sql': 'select 1 as customer_id',
    'macros/has_rows.sql': "{% test has_rows(model, other) %}select 1 from {{ model }} where not exists (select 1 from {{ other }}) and '{{ model }}' <> ''{% endtest %}",
    'models/schema.yml': [
      'version: 2',
      'models:',
      '  - name: customers',
      '    tests:',
      "      - has_rows: {other: \"ref('customers_segments')\", config: {where: 'id > 0'}}",
      '',
    ].join('\n'),
    'tests/both.sql': "select '\"main\".\"customers\"' as literal from {{ ref('customers') }} join {{ ref('customers_segments') }} on true",
  };
  const test = (c: CompiledProject, prefix: string) => Object.values(c.manifest.nodes).find((n) => n.name.startsWith(prefix)) as TestNode;

  it('renders the audited model as the given relation, quoted, and everything else as compiled', async () => {
    const c = await compile(files);
    const relations = new Map([['model.shop.customers', staging]]);
    const generic = test(c, 'has_rows');
    expect(c.renderTestForAudit(generic, { relations: new Map() })).toBe(generic.compiled_code);
    expect(c.renderTestForAudit(generic, { relations })).toBe(
      `select 1 from (select * from "main"."customers__xform_tmp" where id > 0) xform_subquery where not exists (select 1 from "main"."customers_segments") and '(select * from "main"."customers__xform_tmp" where id > 0) xform_subquery' <> ''`,
    );
    const singular = test(c, 'both');
    expect(c.renderTestForAudit(singular, { relations: new Map() })).toBe(singular.compiled_code);
    expect(c.renderTestForAudit(singular, { relations })).toBe(
      `select '"main"."customers"' as literal from "main"."customers__xform_tmp" join "main"."customers_segments" on true`,
    );
  });
});

describe('memory', () => {
  /** Whether V8 stores `text` one byte a character (its serializer writes '"' before such a string, 'c' before two-byte ones). */
  const oneByte = (text: string) => v8.serialize(text)[2] === 0x22;

  it('keeps the strings of an ASCII project\'s nodes one byte a character', async () => {
    // Using a string as an object key (a folder's listing, a column's record) made what V8 (11) built on it
    // afterwards two bytes a character: paths, names, relations, and tests' names, ids and SQL.
    const c = await compile({
      'models/staging/shop/stg_customer_orders.sql': "select 1 as customer_identifier, 'placed' as order_status_code",
      'models/marts/finance/customer_revenue.sql': "select * from {{ ref('stg_customer_orders') }}",
      'models/staging/shop/schema.yml': [
        'version: 2',
        'models:',
        '  - name: stg_customer_orders',
        '    columns:',
        '      - name: customer_identifier',
        '        tests: [not_null, unique]',
        '      - name: order_status_code',
        "        tests: [{accepted_values: {values: ['placed', 'shipped_to_customer']}}]",
      ].join('\n'),
      'models/staging/shop/sources.yml': [
        'version: 2',
        'sources:',
        '  - name: shop_database',
        '    tables:',
        '      - name: raw_customer_orders',
        '        columns:',
        '          - name: order_identifier',
        '            tests: [not_null]',
      ].join('\n'),
      'models/staging/shop/stg_raw_orders.sql': "select * from {{ source('shop_database', 'raw_customer_orders') }}",
    });
    const nodes = Object.values(c.manifest.nodes);
    expect(nodes.filter((n) => n.resource_type === 'test')).toHaveLength(4);
    // Every string value, wherever it is. Property names are left out: V8 keeps one copy of each in the whole
    // thread, so a name such as `schema` is two-byte here when an earlier test file in this worker made it so
    // (a template with a non-Latin-1 character using 'schema' as a dict key does).
    const twoByte = (value: unknown, at: string): string[] => {
      if (typeof value === 'string') return oneByte(value) ? [] : [at];
      if (Array.isArray(value)) return value.flatMap((item, i) => twoByte(item, `${at}[${i}]`));
      if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => twoByte(item, `${at}.${key}`));
      return [];
    };
    for (const node of nodes) expect(twoByte(node, node.unique_id)).toEqual([]);
    for (const source of Object.values(c.manifest.sources)) expect(twoByte(source, source.unique_id)).toEqual([]);
    expect(twoByte(c.manifest.parent_map, 'parent_map')).toEqual([]);
    expect(twoByte(c.manifest.child_map, 'child_map')).toEqual([]);
  });
});
