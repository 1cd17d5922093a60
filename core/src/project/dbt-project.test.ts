import { afterEach, describe, expect, test } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { EMPTY_ENV, makeTempDir, type Fixture, type FixtureFiles } from './__fixtures__/make-project.js';
import { loadProject, resolveFolderConfig } from './index.js';

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

async function dir(files: FixtureFiles): Promise<Fixture> {
  const fx = await makeTempDir(files);
  fixtures.push(fx);
  return fx;
}

const load = (fx: Fixture, extra: Parameters<typeof loadProject>[0] = {}) => loadProject({ projectDir: fx.dir, env: EMPTY_ENV, homeDir: fx.dir, ...extra });

const DUCK_PROFILE = (name: string, target = 'dev') => `${name}:\n  target: ${target}\n  outputs:\n    ${target}:\n      type: duckdb\n      path: t.duckdb\n`;

describe('dbt_project.yml', () => {
  test("is read as it is when xform_project.yml is absent (jaffle_shop's bare `materialized: table`)", async () => {
    const fx = await dir({
      'dbt_project.yml': [
        "name: 'jaffle_shop'",
        "version: '0.1'",
        'config-version: 2',
        "profile: 'jaffle_shop'",
        'model-paths: ["models"]',
        'seed-paths: ["seeds"]',
        'require-dbt-version: [">=1.0.0", "<2.0.0"]',
        'clean-targets: ["target", "dbt_packages"]',
        'packages-install-path: vendor',
        'models:',
        '  jaffle_shop:',
        '    materialized: table',
        '    staging:',
        '      materialized: view',
      ].join('\n'),
      'models/staging/stg_orders.sql': 'select 1',
    });
    const project = await load(fx);
    expect(project.config.name).toBe('jaffle_shop');
    expect(project.config.file).toBe('dbt_project.yml');
    expect(project.config.packagesInstallPath).toBe('vendor');
    expect(resolveFolderConfig(project.config.models, ['jaffle_shop', 'orders']).materialized).toBe('table');
    expect(resolveFolderConfig(project.config.models, ['jaffle_shop', 'staging', 'stg_orders']).materialized).toBe('view');
    expect(project.diagnostics).toEqual([]);
  });

  test('xform_project.yml wins when both exist', async () => {
    const fx = await dir({ 'xform_project.yml': 'name: from_xform\nlayers: [raw, clean]\n', 'dbt_project.yml': 'name: from_dbt\n' });
    const project = await load(fx);
    expect(project.config.name).toBe('from_xform');
    expect(project.config.layers).toEqual(['raw', 'clean']);
  });

  test('an unknown dbt key is a single warning, never an error', async () => {
    const fx = await dir({ 'dbt_project.yml': 'name: shop\nsome-future-key: 1\nexposures: {}\n' });
    const project = await load(fx);
    const unknown = project.diagnostics.filter((d) => d.code === 'XFORM_UNKNOWN_KEY');
    expect(unknown.map((d) => d.message)).toEqual(["unknown key 'some-future-key' in the top level"]);
  });

  test('Jinja in config values is rendered with target, var and env_var; vars and hooks are left for later', async () => {
    const fx = await dir({
      'dbt_project.yml': [
        'name: shop',
        'profile: shop',
        'vars:',
        "  start: \"{{ env_var('NOT_READ_NOW') }}\"",
        "on-run-start: \"create schema if not exists {{ target.schema }}_audit\"",
        'models:',
        '  shop:',
        "    +schema: \"{{ 'analytics' if target.name == 'prod' else 'dev_' ~ env_var('USER_NAME') }}\"",
        "    +enabled: \"{{ target.type == 'duckdb' }}\"",
        "    +tags: [\"{{ var('team', 'core') }}\"]",
        "    +post-hook: \"grant select on {{ this }} to {{ var('reader') }}\"",
      ].join('\n'),
      'profiles.yml': DUCK_PROFILE('shop'),
      'models/a.sql': 'select 1',
    });
    const project = await load(fx, { env: { USER_NAME: 'ada' }, vars: { team: 'growth' } });
    const config = resolveFolderConfig(project.config.models, ['shop', 'a']);
    expect(config.schema).toBe('dev_ada');
    expect(config.enabled).toBe(true);
    expect(config.tags).toEqual(['growth']);
    expect(config.post_hook).toEqual(["grant select on {{ this }} to {{ var('reader') }}"]);
    expect(project.config.vars).toEqual({ start: "{{ env_var('NOT_READ_NOW') }}" });
    expect(project.config.onRunStart).toEqual(['create schema if not exists {{ target.schema }}_audit']);
  });

  test('schema-YAML config values are rendered, hooks are not', async () => {
    const fx = await dir({
      'dbt_project.yml': 'name: shop\nvars: {mat: table}\n',
      'models/a.sql': 'select 1',
      'models/schema.yml': [
        'models:',
        '  - name: a',
        '    config:',
        "      materialized: \"{{ var('mat') }}\"",
        "      alias: \"a_{{ target.type }}\"",
        "      post_hook: \"select '{{ this }}'\"",
      ].join('\n'),
    });
    const project = await load(fx);
    const patch = project.schemaFiles[0]!.models[0]!;
    expect(patch.config.materialized).toBe('table');
    expect(patch.config.alias).toBe('a_duckdb');
    expect(patch.config.post_hook).toEqual(["select '{{ this }}'"]);
  });

  test('a missing env_var in a config value is an error at its line', async () => {
    const fx = await dir({ 'dbt_project.yml': "name: shop\nmodels:\n  shop:\n    +schema: \"{{ env_var('NOPE') }}\"\n" });
    const err = (await load(fx).catch((e: unknown) => e)) as XformError;
    expect(isXformError(err)).toBe(true);
    expect(err.message).toContain("environment variable 'NOPE' is not set");
    expect(err.location).toMatchObject({ file: 'dbt_project.yml', line: 4 });
  });
});

