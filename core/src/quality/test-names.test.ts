/**
 * Test names and ids against dbt's. Expectations come from dbt, never from xform: the jaffle_shop names and
 * unique_ids are those of a manifest dbt wrote for dbt-labs/jaffle_shop; the other cases were computed
 * with Python's own str()/repr()/re.sub/md5 following core/dbt/parser/generic_test_builders.py.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { isXformError } from '../errors.js';
import type { TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject } from '../compile/compiler.js';
import { auditRelation } from './audit-relation.js';
import { modelArgument, synthesizeTestNames, testIdHash } from './test-names.js';

const STATUSES = ['placed', 'shipped', 'completed', 'return_pending', 'returned'];
const PAYMENT_METHODS = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'];

/** jaffle_shop's 20 tests: [test, model, column, other arguments, unique_id dbt gave it]. */
const JAFFLE: [string, string, string, Record<string, unknown>, string][] = [
  ['unique', 'customers', 'customer_id', {}, 'test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1'],
  ['not_null', 'customers', 'customer_id', {}, 'test.jaffle_shop.not_null_customers_customer_id.5c9bf9911d'],
  ['unique', 'orders', 'order_id', {}, 'test.jaffle_shop.unique_orders_order_id.fed79b3a6e'],
  ['not_null', 'orders', 'order_id', {}, 'test.jaffle_shop.not_null_orders_order_id.cf6c17daed'],
  ['not_null', 'orders', 'customer_id', {}, 'test.jaffle_shop.not_null_orders_customer_id.c5f02694af'],
  ['relationships', 'orders', 'customer_id', { to: "ref('customers')", field: 'customer_id' }, 'test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2'],
  ['accepted_values', 'orders', 'status', { values: STATUSES }, 'test.jaffle_shop.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3'],
  ['not_null', 'orders', 'amount', {}, 'test.jaffle_shop.not_null_orders_amount.106140f9fd'],
  ['not_null', 'orders', 'credit_card_amount', {}, 'test.jaffle_shop.not_null_orders_credit_card_amount.d3ca593b59'],
  ['not_null', 'orders', 'coupon_amount', {}, 'test.jaffle_shop.not_null_orders_coupon_amount.ab90c90625'],
  ['not_null', 'orders', 'bank_transfer_amount', {}, 'test.jaffle_shop.not_null_orders_bank_transfer_amount.7743500c49'],
  ['not_null', 'orders', 'gift_card_amount', {}, 'test.jaffle_shop.not_null_orders_gift_card_amount.413a0d2d7a'],
  ['unique', 'stg_customers', 'customer_id', {}, 'test.jaffle_shop.unique_stg_customers_customer_id.c7614daada'],
  ['not_null', 'stg_customers', 'customer_id', {}, 'test.jaffle_shop.not_null_stg_customers_customer_id.e2cfb1f9aa'],
  ['unique', 'stg_orders', 'order_id', {}, 'test.jaffle_shop.unique_stg_orders_order_id.e3b841c71a'],
  ['not_null', 'stg_orders', 'order_id', {}, 'test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64'],
  ['accepted_values', 'stg_orders', 'status', { values: STATUSES }, 'test.jaffle_shop.accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned.080fb20aad'],
  ['unique', 'stg_payments', 'payment_id', {}, 'test.jaffle_shop.unique_stg_payments_payment_id.3744510712'],
  ['not_null', 'stg_payments', 'payment_id', {}, 'test.jaffle_shop.not_null_stg_payments_payment_id.c19cc50075'],
  ['accepted_values', 'stg_payments', 'payment_method', { values: PAYMENT_METHODS }, 'test.jaffle_shop.accepted_values_stg_payments_payment_method__credit_card__coupon__bank_transfer__gift_card.3c3820f278'],
];

