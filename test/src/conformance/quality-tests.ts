/**
 * Data quality through the real CLI on each adapter: every test type passes on good data and fails on bad
 * data; write-audit-publish keeps the published relation when a test fails and skips its children;
 * thresholds, severity, where and limit; failing rows quarantined in <schema>_audit, appended per run;
 * `xform test` with indirect selection.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';
import type { ConformanceContext } from './suite.js';

interface RunResultsFile {
  results: { unique_id: string; status: string; failures?: number; message: string }[];
}

function yaml(lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** A project whose `good` model passes every kind of test and whose `bad` model fails each of them. */
function everyTestProject(): ProjectFiles {
  const tests = (model: string, parent: string) => [
    `  - name: ${model}`,
    '    tests:',
    '      - unique_combination_of_columns: {combination_of_columns: [id, status]}',
    "      - expression_is_true: {expression: 'amount >= 0'}",
    '      - row_count: {min: 3, max: 3}',
    '      - recency: {field: updated_at, datepart: day, interval: 2}',
    '      - positive_total: {column: amount}',
    '    columns:',
    '      - name: id',
    '        tests: [not_null, unique]',
    '      - name: status',
    '        tests: [{accepted_values: {values: [placed, shipped]}}]',
    '      - name: customer_id',
    `        tests: [{relationships: {to: "ref('${parent}')", field: id}}]`,
  ];
  const now = "cast(current_timestamp at time zone 'UTC' as timestamp)";
  return {
    'xform_project.yml': yaml(['name: shop', 'version: "1"', 'models:', '  shop:', '    +materialized: table']),
    'models/customers.sql': 'select 1 as id union all select 2',
    'models/good.sql': [
      `select 1 as id, 'placed' as status, 1 as customer_id, 10 as amount, ${now} - interval '1 hour' as updated_at`,
      `union all select 2, 'shipped', 2, 20, ${now} - interval '1 day'`,
      `union all select 3, 'placed', null, 0, ${now}`,
    ].join('\n'),
    'models/bad.sql': [
      `select 1 as id, 'placed' as status, 1 as customer_id, 10 as amount, ${now} - interval '5 day' as updated_at`,
      `union all select 1, 'placed', 7, -5, ${now} - interval '6 day'`,
      `union all select null, 'lost', 2, 20, ${now} - interval '7 day'`,
      `union all select 4, 'shipped', 2, 1, ${now} - interval '8 day'`,
    ].join('\n'),
    'macros/positive_total.sql': yaml([
      '{% test positive_total(model, column) %}',
      'select sum({{ column }}) as total from {{ model }} having sum({{ column }}) < 30',
      '{% endtest %}',
    ]),
    'tests/assert_good_has_shipped.sql': "select 1 as missing where not exists (select 1 from {{ ref('good') }} where status = 'shipped')",
    'tests/assert_bad_amounts_small.sql': "select * from {{ ref('bad') }} where amount > 15",
    'models/schema.yml': yaml(['version: 2', 'models:', ...tests('good', 'customers'), ...tests('bad', 'customers')]),
  };
}

