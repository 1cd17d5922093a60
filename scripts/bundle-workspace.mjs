#!/usr/bin/env node
// `pnpm build`, after tsc and the prebuilt macros: @xform/core and the CLI as a handful of ES modules each, in
// core/dist/bundle/ and cli/dist/bundle/. Node's ESM loader pays about a millisecond per module (resolve,
// read, compile, link); core is some 180 modules and zod another 95, the CLI 50 more, all loaded by every
// command that compiles, so a process spent ~0.3 s importing before it did anything. Bundled (esbuild, with
// chunks shared between a package's entry points so that '@xform/core' and '@xform/core/patch' are one copy
// of every class), the same imports take ~0.15 s.
//
// core/package.json points each entry's `default` condition at its bundle and its `xform-dist` condition at
// tsc's output, which scripts/pack-cli.mjs bundles from (it asks for that condition); cli/bin/xform.js
// starts the CLI's bundle when there is one. The CLI's bundle leaves every package, @xform/core included,
// to be resolved at run time. The bundled code behaves as tsc's: every `import.meta.url` in it is replaced by
// the URL of the file it came from, so that paths beside a module (package.json, tsconfig.tsbuildinfo, the
// prebuilt macros, the docs site's assets) and require() from one resolve as they did. A bundle names the
// build it was made from; a process that loads a bundle older than tsc's last build of its package (`tsc -b`
// run alone) says so on stderr, once.
//
// Then the whole CLI once more, as one CommonJS file with V8's code cache, and the compile short cut and the
// patch compile as two more (cli/dist/process/, see bundleProcess).
//
// Nothing is rebuilt when a bundle already stands for tsc's last build and this script (a build while
// xform runs, as the quickstart test does, leaves it alone); otherwise the new bundle is written beside the
// old one and swapped in, so that a process starting meanwhile finds one whole bundle.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DUCKDB_BINDINGS, DUCKDB_DRIVER, ESM_BUNDLE, PROCESS_BANNER, PROCESS_BUNDLE, PROCESS_SCRIPTS, REQUIRE_BANNER, finishProcessBundle, inlineDuckdbDriver, leaveOutPlugin } from './esm-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// This script and the esbuild options it shares with pack-cli: a change to either makes new bundles.
const script = createHash('sha256')
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(readFileSync(fileURLToPath(new URL('./esm-bundle.mjs', import.meta.url))))
  .digest('hex');

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Entry name (under core/dist/bundle/) -> tsc's file, from the package's exports (their `xform-dist` condition). */
function coreEntryPoints(core) {
  const pkg = JSON.parse(readFileSync(path.join(core, 'package.json'), 'utf8'));
  const entries = {};
  for (const [subpath, conditions] of Object.entries(pkg.exports)) {
    const dist = conditions['xform-dist'];
    const bundled = conditions.default;
    if (typeof dist !== 'string' || typeof bundled !== 'string' || !bundled.startsWith('./dist/bundle/')) {
      throw new Error(`core/package.json exports['${subpath}'] needs "xform-dist" (tsc's file) and "default" (its bundle under ./dist/bundle/)`);
    }
    entries[bundled.slice('./dist/bundle/'.length).replace(/\.js$/, '')] = path.join(core, dist);
  }
  return entries;
}

/** The workspace's code keeps the URL of the file it came from wherever it reads import.meta.url. */
const keepImportMetaUrl = {
  name: 'xform-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, ({ path: file }) => {
      if (file.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(file, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(file).href)), loader: 'js' };
    });
  },
};

/** Packages are external (resolved beside tsc's output at run time, as before), except `inline` ones. */
function policy(inline) {
  return {
    name: 'xform-workspace-bundle',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, ({ path: specifier, importer }) => {
        if (isBuiltin(specifier)) return { external: true };
        if (inline.has(packageOf(specifier)) || importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        return { external: true };
      });
    },
  };
}

/**
 * Banner code that says on stderr, once per process and `flag`, when one of `buildInfos` (tsc's build records)
 * is newer than the bundle: tsc ran without the bundle step. Needs `require` (REQUIRE_BANNER in ES modules).
 */