describe("dbt's generic test names", () => {
  it.each(JAFFLE)('names %s on %s.%s as dbt did in jaffle_shop', (test, model, column, args, uniqueId) => {
    const kwargs = { ...args, column_name: column };
    const { name } = synthesizeTestNames(test, model, kwargs);
    const hash = testIdHash(name, { name: test, kwargs: { ...kwargs, model: modelArgument({ kind: 'ref', name: model }) } });
    expect(`test.jaffle_shop.${name}.${hash}`).toBe(uniqueId);
  });

  it('keeps a long name whole and shortens its file name and alias with the md5 of the name', () => {
    const names = synthesizeTestNames('accepted_values', 'orders', { column_name: 'status', values: STATUSES });
    expect(names).toEqual({
      name: 'accepted_values_orders_status__placed__shipped__completed__return_pending__returned',
      shortName: 'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758',
    });
  });

  it('prints arguments as Python does: booleans, numbers, None, and containers one level deep', () => {
    const quoted = { column_name: 'status', values: ['placed', "it's"], quote: false };
    expect(synthesizeTestNames('accepted_values', 'orders', quoted).name).toBe('accepted_values_orders_status__False__placed__it_s');
    expect(testIdHash('accepted_values_orders_status__False__placed__it_s', { name: 'accepted_values', kwargs: { ...quoted, model: modelArgument({ kind: 'ref', name: 'orders' }) } })).toBe('3b6e10d4e6');
    const range = { column_name: 'amount', range: { min: 0, max: 1.5, also: ['x', 'y'], none: null } };
    expect(synthesizeTestNames('my_range', 'orders', range).name).toBe('my_range_orders_amount__0__1_5___x_y___None');
    expect(testIdHash('my_range_orders_amount__0__1_5___x_y___None', { name: 'my_range', kwargs: { ...range, model: modelArgument({ kind: 'ref', name: 'orders' }) } })).toBe('2457156533');
  });

  it("hashes a mapping's keys in Python's sorted() order, '10' before '2' (JavaScript lists integer-like keys first)", () => {
    // Expected id from dbt's get_hashable_md() and md5 in Python 3.
    const kwargs = { column_name: 'id', mapping: { '2': 'b', '10': 'a', x: true }, model: modelArgument({ kind: 'ref', name: 'orders' }) };
    expect(testIdHash('my_map_orders_id__b__a__True', { name: 'my_map', kwargs })).toBe('d841399aa6');
  });

  it('prefixes tests on sources with source_ and packaged tests with their package', () => {
    const source = synthesizeTestNames('source_not_null', 'raw_orders', { column_name: 'id' }).name;
    expect(source).toBe('source_not_null_raw_orders_id');
    expect(testIdHash(source, { name: 'not_null', kwargs: { column_name: 'id', model: modelArgument({ kind: 'source', source: 'raw', table: 'orders' }) } })).toBe('f232a64478');
    const packaged = synthesizeTestNames('dbt_utils_expression_is_true', 'orders', { expression: 'amount >= 0' }).name;
    expect(packaged).toBe('dbt_utils_expression_is_true_orders_amount_0');
    expect(testIdHash(packaged, { name: 'expression_is_true', namespace: 'dbt_utils', kwargs: { expression: 'amount >= 0', model: modelArgument({ kind: 'ref', name: 'orders' }) } })).toBe('23e56bc9d2');
  });
});

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function compileTests(schema: string[], projectYml = 'name: jaffle_shop\nversion: "1"\n') {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-test-names-'));
  dirs.push(root);
  const files: Record<string, string> = {
    'xform_project.yml': projectYml,
    'models/customers.sql': 'select 1 as customer_id',
    'models/staging/orders.sql': "select 1 as order_id, 1 as customer_id, 'placed' as status, 1.0 as amount",
    'macros/my_range.sql': '{% test my_range(model, column_name, range) %}select * from {{ model }} where {{ column_name }} < {{ range.min }}{% endtest %}',
    'models/staging/schema.yml': ['version: 2', ...schema].join('\n'),
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: {} });
  const compiled = compileProject(project, { dialect: new DialectBase(), env: {} });
  return Object.values(compiled.manifest.nodes).filter((n): n is TestNode => n.resource_type === 'test');
}

