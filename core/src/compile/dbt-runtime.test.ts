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

describe('config() inside a generic test macro', () => {
  const macro = [
    '{% test big_amounts(model, column_name, above) %}',
    "{{ config(fail_calc='sum(n)', severity='warn', warn_if='>5', error_if='>10', where='n > 0', limit=100, store_failures=true, tags=['money']) }}",
    'select {{ column_name }} as n from {{ model }} where {{ column_name }} > {{ above }}',
    '{% endtest %}',
  ].join('\n');

  it('is the test config, below the YAML config of the test, above the tests: folder config', async () => {
    const c = await compile({
      'xform_project.yml': 'name: shop\nversion: "1"\ntests:\n  shop:\n    +severity: error\n    +limit: 7\n',
      'macros/big_amounts.sql': macro,
      'models/orders.sql': 'select 1 as n',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: n',
        '        tests:',
        '          - big_amounts:',
        '              arguments: {above: 2}',
        '          - big_amounts:',
        '              name: big_amounts_strict',
        '              description: stricter',
        '              above: 3',
        '              error_if: ">1"',
        '              config: {fail_calc: "count(*)", tags: [strict]}',
      ].join('\n'),
    });
    const [plain, strict] = [...tests(c)].sort((a, b) => a.name.localeCompare(b.name));
    expect(plain!.name).toBe('big_amounts_orders_2__n');
    expect(plain!.config).toMatchObject({ fail_calc: 'sum(n)', severity: 'warn', warn_if: '>5', error_if: '>10', where: 'n > 0', limit: 100, store_failures: true });
    expect(plain!.tags).toEqual(['money']);
    // where= given in the macro filters the model the macro reads, as dbt's get_where_subquery does.
    expect(plain!.compiled_code).toContain('where n > 0) xform_subquery where n > 2');
    expect(strict!.name).toBe('big_amounts_strict');
    expect(strict!.config).toMatchObject({ fail_calc: 'count(*)', severity: 'warn', warn_if: '>5', error_if: '>1', limit: 100 });
    expect(strict!.tags).toEqual(['money', 'strict']);
    expect(strict!.description).toBe('stricter');
    expect(strict!.test_metadata?.kwargs).toEqual({ above: 3, column_name: 'n' });
  });

  it('disables the test when the macro says enabled=false', async () => {
    const c = await compile({
      'macros/off.sql': "{% test off(model) %}{{ config(enabled=false) }}select 1{% endtest %}",
      'models/orders.sql': 'select 1 as n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    tests: [off]\n',
    });
    expect(tests(c)).toEqual([]);
  });
});

describe('relations: ref(), source(), this and api.Relation', () => {
  const files = {
    'models/a.sql': 'select 1 as id',
    'models/eph.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables: [{name: orders}]\n',
  };

  it('gives ref() results dbt attributes and methods without changing what they render to', async () => {
    const c = await compile({
      ...files,
      'models/b.sql': [
        "{%- set r = ref('a') -%}",
        "{{ r }}|{{ r.identifier }}|{{ r.name }}|{{ r.schema }}|{{ r.type }}|{{ r.is_table }}",
        "|{{ r.include(database=false) }}|{{ r.include(database=false, schema=false) }}|{{ r.quote(identifier=false).include(database=false) }}",
        "|{{ r.incorporate(path={'identifier': 'a__dbt_tmp'}) }}|{{ r.incorporate(type='view').is_view }}",
        "|{{ source('raw', 'orders').include(database=false) }}|{{ this.identifier }}|{{ this.include(database=false) }}",
        "|{{ ref('eph') }}|{{ ref('eph').is_cte }}|{{ r.render() }}|{{ r.matches(schema=r.schema, identifier='a') }}{{ r.matches(identifier='A') }}",
      ].join(''),
    });
    // The default target has no database: a relation renders as "schema"."identifier" there.
    const compiled = model(c, 'b')!.compiled_code!.replace(/^with [\s\S]*?\n\)\n/, '');
    expect(compiled.split('|')).toEqual([
      '"main"."a"', 'a', 'a', 'main', 'None', 'False',
      '"main"."a"', '"a"', '"main".a',
      '"main"."a__dbt_tmp"', 'True',
      '"raw_data"."orders"', 'b', '"main"."b"',
      '__xform__cte__eph', 'True', '"main"."a"', 'TrueFalse',
    ]);
  });

  it('creates relations with api.Relation, compares them by path and uses them as dict keys and set members', async () => {
    const c = await compile({
      ...files,
      'models/c.sql': [
        "{%- set made = api.Relation.create(database=ref('a').database, schema=ref('a').schema, identifier='a', type='table') -%}",
        "{%- set other = api.Relation.create(schema='s', identifier='t') -%}",
        "{%- set seen = {} -%}{%- do seen.update({ref('a'): 'first'}) -%}",
        "{{ made }}|{{ made.is_table }}|{{ other }}|{{ other.database is none }}|{{ other.quote(schema=false) }}",
        "|{{ made == ref('a') }}|{{ other == ref('a') }}|{{ ref('a') in [other, made] }}|{{ seen[made] }}|{{ made in seen }}|{{ other in seen }}",
        "|{{ set([ref('a'), made, other]) | length }}|{{ api.Relation.create(identifier='x', quote_policy={'identifier': false}) }}",
        "|{{ api.Relation.Table }}|{{ api.Relation.add_ephemeral_prefix('m') }}|{{ made.without_identifier() }}",
        // dbt_utils' _is_relation check.
        "|{% for r in [ref('a'), made, source('raw', 'orders'), 'text'] %}{{ r is mapping and r.get('metadata', {}).get('type', '').endswith('Relation') }}{% endfor %}",
      ].join(''),
    });
    expect(model(c, 'c')!.compiled_code!.split('|')).toEqual([
      '"main"."a"', 'True', '"s"."t"', 'True', 's."t"',
      'True', 'False', 'True', 'first', 'True', 'False',
      '2', 'x',
      'table', '__dbt__cte__m', '"main"',
      'TrueTrueTrueFalse',
    ]);
  });
});

