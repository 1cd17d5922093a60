#!/usr/bin/env node
// `npm run pack:cli`: the xform CLI as one installable npm package. Bundles cli/ (its tsc output, so run
// `npm run build` first; `npm run pack:cli` does) with every workspace package (@xform/core, the adapters) and the
// small pure-JS libraries inlined, into one ESM entry (plus the chunks loaded on demand: an adapter, the
// docs commands). Libraries with native or WebAssembly parts or large dependency trees stay packages: the
// packed package.json lists them at the versions of the workspace's lockfile. The docs site's front-end and
// the `xform init` templates are copied beside the bundle (cli/src/assets.ts finds them there). Ends by
// running `npm pack` and printing the tarball's path.
//
//   node scripts/pack-cli.mjs [--out-dir <dir>]     (default: dist-pack/)
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { DUCKDB_DRIVER, ESM_BUNDLE, PROCESS_BANNER, PROCESS_BUNDLE, PROCESS_SCRIPTS, REQUIRE_BANNER, finishProcessBundle, inlineDuckdbDriver, leaveOutPlugin } from './esm-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { 'out-dir': { type: 'string', default: path.join(root, 'dist-pack') } } });
const outDir = path.resolve(args['out-dir']);
const stage = path.join(outDir, 'package');

/** Runtime dependencies of the packed CLI, installed by npm: native, WebAssembly, or large trees. */
const DEPENDENCIES = [
  '@duckdb/node-api', // the DuckDB driver's JavaScript (the one-file bundle inlines it)
  '@duckdb/node-bindings', // its native half, which the one-file bundle requires itself
  'pg',
  'pg-copy-streams',
  '@google-cloud/bigquery',
  'google-auth-library',
  'snowflake-sdk',
  'nunjucks', // core wraps its lexer (nunjucks/src/lexer.js), which must be the one nunjucks itself uses
  'yaml', // loaded on demand with require() (core/src/project/yaml-lib.ts): most commands never need it
  'node-sql-parser', // large; loaded only by the docs commands (createRequire in core/src/docs/column-lineage.ts)
  'libpg-query', // WebAssembly, loaded from beside its own file
  '@guanmingchiu/sqlparser-ts', // sqlparser-rs in WebAssembly, loaded from beside its own file (docs lineage)
];
/** Pure-JS libraries small enough to inline into the bundle. */
const INLINE = ['commander', 'zod', 'js-yaml', 'csv-parse', '@dagrejs/graphlib', 'markdown-it'];
/** The workspace packages whose dependencies the lockfile records for the CLI. */
const IMPORTERS = ['cli', 'core', 'adapters/duckdb', 'adapters/postgres', 'adapters/bigquery', 'adapters/snowflake'];

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const cliPackage = readJson(path.join(root, 'cli/package.json'));
const corePackage = readJson(path.join(root, 'core/package.json'));

function fail(message) {
  process.stderr.write(`pack-cli: ${message}\n`);
  process.exit(1);
}

/** name -> the exact version pnpm-lock.yaml installs for it (the same in every importer that declares it). */
function lockedVersions() {
  const { parse } = createRequire(path.join(root, 'core/package.json'))('yaml');
  const lock = parse(readFileSync(path.join(root, 'pnpm-lock.yaml'), 'utf8'));
  const versions = {};
  for (const name of DEPENDENCIES) {
    const found = new Set();
    for (const importer of IMPORTERS) {
      const entry = lock.importers?.[importer]?.dependencies?.[name];
      // `8.3.1(encoding@0.1.13)`: the part in parentheses names resolved peers, not the version.
      if (entry) found.add(String(entry.version).replace(/\(.*$/, ''));
    }
    if (found.size === 0) fail(`${name} is a dependency of the packed CLI but no workspace package (${IMPORTERS.join(', ')}) depends on it`);
    if (found.size > 1) fail(`the workspace's lockfile holds several versions of ${name} (${[...found].join(', ')}); the packed CLI needs one`);
    versions[name] = [...found][0];
  }
  return versions;
}

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Keeps DEPENDENCIES out of the bundle, except those it `inlines`, and stops on a library the workspace's code
 * imports that is in neither list, so that a new dependency is a decision here rather than a surprise at
 * install time.
 */
function dependencyPolicy(inlines = new Set()) {
  return {
    name: 'xform-dependency-policy',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, ({ path: specifier, importer }) => {
        if (isBuiltin(specifier)) return { external: true };
        const name = packageOf(specifier);
        if (DEPENDENCIES.includes(name) && !inlines.has(name)) return { external: true };
        if (name.startsWith('@xform/') || INLINE.includes(name) || inlines.has(name) || importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        return {
          errors: [{ text: `${importer} imports ${name}, which scripts/pack-cli.mjs neither inlines (INLINE) nor lists as a dependency (DEPENDENCIES)` }],
        };
      });
    },
  };
}

