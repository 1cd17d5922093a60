/**
 * Render helper threads (cli/src/render-helpers.ts, core/src/compile/render-helpers.ts): with
 * XFORM_RENDER_HELPERS set, a compile renders a share of the nodes on other threads. What it writes and prints
 * must be what one thread gives: the same manifest, compiled files and partial-parse cache, the same output,
 * and the same error when a model is broken.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DialectBase, RenderCache, compileProject, helperRenderer, loadProject, startRenderHelpers, type HelperRender } from '@xform/core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateProject } from '../fixtures/generate-project.js';
import { runXform, type CliResult } from '../helpers/cli.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

/**
 * The generated project, every model made slow to render (a loop in a macro), so that the main thread is
 * still rendering from the front when a helper has loaded the project and starts from the back; and models
 * whose renders a helper must leave to the main thread.
 */
function helperProject(): ProjectFiles {
  const { files } = generateProject({ models: 240 });
  const slowed: ProjectFiles = {};
  for (const [file, text] of Object.entries(files)) {
    slowed[file] = file.startsWith('models/') && file.endsWith('.sql') ? `${text}\n-- {{ busy() }}\n` : text;
  }
  return {
    ...slowed,
    'profiles.yml': "gen:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: ':memory:', schema: main}\n",
    'macros/busy.sql': '{% macro busy() %}{% set ns = namespace(n=0) %}{% for i in range(20000) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}{% endmacro %}\n',
    // Among the first a helper renders (it starts from the end of the list): renders the partial-parse cache would
    // not keep (they log, warn, or read a relation's name before names are final), which the main thread redoes.
    'models/zz_logs.sql': "{{ log('zz_logs rendered', info=True) }}select 1 as id\n",
    'models/zz_warns.sql': "{% do exceptions.warn('zz_warns is deprecated') %}select 2 as id\n",
    'models/zz_reads_ref.sql': "select '{{ ref('zz_logs').identifier }}' as parent\n",
    'models/zz_env.sql': "select '{{ env_var('HELPER_REGION', 'eu') }}' as region, '{{ var('lookback_days') }}' as days\n",
    'tests/zz_singular.sql': "select * from {{ ref('zz_env') }} where region is null\n",
  };
}

async function compile(root: string, helpers: string, args: string[] = []): Promise<CliResult> {
  return runXform(['compile', '--debug', ...args], { cwd: root, env: { XFORM_RENDER_HELPERS: helpers, HELPER_REGION: 'us' } });
}

/** What a compile in `root` printed, without its timings, its folder and the helpers' debug line. */
function printed(result: CliResult, root: string): { stdout: string; stderr: string } {
  const keep = (text: string) =>
    text
      .split('\n')
      .filter((line) => !line.includes('render helpers:'))
      .map((line) => line.replaceAll(root, '<root>').replace(/ in \d+\.\d+s/, ' in <t>'))
      .join('\n');
  return { stdout: keep(result.stdout), stderr: keep(result.stderr) };
}

async function files(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })) as { name: string; parentPath?: string; path?: string; isFile(): boolean }[]) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? entry.path ?? dir, entry.name);
    out[path.relative(dir, full)] = await readFile(full, 'utf8');
  }
  return out;
}

async function manifestOf(root: string): Promise<Record<string, unknown>> {
  const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as Record<string, unknown>;
  delete manifest.metadata;
  return manifest;
}

/** The partial-parse render cache, without what differs between two folders: env values are HMACs under each project's own key, and files' mtimes. */
async function renderCacheOf(root: string): Promise<unknown> {
  const cache = JSON.parse(await readFile(path.join(root, 'target/partial_parse_renders.json'), 'utf8')) as {
    entries: Record<string, { env: Record<string, string> }>;
    written: Record<string, unknown[]>;
  };
  for (const entry of Object.values(cache.entries)) {
    entry.env = Object.fromEntries(Object.entries(entry.env).map(([name, hmac]) => [name, hmac === '' ? '' : 'hmac']));
  }
  return { entries: cache.entries, written: Object.fromEntries(Object.entries(cache.written).map(([file, w]) => [file, w.slice(0, 2)])) };
}

