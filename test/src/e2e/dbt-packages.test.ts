/**
 * dbt projects and packages as they are: dbt_project.yml without xform_project.yml, `xform deps` with
 * local, git and hub packages (git repositories made here: this machine has no internet), package nodes
 * and macros under their own name, and the vendored dbt-utils integration_tests project.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { loadProject } from '@xform/core';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const DBT_UTILS = fileURLToPath(new URL('../../fixtures/dbt/dbt-utils', import.meta.url));
const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xform-dbt-pkg-'));
  roots.push(dir);
  return dir;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

/** A bare repository at `bare` holding one commit per version of `files(version)`, each tagged `tag(version)`. */
async function gitPackage(bare: string, versions: string[], files: (version: string) => Record<string, string>, tag = (v: string) => v): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'xform-git-work-'));
  roots.push(work);
  git(work, 'init', '-q');
  for (const version of versions) {
    for (const [file, text] of Object.entries(files(version))) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), text);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', `release ${version}`);
    git(work, 'tag', tag(version));
  }
  await mkdir(path.dirname(bare), { recursive: true });
  git(path.dirname(bare), 'clone', '-q', '--bare', work, bare);
}

async function duckRows(file: string, root: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: file, schema: 'main', threads: 1 }, { projectRoot: root });
  try {
    return (await adapter.withConnection((c) => c.execute(sql))).rows;
  } finally {
    await adapter.close();
  }
}

const DUCKDB_PROFILE = (profile: string) => `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: target/dev.duckdb\n`;

