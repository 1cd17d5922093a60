/**
 * The packed CLI (scripts/pack-cli.mjs, `npm run pack:cli`) installed with npm outside the workspace, as a
 * user installs it: into a project (`npm i <tarball>`, then `npx xform`) and globally (`npm i -g`, here
 * into a throw-away prefix). From there: its version, `xform init` (the templates), a DuckDB build (the
 * native driver), `xform docs generate` (the docs site's files, the SQL parsers). The commands `xform init`
 * prints next are run exactly as printed, from the installed CLI and from the workspace's.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XFORM_BIN } from '../helpers/cli.js';
import { removeProject } from '../helpers/project.js';

const REPO_ROOT = path.resolve(XFORM_BIN, '../../..');
/** The version in `<dir>/package.json`; dir absolute or relative to the repository. */
const versionOf = (dir: string) => (JSON.parse(readFileSync(path.resolve(REPO_ROOT, dir, 'package.json'), 'utf8')) as { version: string }).version;
const VERSION = versionOf('cli');

interface Result {
  code: number | null;
  output: string;
  stdout: string;
}

/** Runs a shell script (so `npx`, PATH lookups and printed command lines behave as in a terminal). */
function sh(script: string, cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    // Nothing of the test runner's npm/pnpm session leaks in: npm sees a plain shell.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|PNPM_|pnpm_)/i.test(k)));
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
      cwd,
      env: { ...base, NO_COLOR: '1', XFORM_PROFILES_DIR: '', npm_config_update_notifier: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, stdout });
    });
  });
}

/** The lines under `Next:` that `xform init` printed, without their comments. */
function nextCommands(stdout: string): string[] {
  const next = stdout.split('\nNext:\n')[1];
  expect(next, stdout).toBeDefined();
  return next!
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '');
}

const NPM_INSTALL = 'npm i --no-audit --no-fund --prefer-offline';
const scratch: string[] = [];
let work: string;
let tarball: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'xform-install-'));
  scratch.push(work);
  const pack = await sh(`node ${JSON.stringify(path.join(REPO_ROOT, 'scripts/pack-cli.mjs'))} --out-dir pack`, work);
  expect(pack.code, pack.output).toBe(0);
  tarball = pack.stdout.trim().split('\n').at(-1)!;
  expect(tarball).toBe(path.join(work, 'pack', `xform-cli-${VERSION}.tgz`));
  expect(existsSync(tarball)).toBe(true);
}, 300_000);

afterAll(async () => {
  await Promise.all(scratch.map(removeProject));
});

