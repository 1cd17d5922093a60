/**
 * The partial-parse cache never misses a change: after every kind of edit, `xform compile` writes the same
 * manifest as a compile with the cache bypassed (`--no-partial-parse`), and the edit shows in it. And it is
 * used: an unchanged re-compile leaves manifest.json untouched.
 */
import { readFile, rm, stat, utimes, writeFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const PROFILES = [
  'shop:',
  '  target: dev',
  '  outputs:',
  '    dev: {type: duckdb, path: target/dev.duckdb, schema: dev_schema}',
  '    prod: {type: duckdb, path: target/prod.duckdb, schema: prod_schema}',
  '',
].join('\n');

const FILES: Record<string, string> = {
  'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  min_amount: 10\n',
  'profiles.yml': PROFILES,
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: orders\n',
  'models/schema.yml': 'version: 2\nmodels:\n  - name: stg_orders\n    description: staged orders\n    columns:\n      - name: id\n        tests: [not_null]\n',
  'models/stg_orders.sql': "select id, amount from {{ source('raw', 'orders') }} where amount >= {{ var('min_amount') }}",
  'models/fct_orders.sql': "select {{ cents('amount') }} as dollars, '{{ env_var('SHOP_REGION', 'eu') }}' as region from {{ ref('stg_orders') }}",
  'models/other.sql': 'select 1 as id',
  'macros/cents.sql': '{% macro cents(col) %}{{ col }} / 100{% endmacro %}',
  'seeds/countries.csv': 'code,name\nde,Germany\n',
};

interface Manifest {
  metadata: Record<string, unknown>;
  nodes: Record<string, { compiled_code?: string; compiled_path?: string; description?: string; checksum?: { checksum: string }; schema?: string }>;
  [key: string]: unknown;
}

async function manifestOf(root: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as Manifest;
}

/** The manifest without what differs between any two compiles (invocation id, time). */
function comparable(m: Manifest): unknown {
  const { metadata, ...rest } = m;
  const { generated_at: _g, invocation_id: _i, ...meta } = metadata;
  return { ...rest, metadata: meta };
}

async function compile(root: string, args: string[] = [], env: Record<string, string> = {}): Promise<void> {
  const result = await runXform(['compile', ...args], { cwd: root, env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^Compiled \d+ models/);
}

/** Every compiled SQL file on disk holds its node's compiled_code (files left unwritten must be current). */
async function expectCompiledFilesMatch(root: string, m: Manifest): Promise<void> {
  for (const [id, node] of Object.entries(m.nodes)) {
    if (node.compiled_code === undefined || node.compiled_path === undefined) continue;
    expect(await readFile(path.join(root, 'target', node.compiled_path), 'utf8'), id).toBe(`${node.compiled_code.replace(/\n$/, '')}\n`);
  }
}

/**
 * Compiles with the cache, then without: both manifests must be the same; returns the cached one. The
 * second compile leaves the snapshot the next step's cached compile starts from.
 */
async function compileBothWays(root: string, args: string[] = [], env: Record<string, string> = {}): Promise<Manifest> {
  await compile(root, args, env);
  const cached = await manifestOf(root);
  await expectCompiledFilesMatch(root, cached);
  await compile(root, [...args, '--no-partial-parse'], env);
  expect(comparable(cached)).toEqual(comparable(await manifestOf(root)));
  return cached;
}

async function project(): Promise<string> {
  const root = await writeProject(FILES);
  roots.push(root);
  await compile(root);
  return root;
}

const edit = (root: string, file: string, text: string) => writeFile(path.join(root, file), text);
const code = (m: Manifest, id: string) => m.nodes[id]?.compiled_code ?? '';

describe('partial parse: an unchanged project', () => {
  it('re-compiles without rewriting the manifest, and --no-partial-parse rewrites it', async () => {
    const root = await project();
    const manifestFile = path.join(root, 'target/manifest.json');
    const before = (await stat(manifestFile)).mtimeMs;
    expect(await readdir(path.join(root, 'target'))).toContain('partial_parse.json');
    await compile(root);
    expect((await stat(manifestFile)).mtimeMs).toBe(before);
    await compile(root, ['--no-partial-parse']);
    expect((await stat(manifestFile)).mtimeMs).not.toBe(before);
  });

  it('never short-cuts a compile with another flag (--inline prints its SQL)', async () => {
    const root = await project();
    const result = await runXform(['compile', '--inline', "select * from {{ ref('other') }}"], { cwd: root });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('select * from "dev_schema"."other"');
  });

  it('compiles in full when the manifest was deleted', async () => {
    const root = await project();
    await rm(path.join(root, 'target/manifest.json'));
    await compile(root);
    expect(code(await manifestOf(root), 'model.shop.other')).toContain('select 1 as id');
  });
});

// Each step runs the CLI twice; on a busy 2-core machine a step can take several seconds.
describe('partial parse: every change is seen', { timeout: 180_000 }, () => {
  it('an edited model', async () => {
    const root = await project();
    await edit(root, 'models/other.sql', 'select 2 as id');
    expect(code(await compileBothWays(root), 'model.shop.other')).toContain('select 2 as id');
  });

  it('an edit that keeps the size of a file older than the last compile (stat says changed)', async () => {
    const root = await project();
    const old = new Date(Date.now() - 3600_000);
    for (const file of Object.keys(FILES)) await utimes(path.join(root, file), old, old);
    await compile(root, ['--no-partial-parse']);
    // Old files are trusted by their stat: nothing changed, nothing rewritten.
    const manifestFile = path.join(root, 'target/manifest.json');
    const before = (await stat(manifestFile)).mtimeMs;
    await compile(root);
    expect((await stat(manifestFile)).mtimeMs).toBe(before);
    await edit(root, 'models/other.sql', 'select 7 as id');
    expect(code(await compileBothWays(root), 'model.shop.other')).toContain('select 7 as id');
  });

  it('a macro used by another model', async () => {
    const root = await project();
    await edit(root, 'macros/cents.sql', '{% macro cents(col) %}round({{ col }} / 100.0, 2){% endmacro %}');
    expect(code(await compileBothWays(root), 'model.shop.fct_orders')).toContain('round(amount / 100.0, 2) as dollars');
  });

  it('a project var, and a --vars value', async () => {
    const root = await project();
    await edit(root, 'xform_project.yml', 'name: shop\nversion: "1"\nvars:\n  min_amount: 25\n');
    expect(code(await compileBothWays(root), 'model.shop.stg_orders')).toContain('amount >= 25');
    expect(code(await compileBothWays(root, ['--vars', '{min_amount: 99}']), 'model.shop.stg_orders')).toContain('amount >= 99');
    expect(code(await compileBothWays(root), 'model.shop.stg_orders')).toContain('amount >= 25');
  });

  it('schema YAML', async () => {
    const root = await project();
    await edit(root, 'models/schema.yml', FILES['models/schema.yml']!.replace('staged orders', 'orders, staged'));
    expect((await compileBothWays(root)).nodes['model.shop.stg_orders']?.description).toBe('orders, staged');
    await edit(root, 'models/sources.yml', FILES['models/sources.yml']!.replace('landing', 'landing_v2'));
    expect(code(await compileBothWays(root), 'model.shop.stg_orders')).toContain('"landing_v2"."orders"');
  });

  it('a docs block, and a new .md file', async () => {
    const root = await project();
    await edit(root, 'models/schema.yml', FILES['models/schema.yml']!.replace('staged orders', '"{{ doc(\'stg\') }}"'));
    await edit(root, 'models/docs.md', '{% docs stg %}Staged.{% enddocs %}');
    expect((await compileBothWays(root)).nodes['model.shop.stg_orders']?.description).toBe('Staged.');
    await edit(root, 'models/docs.md', '{% docs stg %}Staged orders.{% enddocs %}');
    expect((await compileBothWays(root)).nodes['model.shop.stg_orders']?.description).toBe('Staged orders.');
    await edit(root, 'models/more.md', '{% docs other %}More.{% enddocs %}');
    expect(Object.keys((await compileBothWays(root)).docs as object).sort()).toEqual(['doc.shop.other', 'doc.shop.stg']);
  });

  it('a seed', async () => {
    const root = await project();
    const before = (await manifestOf(root)).nodes['seed.shop.countries']?.checksum?.checksum;
    await edit(root, 'seeds/countries.csv', 'code,name\nde,Germany\nfr,France\n');
    const after = (await compileBothWays(root)).nodes['seed.shop.countries']?.checksum?.checksum;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('an environment variable read by env_var()', async () => {
    const root = await project();
    expect(code(await compileBothWays(root, [], { SHOP_REGION: 'us' }), 'model.shop.fct_orders')).toContain("'us' as region");
    expect(code(await compileBothWays(root, [], { SHOP_REGION: 'apac' }), 'model.shop.fct_orders')).toContain("'apac' as region");
    expect(code(await compileBothWays(root), 'model.shop.fct_orders')).toContain("'eu' as region");
  });

  it('the profile target, in profiles.yml and with --target', async () => {
    const root = await project();
    expect(code(await manifestOf(root), 'model.shop.fct_orders')).toContain('"dev_schema"."stg_orders"');
    await edit(root, 'profiles.yml', PROFILES.replace('target: dev', 'target: prod'));
    expect(code(await compileBothWays(root), 'model.shop.fct_orders')).toContain('"prod_schema"."stg_orders"');
    expect(code(await compileBothWays(root, ['--target', 'dev']), 'model.shop.fct_orders')).toContain('"dev_schema"."stg_orders"');
  });

  it('a deleted file, an added file, an added file in a new folder', async () => {
    const root = await project();
    await rm(path.join(root, 'models/other.sql'));
    expect((await compileBothWays(root)).nodes['model.shop.other']).toBeUndefined();
    await edit(root, 'models/added.sql', 'select 3 as id');
    expect(code(await compileBothWays(root), 'model.shop.added')).toContain('select 3 as id');
    await mkdir(path.join(root, 'models/marts'));
    await edit(root, 'models/marts/deep.sql', "select * from {{ ref('added') }}");
    expect(code(await compileBothWays(root), 'model.shop.deep')).toContain('"dev_schema"."added"');
  });

  it('a folder that did not exist (snapshots/)', async () => {
    const root = await project();
    await mkdir(path.join(root, 'snapshots'));
    await edit(root, 'snapshots/snap.sql', "{% snapshot snap %}{{ config(unique_key='id', strategy='check', check_cols='all') }}select 1 as id{% endsnapshot %}");
    expect((await compileBothWays(root)).nodes['snapshot.shop.snap']).toBeDefined();
  });

  it('an installed package: a model added to it, and its own vars', async () => {
    const root = await project();
    const pkg = path.join(root, 'local_pkg');
    await mkdir(path.join(pkg, 'models'), { recursive: true });
    await edit(pkg, 'dbt_project.yml', 'name: local_pkg\nvars:\n  greeting: hi\n');
    await edit(pkg, 'models/pkg_a.sql', "select '{{ var(\"greeting\") }}' as g");
    await edit(root, 'packages.yml', 'packages:\n  - local: local_pkg\n');
    expect((await runXform(['deps'], { cwd: root })).code).toBe(0);
    expect(code(await compileBothWays(root), 'model.local_pkg.pkg_a')).toContain("'hi'");
    await edit(pkg, 'models/pkg_b.sql', 'select 2 as id');
    expect(code(await compileBothWays(root), 'model.local_pkg.pkg_b')).toContain('select 2 as id');
    await edit(pkg, 'dbt_project.yml', 'name: local_pkg\nvars:\n  greeting: hello\n');
    expect(code(await compileBothWays(root), 'model.local_pkg.pkg_a')).toContain("'hello'");
  });

  it('a profiles.yml that appears earlier in the lookup order', async () => {
    const { 'profiles.yml': _profiles, ...files } = FILES;
    const root = await writeProject(files);
    roots.push(root);
    const home = path.join(root, 'home');
    await mkdir(path.join(home, '.xform'), { recursive: true });
    await writeFile(path.join(home, '.xform/profiles.yml'), PROFILES);
    const env = { HOME: home };
    expect(code(await compileBothWays(root, [], env), 'model.shop.fct_orders')).toContain('"dev_schema"');
    await edit(root, 'profiles.yml', PROFILES.replace('target: dev', 'target: prod'));
    expect(code(await compileBothWays(root, [], env), 'model.shop.fct_orders')).toContain('"prod_schema"');
  });
});

describe('xform run with the partial-parse caches', () => {
  it('builds from cached renders and still sees an edited macro, var and model', async () => {
    const root = await writeProject({
      'models/a.sql': "{{ config(materialized='table') }} select {{ times_two('x') }} as y, {{ var('bonus', 0) }} as b from (select 21 as x) t",
      'models/b.sql': "{{ config(materialized='table') }} select 1 as id",
      'macros/times_two.sql': '{% macro times_two(c) %}{{ c }} * 2{% endmacro %}',
    });
    roots.push(root);
    const run = async (...args: string[]) => {
      const r = await runXform(['run', ...args], { cwd: root });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return r;
    };
    const compiledA = () => readFile(path.join(root, 'target/compiled/models/a.sql'), 'utf8');
    await run();
    expect(await compiledA()).toContain('x * 2');
    await run(); // from the caches
    await writeFile(path.join(root, 'macros/times_two.sql'), '{% macro times_two(c) %}{{ c }} + {{ c }}{% endmacro %}');
    await run();
    expect(await compiledA()).toContain('x + x');
    await run('--vars', '{bonus: 5}');
    expect(await compiledA()).toContain('5 as b');
    const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 }, { projectRoot: root });
    try {
      expect((await adapter.withConnection((c) => c.execute('select y, b from main.a'))).rows).toEqual([{ y: 42, b: 5 }]);
    } finally {
      await adapter.close();
    }
    await writeFile(path.join(root, 'models/b.sql'), "{{ config(materialized='table') }} select 2 as id");
    await run();
    expect(await readFile(path.join(root, 'target/compiled/models/b.sql'), 'utf8')).toContain('select 2 as id');
  });
});
