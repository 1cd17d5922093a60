import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DiagnosticBag, isXformError, type Diagnostic } from '../errors.js';
import { makeTempDir, type Fixture } from './__fixtures__/make-project.js';
import { defaultTarget, findProfilesFile, resolveTarget } from './profiles.js';

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});
async function temp(files: Record<string, string | object> = {}) {
  const f = await makeTempDir(files);
  fixtures.push(f);
  return f;
}

const SECRET = 'S3cr3t-P4ss';

function resolve(text: string, opts: { profileName?: string; targetName?: string; env?: Record<string, string> } = {}) {
  const bag = new DiagnosticBag();
  const target = resolveTarget({
    text,
    file: 'profiles.yml',
    profileName: opts.profileName ?? 'shop',
    targetName: opts.targetName,
    env: opts.env ?? {},
    targetPath: 'target',
    bag,
  });
  return { target, bag };
}

const everyText = (items: Diagnostic[]) => JSON.stringify(items);

describe('profiles.yml lookup', () => {
  const profile = (marker: string) => ({ shop: { target: marker, outputs: { [marker]: { type: 'duckdb' } } } });

  test('order: explicit dir, else project dir, else XFORM_PROFILES_DIR, else ~/.xform', async () => {
    const project = await temp({ 'profiles.yml': profile('project') });
    const envDir = await temp({ 'profiles.yml': profile('env') });
    const home = await temp({ '.xform/profiles.yml': profile('home') });
    const explicit = await temp({ 'profiles.yml': profile('explicit') });
    const env = { XFORM_PROFILES_DIR: envDir.dir };

    const find = (projectDir: string, extra: { profilesDir?: string; env?: Record<string, string> } = {}) =>
      findProfilesFile({ projectDir, env: extra.env ?? env, homeDir: home.dir, profilesDir: extra.profilesDir });

    expect(await find(project.dir, { profilesDir: explicit.dir })).toBe(explicit.file('profiles.yml'));
    expect(await find(project.dir)).toBe(project.file('profiles.yml'));
    const empty = await temp();
    expect(await find(empty.dir)).toBe(envDir.file('profiles.yml'));
    expect(await find(empty.dir, { env: {} })).toBe(home.file('.xform/profiles.yml'));
    expect(await findProfilesFile({ projectDir: empty.dir, env: {}, homeDir: empty.dir })).toBeUndefined();
  });

  test('an explicit profiles dir without profiles.yml is an error naming the dir', async () => {
    const project = await temp();
    const missing = path.join(project.dir, 'nowhere');
    const err = await findProfilesFile({ projectDir: project.dir, profilesDir: missing, env: {}, homeDir: project.dir }).catch((e: unknown) => e);
    expect(isXformError(err) && err.code).toBe('XFORM_PROFILES_NOT_FOUND');
    expect(isXformError(err) && err.message).toContain(missing);
  });

  test('the built-in default is an embedded DuckDB file under the target path', () => {
    expect(defaultTarget('build')).toEqual({ type: 'duckdb', name: 'dev', path: 'build/xform.duckdb', schema: 'main', threads: 4 });
  });
});

