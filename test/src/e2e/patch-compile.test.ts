/**
 * The patch compile: after a compile, editing a few model files and compiling again re-renders only those
 * (when their refs, sources and config stay the same) and rewrites only their manifest entries and compiled
 * files. Whichever way a compile goes, target/ must be byte for byte what `--no-partial-parse` writes (but the
 * manifest's invocation_id and generated_at); every edit a patch cannot answer must compile in full.
 */
import { readdir, readFile, rename, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, type CliResult } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const FILES: Record<string, string> = {
  'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  min_amount: 10\nmodels:\n  shop:\n    marts:\n      +materialized: table\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: target/dev.duckdb, schema: dev_schema}\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: orders\n',
  'models/schema.yml':
    'version: 2\nmodels:\n  - name: stg_orders\n    description: staged orders\n    columns:\n      - name: id\n        tests: [not_null, unique]\n  - name: orders\n    config:\n      tags: [finance]\n',
  'models/stg_orders.sql': "select id, amount from {{ source('raw', 'orders') }} where amount >= {{ var('min_amount') }}\n",
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id\n",
  'models/uses_eph.sql': "select * from {{ ref('eph') }}\n",
  'models/marts/orders.sql': "{{ config(alias='orders_v1') }}\nselect id, {{ cents('amount') }} as dollars\nfrom {{ ref('stg_orders') }}\n",
  'models/marts/customers.sql': "select id from {{ ref('stg_orders') }} -- {{ this }}\n",
  'macros/cents.sql': '{% macro cents(col) %}round({{ col }} / 100.0, 2){% endmacro %}\n',
};

const PATCHED = 'only their manifest entries and compiled SQL were rewritten';

async function compile(root: string, args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await runXform(['compile', ...args], { cwd: root, env });
  // A model whose render queries the warehouse makes a full compile connect, and say so.
  expect(result.stderr.replace(/^connecting to target 'dev' \(duckdb\): 1 node queries the warehouse while rendering \(customers\)\n/, '')).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^Compiled 5 models, 2 tests, 1 source/);
  return result;
}

/** What the last command wrote to logs/xform.log. */
async function lastLog(root: string): Promise<string> {
  const log = await readFile(path.join(root, 'logs/xform.log'), 'utf8');
  return log.slice(log.lastIndexOf('| xform '));
}

async function filesUnder(dir: string, base = dir): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, await filesUnder(full, base));
    else out[path.relative(base, full)] = await readFile(full, 'utf8');
  }
  return out;
}

/** manifest.json after its metadata (which names the invocation), and every compiled file. */
async function outputs(root: string): Promise<{ manifest: string; compiled: Record<string, string> }> {
  const manifest = await readFile(path.join(root, 'target/manifest.json'), 'utf8');
  return { manifest: manifest.slice(manifest.indexOf(',"nodes":{')), compiled: await filesUnder(path.join(root, 'target/compiled')) };
}

/** target/ as it is must be what a full compile writes. */
async function expectFullCompileOutputs(root: string): Promise<void> {
  const now = await outputs(root);
  await compile(root, ['--no-partial-parse']);
  const full = await outputs(root);
  expect(now.compiled).toEqual(full.compiled);
  expect(now.manifest === full.manifest).toBe(true);
}

async function project(): Promise<string> {
  const root = await writeProject(FILES);
  roots.push(root);
  await compile(root);
  return root;
}

const edit = (root: string, file: string, text: string) => writeFile(path.join(root, file), text);

