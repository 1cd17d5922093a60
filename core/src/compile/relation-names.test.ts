import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import type { IdentifierLimits } from '../adapter/types.js';
import { isXformError, type Diagnostic } from '../errors.js';
import type { TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { auditRelation } from '../quality/audit-relation.js';
import { compileProject, type CompiledProject } from './compiler.js';

const POSTGRES: IdentifierLimits = { relation: { max: 63, unit: 'bytes' }, schema: { max: 63, unit: 'bytes' } };
const SNOWFLAKE: IdentifierLimits = { relation: { max: 255, unit: 'characters' }, schema: { max: 255, unit: 'characters' } };

class LimitedDialect extends DialectBase {
  constructor(
    readonly identifierLimits: IdentifierLimits | undefined,
    override readonly name: string,
  ) {
    super();
  }
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** limits null: none (DuckDB). */
async function compile(files: Record<string, string>, limits: IdentifierLimits | null = POSTGRES): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-names-'));
  dirs.push(root);
  for (const [file, text] of Object.entries({ 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files })) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: {} });
  return compileProject(project, { dialect: new LimitedDialect(limits ?? undefined, limits === SNOWFLAKE ? 'snowflake' : limits ? 'postgres' : 'duckdb'), env: {} });
}

async function errors(files: Record<string, string>, limits: IdentifierLimits | null = POSTGRES): Promise<Diagnostic[]> {
  try {
    await compile(files, limits);
  } catch (err) {
    if (isXformError(err)) return err.diagnostics.filter((d) => d.severity === 'error');
    throw err;
  }
  return [];
}

const long = 'a'.repeat(70);

describe('relation names against the warehouse limit', () => {
  it('rejects a 70-byte model name on PostgreSQL, naming the file, the length, the limit and the fix', async () => {
    const [error, ...rest] = await errors({ [`models/${long}.sql`]: 'select 1 as id' });
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ code: 'XFORM_NAME_TOO_LONG', location: { file: `models/${long}.sql` } });
    expect(error!.message).toBe(`the name of model '${long}' is 70 bytes long: postgres allows at most 63 bytes in a name`);
    expect(error!.hint).toContain("{{ config(alias='...') }}");
  });

  it('points at the config() line of a long alias or schema, and counts bytes, not characters', async () => {
    const alias = 'é'.repeat(32); // 32 characters, 64 bytes
    const found = await errors({
      'models/orders.sql': `-- orders\n{{ config(alias='${alias}') }}\nselect 1 as id`,
      'models/items.sql': `{{ config(schema='${'s'.repeat(60)}') }}\nselect 1 as id`,
    });
    expect(found.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['XFORM_NAME_TOO_LONG', 'models/items.sql', 1],
      ['XFORM_NAME_TOO_LONG', 'models/orders.sql', 2],
    ]);
    expect(found[0]!.message).toContain(`would be built in schema 'main_${'s'.repeat(60)}' (65 bytes)`);
    expect(found[1]!.message).toContain(`would be built as '${alias}' (64 bytes)`);
    // 32 characters fit Snowflake's 255 characters.
    expect(await errors({ 'models/orders.sql': `{{ config(alias='${alias}') }}\nselect 1 as id` }, SNOWFLAKE)).toEqual([]);
  });

  it('accepts any length where the warehouse has no limit (DuckDB), and ephemeral or disabled models anywhere', async () => {
    const c = await compile({ [`models/${long}.sql`]: 'select 1 as id' }, null);
    expect(c.manifest.nodes[`model.shop.${long}`]).toBeDefined();
    expect(await errors({ [`models/${long}.sql`]: "{{ config(materialized='ephemeral') }} select 1 as id", [`models/b${long}.sql`]: '{{ config(enabled=false) }} select 1' })).toEqual([]);
  });

  it('rejects a test alias longer than the limit (it names the failing-rows table)', async () => {
    const found = await errors({
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml': `version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests:\n          - unique: {config: {alias: ${long}}}\n`,
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'XFORM_NAME_TOO_LONG', location: { file: 'models/schema.yml', line: 7 } });
    expect(found[0]!.message).toContain(`test 'unique_orders_id' would keep its failing rows in table '${long}' (70 bytes)`);
  });
});

describe('relation name collisions', () => {
  it('reports two models built as the same relation, names differing only in case, naming both files', async () => {
    const found = await errors({ 'models/orders.sql': 'select 1 as id', 'models/orders_v2.sql': "{{ config(alias='Orders') }} select 2 as id" }, null);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'XFORM_DUPLICATE_RELATION', location: { file: 'models/orders_v2.sql' } });
    expect(found[0]!.message).toBe("model 'orders_v2' and model 'orders' (models/orders.sql) would both be built as main.Orders");
  });

  it('reports two tests storing their failing rows in the same table', async () => {
    const yml = (model: string) => `version: 2\nmodels:\n  - name: ${model}\n    columns:\n      - name: id\n        tests:\n          - unique: {name: ids_unique, config: {store_failures: true}}\n`;
    const found = await errors({ 'models/a.sql': 'select 1 as id', 'models/b.sql': 'select 1 as id', 'models/a.yml': yml('a'), 'models/b.yml': yml('b') });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'XFORM_DUPLICATE_RELATION', location: { file: 'models/b.yml', line: 7 } });
    expect(found[0]!.message).toBe("the failing rows of test 'ids_unique' and the failing rows of test 'ids_unique' (models/a.yml) would both be built as main_audit.ids_unique");
  });
});

describe('audit relations', () => {
  const test = (name: string) => ({ name, config: {}, resource_type: 'test' }) as unknown as TestNode;

  it('shorten derived names deterministically to fit, keeping names that share their first 63 bytes apart', () => {
    const a = auditRelation(test(`${long}_a`), undefined, 'analytics', POSTGRES);
    const b = auditRelation(test(`${long}_b`), undefined, 'analytics', POSTGRES);
    expect(Buffer.byteLength(a.identifier)).toBeLessThanOrEqual(63);
    expect(a.identifier).toMatch(/^a+_[0-9a-f]{10}$/u);
    expect(a.identifier).not.toBe(b.identifier);
    expect(auditRelation(test(`${long}_a`), undefined, 'analytics', POSTGRES)).toEqual(a);
    const schema = auditRelation(test('t'), undefined, 's'.repeat(60), POSTGRES).schema;
    expect(schema).toMatch(/^s+_[0-9a-f]{10}_audit$/u);
    expect(Buffer.byteLength(schema)).toBe(63);
    // Short names, and any name without a limit, stay as they are.
    expect(auditRelation(test('unique_orders_id'), undefined, 'analytics', POSTGRES)).toEqual({ schema: 'analytics_audit', identifier: 'unique_orders_id' });
    expect(auditRelation(test(long), undefined, 'analytics', undefined).identifier).toBe(long);
  });
});
