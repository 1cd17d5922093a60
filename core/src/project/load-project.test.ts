import { afterEach, describe, expect, test } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { EMPTY_ENV, makeProject, makeTempDir, type Fixture, type FixtureFiles } from './__fixtures__/make-project.js';
import { loadProject, resolveFolderConfig } from './index.js';
import { fileFqn } from './discovery.js';

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

/** A project in a temp dir; the home dir is the project dir too, so the real ~/.xform is never read. */
async function project(files: FixtureFiles, name = 'shop') {
  const fx = await makeProject(files, name);
  fixtures.push(fx);
  return fx;
}

async function loadError(fx: Fixture, extra: Parameters<typeof loadProject>[0] = {}): Promise<XformError> {
  const err = await loadProject({ projectDir: fx.dir, env: EMPTY_ENV, homeDir: fx.dir, ...extra }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isXformError(err)) throw new Error(`expected an XformError, got ${String(err)}`);
  return err;
}

describe('loadProject', () => {
  test('loads a complete small project', async () => {
    const fx = await project({
      'xform_project.yml': [
        'name: shop',
        'profile: shop',
        'vars: {currency: EUR}',
        'models:',
        '  shop:',
        '    +materialized: view',
        '    staging: {+schema: stg, +layer: silver}',
        '    marts: {+materialized: table, +layer: gold, +tags: [daily]}',
        'seeds:',
        '  shop: {+schema: raw}',
        '',
      ].join('\n'),
      'profiles.yml': { shop: { target: 'dev', outputs: { dev: { type: 'duckdb', path: 'shop.duckdb', threads: 2 } } } },
      'models/staging/stg_orders.sql': "select * from {{ source('raw', 'orders') }}",
      'models/marts/orders.sql': "select * from {{ ref('stg_orders') }}",
      'models/schema.yml': {
        version: 2,
        models: [{ name: 'orders', columns: [{ name: 'id', tests: ['unique', 'not_null'] }] }],
        sources: [{ name: 'raw', tables: [{ name: 'orders' }] }],
        unit_tests: [{ name: 'ut', model: 'orders', given: [{ input: "ref('stg_orders')", rows: [{ id: 1 }] }], expect: { rows: [{ id: 1 }] } }],
      },
      'seeds/countries.csv': 'code\nNL\n',
      'tests/no_negative.sql': 'select 1 where false',
      'macros/m.sql': '{% macro m() %}1{% endmacro %}',
      'snapshots/s.sql': '{% snapshot s %}select 1{% endsnapshot %}',
    });
    const loaded = await loadProject({ projectDir: fx.dir, env: EMPTY_ENV, homeDir: fx.dir, vars: { currency: 'USD' } });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.root).toBe(fx.dir);
    expect(loaded.target).toEqual({ type: 'duckdb', name: 'dev', path: 'shop.duckdb', schema: 'main', threads: 2 });
    expect(loaded.profilesFile).toBe(fx.file('profiles.yml'));
    expect(loaded.config.vars).toEqual({ currency: 'EUR' });
    expect(loaded.cliVars).toEqual({ currency: 'USD' });
    expect(loaded.models.map((m) => m.path)).toEqual(['models/marts/orders.sql', 'models/staging/stg_orders.sql']);
    expect(loaded.seeds.map((m) => m.path)).toEqual(['seeds/countries.csv']);
    expect(loaded.tests.map((m) => m.path)).toEqual(['tests/no_negative.sql']);
    expect(loaded.macros.map((m) => m.path)).toEqual(['macros/m.sql']);
    expect(loaded.snapshots.map((m) => m.path)).toEqual(['snapshots/s.sql']);
    expect(loaded.schemaFiles.map((s) => [s.path, s.models.length, s.sources.length, s.unitTests.length])).toEqual([['models/schema.yml', 1, 1, 1]]);
    const orders = loaded.models[0]!;
    expect(resolveFolderConfig(loaded.config.models, fileFqn(loaded.config.name, orders))).toEqual({ materialized: 'table', layer: 'gold', tags: ['daily'] });
  });

  test('no profiles.yml anywhere: the built-in embedded DuckDB target', async () => {
    const fx = await project({ 'xform_project.yml': 'name: shop\ntarget-path: out\n' });
    const loaded = await loadProject({ projectDir: fx.dir, env: EMPTY_ENV, homeDir: fx.dir });
    expect(loaded.target).toEqual({ type: 'duckdb', name: 'dev', path: 'out/xform.duckdb', schema: 'main', threads: 4 });
    expect(loaded.profilesFile).toBeUndefined();
    const err = await loadError(fx, { target: 'prod' });
    expect(err.code).toBe('XFORM_TARGET_NOT_FOUND');
  });

  test('profiles.yml from XFORM_PROFILES_DIR and ~/.xform, in that order', async () => {
    const fx = await project({});
    const home = await makeTempDir({ '.xform/profiles.yml': { shop: { target: 'h', outputs: { h: { type: 'duckdb' } } } } });
    const envDir = await makeTempDir({ 'profiles.yml': { shop: { target: 'e', outputs: { e: { type: 'duckdb' } } } } });
    fixtures.push(home, envDir);
    const viaEnv = await loadProject({ projectDir: fx.dir, env: { XFORM_PROFILES_DIR: envDir.dir }, homeDir: home.dir });
    expect(viaEnv.target.name).toBe('e');
    const viaHome = await loadProject({ projectDir: fx.dir, env: EMPTY_ENV, homeDir: home.dir });
    expect(viaHome.target.name).toBe('h');
    expect(viaHome.profilesFile).toBe(home.file('.xform/profiles.yml'));
  });

  test('neither xform_project.yml nor dbt_project.yml: XFORM_PROJECT_NOT_FOUND naming the directory', async () => {
    const fx = await makeTempDir({ 'models/a.sql': 'select 1' });
    fixtures.push(fx);
    const err = await loadError(fx);
    expect(err.code).toBe('XFORM_PROJECT_NOT_FOUND');
    expect(err.message).toBe(`no xform_project.yml (or dbt_project.yml) in ${fx.dir}`);
    expect(err.hint).toContain('xform init');
  });

  test('two models with the same name in different folders', async () => {
    const fx = await project({ 'models/a/orders.sql': 'select 1', 'models/b/orders.sql': 'select 2' });
    const err = await loadError(fx);
    expect(err.code).toBe('XFORM_DUPLICATE_MODEL');
    expect(err.message).toBe("two models are named 'orders': models/a/orders.sql and models/b/orders.sql");
  });

  test('a model described in two schema files: error naming both files and lines', async () => {
    const fx = await project({
      'models/orders.sql': 'select 1',
      'models/a.yml': 'models:\n  - name: orders\n',
      'models/b.yml': 'version: 2\n\nmodels:\n  - name: orders\n',
    });
    const err = await loadError(fx);
    expect(err.code).toBe('XFORM_DUPLICATE_PATCH');
    expect(err.message).toBe("model 'orders' is defined twice: models/a.yml:2 and models/b.yml:4");
    expect(err.location).toMatchObject({ file: 'models/b.yml', line: 4, yamlPath: 'models[0]' });
  });

  test('all errors are reported together, with warnings for near misses', async () => {
    const fx = await project({
      'xform_project.yml': 'name: shop\nmodels:\n  shop:\n    stagng: {+schema: stg}\n',
      'models/staging/stg_orders.sql': 'select 1',
      'models/schema.yml': 'models:\n  - name: stg_order\nsources:\n  - name: raw\n    tables: {orders: {}}\n',
      'seeds/stg_orders.csv': 'a\n1\n',
    });
    const err = await loadError(fx);
    expect(err.code).toBe('XFORM_PROJECT_INVALID');
    const errors = err.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['XFORM_SCHEMA_YAML_INVALID', 'models/schema.yml', 5],
      ['XFORM_DUPLICATE_RESOURCE', 'seeds/stg_orders.csv', 1],
    ]);
    // The near miss travels with the errors, so the CLI shows it next to them.
    expect(err.diagnostics.filter((d) => d.severity === 'warning').map((d) => [d.code, d.location?.line])).toContainEqual([
      'XFORM_CONFIG_UNUSED_PATH',
      4,
    ]);
    expect(err.diagnostics[0]!.message).toBe("'sources[0].tables' in models/schema.yml must be a list, got a mapping");
    expect(err.diagnostics[1]!.message).toBe("two resources are named 'stg_orders': models/staging/stg_orders.sql and seeds/stg_orders.csv");
  });

  test('warnings: a patch for a missing model and a folder config matching nothing, with did-you-mean', async () => {
    const fx = await project({
      'xform_project.yml': 'name: shop\nmodels:\n  shop:\n    stagng: {+schema: stg}\n',
      'models/staging/stg_orders.sql': 'select 1',
      'models/schema.yml': 'models:\n  - name: stg_order\n',
    });
    const loaded = await loadProject({ projectDir: fx.dir, env: EMPTY_ENV, homeDir: fx.dir });
    expect(loaded.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line, d.hint])).toEqual([
      ['XFORM_PATCH_NO_NODE', 'models/schema.yml', 2, "did you mean 'stg_orders'?"],
      ['XFORM_CONFIG_UNUSED_PATH', 'xform_project.yml', 4, "did you mean 'staging'?"],
    ]);
  });

  test('a model with a layer not in the project layers is an error', async () => {
    const fx = await project({ 'models/orders.sql': 'select 1', 'models/s.yml': 'models:\n  - name: orders\n    config: {layer: silverr}\n' });
    const err = await loadError(fx);
    expect(err).toMatchObject({ code: 'XFORM_LAYER_UNKNOWN', hint: "did you mean 'silver'?", location: { file: 'models/s.yml', line: 2 } });
  });

  test('profile problems surface with the profiles.yml location and never the secret', async () => {
    const fx = await project({
      'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: h\n      user: u\n      dbname: d\n      password: \"{{ env_var('PGPASS') }}\"\n",
      'models/a.sql': 'select 1',
    });
    const err = await loadError(fx);
    expect(err).toMatchObject({ code: 'XFORM_ENV_VAR_MISSING', location: { file: 'profiles.yml', line: 9 } });
    const ok = await loadProject({ projectDir: fx.dir, env: { PGPASS: 'hunter2-secret' }, homeDir: fx.dir });
    expect(ok.target).toMatchObject({ type: 'postgres', password: 'hunter2-secret', port: 5432, schema: 'public' });
    expect(JSON.stringify(ok.diagnostics)).not.toContain('hunter2');
  });
});
