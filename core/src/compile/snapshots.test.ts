import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { isXformError, type Diagnostic, type XformError } from '../errors.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import { loadProject } from '../project/index.js';
import { compileProject, type CompiledProject } from './compiler.js';
import { parseSnapshotRelation } from './snapshots.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const PROJECT = 'name: shop\nversion: "1"\n';
const STG = { 'models/stg_customers.sql': 'select 1 as id, now() as updated_at' };

async function compile(files: Record<string, string>): Promise<CompiledProject> {
  const root = await mkdtemp(path.join(tmpdir(), 'xform-snapshots-'));
  dirs.push(root);
  const all = files['dbt_project.yml'] ? files : { 'xform_project.yml': PROJECT, ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, env: {} });
  return compileProject(project, { dialect: new DialectBase(), env: {} });
}

/** Every error of a failed compile (one or several). */
async function errorsOf(files: Record<string, string>): Promise<Diagnostic[]> {
  let err: XformError | undefined;
  try {
    await compile(files);
  } catch (e) {
    if (!isXformError(e)) throw e;
    err = e;
  }
  if (!err) throw new Error('expected compilation to fail');
  return err.diagnostics.length > 0 ? err.diagnostics.filter((d) => d.severity === 'error') : [err.toDiagnostic()];
}

const snap = (c: CompiledProject, name: string) => c.manifest.nodes[`snapshot.shop.${name}`] as ExecutableNode;

const yamlSnapshot = (config: string[], relation = "ref('stg_customers')") =>
  ['snapshots:', '  - name: customers_snapshot', `    relation: ${relation}`, '    config:', ...config.map((l) => `      ${l}`)].join('\n') + '\n';