describe('api.Column', () => {
  const render = async (sql: string) => {
    const c = await compile({ 'models/m.sql': sql });
    return model(c, 'm')!.compiled_code!;
  };

  it("answers as dbt's base and DuckDB Column classes", async () => {
    const out = await render(
      [
        "{%- set c = api.Column('amount', 'numeric', numeric_precision=12, numeric_scale=2) -%}",
        "{%- set s = api.Column.create('name', 'STRING') -%}",
        "{%- set v = api.Column.from_description('code', 'varchar(10)') -%}",
        '{{ c.name }}|{{ c.dtype }}|{{ c.data_type }}|{{ c.quoted }}|{{ c.is_numeric() }}|{{ c.is_number() }}|{{ c.is_integer() }}|{{ c.is_string() }}',
        '|{{ s.dtype }}|{{ s.data_type }}|{{ s.string_size() }}|{{ v.data_type }}|{{ v.string_size() }}|{{ v.char_size }}',
        "|{{ api.Column.translate_type('string') }}|{{ api.Column.translate_type('integer') }}|{{ api.Column.string_type(30) }}|{{ api.Column.numeric_type('decimal', 10, 3) }}|{{ api.Column.numeric_type('decimal', none, none) }}",
        "|{{ api.Column('n', 'HUGEINT').is_integer() }}|{{ api.Column('n', 'DOUBLE').is_float() }}|{{ c.literal('1.5') }}|{{ v.can_expand_to(api.Column('x', 'varchar', 20)) }}",
      ].join(''),
    );
    expect(out.split('|')).toEqual([
      'amount', 'numeric', 'numeric(12,2)', '"amount"', 'True', 'True', 'False', 'False',
      'TEXT', 'character varying(256)', '256', 'character varying(10)', '10', '10',
      'TEXT', 'integer', 'character varying(30)', 'decimal(10,3)', 'decimal',
      'True', 'True', '1.5::numeric(12,2)', 'True',
    ]);
  });

  it('refuses string_size() on a column that is not a string', async () => {
    await expect(render("{{ api.Column('n', 'integer').string_size() }}")).rejects.toThrow(/string_size\(\) called on column 'n' of type integer/);
  });
});

describe('generic test arguments holding Jinja', () => {
  it('are rendered as dbt renders them: one expression keeps its value, anything else becomes text', async () => {
    const c = await compile({
      'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  statuses: [placed, shipped]\n  least: 2\n',
      'macros/at_least.sql': "{% test at_least(model, column_name, n, label) %}select '{{ label }}' as label, {{ n + 1 }} as n_plus_one from {{ model }} where {{ column_name }} < {{ n }}{% endtest %}",
      'models/orders.sql': "select 'placed' as status, 3 as amount",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: orders',
        '    columns:',
        '      - name: status',
        '        tests:',
        `          - accepted_values: {values: "{{ var('statuses') }}"}`,
        '      - name: amount',
        '        tests:',
        `          - at_least: {n: "var('least')", label: "min {{ var('least') }}"}`,
      ].join('\n'),
    });
    const byName = Object.fromEntries(tests(c).map((t) => [t.test_metadata!.name, t.compiled_code!]));
    expect(byName.accepted_values).toContain("where value_field not in ('placed', 'shipped')");
    expect(byName.at_least).toBe("select 'min 2' as label, 3 as n_plus_one from \"main\".\"orders\" where amount < 2");
  });
});