describe('the packed CLI', () => {
  it('installs into an empty folder and runs as `npx xform`: init, a DuckDB build, docs', async () => {
    const project = path.join(work, 'project');
    await mkdir(project);
    const install = await sh(`${NPM_INSTALL} ${JSON.stringify(tarball)}`, project);
    expect(install.code, install.output).toBe(0);
    // The command is the installed package's, not the workspace's.
    expect(realpathSync(path.join(project, 'node_modules/.bin/xform'))).toBe(path.join(realpathSync(project), 'node_modules/@xform/cli/dist/xform.js'));

    // npm installed each dependency at the version the workspace runs (its lockfile's).
    const packed = JSON.parse(readFileSync(path.join(project, 'node_modules/@xform/cli/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(packed.dependencies)).toContain('@duckdb/node-api');
    for (const [dep, wanted] of Object.entries(packed.dependencies)) {
      const owner = ['cli', 'core', 'adapters/duckdb', 'adapters/postgres', 'adapters/bigquery', 'adapters/snowflake'].find((p) =>
        existsSync(path.join(REPO_ROOT, p, 'node_modules', dep, 'package.json')),
      );
      expect(owner, `no workspace package depends on ${dep}`).toBeDefined();
      expect(wanted, dep).toBe(versionOf(path.join(owner!, 'node_modules', dep)));
      expect(versionOf(path.join(project, 'node_modules', dep)), dep).toBe(wanted);
    }

    const version = await sh('npx xform --version', project);
    expect(version.code, version.output).toBe(0);
    expect(version.stdout).toBe(`${VERSION}\n`);
    // The first command wrote V8's code cache of the one-file CLI beside it, one this Node accepts.
    const bundle = path.join(project, 'node_modules/@xform/cli/dist/process/xform.cjs');
    const source = readFileSync(bundle, 'latin1');
    const cached = new vm.Script(source, { filename: bundle, cachedData: readFileSync(`${bundle}.cache`) });
    expect(cached.cachedDataRejected).toBe(false);

    // On DuckDB, init builds the new project at once, with the installed package's templates and driver.
    const init = await sh('npx xform init demo --adapter duckdb', project);
    expect(init.code, init.output).toBe(0);
    expect(init.stdout).toContain('Created project demo (duckdb)');
    expect(init.stdout).toMatch(/OK\s+seed\s+main_raw\.raw_orders 12 rows/);
    expect(init.stdout).toMatch(/PASS\s+test\s+revenue_leaves_out_cancelled_orders/);
    expect(init.stdout).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
    const next = nextCommands(init.stdout);
    expect(next).toEqual(['cd demo', 'npx xform build', 'npx xform docs generate && npx xform docs serve']);

    // The printed commands run as printed (all but the server, which would not return).
    const build = await sh(next.slice(0, 2).join('\n'), project);
    expect(build.code, build.output).toBe(0);
    expect(build.stdout).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
    expect(existsSync(path.join(project, 'demo/target/demo.duckdb'))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(project, 'demo/target/manifest.json'), 'utf8')) as { metadata: { xform_version: string } };
    expect(manifest.metadata.xform_version).toBe(versionOf('core'));

    const docs = await sh('npx xform docs generate', path.join(project, 'demo'));
    expect(docs.code, docs.output).toBe(0);
    expect(docs.stdout).toMatch(/Docs \d+ nodes .*-> target\/docs\/index\.html/);
    expect(docs.output).not.toContain('column lineage unavailable');
    for (const file of ['index.html', 'app.js', 'app.css']) expect(existsSync(path.join(project, 'demo/target/docs', file)), file).toBe(true);

    // A model edited after a compile is patched in place by the packed CLI too (its dialects are bundled chunks).
    const demo = path.join(project, 'demo');
    const compiled = await sh('npx xform compile', demo);
    expect(compiled.code, compiled.output).toBe(0);
    appendFileSync(path.join(demo, 'models/gold/gld_customer_revenue.sql'), '-- edited after the compile\n');
    const patched = await sh('npx xform compile', demo);
    expect(patched.code, patched.output).toBe(0);
    const log = readFileSync(path.join(demo, 'logs/xform.log'), 'utf8');
    expect(log.slice(log.lastIndexOf('| xform compile'))).toContain('1 model file edited since the last compile');
    expect(readFileSync(path.join(demo, 'target/compiled/models/gold/gld_customer_revenue.sql'), 'utf8')).toContain('-- edited after the compile');
  }, 600_000);

  it('installs globally (the README\'s `npm i -g`) as the `xform` command, whose printed next command works', async () => {
    const prefix = path.join(work, 'global');
    const install = await sh(`${NPM_INSTALL} -g --prefix ${JSON.stringify(prefix)} ${JSON.stringify(tarball)}`, work);
    expect(install.code, install.output).toBe(0);
    const env = { PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` };
    const home = path.join(work, 'home');
    await mkdir(home);

    const version = await sh('xform --version', home, env);
    expect(version.code, version.output).toBe(0);
    expect(version.stdout).toBe(`${VERSION}\n`);

    const init = await sh('xform init my_shop', home, env);
    expect(init.code, init.output).toBe(0);
    expect(init.stdout).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
    const next = nextCommands(init.stdout);
    expect(next).toEqual(['cd my_shop', 'xform build', 'xform docs generate && xform docs serve']);
    const build = await sh(next.slice(0, 2).join('\n'), home, env);
    expect(build.code, build.output).toBe(0);
    expect(build.stdout).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
  }, 600_000);
});

describe('xform init from the workspace', () => {
  it('prints next commands that run as printed, from any folder', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'xform-install-ws-'));
    scratch.push(cwd);
    const init = await sh(`node ${JSON.stringify(XFORM_BIN)} init "my shop" --name my_shop --no-build`, cwd);
    expect(init.code, init.output).toBe(0);
    const next = nextCommands(init.stdout);
    expect(next).toEqual([`cd 'my shop' && node ${XFORM_BIN} build`]);
    const build = await sh(next.join('\n'), cwd);
    expect(build.code, build.output).toBe(0);
    expect(build.stdout).toMatch(/Done: \d+ ok, 0 error, 0 failed tests/);
  }, 300_000);
});