describe('xform deps and packages', () => {
  it('installs a local, a git and a hub package; the root refs their models and builds on DuckDB', async () => {
    const base = await tempDir();
    const hub = path.join(base, 'hub');
    // The hub package: tags 1.0.0 .. 2.0.0 ("v" prefixed), the range picks 1.2.0.
    await gitPackage(path.join(hub, 'acme', 'acme-dates.git'), ['1.0.0', '1.2.0', '2.0.0'], (v) => ({
      'dbt_project.yml': `name: acme_dates\nversion: '${v}'\nconfig-version: 2\n`,
      'macros/release.sql': `{% macro acme_release() %}'${v}'{% endmacro %}\n`,
    }), (v) => `v${v}`);
    // The git package: its model is a view in its own config; the root makes it a table.
    const gitRepo = path.join(base, 'repos', 'shop_pkg.git');
    await gitPackage(gitRepo, ['0.1.0', '0.2.0'], (v) => ({
      'pkg/dbt_project.yml': `name: shop_pkg\nversion: '${v}'\nmodels:\n  shop_pkg:\n    +materialized: view\nvars:\n  shop_pkg:\n    greeting: from-package\n`,
      'pkg/models/pkg_orders.sql': `select 1 as order_id, '{{ var("greeting") }}' as greeting, '${v}' as version\n`,
      'pkg/models/schema.yml': 'version: 2\nmodels:\n  - name: pkg_orders\n    columns:\n      - name: order_id\n        tests: [not_null]\n',
      'pkg/packages.yml': `packages:\n  - local: ../local_dep\n`,
      'local_dep/dbt_project.yml': 'name: local_dep\n',
      'local_dep/macros/twice.sql': '{% macro twice(x) %}({{ x }} * 2){% endmacro %}\n',
    }));
    const localPkg = path.join(base, 'local_pkg');
    await writeProject({ 'dbt_project.yml': 'name: local_pkg\nconfig-version: 2\n', 'models/local_numbers.sql': 'select 21 as n\n', 'seeds/pkg_codes.csv': 'code\n7\n' }, localPkg).then(async () => rm(path.join(localPkg, 'xform_project.yml')));

    const root = path.join(base, 'shop');
    await writeProject(
      {
        'dbt_project.yml': [
          'name: shop',
          "version: '1.0'",
          'config-version: 2',
          'profile: shop',
          'models:',
          '  shop_pkg:',
          '    materialized: table',
          'vars:',
          '  shop_pkg:',
          '    greeting: from-root',
        ].join('\n'),
        'packages.yml': [
          'packages:',
          '  - local: ../local_pkg',
          `  - git: "${gitRepo}"`,
          '    revision: 0.1.0',
          '    subdirectory: pkg',
          '  - package: acme/acme_dates',
          '    version: [">=1.0.0", "<2.0.0"]',
        ].join('\n'),
        'profiles.yml': DUCKDB_PROFILE('shop'),
        'models/report.sql': [
          // As in dbt, a root model reaches a package's macros through the package's name, never bare.
          'select o.order_id, o.greeting, o.version, {{ local_dep.twice("l.n") }} as doubled, {{ acme_dates.acme_release() }} as acme,',
          "  (select max(code) from {{ ref('local_pkg', 'pkg_codes') }}) as code",
          "from {{ ref('shop_pkg', 'pkg_orders') }} o cross join {{ ref('local_numbers') }} l",
        ].join('\n'),
      },
      root,
    );
    await rm(path.join(root, 'xform_project.yml'));

    const deps = await runXform(['deps'], { cwd: root, env: { XFORM_HUB_GIT_BASE: hub } });
    expect(deps.code, deps.stdout + deps.stderr).toBe(0);
    expect(deps.stdout).toMatch(/installed acme_dates 1\.2\.0 \(hub\)/);
    expect((await readdir(path.join(root, 'dbt_packages'))).sort()).toEqual(['acme_dates', 'local_dep', 'local_pkg', 'shop_pkg']);
    const lock = await readFile(path.join(root, 'package-lock.yml'), 'utf8');
    const commit = git(gitRepo, 'rev-parse', '0.1.0^{commit}').trim();
    expect(lock).toContain(`revision: ${commit}`);
    expect(lock).toContain('subdirectory: pkg');
    expect(lock).toMatch(/package: acme\/acme_dates\n\s+version: 1\.2\.0\n\s+name: acme_dates/);
    expect(lock).toMatch(/local: \.\.\/local_dep\n\s+name: local_dep/);
    expect(lock).toMatch(/^sha1_hash: [0-9a-f]{40}$/m);

    const build = await runXform(['build'], { cwd: root });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const db = path.join(root, 'target/dev.duckdb');
    expect(await duckRows(db, root, 'select * from main.report')).toEqual([{ order_id: 1, greeting: 'from-root', version: '0.1.0', doubled: 42, acme: '1.2.0', code: 7 }]);
    // The root's `models: shop_pkg: materialized: table` wins over the package's own +materialized: view.
    expect(await duckRows(db, root, "select table_type from information_schema.tables where table_name = 'pkg_orders'")).toEqual([{ table_type: 'BASE TABLE' }]);

    const ls = await runXform(['ls', '--output', 'json'], { cwd: root });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('"unique_id":"model.shop_pkg.pkg_orders"');
    // The package's own YAML test is attached to the package's model, under the package.
    expect(ls.stdout).toMatch(/"unique_id":"test\.shop_pkg\.not_null_pkg_orders_order_id[^"]*"/);
    const selectors = await runXform(['ls', '--select', 'shop_pkg'], { cwd: root });
    expect(selectors.stdout.trim().split('\n').sort()).toEqual(['shop_pkg.not_null_pkg_orders_order_id', 'shop_pkg.pkg_orders']);

    // A newer release in range: deps follows the lock while packages.yml is unchanged; --upgrade moves on.
    const work = path.join(base, 'acme-work');
    git(base, 'clone', '-q', path.join(hub, 'acme', 'acme-dates.git'), work);
    await writeFile(path.join(work, 'macros/release.sql'), "{% macro acme_release() %}'1.5.0'{% endmacro %}\n");
    git(work, 'commit', '-q', '-am', 'release 1.5.0');
    git(work, 'tag', 'v1.5.0');
    git(work, 'push', '-q', 'origin', 'HEAD:refs/heads/main', '--tags');
    const again = await runXform(['deps'], { cwd: root, env: { XFORM_HUB_GIT_BASE: hub } });
    expect(again.stdout).toMatch(/installed acme_dates 1\.2\.0 \(hub\)/);
    const upgraded = await runXform(['deps', '--upgrade'], { cwd: root, env: { XFORM_HUB_GIT_BASE: hub } });
    expect(upgraded.stdout).toMatch(/installed acme_dates 1\.5\.0 \(hub\)/);
    expect(await readFile(path.join(root, 'package-lock.yml'), 'utf8')).toMatch(/version: 1\.5\.0/);
  });

  it('fails clearly when a hub package is not found, on conflicting versions and offline, keeping what was installed', async () => {
    const base = await tempDir();
    const hub = path.join(base, 'hub');
    const root = await writeProject({ 'packages.yml': 'packages:\n  - package: nobody/missing_pkg\n    version: 1.0.0\n' }, path.join(base, 'p'));
    const missing = await runXform(['deps'], { cwd: root, env: { XFORM_HUB_GIT_BASE: hub } });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain("package 'nobody/missing_pkg' not found");
    expect(missing.stderr + missing.stdout).not.toMatch(/\n\s+at .*\.js:\d+/);

    await gitPackage(path.join(hub, 'acme', 'acme-dates'), ['1.0.0', '2.0.0'], (v) => ({ 'dbt_project.yml': `name: acme_dates\nversion: '${v}'\n` }));
    const needsTwo = path.join(base, 'needs_two');
    await writeProject({ 'dbt_project.yml': 'name: needs_two\n', 'packages.yml': 'packages:\n  - package: acme/acme_dates\n    version: ">=2.0.0"\n' }, needsTwo);
    await rm(path.join(needsTwo, 'xform_project.yml'));
    await writeFile(path.join(root, 'packages.yml'), `packages:\n  - package: acme/acme_dates\n    version: "<2.0.0"\n  - local: ../needs_two\n`);
    const conflict = await runXform(['deps'], { cwd: root, env: { XFORM_HUB_GIT_BASE: hub } });
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr + conflict.stdout).toMatch(/XFORM_PACKAGE_VERSION_CONFLICT[\s\S]*acme_dates[\s\S]*packages\.yml asks for <2\.0\.0[\s\S]*needs_two\/packages\.yml asks for >=2\.0\.0/);

    // A failed install leaves what was installed before.
    await writeFile(path.join(root, 'packages.yml'), 'packages:\n  - local: ../needs_two\n');
    await writeFile(path.join(needsTwo, 'packages.yml'), 'packages: []\n');
    expect((await runXform(['deps'], { cwd: root })).code).toBe(0);
    // `.invalid` never resolves: this is what an offline machine sees for any forge.
    await writeFile(path.join(root, 'packages.yml'), 'packages:\n  - git: https://xform-offline.invalid/acme/pkg.git\n    revision: 1.0.0\n');
    const offline = await runXform(['deps'], { cwd: root });
    expect(offline.code).not.toBe(0);
    expect(offline.stderr + offline.stdout).toContain('[XFORM_PACKAGE_OFFLINE] cannot clone: https://xform-offline.invalid/acme/pkg.git is not reachable (offline?)');
    expect(await readdir(path.join(root, 'dbt_packages'))).toEqual(['needs_two']);
    // A credential put into the URL by env_var() never shows.
    await writeFile(path.join(root, 'packages.yml'), "packages:\n  - git: \"https://{{ env_var('DBT_ENV_SECRET_GIT_TOKEN') }}@xform-offline.invalid/acme/pkg.git\"\n");
    const secret = await runXform(['deps'], { cwd: root, env: { DBT_ENV_SECRET_GIT_TOKEN: 'tok-9f8e7d6c' } });
    expect(secret.code).not.toBe(0);
    expect(secret.stderr + secret.stdout).toContain('[XFORM_PACKAGE_OFFLINE]');
    expect(secret.stderr + secret.stdout).not.toContain('tok-9f8e7d6c');
  });

  it("installs dbt-utils from integration_tests' local: ../, loads its macros under dbt_utils and builds it on DuckDB", async () => {
    const base = await tempDir();
    await cp(DBT_UTILS, path.join(base, 'dbt-utils'), { recursive: true });
    const root = path.join(base, 'dbt-utils', 'integration_tests');
    const profiles = path.join(base, 'profiles');
    await mkdir(profiles);
    await writeFile(path.join(profiles, 'profiles.yml'), DUCKDB_PROFILE('integration_tests'));

    const deps = await runXform(['deps'], { cwd: root });
    expect(deps.code, deps.stdout + deps.stderr).toBe(0);
    expect(await readFile(path.join(root, 'dbt_packages/dbt_utils/dbt_project.yml'), 'utf8')).toMatch(/^name: 'dbt_utils'$/m);
    // dbt's layout and dbt's hash: the same sha1_hash as the lock dbt wrote for this packages.yml.
    expect(await readFile(path.join(root, 'package-lock.yml'), 'utf8')).toBe('packages:\n- local: ../\n  name: dbt_utils\nsha1_hash: de2deba3d66ce03d8c02949013650cc9b94f6030\n');

    const project = await loadProject({ projectDir: root, profilesDir: profiles, env: {} });
    expect(project.config.name).toBe('dbt_utils_integration_tests');
    expect(project.packages?.map((p) => p.name)).toEqual(['dbt_utils']);
    const utilsMacros = project.macros.filter((m) => m.packageName === 'dbt_utils');
    expect(utilsMacros.map((m) => m.path)).toContain('dbt_packages/dbt_utils/macros/sql/date_spine.sql');
    expect(project.macros.filter((m) => m.packageName === undefined).every((m) => !m.path.startsWith('dbt_packages/'))).toBe(true);
    expect(project.diagnostics.filter((d) => /DUPLICATE|CLASH/.test(d.code))).toEqual([]);

    const { models, tests } = await buildIntegrationTests(root, profiles, 'DuckDB');
    expect(models.all).toBeGreaterThanOrEqual(45);
    expect(models.ok / models.all).toBeGreaterThanOrEqual(0.9);
    expect(tests.all).toBeGreaterThanOrEqual(100);
    expect(tests.ok / tests.all).toBeGreaterThanOrEqual(0.9);
  });

  describe('on PostgreSQL', () => {
    const server = withPostgres();

    it("builds dbt-utils' integration_tests with dbt_utils from xform deps", async () => {
      const pgServer = server();
      const base = await tempDir();
      await cp(DBT_UTILS, path.join(base, 'dbt-utils'), { recursive: true });
      const root = path.join(base, 'dbt-utils', 'integration_tests');
      const profiles = path.join(base, 'profiles');
      await mkdir(profiles);
      await writeFile(path.join(profiles, 'profiles.yml'), postgresProfile(pgServer, { profile: 'integration_tests', schema: 'dbt_utils_it', threads: 1, passwordEnv: 'IT_PG_PASSWORD' }));
      const deps = await runXform(['deps'], { cwd: root });
      expect(deps.code, deps.stdout + deps.stderr).toBe(0);
      const { models, tests } = await buildIntegrationTests(root, profiles, 'PostgreSQL', { IT_PG_PASSWORD: pgServer.password });
      expect(models.ok / models.all).toBeGreaterThanOrEqual(0.9);
      expect(tests.ok / tests.all).toBeGreaterThanOrEqual(0.9);
    });
  });
});