function staleCheck(flag, buildInfos, builtFrom, message) {
  return `if (!globalThis.${flag}) {
  globalThis.${flag} = true;
  try {
    const built = ${JSON.stringify(builtFrom)};
    if (${JSON.stringify(buildInfos)}.some((file, i) => String(require('node:fs').statSync(file).mtimeMs) !== built[i])) {
      process.stderr.write(${JSON.stringify(`warning: ${message} (tsc ran without the bundle step): run \`pnpm build\`\n`)});
    }
  } catch {}
}`;
}

/**
 * The bundle folder `outdir` made anew by `make(folder)`, unless its built.json already records `stamp` and the
 * files `needs` (names in it) are there. The new folder is written beside the old one and swapped in, so that a
 * process starting meanwhile finds one whole bundle or the other. Resolves true when it made one.
 */
async function replaceBundle(outdir, stamp, make, needs = []) {
  const stampFile = path.join(outdir, 'built.json');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && needs.every((name) => existsSync(path.join(outdir, name)))) return false;
  const fresh = `${outdir}.new-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  await make(fresh);
  writeFileSync(path.join(fresh, 'built.json'), stamp);
  const aside = `${outdir}.old-${process.pid}`;
  if (existsSync(outdir)) renameSync(outdir, aside);
  renameSync(fresh, outdir);
  rmSync(aside, { recursive: true, force: true });
  return true;
}

/** Bundles `entryPoints` of the package in `dir` into <dir>/dist/bundle/, unless it already stands for tsc's last build. */
async function bundle(name, dir, entryPoints, inline) {
  const buildInfos = [path.join(dir, 'tsconfig.tsbuildinfo')];
  const builtFrom = buildInfos.map((file) => String(statSync(file).mtimeMs));
  const shown = path.relative(root, dir);
  // Once per process and package, whichever chunk loads first: one stat.
  const banner = `${REQUIRE_BANNER}\n${staleCheck(`__xformBundleChecked_${name}`, buildInfos, builtFrom, `${shown}/dist/bundle is older than ${shown}/dist`)}`;
  await replaceBundle(path.join(dir, 'dist', 'bundle'), JSON.stringify({ builtFrom, script }), (outdir) =>
    build({ ...ESM_BUNDLE, entryPoints, outdir, plugins: [policy(inline), keepImportMetaUrl], banner: { js: banner } }),
  );
}

/**
 * The whole CLI as one CommonJS file, cli/dist/process/xform.cjs: the CLI, @xform/core and the adapters
 * inlined, with the libraries core inlines, commander and the DuckDB driver's JavaScript; every other
 * package stays a require() of the file it resolves to from the package that imports it (an absolute path
 * of this checkout, as the bundles' import.meta.url already are). cli/bin/xform.js compiles it with
 * vm.Script and V8's code cache (xform.cjs.cache), so that a process does not parse and compile ~2 MB of
 * JavaScript at start: ES modules have no code cache in Node 20. The cache is made here, by running the
 * bundle on a throw-away DuckDB project (`xform init` builds it) with XFORM_WRITE_CODE_CACHE=1: V8 caches
 * the functions that ran.
 *
 * Beside it, the other scripts of PROCESS_SCRIPTS the same way: short.cjs, the unchanged-compile short cut
 * (~25 KB), which cli/bin/xform.js runs first for `xform compile`, and patch.cjs, the patch and the renderer
 * it needs (~0.8 MB), which the short cut loads when a few models were edited. Their caches come from
 * compiles of the same throw-away project.
 *
 * The adapters inlined are the workspace's adapter packages, which the CLI also finds on disk: their
 * folders go into the bundle (XFORM_CARRIED_ADAPTERS) so that it loads its own copy, which shares its core.
 */