const entry = path.join(root, 'cli/bin/xform.js');
const docsSite = path.join(root, 'cli/dist/docs-site');
if (!existsSync(path.join(root, 'cli/dist/main.js')) || !existsSync(path.join(docsSite, 'index.html'))) {
  fail('cli/dist is not built: run `npm run build` first (or `npm run pack:cli`, which does)');
}

const versions = lockedVersions();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

const builtAt = new Date().toISOString();
const bundleInfo = JSON.stringify({ cliVersion: cliPackage.version, coreVersion: corePackage.version, builtAt });
await build({
  // Chunks keep the CLI's lazy imports lazy: `xform --version` or an unchanged compile loads some 25 KB, not
  // the compiler. They stay beside the entry in dist/ (no chunkNames folder): cli/src/assets.ts finds the
  // assets relative to the file its code lands in.
  ...ESM_BUNDLE,
  entryPoints: { xform: entry },
  outdir: path.join(stage, 'dist'),
  plugins: [dependencyPolicy()],
  // @xform/core's tsc output, not its workspace bundle (scripts/bundle-workspace.mjs): that one has its files'
  // paths in this checkout written into it.
  conditions: ['xform-dist'],
  // Read by core/src/bundle.ts and cli/src/bundle.ts in place of the packages' package.json files.
  define: {
    XFORM_BUNDLE: bundleInfo,
  },
  // Inlined CommonJS libraries (commander) require Node's modules.
  banner: { js: REQUIRE_BANNER },
});
// The same CLI as CommonJS scripts (PROCESS_SCRIPTS: the whole CLI, the compile short cut, the patch of a few
// edited models), which the entry above (cli/bin/xform.js) runs with V8's code cache: ~0.1 s sooner than
// compiling the ES modules at every start. A cache is written beside each by the first command that finds none
// (or one that another Node version made), where the package folder is writable. Their import.meta.url is the
// entry's: the assets are found beside that.
for (const [name, { entry, leaveOut }] of Object.entries(PROCESS_SCRIPTS)) {
  const file = path.join(stage, 'dist/process', name);
  await build({
    ...PROCESS_BUNDLE,
    entryPoints: [path.join(root, 'cli/dist', entry)],
    outfile: file,
    plugins: [leaveOutPlugin(leaveOut), dependencyPolicy(new Set([DUCKDB_DRIVER])), inlineDuckdbDriver],
    conditions: ['xform-dist'],
    define: {
      XFORM_BUNDLE: bundleInfo,
      'import.meta.url': '__xformEntryUrl',
    },
    banner: { js: `${PROCESS_BANNER}\nvar __xformEntryUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'xform.js')).href;` },
  });
  finishProcessBundle(file);
}
chmodSync(path.join(stage, 'dist/xform.js'), 0o755);

// dbt's internal macro files compiled for this bundle (core/src/template/prebuilt.ts reads them beside its code,
// as the bundle's build: its core version and build time).
const { prebuildMacros } = await import(pathToFileURL(path.join(root, 'core/dist/template/prebuild.js')).href);
writeFileSync(path.join(stage, 'dist/prebuilt-macros.json'), JSON.stringify({ ...prebuildMacros(), build: `${corePackage.version}@${builtAt}` }));

// Assets, where cli/src/assets.ts looks for them in the bundle: beside the code in dist/.
cpSync(docsSite, path.join(stage, 'dist/docs-site'), { recursive: true });
for (const folder of readJson(path.join(root, 'templates/package.json')).files) {
  cpSync(path.join(root, 'templates', folder), path.join(stage, 'dist/templates', folder), { recursive: true });
}

const manifest = {
  name: cliPackage.name,
  version: cliPackage.version,
  description: 'xform: declarative SQL transformations, compiled to a lineage graph and run inside your warehouse',
  type: 'module',
  bin: { xform: 'dist/xform.js' },
  files: ['dist'],
  engines: readJson(path.join(root, 'package.json')).engines,
  dependencies: Object.fromEntries(Object.entries(versions).sort(([a], [b]) => a.localeCompare(b))),
};
writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  path.join(stage, 'README.md'),
  `# xform\n\nThe xform command line (${cliPackage.version}), bundled with its adapters (DuckDB, PostgreSQL, BigQuery, Snowflake).\n\n` +
    '```sh\nxform init my_project --adapter duckdb\ncd my_project\nxform build\n```\n',
);

const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
process.stdout.write(`${path.join(outDir, packed[0].filename)}\n`);
