import { existsSync } from 'node:fs';
/**
 * Snapshots through the built CLI on the embedded DuckDB: `xform snapshot` records history across changes
 * of its source, `xform build` runs a snapshot between the model it reads and the models that read it,
 * `xform ls` and the manifest show snapshots, and a user's mistakes read as file, line and hint.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform, type CliResult } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function project(files: Record<string, string>): Promise<string> {
  const root = await writeProject({ 'xform_project.yml': 'name: shop\nversion: "1"\n', ...files });
  roots.push(root);
  return root;
}

async function rows(root: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await createAdapter({ type: 'duckdb', name: 'check', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 }, { projectRoot: '/' });
  try {
    return (await adapter.withConnection((c) => c.execute(sql))).rows;
  } finally {
    await adapter.close();
  }
}

async function ok(root: string, args: string[]): Promise<CliResult> {
  const result = await runXform(args, { cwd: root });
  expect(result.code, `xform ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
}

const CUSTOMERS_V1 = 'id,name,updated_at\n1,alice,2024-01-01 00:00:00\n2,bob,2024-01-01 00:00:00\n3,carol,2024-01-01 00:00:00\n';
// bob renamed, carol deleted at the source, dave new.
const CUSTOMERS_V2 = 'id,name,updated_at\n1,alice,2024-01-01 00:00:00\n2,robert,2024-02-01 00:00:00\n4,dave,2024-02-01 00:00:00\n';
const STG = "select id, name, cast(updated_at as timestamp) as updated_at from {{ ref('raw_customers') }}";

const YAML_SNAPSHOT = [
  'snapshots:',
  '  - name: customers_snapshot',
  '    relation: ref(\'stg_customers\')',
  '    config:',
  '      unique_key: id',
  '      strategy: timestamp',
  '      updated_at: updated_at',
  '',
].join('\n');

const HISTORY = `select id, name, cast(dbt_valid_from as varchar) as valid_from, cast(dbt_valid_to as varchar) as valid_to
  from main.customers_snapshot order by id, dbt_valid_from`;

describe('xform snapshot', () => {
  it('records a changed row as a new version and closes the old one; an unchanged run adds nothing', async () => {
    const root = await project({ 'seeds/raw_customers.csv': CUSTOMERS_V1, 'models/stg_customers.sql': STG, 'snapshots/customers.yml': YAML_SNAPSHOT });
    await ok(root, ['seed']);
    await ok(root, ['run']);
    const first = await ok(root, ['snapshot']);
    expect(first.stdout).toMatch(/1 of 1 {2}OK\s+snapshot\s+main\.customers_snapshot/);
    expect(first.stdout).toMatch(/Done: 1 ok, 0 error/);
    expect(first.stderr).not.toContain('warning');
    expect(await rows(root, HISTORY)).toEqual([
      { id: 1, name: 'alice', valid_from: '2024-01-01 00:00:00', valid_to: null },
      { id: 2, name: 'bob', valid_from: '2024-01-01 00:00:00', valid_to: null },
      { id: 3, name: 'carol', valid_from: '2024-01-01 00:00:00', valid_to: null },
    ]);

    await writeFile(path.join(root, 'seeds/raw_customers.csv'), CUSTOMERS_V2);
    await ok(root, ['seed']);
    await ok(root, ['snapshot']);
    const history = [
      { id: 1, name: 'alice', valid_from: '2024-01-01 00:00:00', valid_to: null },
      { id: 2, name: 'bob', valid_from: '2024-01-01 00:00:00', valid_to: '2024-02-01 00:00:00' },
      { id: 2, name: 'robert', valid_from: '2024-02-01 00:00:00', valid_to: null },
      // hard_deletes defaults to ignore: a row deleted at the source stays current.
      { id: 3, name: 'carol', valid_from: '2024-01-01 00:00:00', valid_to: null },
      { id: 4, name: 'dave', valid_from: '2024-02-01 00:00:00', valid_to: null },
    ];
    expect(await rows(root, HISTORY)).toEqual(history);

    await ok(root, ['snapshot']);
    expect(await rows(root, HISTORY)).toEqual(history);
    // The SQL that ran is the snapshot's own file, never written over the YAML's name.
    expect(await readFile(path.join(root, 'target/run/snapshots/customers_snapshot.sql'), 'utf8')).toMatch(/^select \* from "main"\."stg_customers"/m);
    expect(existsSync(path.join(root, 'target/run/snapshots/customers.yml'))).toBe(false);
  });

  it('runs only the selected snapshots, and json logs name them', async () => {
    const second = YAML_SNAPSHOT.replace('customers_snapshot', 'names_snapshot').replace('snapshots:\n', '');
    const root = await project({ 'seeds/raw_customers.csv': CUSTOMERS_V1, 'models/stg_customers.sql': STG, 'snapshots/customers.yml': YAML_SNAPSHOT + second });
    await ok(root, ['seed']);
    await ok(root, ['run']);
    const result = await ok(root, ['snapshot', '--select', 'names_snapshot', '--threads', '2', '--log-format', 'json']);
    expect(result.stdout).toContain('snapshot.shop.names_snapshot');
    expect(result.stdout).not.toContain('snapshot.shop.customers_snapshot');
    const tables = await rows(root, "select table_name from information_schema.tables where table_name like '%snapshot' order by 1");
    expect(tables).toEqual([{ table_name: 'names_snapshot' }]);
  });
});

describe('snapshots in xform build, ls and the manifest', () => {
  const BLOCK = [
    '{% snapshot customers_snapshot %}',
    "{{ config(unique_key='id', strategy='check', check_cols=['name'], target_schema='snapshots') }}",
    "select * from {{ ref('stg_customers') }}",
    '{% endsnapshot %}',
    '',
  ].join('\n');
  const files = {
    'seeds/raw_customers.csv': CUSTOMERS_V1,
    'models/stg_customers.sql': STG,
    'snapshots/customers.sql': BLOCK,
    'models/dim_customers.sql': "{{ config(materialized='table') }}select id, name from {{ ref('customers_snapshot') }} where dbt_valid_to is null",
  };

  it('build runs the snapshot after the model it reads and before the model that refs it', async () => {
    const root = await project(files);
    const build = await ok(root, ['build', '--threads', '4']);
    expect(build.stderr).not.toContain('snapshots are not run');
    const results = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as {
      results: { unique_id: string; status: string; timing: { name: string; started_at: string; completed_at: string }[] }[];
    };
    const timing = (id: string) => {
      const r = results.results.find((x) => x.unique_id === id);
      expect(r?.status, id).toBe('success');
      const t = r!.timing.find((x) => x.name === 'execute')!;
      return { start: Date.parse(t.started_at), end: Date.parse(t.completed_at) };
    };
    const stg = timing('model.shop.stg_customers');
    const snap = timing('snapshot.shop.customers_snapshot');
    const dim = timing('model.shop.dim_customers');
    expect(snap.start).toBeGreaterThanOrEqual(stg.end);
    expect(dim.start).toBeGreaterThanOrEqual(snap.end);
    // target_schema names the schema as written (no generate_schema_name prefix).
    expect(await rows(root, 'select id, name from snapshots.customers_snapshot order by id')).toEqual([
      { id: 1, name: 'alice' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'carol' },
    ]);
    expect(await rows(root, 'select id, name from main.dim_customers order by id')).toEqual([
      { id: 1, name: 'alice' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'carol' },
    ]);
  });

  it('ls lists snapshots by resource type and path, and manifest.json has them as dbt writes them', async () => {
    const root = await project(files);
    expect((await ok(root, ['ls', '--resource-type', 'snapshot'])).stdout).toBe('shop.customers_snapshot\n');
    expect((await ok(root, ['ls', '--select', 'path:snapshots', '--output', 'name'])).stdout).toBe('customers_snapshot\n');
    expect((await ok(root, ['ls', '--select', 'resource_type:snapshot+', '--output', 'name'])).stdout).toBe('customers_snapshot\ndim_customers\n');
    await ok(root, ['compile']);
    const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
    const node = manifest.nodes['snapshot.shop.customers_snapshot']!;
    expect(node).toMatchObject({
      resource_type: 'snapshot',
      original_file_path: 'snapshots/customers.sql',
      schema: 'snapshots',
      depends_on: { nodes: ['model.shop.stg_customers'] },
      config: { materialized: 'snapshot', strategy: 'check', unique_key: 'id', check_cols: ['name'], target_schema: 'snapshots', hard_deletes: 'ignore' },
    });
  });
});

describe('snapshot usage errors', () => {
  it('a config mistake names the file, the line and a did-you-mean, without a stack trace', async () => {
    const root = await project({
      'seeds/raw_customers.csv': CUSTOMERS_V1,
      'models/stg_customers.sql': STG,
      'snapshots/customers.yml': YAML_SNAPSHOT.replace('strategy: timestamp', 'strategy: timestmp'),
    });
    const result = await runXform(['snapshot'], { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "snapshots/customers.yml:6:7: error [XFORM_SNAPSHOT_CONFIG] snapshot 'customers_snapshot': strategy must be 'timestamp' or 'check', got 'timestmp'",
    );
    expect(result.stderr).toContain("did you mean 'timestamp'?");
    expect(result.stderr).not.toMatch(/^\s+at .*\.js:\d+/m);
  });

  it('--full-refresh is not an option of xform snapshot; unknown resource types get a did-you-mean', async () => {
    const root = await project({ 'models/stg_customers.sql': 'select 1 as id', 'snapshots/customers.yml': YAML_SNAPSHOT.replace('strategy: timestamp', 'strategy: check\n      check_cols: all').replace('      updated_at: updated_at\n', '') });
    const refresh = await runXform(['snapshot', '--full-refresh'], { cwd: root });
    expect(refresh.code).not.toBe(0);
    expect(refresh.stderr).toContain("error: unknown option '--full-refresh'");
    const selector = await runXform(['snapshot', '--select', 'resource_type:snapshto'], { cwd: root });
    expect(selector.code).toBe(2);
    expect(selector.stderr).toContain("unknown resource type 'snapshto' in 'resource_type:snapshto'");
    expect(selector.stderr).toContain("did you mean 'snapshot'?");
    const ls = await runXform(['ls', '--resource-type', 'snapshto'], { cwd: root });
    expect(ls.code).toBe(2);
    expect(ls.stderr).toContain("error [XFORM_BAD_ARGUMENT] --resource-type expects one of model, seed, source, test, snapshot, unit_test, all, got 'snapshto'");
    expect(ls.stderr).toContain("did you mean 'snapshot'?");
    const threads = await runXform(['snapshot', '--threads', '0'], { cwd: root });
    expect(threads.stderr).toContain("--threads expects a whole number of at least 1, got '0'");
  });
});