describe('generic test nodes named as dbt names them', () => {
  it('gives every argument kind, source tests and long names the names and ids dbt gives them', async () => {
    const tests = await compileTests([
      'sources:',
      '  - name: raw',
      '    tables:',
      '      - name: orders',
      '        columns:',
      '          - name: id',
      '            tests: [not_null]',
      'models:',
      '  - name: orders',
      '    columns:',
      '      - name: customer_id',
      '        tests:',
      "          - relationships: {to: ref('customers'), field: customer_id, config: {where: 'customer_id > 0', severity: warn}}",
      '      - name: status',
      '        tests:',
      `          - accepted_values: {values: [${STATUSES.join(', ')}], where: "status <> 'x'", description: Only known states}`,
      "          - accepted_values: {values: [placed, \"it's\"], quote: false, name: status_quoted}",
      '      - name: amount',
      '        tests:',
      '          - my_range:',
      '              arguments: {range: {min: 0, max: 1.5, also: [x, y], none: null}}',
    ]);
    const byName = new Map(tests.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      'accepted_values_orders_status__placed__shipped__completed__return_pending__returned',
      'my_range_orders_amount__0__1_5___x_y___None',
      'relationships_orders_customer_id__customer_id__ref_customers_',
      'source_not_null_raw_orders_id',
      'status_quoted',
    ]);
    expect(byName.get('source_not_null_raw_orders_id')!.unique_id).toBe('test.jaffle_shop.source_not_null_raw_orders_id.f232a64478');
    expect(byName.get('my_range_orders_amount__0__1_5___x_y___None')!.unique_id).toBe('test.jaffle_shop.my_range_orders_amount__0__1_5___x_y___None.2457156533');
    // Config (where, severity) is not part of the name nor of the id: the id is the one dbt gave jaffle_shop's test.
    const rel = byName.get('relationships_orders_customer_id__customer_id__ref_customers_')!;
    expect(rel.unique_id).toBe('test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2');
    expect(rel.config.severity).toBe('warn');
    // The fqn carries the schema file's folders below models/, as dbt's does (folder config and selectors).
    expect(rel.fqn).toEqual(['jaffle_shop', 'staging', 'relationships_orders_customer_id__customer_id__ref_customers_']);
    const long = byName.get('accepted_values_orders_status__placed__shipped__completed__return_pending__returned')!;
    expect(long.unique_id).toBe('test.jaffle_shop.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3');
    expect(long.description).toBe('Only known states');
    expect(long.config.alias).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758');
    expect(long.compiled_path).toBe('compiled/models/staging/accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758.sql');
    // The stored failures of a long-named test go to the table dbt would use.
    expect(auditRelation(long, undefined, 'main').identifier).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758');
    expect(byName.get('status_quoted')!.config.alias).toBeUndefined();
  });

  it("applies tests: folder config by the folder of the test's schema file, as dbt does", async () => {
    const tests = await compileTests(
      ['models:', '  - name: orders', '    columns:', '      - name: order_id', '        tests: [unique]'],
      'name: jaffle_shop\nversion: "1"\ntests:\n  jaffle_shop:\n    staging:\n      +severity: warn\n',
    );
    expect(tests.map((t) => [t.name, t.config.severity])).toEqual([['unique_orders_order_id', 'warn']]);
  });

  it('refuses two tests that would get one name, at the second one, pointing to name:', async () => {
    const err = await compileTests([
      'models:',
      '  - name: orders',
      '    columns:',
      '      - name: status',
      '        tests:',
      '          - accepted_values: {values: [placed]}',
      '          - accepted_values: {values: [placed], config: {where: "1 = 1"}}',
    ]).catch((e: unknown) => e);
    expect(isXformError(err)).toBe(true);
    expect(String((err as Error).message)).toContain("two tests are named 'accepted_values_orders_status__placed'");
    expect((err as { location?: { line?: number } }).location?.line).toBe(8);
    expect((err as { hint?: string }).hint).toContain('name:');
  });
});