describe('render helper threads', () => {
  it('write the manifest, compiled files and render cache one thread writes, and print the same', async () => {
    const project = helperProject();
    const [single, helped] = await Promise.all([writeProject(project), writeProject(project)]);
    roots.push(single, helped);
    const one = await compile(single, '0');
    const two = await compile(helped, '2');
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    // The helpers did part of the work, and the main thread took it in.
    const line = /render helpers: 2 thread\(s\) did (\d+) of (\d+) renders/.exec(two.stderr);
    expect(line, two.stderr).not.toBeNull();
    expect(Number(line![1])).toBeGreaterThan(1);
    expect(Number(line![1])).toBeLessThan(Number(line![2]));
    expect(one.stderr).not.toMatch(/render helpers/);

    expect(printed(two, helped)).toEqual(printed(one, single));

    expect(await manifestOf(helped)).toEqual(await manifestOf(single));
    expect(await files(path.join(helped, 'target/compiled'))).toEqual(await files(path.join(single, 'target/compiled')));
    expect(await renderCacheOf(helped)).toEqual(await renderCacheOf(single));
    const manifest = (await manifestOf(helped)) as { nodes: Record<string, { compiled_code: string }> };
    expect(manifest.nodes['model.gen.zz_env']!.compiled_code).toContain("'us' as region");
    expect(manifest.nodes['model.gen.zz_reads_ref']!.compiled_code).toContain("'zz_logs' as parent");
  });

  it('report a broken model as one thread does, and a command without a render cache uses them too', async () => {
    const project = helperProject();
    const broken = { ...project, 'models/zz_broken.sql': 'select {{ ref("no_such_model") }}\n' };
    const [single, helped] = await Promise.all([writeProject(broken), writeProject(broken)]);
    roots.push(single, helped);
    const one = await compile(single, '0');
    const two = await compile(helped, '1');
    expect(one.code).toBe(2);
    expect(two.code).toBe(2);
    expect(printed(two, helped)).toEqual(printed(one, single));
    expect(two.stderr).toMatch(/no_such_model/);

    const ok = await writeProject(project);
    roots.push(ok);
    const ls = (helpers: string) => runXform(['ls', '--debug', '--resource-type', 'model'], { cwd: ok, env: { XFORM_RENDER_HELPERS: helpers } });
    const [alone, shared] = [await ls('0'), await ls('1')];
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stderr).toMatch(/render helpers: 1 thread\(s\) did [1-9]\d* of \d+ renders/);
    expect(printed(shared, ok)).toEqual(printed(alone, ok));
  });

  it('reject a value of XFORM_RENDER_HELPERS that is not a number of threads', async () => {
    const root = await writeProject(helperProject());
    roots.push(root);
    const result = await compile(root, 'lots');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("XFORM_RENDER_HELPERS must be a whole number from 0 to 64, got 'lots'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

/**
 * A helper thread running core's helpRender with `render` (a function's source, given the unique_id) in place of
 * a project's renders.
 */
function fakeHelpers(count: number, prepare: string) {
  const core = pathToFileURL(createRequire(import.meta.url).resolve('@xform/core')).href;
  const source = `
const { workerData } = require('node:worker_threads');
import(${JSON.stringify(core)}).then((core) => core.helpRender(workerData, async () => { ${prepare} }));
`;
  return startRenderHelpers(count, { source, workerData: {} });
}

/** Work for `ms` milliseconds on this thread. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('the render share between threads', () => {
  it('gives each node to one thread: the main thread from the front, the helpers from the back', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `model.p.m${i}`);
    // The helpers render slowly enough for the main thread to do its part.
    const share = fakeHelpers(2, "const busy = (ms) => { const end = performance.now() + ms; while (performance.now() < end); }; return (id) => (busy(0.2), ({ entry: { node: id }, env: [] }));");
    share.begin(ids);
    const byMain: number[] = [];
    const byHelpers: number[] = [];
    const start = Date.now();
    ids.forEach((id, i) => {
      if (share.claim(i)) {
        byMain.push(i);
        busy(0.2);
        return;
      }
      const render = share.result(i);
      expect(render?.entry.node).toBe(id);
      byHelpers.push(i);
    });
    share.end();
    expect(byMain.length + byHelpers.length).toBe(ids.length);
    expect(byHelpers.length).toBeGreaterThan(0);
    // One boundary: everything before it the main thread's, everything after it the helpers'.
    expect(byMain).toEqual(ids.slice(0, byMain.length).map((_, i) => i));
    expect(Date.now() - start).toBeLessThan(60_000);
  });

  it('gives the main thread back, without waiting, the nodes a helper took and then failed on', async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `model.p.m${i}`);
    // Its first reply cannot be sent (a function is no message): the helper stops, having taken that node.
    const share = fakeHelpers(1, 'return () => ({ entry: () => undefined, env: [] });');
    share.begin(ids);
    let taken = 0;
    let helped = 0;
    let waited = 0;
    ids.forEach((_, i) => {
      if (share.claim(i)) {
        busy(0.2);
        return;
      }
      taken++;
      const asked = Date.now();
      if (share.result(i) !== undefined) helped++;
      waited = Math.max(waited, Date.now() - asked);
    });
    share.end();
    expect(taken).toBeGreaterThan(0);
    expect(helped).toBe(0);
    // Not the 10 s a helper that sends nothing is given.
    expect(waited).toBeLessThan(5000);
  });
});

describe("the main thread's check of a helper's render", () => {
  it('takes a helper render only where the node and what it read are the same here', async () => {
    const root = await writeProject({
      'xform_project.yml': 'name: shop\nversion: "1"\nvars:\n  min_amount: 10\n',
      'models/region.sql': "select '{{ env_var('SHOP_REGION', 'eu') }}' as region",
      'models/filtered.sql': "select * from {{ ref('region') }} where {{ var('min_amount') }} > 0",
      'models/plain.sql': 'select 1 as id',
    });
    roots.push(root);
    const dialect = new DialectBase();
    // The helper saw another SHOP_REGION than the main thread: its render of region must not be taken.
    const helperEnv = { SHOP_REGION: 'us' };
    const mainEnv = { SHOP_REGION: 'eu' };
    const render = helperRenderer(await loadProject({ projectDir: root, env: helperEnv }), { dialect, env: helperEnv, renderCache: RenderCache.empty() });
    const renders = new Map<string, HelperRender | undefined>(['model.shop.filtered', 'model.shop.plain', 'model.shop.region'].map((id) => [id, render(id)]));
    expect([...renders.values()].every((r) => r !== undefined)).toBe(true);

    const project = await loadProject({ projectDir: root, env: mainEnv });
    const cache = RenderCache.empty();
    let ids: readonly string[] = [];
    const share = {
      begin: (list: readonly string[]) => void (ids = list),
      claim: () => false,
      result: (i: number) => renders.get(ids[i]!),
      end: () => undefined,
    };
    const compiled = compileProject(project, { dialect, env: mainEnv, renderCache: cache, share });
    const plain = compileProject(await loadProject({ projectDir: root, env: mainEnv }), { dialect, env: mainEnv });
    expect(compiled.manifest.nodes['model.shop.region']?.compiled_code).toContain("'eu' as region");
    expect(cache.helped).toBe(2);
    expect(cache.rendered).toBe(3);
    expect(JSON.parse(JSON.stringify(compiled.manifest.nodes))).toEqual(JSON.parse(JSON.stringify(plain.manifest.nodes)));
  });
});