export function defineQualityTests(context: ConformanceContext): void {
  describe('data quality (through the CLI)', () => {
    const roots: string[] = [];
    afterAll(async () => {
      await Promise.all(roots.map(removeProject));
    });

    async function project(label: string, files: ProjectFiles) {
      const schema = await context.schema(label);
      const root = await writeProject({ 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files });
      roots.push(root);
      const target = context.cliTarget(root, schema);
      await writeFile(path.join(root, 'profiles.yml'), target.profile);
      const xform = (...args: string[]) => runXform(args, { cwd: root, env: target.env });
      const results = async () => {
        const file = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as RunResultsFile;
        return file.results;
      };
      const statusOf = async () => Object.fromEntries((await results()).map((r) => [r.unique_id.split('.')[2]!, r.status]));
      return { root, schema, query: target.query, xform, results, statusOf };
    }

    it('every test type passes on good data and fails on bad data', async () => {
      const p = await project('every_test', everyTestProject());
      const build = await p.xform('build');
      expect(build.code, build.stdout + build.stderr).toBe(1);
      const tests = (await p.results()).filter((r) => r.unique_id.startsWith('test.'));
      const byName = Object.fromEntries(tests.map((r) => [r.unique_id.split('.')[2]!, r.status]));
      const kinds = ['unique_combination_of_columns', 'expression_is_true', 'row_count', 'recency', 'positive_total', 'not_null', 'unique', 'accepted_values', 'relationships'];
      for (const kind of kinds) {
        const good = Object.keys(byName).filter((n) => n.startsWith(`${kind}_good_`));
        const bad = Object.keys(byName).filter((n) => n.startsWith(`${kind}_bad_`));
        expect(good, kind).toHaveLength(1);
        expect(bad, kind).toHaveLength(1);
        expect(byName[good[0]!], `${kind} on good data`).toBe('pass');
        expect(byName[bad[0]!], `${kind} on bad data`).toBe('fail');
      }
      expect(byName['assert_good_has_shipped']).toBe('pass');
      expect(byName['assert_bad_amounts_small']).toBe('fail');
      // The failing rows are counted: `bad` has one duplicated id, one NULL id, one unknown status.
      const failures = Object.fromEntries(tests.map((r) => [r.unique_id.split('.')[2]!, r.failures]));
      expect(failures['unique_bad_id']).toBe(1);
      expect(failures['not_null_bad_id']).toBe(1);
      expect(failures['relationships_bad_customer_id__id__ref_customers_']).toBe(1);
      // Write-audit-publish: `bad` never reached the warehouse; `good` did.
      expect(build.stdout).toMatch(/ERROR\s+table\s+\S+\.bad/);
      expect(build.stdout).toContain('bad: audit failed, not published: blocked by test');
      expect(await p.query(`select count(*) as n from ${p.schema}.good`)).toEqual([{ n: 3 }]);
      const bad = await p.query(`select count(*) as n from information_schema.tables where table_schema = '${p.schema}' and table_name like 'bad%'`);
      expect(bad).toEqual([{ n: 0 }]);
    });

    it('a failing test keeps yesterday\'s gold table as it was, skips its children and quarantines the rows', async () => {
      const files: ProjectFiles = {
        'xform_project.yml': yaml(['name: shop', 'version: "1"', 'models:', '  shop:', '    +materialized: table']),
        'seeds/raw_sales.csv': 'sale_id,region,amount\n1,north,10\n2,south,20\n3,north,5\n',
        'models/gold_sales.sql': "select sale_id, region, amount from {{ ref('raw_sales') }}",
        'models/gold_by_region.sql': "select region, sum(amount) as total from {{ ref('gold_sales') }} group by region",
        'models/schema.yml': yaml([
          'version: 2',
          'models:',
          '  - name: gold_sales',
          '    columns:',
          '      - name: sale_id',
          '        tests: [{unique: {store_failures: true}}, not_null]',
        ]),
      };
      const p = await project('wap_gold', files);
      const first = await p.xform('build');
      expect(first.code, first.stdout + first.stderr).toBe(0);
      const before = await p.query(`select sale_id, region, amount from ${p.schema}.gold_sales order by sale_id`);
      const beforeTotals = await p.query(`select region, total from ${p.schema}.gold_by_region order by region`);
      expect(before).toHaveLength(3);

      // Today's load duplicates sale 3 and adds sale 4.
      await writeFile(path.join(p.root, 'seeds/raw_sales.csv'), 'sale_id,region,amount\n1,north,10\n2,south,20\n3,north,5\n3,north,5\n4,south,7\n');
      const second = await p.xform('build');
      expect(second.code).toBe(1);
      expect(second.stdout).toMatch(/ERROR\s+table\s+\S+\.gold_sales/);
      expect(second.stdout).toContain('blocked by test unique_gold_sales_sale_id (1 failing row)');
      expect(second.stdout).toMatch(/FAIL\s+test\s+unique_gold_sales_sale_id/);
      expect(second.stdout).toMatch(/SKIP\s+table\s+\S+\.gold_by_region/);
      expect(second.stdout).toContain("skipped: upstream model 'gold_sales' failed");
      expect(await p.query(`select sale_id, region, amount from ${p.schema}.gold_sales order by sale_id`)).toEqual(before);
      expect(await p.query(`select region, total from ${p.schema}.gold_by_region order by region`)).toEqual(beforeTotals);
      const status = await p.statusOf();
      expect(status['gold_sales']).toBe('error');
      expect(status['gold_by_region']).toBe('skipped');
      expect(status['unique_gold_sales_sale_id']).toBe('fail');
      expect(status['not_null_gold_sales_sale_id']).toBe('pass');

      const audit = `${p.schema}_audit.unique_gold_sales_sale_id`;
      const stored = await p.query(`select xform_test_name, unique_field, n_records from ${audit}`);
      expect(stored.map((r) => ({ ...r, unique_field: Number(r.unique_field), n_records: Number(r.n_records) }))).toEqual([
        { xform_test_name: 'unique_gold_sales_sale_id', unique_field: 3, n_records: 2 },
      ]);
      // Appended per run, each run with its own id; nothing is lost.
      expect((await p.xform('build')).code).toBe(1);
      const runs = await p.query(`select count(distinct xform_invocation_id) as runs, count(*) as n from ${audit}`);
      expect(runs.map((r) => ({ runs: Number(r.runs), n: Number(r.n) }))).toEqual([{ runs: 2, n: 2 }]);
    });

    it('honours severity, warn_if/error_if, where and limit, and warnings do not block publishing', async () => {
      const files: ProjectFiles = {
        'models/m.sql': [
          "{{ config(materialized='table') }}",
          "select 1 as id, 'x' as kind union all select 1, 'y' union all select 2, 'y' union all select 2, 'y' union all select 3, 'z'",
        ].join('\n'),
        'models/schema.yml': yaml([
          'version: 2',
          'models:',
          '  - name: m',
          '    columns:',
          '      - name: id',
          '        tests:',
          '          - unique: {name: dup_warn, severity: warn}',
          "          - unique: {name: dup_thresholds, warn_if: '>=1', error_if: '>5'}",
          "          - unique: {name: dup_where_y, where: \"kind = 'y'\"}",
          "          - not_null: {name: never_null, where: \"kind = 'nothing'\"}",
          '      - name: kind',
          '        tests:',
          "          - accepted_values: {name: kind_limited, values: [x], limit: 1, severity: warn}",
        ]),
      };
      const p = await project('thresholds', files);
      const build = await p.xform('build');
      expect(build.code, build.stdout).toBe(1);
      const status = await p.statusOf();
      expect(status).toMatchObject({ dup_warn: 'warn', dup_thresholds: 'warn', dup_where_y: 'fail', never_null: 'pass', kind_limited: 'warn', m: 'error' });
      const failures = Object.fromEntries((await p.results()).map((r) => [r.unique_id.split('.')[2], r.failures]));
      expect(failures).toMatchObject({ dup_warn: 2, dup_thresholds: 2, dup_where_y: 1, kind_limited: 1 });
      // Without the failing `where` test the model publishes despite its warnings.
      await writeFile(
        path.join(p.root, 'models/schema.yml'),
        (await readFile(path.join(p.root, 'models/schema.yml'), 'utf8')).replace("dup_where_y, where: \"kind = 'y'\"", "dup_where_y, where: \"kind = 'z'\""),
      );
      const again = await p.xform('build');
      expect(again.code, again.stdout).toBe(0);
      expect(again.stdout).toMatch(/WARN\s+test\s+dup_warn/);
      expect(await p.query(`select count(*) as n from ${p.schema}.m`)).toEqual([{ n: 5 }]);
    });

    it('xform test runs the selected models\' tests and records them; --store-failures quarantines', async () => {
      const files: ProjectFiles = {
        'models/parents.sql': "{{ config(materialized='table') }} select 1 as id union all select 2",
        'models/kids.sql': "{{ config(materialized='table') }} select 10 as id, 1 as parent_id union all select 11, 3",
        'models/other.sql': "{{ config(materialized='table') }} select 1 as id",
        'models/schema.yml': yaml([
          'version: 2',
          'models:',
          '  - name: parents',
          '    columns: [{name: id, tests: [unique]}]',
          '  - name: kids',
          '    columns:',
          '      - name: id',
          '        tests: [unique]',
          '      - name: parent_id',
          "        tests: [{relationships: {to: \"ref('parents')\", field: id}}]",
          '  - name: other',
          '    columns: [{name: id, tests: [not_null]}]',
        ]),
      };
      const p = await project('xform_test', files);
      expect((await p.xform('run')).code).toBe(0);
      const one = await p.xform('test', '-s', 'parents', '--indirect-selection', 'cautious');
      expect(one.code, one.stdout + one.stderr).toBe(0);
      expect(Object.keys(await p.statusOf()).sort()).toEqual(['unique_parents_id']);

      const both = await p.xform('test', '-s', 'parents', 'kids', '--store-failures');
      expect(both.code).toBe(1);
      expect(both.stdout).toMatch(/FAIL\s+test\s+relationships_kids_parent_id__id__ref_parents_/);
      expect(both.stdout).toContain('FAIL 1 failing row, stored in');
      const status = await p.statusOf();
      expect(status).toEqual({ unique_parents_id: 'pass', unique_kids_id: 'pass', relationships_kids_parent_id__id__ref_parents_: 'fail' });
      const stored = await p.query(`select from_field from ${p.schema}_audit.relationships_kids_parent_id__id__ref_parents_`);
      expect(stored.map((r) => Number(r.from_field))).toEqual([3]);
      // A bad --indirect-selection value is a clear error, not a stack trace.
      const bad = await p.xform('test', '--indirect-selection', 'cautios');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain("did you mean 'cautious'");
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    });

    it('an audit reads the model\'s staging relation, the real relations it also reads, and literals as written', async () => {
      // The test SQL is rendered again with ref('customers') pointing at staging: `customers_segments`, whose
      // name starts with `customers`, and a string literal spelling customers' published name stay as they are.
      const files: ProjectFiles = {
        'xform_project.yml': yaml(['name: shop', 'version: "1"', 'models:', '  shop:', '    +materialized: table']),
        'models/customers.sql': 'select 1 as id union all select 2',
        'models/customers_segments.sql': "select 1 as customer_id, 'gold' as segment union all select 2, 'silver'",
        'models/schema.yml': yaml([
          'version: 2',
          'models:',
          '  - name: customers',
          '    columns:',
          '      - name: id',
          "        tests: [{relationships: {name: segment_known, to: \"ref('customers_segments')\", field: customer_id}}]",
        ]),
        'tests/every_customer_has_segment.sql': [
          "select c.id from {{ ref('customers') }} c",
          "where not exists (select 1 from {{ ref('customers_segments') }} s where s.customer_id = c.id)",
        ].join('\n'),
        // The literal is customers' published name, spelled out; rewriting it makes every row fail.
        'tests/published_name_literal.sql': [
          "{%- set q = '\"' -%}",
          "{%- set published = (q ~ target.database ~ q ~ '.' if target.database else '') ~ q ~ target.schema ~ q ~ '.' ~ q ~ 'customers' ~ q -%}",
          "select c.id from {{ ref('customers') }} c",
          "where '{{ published }}' <> '{{ published | replace('\"customers\"', '\"customers') }}' || '\"'",
        ].join('\n'),
      };
      const p = await project('audit_relations', files);
      const first = await p.xform('build');
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(await p.statusOf()).toMatchObject({ segment_known: 'pass', every_customer_has_segment: 'pass', published_name_literal: 'pass', customers: 'success' });

      // Customer 3 has no segment: both tests that read customers_segments block it; the literal test does not.
      await writeFile(path.join(p.root, 'models/customers.sql'), 'select 1 as id union all select 2 union all select 3');
      const second = await p.xform('build');
      expect(second.code, second.stdout + second.stderr).toBe(1);
      expect(await p.statusOf()).toMatchObject({ segment_known: 'fail', every_customer_has_segment: 'fail', published_name_literal: 'pass', customers: 'error' });
      expect(second.stdout).toContain('customers: audit failed, not published: blocked by test');
      expect(second.stdout).toContain('segment_known (1 failing row)');
      expect(second.stdout).toContain('every_customer_has_segment (1 failing row)');
      expect(await p.query(`select count(*) as n from ${p.schema}.customers`)).toEqual([{ n: 2 }]);
    });

    it('keeps the failing rows of two tests whose long names share their first 63 bytes apart, run after run', async () => {
      // PostgreSQL cut both `<schema>_audit.<70 characters>` names to the same 63 bytes: the rows of both tests
      // went to one table. Audit names too long for the warehouse are shortened with a hash of the full name.
      const stem = `amounts_are_small_${'x'.repeat(50)}`;
      const test = (limit: number) => `{{ config(store_failures=true, severity='warn') }}\nselect * from {{ ref('sales') }} where amount > ${limit}`;
      const files: ProjectFiles = {
        'models/sales.sql': "{{ config(materialized='table') }} select 1 as id, 50 as amount union all select 2, 5",
        [`tests/${stem}_over_10.sql`]: test(10),
        [`tests/${stem}_over_1.sql`]: test(1),
      };
      const p = await project('long_audit', files);
      for (let run = 0; run < 2; run++) {
        const build = await p.xform('build');
        expect(build.code, build.stdout + build.stderr).toBe(0);
      }
      const stored = [...(await p.xform('test')).stdout.matchAll(/stored in (\S+)/gu)].map((m) => m[1]!);
      expect(new Set(stored).size).toBe(2);
      for (const table of stored) {
        const rows = await p.query(`select count(distinct xform_test_name) as tests, count(distinct xform_invocation_id) as runs from ${table}`);
        expect(rows.map((r) => ({ tests: Number(r.tests), runs: Number(r.runs) })), table).toEqual([{ tests: 1, runs: 3 }]);
      }
    });

    it('a view that fails its tests keeps its previous definition', async () => {
      const files: ProjectFiles = {
        'models/v.sql': 'select 1 as id',
        'models/schema.yml': yaml(['version: 2', 'models:', '  - name: v', '    columns: [{name: id, tests: [unique]}]']),
      };
      const p = await project('view_wap', files);
      expect((await p.xform('build')).code).toBe(0);
      await writeFile(path.join(p.root, 'models/v.sql'), 'select 1 as id union all select 1');
      const build = await p.xform('build');
      expect(build.code).toBe(1);
      expect(build.stdout).toMatch(/ERROR\s+view\s+\S+\.v/);
      expect(await p.query(`select count(*) as n from ${p.schema}.v`)).toEqual([{ n: 1 }]);
    });
  });
}