async function bundleProcess(members, adapterDirs, inline) {
  const buildInfos = members.map((dir) => path.join(dir, 'tsconfig.tsbuildinfo'));
  const builtFrom = buildInfos.map((file) => String(statSync(file).mtimeMs));
  const banner = `${PROCESS_BANNER}\n${staleCheck('__xformBundleChecked_process', buildInfos, builtFrom, 'cli/dist/process is older than the packages it bundles')}`;
  const resolveExternals = {
    name: 'xform-process-bundle',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, ({ path: specifier, importer }) => {
        if (isBuiltin(specifier)) return { external: true };
        const name = packageOf(specifier);
        // The driver's native half stays a package even where the driver's own code (inlined) requires it.
        const inlined = name !== DUCKDB_BINDINGS && (name.startsWith('@xform/') || inline.has(name) || importer.includes(`${path.sep}node_modules${path.sep}`));
        if (inlined) return undefined;
        try {
          return { path: createRequire(importer).resolve(specifier), external: true };
        } catch (err) {
          return { errors: [{ text: `${importer} imports ${specifier}, which require() cannot resolve from there: ${err.message}` }] };
        }
      });
    },
  };
  const stamp = JSON.stringify({ builtFrom, script, node: process.version });
  const made = await replaceBundle(
    path.join(cli, 'dist', 'process'),
    stamp,
    async (outdir) => {
      await Promise.all(
        Object.entries(PROCESS_SCRIPTS).map(async ([name, { entry, leaveOut }]) => {
          const file = path.join(outdir, name);
          await build({
            ...PROCESS_BUNDLE,
            entryPoints: [path.join(cli, 'dist', entry)],
            outfile: file,
            conditions: ['xform-dist'],
            define: { XFORM_CARRIED_ADAPTERS: JSON.stringify(adapterDirs) },
            // Before keepImportMetaUrl: the driver's loader reads import.meta.url, which this rewrite removes.
            plugins: [leaveOutPlugin(leaveOut), resolveExternals, inlineDuckdbDriver, keepImportMetaUrl],
            banner: { js: banner },
          });
          finishProcessBundle(file);
        }),
      );
    },
    ['xform.cjs.cache'],
  );
  if (made) warmCodeCache();
}

/**
 * Runs the new bundle on a throw-away DuckDB project, which writes xform.cjs's code cache at exit; then compiles
 * it (short.cjs's cache), edits a model and compiles again (patch.cjs's): a script without a cache gets one from
 * its first run, and XFORM_WRITE_CODE_CACHE would have these compiles replace the whole CLI's.
 */
function warmCodeCache() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'xform-code-cache-'));
  const xform = (args, env, cwd = path.join(scratch, 'warm')) =>
    spawnSync(process.execPath, [path.join(cli, 'bin', 'xform.js'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8' });
  try {
    const init = xform(['init', 'warm', '--adapter', 'duckdb'], { XFORM_WRITE_CODE_CACHE: '1' }, scratch);
    if (init.status !== 0) {
      process.stderr.write(`bundle-workspace: no code cache for cli/dist/process (xform init failed, exit ${init.status}): ${init.stderr || init.stdout}\n`);
      return;
    }
    const plain = { XFORM_WRITE_CODE_CACHE: '' };
    const compiled = xform(['compile'], plain);
    const model = readdirSync(path.join(scratch, 'warm', 'models'), { recursive: true }).find((f) => String(f).endsWith('.sql'));
    if (compiled.status === 0 && model !== undefined) {
      appendFileSync(path.join(scratch, 'warm', 'models', String(model)), '\n-- edited to warm the patch\n');
      xform(['compile'], plain);
    }
    for (const name of Object.keys(PROCESS_SCRIPTS)) {
      if (!existsSync(path.join(cli, 'dist', 'process', `${name}.cache`))) {
        process.stderr.write(`bundle-workspace: no code cache for cli/dist/process/${name} (the warm-up did not run it): the first command that does writes it\n`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const core = path.join(root, 'core');
const cli = path.join(root, 'cli');
const coreInline = ['zod', 'csv-parse', 'js-yaml', '@dagrejs/graphlib'];
const cliInline = ['commander'];
await bundle('core', core, coreEntryPoints(core), new Set(coreInline));
await bundle('cli', cli, { main: path.join(cli, 'dist', 'main.js') }, new Set(cliInline));
const adapters = readdirSync(path.join(root, 'adapters')).map((name) => path.join(root, 'adapters', name));
const adapterDirs = Object.fromEntries(
  adapters.map((dir) => [JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name.replace('@xform/adapter-', ''), realpathSync(dir)]),
);
// And markdown-it, which core's own bundle leaves a package import (pack-cli inlines it too), and the DuckDB driver's JavaScript.
await bundleProcess([cli, core, ...adapters], adapterDirs, new Set([...coreInline, ...cliInline, 'markdown-it', DUCKDB_DRIVER]));
