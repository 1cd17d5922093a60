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
 * First in the one-file bundle's banner: the code is ES modules' code, written for strict mode, and esbuild's own
 * "use strict" comes after a banner, where it is no longer a directive.
 */
export const PROCESS_BANNER = "'use strict';";

/**
 * cli/bin/xform.js reads the one-file bundle as Latin-1 (no UTF-8 decoding of 2 MB at every start), so it
 * must be ASCII. esbuild escapes strings, regular expressions and names (charset: 'ascii') but keeps comments
 * as written: what is left is escaped the same way (\\uXXXX), which means the same character anywhere.
 */
export function makeAscii(file) {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
}