/**
 * The whole integration project, built as dbt-utils' CI builds it; what still fails is printed, so a
 * regression shows which node it hit. Returns the models built and the tests passed.
 */
async function buildIntegrationTests(root: string, profiles: string, label: string, env: Record<string, string> = {}) {
  const build = await runXform(['build', '--profiles-dir', profiles, '--threads', '1'], { cwd: root, env, timeoutMs: 300_000 });
  expect(build.stdout + build.stderr).not.toMatch(/XFORM_(PROJECT|PACKAGES?|DUPLICATE)_[A-Z_]*/);
  const results = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; message?: string }[] };
  const tally = (kind: string, ok: string) => {
    const mine = results.results.filter((r) => r.unique_id.startsWith(`${kind}.`));
    const bad = mine.filter((r) => r.status !== ok);
    for (const r of bad) process.stdout.write(`  ${label}: ${r.status} ${r.unique_id}: ${(r.message ?? '').replace(/\s+/g, ' ').slice(0, 120)}\n`);
    return { all: mine.length, ok: mine.length - bad.length };
  };
  const models = tally('model', 'success');
  const tests = tally('test', 'pass');
  process.stdout.write(`dbt-utils integration_tests on ${label}: ${models.ok} of ${models.all} models built, ${tests.ok} of ${tests.all} tests passed\n`);
  return { models, tests };
}