describe('patch compile', { timeout: 180_000 }, () => {
  it('rewrites only an edited model whose refs, sources and config are the same, as a full compile would', async () => {
    const root = await project();
    // No cents() any more: depends_on.macros changes with the text.
    await edit(root, 'models/marts/orders.sql', "{{ config(alias='orders_v1') }}\nselect id, amount / 100 as dollars\nfrom {{ ref('stg_orders') }}\nwhere id > 0\n");
    await compile(root);
    expect(await lastLog(root)).toContain(`1 model file edited since the last compile; ${PATCHED}`);
    const compiled = await readFile(path.join(root, 'target/compiled/models/marts/orders.sql'), 'utf8');
    expect(compiled).toBe('\nselect id, amount / 100 as dollars\nfrom "dev_schema"."stg_orders"\nwhere id > 0\n');
    const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['model.shop.orders'].depends_on.macros).toEqual([]);
    expect(manifest.nodes['model.shop.orders'].relation_name).toBe('"dev_schema"."orders_v1"');
    await expectFullCompileOutputs(root);
  });

  it('patches several files, patches again after a patch, and then sees nothing changed', async () => {
    const root = await project();
    await edit(root, 'models/stg_orders.sql', "select id, amount from {{ source('raw', 'orders') }} where amount > {{ var('min_amount') }}\n");
    await edit(root, 'models/marts/customers.sql', "select distinct id from {{ ref('stg_orders') }} -- {{ this }}\n");
    await compile(root);
    expect(await lastLog(root)).toContain(`2 model files edited since the last compile; ${PATCHED}`);
    expect(await readFile(path.join(root, 'target/compiled/models/stg_orders.sql'), 'utf8')).toContain('from "landing"."orders" where amount > 10');
    expect(await readFile(path.join(root, 'target/compiled/models/marts/customers.sql'), 'utf8')).toContain('-- "dev_schema"."customers"');
    await edit(root, 'models/stg_orders.sql', "select id, amount from {{ source('raw', 'orders') }} where amount >= {{ var('min_amount') }} + 1\n");
    await compile(root);
    expect(await lastLog(root)).toContain(PATCHED);
    await compile(root);
    expect(await lastLog(root)).toContain('nothing changed since the last compile');
    expect(await readFile(path.join(root, 'target/compiled/models/stg_orders.sql'), 'utf8')).toContain('where amount >= 10 + 1');
    await expectFullCompileOutputs(root);
  });

  const fullCompiles: [string, string, string][] = [
    ['a new ref', 'models/marts/customers.sql', "select id from {{ ref('stg_orders') }} join {{ ref('uses_eph') }} using (id)\n"],
    ['a changed config', 'models/marts/orders.sql', "{{ config(alias='orders_v2') }}\nselect id from {{ ref('stg_orders') }}\n"],
    ['an edited ephemeral model', 'models/eph.sql', "{{ config(materialized='ephemeral') }}\nselect 2 as id\n"],
    ['a model reading an ephemeral one', 'models/uses_eph.sql', "select id + 1 as id from {{ ref('eph') }}\n"],
    ['a render reading a relation\'s attributes', 'models/marts/customers.sql', "select '{{ this.identifier }}' as name, id from {{ ref('stg_orders') }}\n"],
    ['a render reading the clock', 'models/marts/customers.sql', "select id from {{ ref('stg_orders') }} -- {{ run_started_at.year }}\n"],
    ['a new environment variable', 'models/marts/customers.sql', "select id, '{{ env_var('SHOP_REGION', 'eu') }}' as region from {{ ref('stg_orders') }}\n"],
  ];
  for (const [what, file, text] of fullCompiles) {
    it(`compiles in full for ${what}`, async () => {
      const root = await project();
      await edit(root, file, text);
      await compile(root);
      expect(await lastLog(root)).not.toContain(PATCHED);
      await expectFullCompileOutputs(root);
    });
  }

  it('patches a model calling an installed package\'s macro, and compiles in full one whose macros can query the warehouse', async () => {
    const root = await writeProject({
      ...FILES,
      'packages.yml': 'packages:\n  - local: local_pkg\n',
      'local_pkg/dbt_project.yml': 'name: local_pkg\n',
      'local_pkg/macros/shout.sql': '{% macro shout(col) %}upper({{ col }}){% endmacro %}\n',
      'macros/distinct_ids.sql':
        "{% macro distinct_ids() %}{% if execute %}{% set r = run_query('select 1 as id') %}{{ r.columns[0].values() | join(',') }}{% else %}0{% endif %}{% endmacro %}\n",
      'macros/ids.sql': '{% macro ids() %}{{ distinct_ids() }}{% endmacro %}\n',
    });
    roots.push(root);
    expect((await runXform(['deps'], { cwd: root })).code).toBe(0);
    await compile(root);
    await edit(root, 'models/marts/customers.sql', "select {{ local_pkg.shout('id') }} as id from {{ ref('stg_orders') }} -- {{ this }}\n");
    await compile(root);
    expect(await lastLog(root)).toContain(PATCHED);
    expect(await readFile(path.join(root, 'target/compiled/models/marts/customers.sql'), 'utf8')).toContain('select upper(id) as id');
    await expectFullCompileOutputs(root);
    // ids() reaches run_query through another macro, on a branch a compile without `execute` does not take.
    await edit(root, 'models/marts/customers.sql', "select id from {{ ref('stg_orders') }} where id in ({{ ids() }}) -- {{ this }}\n");
    await compile(root);
    expect(await lastLog(root)).not.toContain(PATCHED);
    await expectFullCompileOutputs(root);
  });

  it('compiles in full when the edit does not render, and reports it at its file', async () => {
    const root = await project();
    await edit(root, 'models/marts/customers.sql', "select id from {{ ref('stg_orders') }} where {{ no_such_macro() }}\n");
    const failed = await runXform(['compile'], { cwd: root });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('models/marts/customers.sql');
    expect(failed.stderr).toContain('no_such_macro');
    await edit(root, 'models/marts/customers.sql', "select id from {{ ref('stg_orders') }}\n");
    await compile(root);
    await expectFullCompileOutputs(root);
  });

  it('compiles in full when manifest.json is not the one the last compile wrote', async () => {
    const root = await project();
    const manifest = path.join(root, 'target/manifest.json');
    // Same contents, another file: as when another process wrote it meanwhile.
    await copyFile(manifest, `${manifest}.copy`);
    await rename(`${manifest}.copy`, manifest);
    await edit(root, 'models/marts/customers.sql', "select id as customer_id from {{ ref('stg_orders') }} -- {{ this }}\n");
    await compile(root);
    expect(await lastLog(root)).not.toContain(PATCHED);
    await expectFullCompileOutputs(root);
  });

  it('compiles in full with a selection, and a selected compile leaves nothing to patch from', async () => {
    const root = await project();
    await edit(root, 'models/marts/customers.sql', "select id as customer_id from {{ ref('stg_orders') }} -- {{ this }}\n");
    const selected = await runXform(['compile', '-s', 'customers'], { cwd: root });
    expect(selected.code).toBe(0);
    expect(await lastLog(root)).not.toContain(PATCHED);
    await edit(root, 'models/marts/customers.sql', "select id as c_id from {{ ref('stg_orders') }} -- {{ this }}\n");
    await compile(root);
    expect(await lastLog(root)).not.toContain(PATCHED);
    await expectFullCompileOutputs(root);
  });
});