describe('choosing and validating a target', () => {
  test('duckdb defaults', () => {
    const { target, bag } = resolve('shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n');
    expect(bag.items).toEqual([]);
    expect(target).toEqual({ type: 'duckdb', name: 'dev', path: 'target/xform.duckdb', schema: 'main', threads: 4 });
  });

  test('postgres: defaults, env_var() with and without default, numbers from strings', () => {
    const text = [
      'shop:',
      '  target: "{{ env_var(\'XFORM_TARGET\', \'dev\') }}"',
      '  outputs:',
      '    dev:',
      '      type: postgres',
      '      host: "{{ env_var(\'PGHOST\') }}"',
      '      port: "{{ env_var(\'PGPORT\', \'6543\') }}"',
      '      user: etl',
      '      password: "{{ env_var(\'PGPASSWORD\') }}"',
      '      dbname: analytics',
      '      threads: "8"',
      '',
    ].join('\n');
    const { target, bag } = resolve(text, { env: { PGHOST: 'db.internal', PGPASSWORD: SECRET } });
    expect(bag.items).toEqual([]);
    expect(target).toEqual({
      type: 'postgres',
      name: 'dev',
      host: 'db.internal',
      port: 6543,
      user: 'etl',
      password: SECRET,
      dbname: 'analytics',
      database: 'analytics',
      schema: 'public',
      threads: 8,
    });
  });

  test('--target overrides the profile target; bigquery and snowflake aliases and requirements', () => {
    const text = [
      'shop:',
      '  target: dev',
      '  outputs:',
      '    dev: {type: duckdb}',
      '    bq: {type: bigquery, project: p1, schema: ds1}',
      '    sf: {type: snowflake, account: a, user: u, database: D}',
      '',
    ].join('\n');
    expect(resolve(text, { targetName: 'bq' }).target).toEqual({
      type: 'bigquery',
      name: 'bq',
      method: 'oauth',
      project: 'p1',
      dataset: 'ds1',
      database: 'p1',
      schema: 'ds1',
      threads: 4,
    });
    const sf = resolve(text, { targetName: 'sf' });
    expect(sf.target).toBeUndefined();
    expect(sf.bag.errors[0]).toMatchObject({
      code: 'XFORM_PROFILE_INVALID',
      message: "missing required key 'schema' in 'shop.outputs.sf' (profiles.yml): expected a string",
      location: { file: 'profiles.yml', line: 6, yamlPath: 'shop.outputs.sf.schema' },
    });
  });

  test('a missing env var without default is an error naming the variable, file and line', () => {
    const text = 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: h\n      user: u\n      dbname: d\n      password: "{{ env_var(\'PG_PASSWORD\') }}"\n';
    const { target, bag } = resolve(text);
    expect(target).toBeUndefined();
    expect(bag.errors).toEqual([
      expect.objectContaining({
        code: 'XFORM_ENV_VAR_MISSING',
        message: "environment variable 'PG_PASSWORD' is not set (used by 'password' in profiles.yml) and env_var() has no default",
        location: { file: 'profiles.yml', line: 9, column: 17, yamlPath: 'shop.outputs.dev.password' },
      }),
    ]);
  });

  test('an unknown profile or target lists what exists, with a did-you-mean', () => {
    const text = 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb}\n    prod: {type: duckdb}\nother:\n  outputs: {}\n';
    const p = resolve(text, { profileName: 'shp' }).bag.errors[0]!;
    expect(p).toMatchObject({ code: 'XFORM_PROFILE_NOT_FOUND', hint: expect.stringContaining("did you mean 'shop'?") });
    expect(p.message).toContain('available profiles: shop, other');
    const t = resolve(text, { targetName: 'prd' }).bag.errors[0]!;
    expect(t).toMatchObject({ code: 'XFORM_TARGET_NOT_FOUND', hint: "did you mean 'prod'?" });
    expect(t.message).toContain('available targets: dev, prod');
    const written = resolve('shop:\n  target: stage\n  outputs:\n    dev: {type: duckdb}\n').bag.errors[0]!;
    expect(written.location).toMatchObject({ line: 2, yamlPath: 'shop.target' });
  });

  test('an unknown adapter type is an error with a did-you-mean', () => {
    const { bag } = resolve('shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgress\n');
    expect(bag.errors[0]).toMatchObject({
      code: 'XFORM_ADAPTER_TYPE_UNKNOWN',
      hint: "did you mean 'postgres'?",
      location: { line: 5, column: 13, yamlPath: 'shop.outputs.dev.type' },
    });
  });

  test('unknown keys in an output are warnings with a did-you-mean', () => {
    const { target, bag } = resolve('shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      pth: x.duckdb\n');
    expect(target?.type).toBe('duckdb');
    expect(bag.warnings[0]).toMatchObject({ code: 'XFORM_UNKNOWN_KEY', hint: "did you mean 'path'?", location: { line: 6, column: 7 } });
  });

  test('a secret never appears in any message', () => {
    const cases = [
      // wrong type for the port, password present
      `shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: h, user: u, dbname: d, password: ${SECRET}, port: "{{ env_var('PORT') }}x"}\n`,
      // broken template inside the password itself
      `shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: h, user: u, dbname: d, password: "{{ ${SECRET} "}\n`,
      // password of the wrong type
      `shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: h, user: u, dbname: d, password: [${SECRET}]}\n`,
      // the password is typed under a misspelt key
      `shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: h, user: u, dbname: d, pasword: ${SECRET}}\n`,
      // a YAML syntax error on the password's line
      `shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, password: "${SECRET}}\n`,
      // a bad enum next to the password
      `shop:\n  target: dev\n  outputs:\n    dev: {type: postgres, host: h, user: u, dbname: d, password: ${SECRET}, sslmode: ${SECRET}}\n`,
    ];
    for (const text of cases) {
      const { bag } = resolve(text, { env: { PORT: '5432' } });
      expect(bag.items.length, text).toBeGreaterThan(0);
      expect(everyText(bag.items), text).not.toContain(SECRET);
      expect(everyText(bag.items), text).not.toContain('S3cr3t');
    }
  });
});

describe("dbt's native markers in profiles.yml", () => {
  test('port and threads written as "{{ env_var(...) | as_number }}" read as numbers (dbt-utils integration_tests profile)', () => {
    const text = [
      'shop:',
      '  target: pg',
      '  outputs:',
      '    pg:',
      '      type: postgres',
      '      host: h',
      '      user: u',
      '      password: p',
      '      dbname: d',
      '      schema: s',
      `      port: "{{ env_var('PORT') | as_number }}"`,
      `      threads: "{{ env_var('THREADS', '4') | as_number }}"`,
    ].join('\n');
    const { target, bag } = resolve(text, { env: { PORT: '5433' } });
    expect(bag.errors).toEqual([]);
    expect(target).toMatchObject({ port: 5433, threads: 4 });
  });
});
