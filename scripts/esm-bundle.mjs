import { readFileSync, writeFileSync } from 'node:fs';

// What scripts/pack-cli.mjs and scripts/bundle-workspace.mjs ask of esbuild alike: ES modules for Node 20,
// split into chunks shared by the entry points (lazy imports stay lazy), and a `require` for the inlined
// CommonJS code (an ES module has none of its own).
export const ESM_BUNDLE = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
};

export const REQUIRE_BANNER = "import { createRequire as __xformCreateRequire } from 'node:module';\nconst require = __xformCreateRequire(import.meta.url);";

/**
 * What scripts/pack-cli.mjs and scripts/bundle-workspace.mjs ask of esbuild for the one-file CLI that
 * cli/bin/xform.js runs with V8's code cache (dist/process/xform.cjs): one CommonJS file in which every
 * import() is a require() (a vm.Script cannot import() without an experimental flag), all ASCII.
 */
export const PROCESS_BUNDLE = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  charset: 'ascii',
  logLevel: 'warning',
  supported: { 'dynamic-import': false },
};

/**
 * The CommonJS scripts cli/bin/xform.js compiles with V8's code cache (cli/dist/process/ in the workspace,
 * dist/process/ in the packed CLI), by file name: the tsc output (under cli/dist/) each is bundled from, and the
 * imports it leaves out. short.cjs is the compile short cut alone: the patch it may run is patch.cjs, which
 * cli/bin/xform.js hands it (its own import of the patch, left out, would fail and mean a full compile).
 */
export const PROCESS_SCRIPTS = {
  'xform.cjs': { entry: 'main.js', leaveOut: [] },
  'short.cjs': { entry: 'short-cut.js', leaveOut: ['@xform/core/patch', /^@xform\/adapter-[^/]+\/dialect$/] },
  'patch.cjs': { entry: 'patch-compile.js', leaveOut: [] },
};

/** An esbuild plugin that leaves the imports named in `leaveOut` (strings or patterns) to run time. */
export function leaveOutPlugin(leaveOut) {
  return {
    name: 'xform-leave-out',
    setup(b) {
      b.onResolve({ filter: /^@xform\// }, ({ path: specifier }) =>
        leaveOut.some((l) => (typeof l === 'string' ? l === specifier : l.test(specifier))) ? { path: specifier, external: true } : undefined,
      );
    },
  };
}

/**
 * First in the one-file bundle's banner: the code is ES modules' code, written for strict mode, and esbuild's own
 * "use strict" comes after a banner, where it is no longer a directive.
 */
export const PROCESS_BANNER = "'use strict';";

/**
 * The one-file bundle as cli/bin/xform.js hands it to vm.Script: wrapped in the function Node wraps a CommonJS
 * file in, and all ASCII.
 * - The wrapper is written into the file, not added at every start: a source built by concatenation is a rope
 *   that V8 copies into one flat string of ~2.4 MB before it compiles (~10 ms of each command's start here).
 * - ASCII: the file is read as Latin-1 (no UTF-8 decoding of 2 MB at every start). esbuild escapes strings,
 *   regular expressions and names (charset: 'ascii') but keeps comments as written: what is left is escaped
 *   the same way (\\uXXXX), which means the same character anywhere.
 */
export const PROCESS_WRAPPER = { head: '(function (exports, require, module, __filename, __dirname) {', tail: '\n})' };

export function finishProcessBundle(file) {
  const text = readFileSync(file, 'utf8').replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(file, `${PROCESS_WRAPPER.head}${text}${PROCESS_WRAPPER.tail}`, 'latin1');
}

/**
 * The DuckDB driver's JavaScript (@duckdb/node-api, some 120 CommonJS files) inlined into the one-file CLI:
 * otherwise each DuckDB command resolves, reads and compiles them at start (~60 ms), where the bundle has
 * them in its code cache. adapters/duckdb/src/duckdb-driver.ts loads the driver on first use with
 * createRequire(import.meta.url), which esbuild leaves to run time; in this bundle that call becomes a
 * require() esbuild follows. Its native half, @duckdb/node-bindings (a .node file and the code that picks
 * it), stays a package. The build stops when the call is no longer there to be replaced.
 */
export const DUCKDB_DRIVER = '@duckdb/node-api';
export const DUCKDB_BINDINGS = '@duckdb/node-bindings';
const DRIVER_CALL = /createRequire\(import\.meta\.url\)\((['"])@duckdb\/node-api\1\)/;

export const inlineDuckdbDriver = {
  name: 'xform-inline-duckdb-driver',
  setup(b) {
    b.onLoad({ filter: /[\\/]duckdb-driver\.js$/ }, ({ path: file }) => {
      const text = readFileSync(file, 'utf8');
      if (!DRIVER_CALL.test(text)) return { errors: [{ text: `${file} no longer loads the driver with createRequire(import.meta.url)('${DUCKDB_DRIVER}'): update inlineDuckdbDriver in scripts/esm-bundle.mjs` }] };
      return { contents: text.replace(DRIVER_CALL, `require(${JSON.stringify(DUCKDB_DRIVER)})`), loader: 'js' };
    });
  },
};