describe('installed packages', () => {
  test("the root's config for a package by name is not taken for a typo of the project name", async () => {
    const fx = await dir({
      'dbt_project.yml': 'name: shop\nmodels:\n  shops:\n    +materialized: table\n',
      'dbt_packages/shops/dbt_project.yml': 'name: shops\n',
      'dbt_packages/shops/models/s.sql': 'select 1',
    });
    const project = await load(fx);
    expect(project.diagnostics).toEqual([]);
    expect(project.models.map((m) => [m.path, m.packageName])).toEqual([['dbt_packages/shops/models/s.sql', 'shops']]);
  });

  test('packages.yml listing packages that were never installed: run xform deps', async () => {
    const fx = await dir({ 'dbt_project.yml': 'name: shop\n', 'packages.yml': 'packages:\n  - local: ../x\n' });
    const err = (await load(fx).catch((e: unknown) => e)) as XformError;
    expect(err.code).toBe('XFORM_PACKAGES_NOT_INSTALLED');
    expect(err.hint).toBe('run xform deps');
  });
});

describe('dbt profiles.yml', () => {
  test('found in DBT_PROFILES_DIR, then ~/.dbt, after xform places', async () => {
    const fx = await dir({ 'dbt_project.yml': 'name: shop\n' });
    const dbtDir = await dir({ 'profiles.yml': DUCK_PROFILE('shop', 'from_env') });
    const home = await dir({ '.dbt/profiles.yml': DUCK_PROFILE('shop', 'from_home') });
    expect((await load(fx, { homeDir: home.dir })).target.name).toBe('from_home');
    expect((await load(fx, { homeDir: home.dir, env: { DBT_PROFILES_DIR: dbtDir.dir } })).target.name).toBe('from_env');
    const xformHome = await dir({ '.xform/profiles.yml': DUCK_PROFILE('shop', 'from_xform'), '.dbt/profiles.yml': DUCK_PROFILE('shop', 'from_home') });
    expect((await load(fx, { homeDir: xformHome.dir, env: { DBT_PROFILES_DIR: dbtDir.dir } })).target.name).toBe('from_xform');
  });

  test("dbt-postgres and dbt-bigquery spellings: pass, keepalives_idle, as_number, target_dataset, retries", async () => {
    const fx = await dir({
      'dbt_project.yml': 'name: shop\n',
      'profiles.yml': [
        'shop:',
        '  target: pg',
        '  outputs:',
        '    pg:',
        '      type: postgres',
        '      host: localhost',
        '      user: u',
        "      pass: \"{{ env_var('PGPASS') }}\"",
        "      port: \"{{ env_var('PGPORT') | as_number }}\"",
        '      dbname: d',
        '      schema: s',
        '      keepalives_idle: 30',
        '      sslmode: prefer',
        '    bq:',
        '      type: bigquery',
        '      method: oauth',
        '      project: p',
        '      target_dataset: ds',
        '      retries: 3',
        '      timeout_seconds: 300',
      ].join('\n'),
    });
    const pg = await load(fx, { env: { PGPASS: 'pw', PGPORT: '6543' } });
    expect(pg.target).toMatchObject({ type: 'postgres', password: 'pw', port: 6543, keepalives_idle: 30, dbname: 'd' });
    const bq = await load(fx, { target: 'bq' });
    expect(bq.target).toMatchObject({ type: 'bigquery', dataset: 'ds', job_retries: 3, job_timeout_seconds: 300 });
    expect(bq.diagnostics).toEqual([]);
  });
});