describe('YAML snapshots (dbt 1.9)', () => {
  it("become snapshot nodes selecting * from their relation, with the ref as a DAG edge", async () => {
    const c = await compile({
      ...STG,
      'snapshots/customers.yml': [
        'snapshots:',
        '  - name: customers_snapshot',
        '    description: History of customers',
        "    relation: ref('stg_customers')",
        '    config:',
        '      unique_key: id',
        '      strategy: timestamp',
        '      updated_at: updated_at',
        '    columns:',
        '      - name: id',
        '        tests: [not_null]',
      ].join('\n'),
    });
    const node = snap(c, 'customers_snapshot');
    expect(node.resource_type).toBe('snapshot');
    expect(node.original_file_path).toBe('snapshots/customers.yml');
    expect(node.line).toBe(2);
    expect(node.fqn).toEqual(['shop', 'customers_snapshot']);
    expect(node.raw_code).toBe("select * from {{ ref('stg_customers') }}");
    expect(node.compiled_code).toBe('select * from "main"."stg_customers"');
    expect(node.compiled_path).toBe('compiled/snapshots/customers_snapshot.sql');
    expect(node.description).toBe('History of customers');
    expect(node.config).toMatchObject({ materialized: 'snapshot', unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at' });
    expect(node.depends_on.nodes).toEqual(['model.shop.stg_customers']);
    expect(c.manifest.parent_map['snapshot.shop.customers_snapshot']).toEqual(['model.shop.stg_customers']);
    const test = Object.values(c.manifest.nodes).find((n) => n.resource_type === 'test') as TestNode;
    expect(test.attached_node).toBe('snapshot.shop.customers_snapshot');
    expect(test.column_name).toBe('id');
  });

  it('may live under model-paths and snapshot a source', async () => {
    const c = await compile({
      'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: customers\n',
      'models/history/snapshots.yml': yamlSnapshot(['unique_key: [id, region]', 'strategy: check', 'check_cols: all'], "source('raw', 'customers')"),
    });
    const node = snap(c, 'customers_snapshot');
    expect(node.fqn).toEqual(['shop', 'history', 'customers_snapshot']);
    expect(node.depends_on.nodes).toEqual(['source.shop.raw.customers']);
    expect(node.compiled_code).toBe('select * from "raw"."customers"');
    expect(node.compiled_path).toBe('compiled/models/history/customers_snapshot.sql');
    expect(node.config.unique_key).toEqual(['id', 'region']);
  });

  it("takes folder config from the project's snapshots: tree (dbt_project.yml too)", async () => {
    const c = await compile({
      'dbt_project.yml': ['name: shop', 'version: "1"', 'snapshots:', '  shop:', '    +strategy: check', '    +check_cols: all', '    +tags: [history]'].join('\n'),
      ...STG,
      'snapshots/customers.yml': yamlSnapshot(['unique_key: id']),
    });
    expect(snap(c, 'customers_snapshot').config).toMatchObject({ strategy: 'check', check_cols: 'all', unique_key: 'id' });
    expect(snap(c, 'customers_snapshot').tags).toEqual(['history']);
  });

  it('reports an unknown ref in relation: at its line, with a did-you-mean', async () => {
    const [e] = await errorsOf({ ...STG, 'snapshots/s.yml': yamlSnapshot(['unique_key: id', 'strategy: check', 'check_cols: all'], "ref('stg_customer')") });
    expect(e).toMatchObject({ code: 'XFORM_REF_NOT_FOUND', location: { file: 'snapshots/s.yml', line: 3 }, hint: "did you mean 'stg_customers'?" });
  });

  it('reports an unknown source table in relation: at its line, with a did-you-mean', async () => {
    const [e] = await errorsOf({
      'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: customers\n',
      'snapshots/s.yml': yamlSnapshot(['unique_key: id', 'strategy: check', 'check_cols: all'], "source('raw', 'customer')"),
    });
    expect(e).toMatchObject({ code: 'XFORM_SOURCE_NOT_FOUND', location: { file: 'snapshots/s.yml', line: 3 }, hint: "did you mean 'customers'?" });
  });

  it('rejects a relation that is not one ref() or source() call', async () => {
    const [e] = await errorsOf({ ...STG, 'snapshots/s.yml': yamlSnapshot(['unique_key: id'], `"{{ ref('stg_customers') }}"`) });
    expect(e!.code).toBe('XFORM_SNAPSHOT_RELATION');
    expect(e!.message).toBe(`relation of snapshot 'customers_snapshot' in snapshots/s.yml must be "ref('model')" or "source('source', 'table')", got "{{ ref('stg_customers') }}"`);
    expect(e!.location).toMatchObject({ file: 'snapshots/s.yml', line: 3 });
    expect(e!.hint).toBe(`write it without the braces: relation: "ref('stg_customers')"`);
  });
});

describe('parseSnapshotRelation', () => {
  it("reads one ref() or source() call with literal arguments, as dbt's static parser does", () => {
    expect(parseSnapshotRelation("ref('orders')")).toEqual({ ref: { name: 'orders' } });
    expect(parseSnapshotRelation(' ref( "shop" , \'orders\' ) ')).toEqual({ ref: { package: 'shop', name: 'orders' } });
    expect(parseSnapshotRelation('source("raw", \'orders\')')).toEqual({ source: ['raw', 'orders'] });
    for (const bad of ["ref('orders'", "source('raw')", "ref(var('m'))", "{{ ref('orders') }}", "ref('a') union ref('b')", 'orders']) {
      expect(parseSnapshotRelation(bad), bad).toBeUndefined();
    }
  });
});

describe('block snapshots', () => {
  const block = (config: string) => `-- customers\n{% snapshot customers_snapshot %}\n{{ config(${config}) }}\nselect * from {{ ref('stg_customers') }}\n{% endsnapshot %}\n`;

  it('take a same-name snapshots: entry as their patch', async () => {
    const c = await compile({
      ...STG,
      'snapshots/customers.sql': block("unique_key='id', strategy='timestamp', updated_at='updated_at'"),
      'snapshots/schema.yml': 'snapshots:\n  - name: customers_snapshot\n    description: patched\n    config:\n      tags: [scd2]\n',
    });
    const node = snap(c, 'customers_snapshot');
    expect(node.description).toBe('patched');
    expect(node.tags).toEqual(['scd2']);
    expect(node.config).toMatchObject({ materialized: 'snapshot', strategy: 'timestamp', unique_key: 'id' });
    expect(node.depends_on.nodes).toEqual(['model.shop.stg_customers']);
  });

  it('build in target_schema as written (legacy), and in schema through generate_schema_name (dbt 1.9)', async () => {
    const c = await compile({
      ...STG,
      'snapshots/a.sql': block("unique_key='id', strategy='check', check_cols='all', target_schema='snapshots', target_database='hist'").replaceAll('customers_snapshot', 'a'),
      'snapshots/b.sql': block("unique_key='id', strategy='check', check_cols='all', schema='snapshots'").replaceAll('customers_snapshot', 'b'),
    });
    expect(snap(c, 'a')).toMatchObject({ schema: 'snapshots', database: 'hist', relation_name: '"hist"."snapshots"."a"' });
    expect(snap(c, 'b')).toMatchObject({ schema: 'main_snapshots', relation_name: '"main_snapshots"."b"' });
  });

  it('a snapshot named like a model is an error naming both files', async () => {
    const [e] = await errorsOf({
      ...STG,
      'snapshots/s.sql': block("unique_key='id', strategy='check', check_cols='all'").replace('{% snapshot customers_snapshot %}', '{% snapshot stg_customers %}'),
    });
    expect(e!.code).toBe('XFORM_DUPLICATE_NODE');
    expect(e!.message).toContain("two resources are named 'stg_customers': model 'stg_customers' (models/stg_customers.sql) and snapshot 'stg_customers' (snapshots/s.sql)");
    expect(e!.location).toMatchObject({ file: 'snapshots/s.sql', line: 2 });
  });

  it('a block and a YAML snapshot with one name are an error naming both files', async () => {
    const [e] = await errorsOf({
      ...STG,
      'snapshots/customers.sql': block("unique_key='id', strategy='check', check_cols='all'"),
      'snapshots/schema.yml': yamlSnapshot(['unique_key: id', 'strategy: check', 'check_cols: all']),
    });
    expect(e!.code).toBe('XFORM_DUPLICATE_NODE');
    expect(e!.message).toContain("snapshot 'customers_snapshot' (snapshots/schema.yml) and snapshot 'customers_snapshot' (snapshots/customers.sql)");
  });

  it('warn about a snapshots: entry that matches no block and has no relation', async () => {
    const c = await compile({
      ...STG,
      'snapshots/customers.sql': block("unique_key='id', strategy='check', check_cols='all'"),
      'snapshots/schema.yml': 'snapshots:\n  - name: customer_snapshot\n    description: typo\n',
    });
    const w = c.diagnostics.find((d) => d.code === 'XFORM_PATCH_NO_NODE');
    expect(w).toMatchObject({ location: { file: 'snapshots/schema.yml', line: 2 }, hint: "did you mean 'customers_snapshot'?" });
  });
});

describe('snapshot config validation', () => {
  const blockFile = (config: string) => ({ ...STG, 'snapshots/s.sql': `{% snapshot s %}\n{{ config(${config}) }}\nselect * from {{ ref('stg_customers') }}\n{% endsnapshot %}\n` });
  const cases: { name: string; files: Record<string, string>; message: string; line: number; file?: string; hint?: string }[] = [
    { name: 'strategy missing', files: blockFile("unique_key='id'"), message: "snapshot 's': no strategy is set", line: 2 },
    { name: 'strategy unknown', files: blockFile("unique_key='id', strategy='timestmp', updated_at='u'"), message: "snapshot 's': strategy must be 'timestamp' or 'check', got 'timestmp'", line: 2, hint: "did you mean 'timestamp'?" },
    { name: 'timestamp with check_cols', files: blockFile("unique_key='id', strategy='timestamp', updated_at='u', check_cols='all'"), message: "snapshot 's': check_cols belongs to the check strategy; a timestamp snapshot compares updated_at only", line: 2 },
    { name: 'unique_key missing', files: blockFile("strategy='check', check_cols='all'"), message: "snapshot 's': no unique_key is set", line: 2 },
    { name: 'timestamp without updated_at', files: blockFile("unique_key='id',\n  strategy='timestamp'"), message: "snapshot 's': the timestamp strategy needs updated_at, the column that says when a row last changed", line: 3 },
    { name: 'check without check_cols', files: blockFile("unique_key='id', strategy='check'"), message: "snapshot 's': the check strategy needs check_cols, the columns compared to find changes", line: 2 },
    { name: "check_cols neither 'all' nor a list", files: blockFile("unique_key='id', strategy='check', check_cols='name'"), message: "snapshot 's': check_cols must be 'all' or a list of column names, got 'name'", line: 2, hint: "write check_cols=['name'] for one column" },
    { name: 'hard_deletes unknown', files: blockFile("unique_key='id', strategy='check', check_cols='all', hard_deletes='invalidated'"), message: "snapshot 's': hard_deletes must be one of 'ignore', 'invalidate', 'new_record', got 'invalidated'", line: 2, hint: "did you mean 'invalidate'?" },
    { name: 'hard_deletes and invalidate_hard_deletes', files: blockFile("unique_key='id', strategy='check', check_cols='all', hard_deletes='invalidate', invalidate_hard_deletes=true"), message: "snapshot 's': set either hard_deletes or the older invalidate_hard_deletes, not both", line: 2 },
    { name: 'unknown snapshot_meta_column_names key', files: blockFile("unique_key='id', strategy='check', check_cols='all', snapshot_meta_column_names={'dbt_valid_form': 'valid_from'}"), message: "snapshot 's': unknown key 'dbt_valid_form' in snapshot_meta_column_names; expected dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_updated_at, dbt_is_deleted", line: 2, hint: "did you mean 'dbt_valid_from'?" },
    { name: 'two meta columns with one name', files: blockFile("unique_key='id', strategy='check', check_cols='all', snapshot_meta_column_names={'dbt_valid_to': 'dbt_valid_from'}"), message: "snapshot 's': snapshot_meta_column_names names two meta columns 'dbt_valid_from'", line: 2 },
    {
      name: "block: a key set in its YAML patch, at the patch's line",
      files: { ...blockFile("unique_key='id'"), 'snapshots/schema.yml': 'snapshots:\n  - name: s\n    config:\n      strategy: check\n      check_cols: id\n' },
      message: "snapshot 's': check_cols must be 'all' or a list of column names, got 'id'",
      file: 'snapshots/schema.yml',
      line: 5,
    },
    {
      name: 'YAML snapshot: the key line in the YAML file',
      files: { ...STG, 'snapshots/s.yml': yamlSnapshot(['unique_key: id', 'strategy: check', 'check_cols: name']) },
      message: "snapshot 'customers_snapshot': check_cols must be 'all' or a list of column names, got 'name'",
      file: 'snapshots/s.yml',
      line: 7,
    },
    {
      name: 'YAML snapshot: a missing key at the entry',
      files: { ...STG, 'snapshots/s.yml': yamlSnapshot(['strategy: check', 'check_cols: all']) },
      message: "snapshot 'customers_snapshot': no unique_key is set",
      file: 'snapshots/s.yml',
      line: 2,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: XFORM_SNAPSHOT_CONFIG with the file and line`, async () => {
      const errors = await errorsOf(c.files);
      expect(errors.map((e) => e.message)).toEqual([c.message]);
      expect(errors[0]).toMatchObject({ code: 'XFORM_SNAPSHOT_CONFIG', location: { file: c.file ?? 'snapshots/s.sql', line: c.line } });
      if (c.hint) expect(errors[0]!.hint).toBe(c.hint);
    });
  }

  it('accepts a complete config with composite keys, hard_deletes and renamed meta columns', async () => {
    const c = await compile(
      blockFile(
        "unique_key=['id', 'region'], strategy='check', check_cols=['name'], hard_deletes='new_record', dbt_valid_to_current=\"'9999-12-31'\", snapshot_meta_column_names={'dbt_valid_from': 'valid_from'}",
      ),
    );
    expect(snap(c, 's').config).toMatchObject({ unique_key: ['id', 'region'], hard_deletes: 'new_record', snapshot_meta_column_names: { dbt_valid_from: 'valid_from' } });
  });

  it("writes dbt's default hard_deletes and all meta column names into the manifest config", async () => {
    const c = await compile(blockFile("unique_key='id', strategy='check', check_cols='all', invalidate_hard_deletes=true, snapshot_meta_column_names={'dbt_scd_id': 'scd_id'}"));
    expect(snap(c, 's').config.hard_deletes).toBeUndefined();
    expect(snap(c, 's').config).toMatchObject({
      materialized: 'snapshot',
      invalidate_hard_deletes: true,
      snapshot_meta_column_names: { dbt_valid_from: 'dbt_valid_from', dbt_valid_to: 'dbt_valid_to', dbt_scd_id: 'scd_id', dbt_updated_at: 'dbt_updated_at', dbt_is_deleted: 'dbt_is_deleted' },
    });
    const plain = await compile(blockFile("unique_key='id', strategy='check', check_cols='all'"));
    expect(snap(plain, 's').config.hard_deletes).toBe('ignore');
  });

  it('does not check a disabled snapshot', async () => {
    const c = await compile(blockFile('enabled=false'));
    expect(c.manifest.disabled['snapshot.shop.s']).toBeDefined();
  });
});
