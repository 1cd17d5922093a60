/**
 * The workspace's one-file CLI (scripts/bundle-workspace.mjs -> cli/dist/process/xform.cjs) and its V8 code
 * cache: what `pnpm build` made is a cache this Node accepts, and a command runs from the bundle alone (the
 * adapter it carries, not the adapter package's own files with a second copy of core).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/** Whether V8 in this process takes `cache` for the bundle, as cli/bin/xform.js compiles it (V8 checks the source too). */
function cacheAccepted(bundle: string, cache: Buffer): boolean {
  const script = new vm.Script(readFileSync(bundle, 'latin1'), { filename: bundle, cachedData: cache });
  return script.cachedDataRejected === false;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'xform-process-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Paths under the repository (outside node_modules) that a process loaded with require(), from NODE_DEBUG=module. */
function requiredWorkspaceFiles(stderr: string): string[] {
  const loaded = [...stderr.matchAll(/^MODULE \d+: load "([^"]+)" for module/gm)].map((m) => m[1]!);
  return [...new Set(loaded.filter((file) => file.startsWith(REPO) && !file.includes(`${path.sep}node_modules${path.sep}`)))];
}

/**
 * A copy of the CLI in the scratch folder (`<name>-cli`: its entry and xform.cjs, plus `scripts` of
 * cli/dist/process, none with a cache, and no ES modules), and a one-model project (`<name>`) to run it in.
 */
function cliCopy(name: string, scripts: string[]) {
  const cli = path.join(scratch, `${name}-cli`);
  mkdirSync(path.join(cli, 'dist/process'), { recursive: true });
  mkdirSync(path.join(cli, 'bin'));
  copyFileSync(path.join(REPO, 'cli/bin/xform.js'), path.join(cli, 'bin/xform.js'));
  for (const script of ['xform.cjs', ...scripts]) copyFileSync(path.join(REPO, 'cli/dist/process', script), path.join(cli, 'dist/process', script));
  const project = path.join(scratch, name);
  mkdirSync(path.join(project, 'models'), { recursive: true });
  writeFileSync(path.join(project, 'xform_project.yml'), `name: ${name}\nversion: "1"\n`);
  writeFileSync(path.join(project, 'models/orders.sql'), 'select 1 as id\n');
  const xform = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(cli, 'bin/xform.js'), ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '' } });
  return { xform, project };
}

describe('the one-file CLI bundle', () => {
  it.each(['xform.cjs', 'short.cjs', 'patch.cjs'])('%s is ASCII, one function expression (Node\'s CommonJS wrapper) in strict mode, and comes with a code cache that this Node accepts', (name) => {
    const script = path.join(REPO, 'cli/dist/process', name);
    const bytes = readFileSync(script);
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    const source = bytes.toString('latin1');
    // The wrapper is in the file (cli/bin/xform.js compiles the file as it is).
    const head = '(function (exports, require, module, __filename, __dirname) {';
    expect(source.startsWith(head)).toBe(true);
    expect(source.endsWith('\n})')).toBe(true);
    expect(typeof new vm.Script(source).runInThisContext()).toBe('function');
    // ES modules' code, written for strict mode: the directive must come first in the function, before any banner code.
    const directive = source.slice(head.length).split('\n', 1)[0];
    const strict = new vm.Script(`(function () {${directive}\nreturn this === undefined;\n})`).runInThisContext() as () => boolean;
    expect(strict()).toBe(true);
    expect(cacheAccepted(script, readFileSync(`${script}.cache`))).toBe(true);
  });

  it('never keeps a code cache made under V8 flags the command changed while running (docs generate does)', () => {
    // A copy of the CLI without a cache, so the workspace's own cache stays as the build made it.
    const { xform, project } = cliCopy('flags', []);
    const bundle = path.join(scratch, 'flags-cli/dist/process/xform.cjs');

    // A small project's docs keep its SQL parsers on V8's baseline compiler (a flag set while running).
    const docs = xform('docs', 'generate');
    expect(docs.status, docs.stdout + docs.stderr).toBe(0);
    expect(existsSync(path.join(project, 'target/docs/index.html'))).toBe(true);
    const cache = `${bundle}.cache`;
    if (existsSync(cache)) expect(cacheAccepted(bundle, readFileSync(cache)), 'a cache the next command would reject').toBe(true);

    // The next command, under the flags it starts with, writes one that V8 takes.
    const ls = xform('ls');
    expect(ls.status, ls.stdout + ls.stderr).toBe(0);
    expect(cacheAccepted(bundle, readFileSync(cache))).toBe(true);
  });

  it('answers a compile from short.cjs and patches an edited model from patch.cjs, each writing the code cache the next run takes', () => {
    // A copy of the CLI's scripts without caches, and without the ES modules that could answer instead.
    const { xform, project } = cliCopy('patched', ['short.cjs', 'patch.cjs']);
    const patch = path.join(scratch, 'patched-cli/dist/process/patch.cjs');
    const short = path.join(scratch, 'patched-cli/dist/process/short.cjs');
    writeFileSync(path.join(project, 'models/revenue.sql'), "select id from {{ ref('orders') }}\n");
    const compileAfterEdit = (edit: string) => {
      writeFileSync(path.join(project, 'models/revenue.sql'), `select id from {{ ref('orders') }} -- ${edit}\n`);
      const compile = xform('compile');
      expect(compile.status, compile.stdout + compile.stderr).toBe(0);
      const log = readFileSync(path.join(project, 'logs/xform.log'), 'utf8');
      expect(log.slice(log.lastIndexOf('| xform compile'))).toContain('1 model file edited since the last compile');
      expect(readFileSync(path.join(project, 'target/compiled/models/revenue.sql'), 'utf8')).toContain(`-- ${edit}`);
    };

    const full = xform('compile');
    expect(full.status, full.stdout + full.stderr).toBe(0);
    expect(cacheAccepted(short, readFileSync(`${short}.cache`))).toBe(true);
    expect(existsSync(`${patch}.cache`)).toBe(false);
    const unchanged = xform('compile');
    expect(unchanged.status, unchanged.stdout + unchanged.stderr).toBe(0);
    expect(unchanged.stdout).toMatch(/^Compiled 2 models/);
    const log = readFileSync(path.join(project, 'logs/xform.log'), 'utf8');
    expect(log.slice(log.lastIndexOf('| xform compile'))).toContain('nothing changed since the last compile');
    compileAfterEdit('first edit');
    expect(cacheAccepted(patch, readFileSync(`${patch}.cache`))).toBe(true);
    // Taken, so not written again.
    const written = statSync(`${patch}.cache`).mtimeMs;
    compileAfterEdit('second edit');
    expect(statSync(`${patch}.cache`).mtimeMs).toBe(written);
  });

  it('builds a DuckDB project with the adapter and driver code it carries, loading no workspace file beside them', async () => {
    const init = await runXform(['init', 'shop', '--adapter', 'duckdb'], { cwd: scratch, env: { NODE_DEBUG: 'module' } });
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toMatch(/PASS=\d+ WARN=0 ERROR=0/);
    // The driver's native half is listed (what is listed is what was loaded); the adapter package's files and
    // the driver's JavaScript (inlined, in the code cache) are not.
    expect(init.stderr).toMatch(/load "[^"]+@duckdb\/node-bindings\/duckdb\.js"/);
    expect(init.stderr).not.toMatch(/@duckdb\/node-api\//);
    expect(requiredWorkspaceFiles(init.stderr)).toEqual([]);
  });
});
