#!/usr/bin/env node
// `pnpm build`, after tsc and the prebuilt macros: @xform/core as a handful of ES modules in core/dist/bundle/.
// Node's ESM loader pays about a millisecond per module (resolve, read, compile, link); core is some 180
// modules and zod another 95, loaded by every command that compiles, so a process spent ~0.28 s importing
// core before it did anything. Bundled (esbuild, with chunks shared between the package's entry points so that
// '@xform/core' and '@xform/core/patch' are one copy of every class), the same import takes ~0.13 s.
//
// core/package.json points each entry's `default` condition here and its `xform-dist` condition at tsc's
// output, which scripts/pack-cli.mjs bundles from (it asks for that condition). The bundled code behaves as
// tsc's: every `import.meta.url` in it is replaced by the URL of the file it came from, so that paths beside a
// module (core's package.json, tsconfig.tsbuildinfo, the prebuilt macros) and require() from one resolve as
// they did. The bundle names its build; a process that loads a bundle older than tsc's last build of core
// (`tsc -b` run alone) says so on stderr, once.
//
// Nothing is rebuilt when the bundle already stands for tsc's last build and this script (a build while
// xform runs, as the quickstart test does, leaves it alone); otherwise the new bundle is written beside the
// old one and swapped in, so that a process starting meanwhile finds one whole bundle.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = path.join(root, 'core');
const outdir = path.join(core, 'dist', 'bundle');

/** Pure-JS libraries inlined into the bundle (many small modules, or one on the path of every command). */
const INLINE = new Set(['zod', 'csv-parse', 'js-yaml', '@dagrejs/graphlib']);

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** Entry name (under core/dist/bundle/) -> tsc's file, from the package's exports (their `xform-dist` condition). */
function entryPoints() {
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

const policy = {
  name: 'xform-core-bundle',
  setup(b) {
    // Workspace-relative imports are bundled; packages stay external (resolved from core/ at run time, as
    // before) except the inlined ones.
    b.onResolve({ filter: /^[^./]/ }, ({ path: specifier, importer }) => {
      if (isBuiltin(specifier)) return { external: true };
      if (INLINE.has(packageOf(specifier)) || importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      return { external: true };
    });
    b.onLoad({ filter: /\.js$/ }, ({ path: file }) => {
      if (file.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(file, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(file).href)), loader: 'js' };
    });
  },
};

const buildInfo = path.join(core, 'tsconfig.tsbuildinfo');
const builtFrom = String(statSync(buildInfo).mtimeMs);
// Once per process, whichever chunk loads first: one stat.
const staleCheck = `import { statSync as __xformStatSync } from 'node:fs';
if (!globalThis.__xformCoreBundleChecked) {
  globalThis.__xformCoreBundleChecked = true;
  try {
    if (String(__xformStatSync(${JSON.stringify(buildInfo)}).mtimeMs) !== ${JSON.stringify(builtFrom)}) {
      process.stderr.write('warning: core/dist/bundle is older than core/dist (tsc ran without the bundle step): run \`pnpm build\`\\n');
    }
  } catch {}
}`;

const stampFile = path.join(outdir, 'built.json');
const stamp = JSON.stringify({ builtFrom, script: createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex') });
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) process.exit(0);

const fresh = `${outdir}.new-${process.pid}`;
rmSync(fresh, { recursive: true, force: true });
await build({
  entryPoints: entryPoints(),
  outdir: fresh,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [policy],
  // Inlined CommonJS code requires Node's modules; an ES module has no `require` of its own.
  banner: { js: `import { createRequire as __xformCreateRequire } from 'node:module';\nconst require = __xformCreateRequire(import.meta.url);\n${staleCheck}` },
});
writeFileSync(path.join(fresh, 'built.json'), stamp);
const aside = `${outdir}.old-${process.pid}`;
if (existsSync(outdir)) renameSync(outdir, aside);
renameSync(fresh, outdir);
rmSync(aside, { recursive: true, force: true });
