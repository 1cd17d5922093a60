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
