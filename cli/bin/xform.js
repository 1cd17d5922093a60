#!/usr/bin/env node
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

// `pnpm build` bundles the CLI twice (scripts/bundle-workspace.mjs):
// - dist/bundle/: ES modules in a few chunks. `xform compile` on an unchanged project (or one with a few
//   edited models) is answered from here, loading ~30 KB rather than the compiler.
// - dist/process/xform.cjs: the whole CLI in one CommonJS file, compiled with V8's code cache
//   (xform.cjs.cache, made by the build): every other command starts ~0.1 s sooner than from ES modules,
//   which Node 20 parses and compiles anew in every process.
// Without them (tsc alone), tsc's output runs.
const argv = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const esm = path.join(here, '../dist/bundle/main.js');
const whole = path.join(here, '../dist/process/xform.cjs');

/** The one-file bundle's exports, and a function that saves V8's code cache of what has run so far. */
function loadWhole() {
  const cacheFile = `${whole}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // Not made yet: compiled from source, as an ES module would be.
  }
  // ASCII (the build checks), so Latin-1 is exact and spares decoding 2 MB of UTF-8.
  const source = readFileSync(whole, 'latin1');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: whole, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(whole), module, whole, path.dirname(whole));
  const saveCache = () => {
    const aside = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(aside, script.createCachedData());
      renameSync(aside, cacheFile);
    } catch {
      rmSync(aside, { force: true });
    }
  };
  return { main: module.exports.main, saveCache };
}

async function run() {
  if (!existsSync(whole)) {
    // A literal import(), which scripts/pack-cli.mjs bundles: the packed CLI has neither folder.
    const { main } = existsSync(esm) ? await import(pathToFileURL(esm).href) : await import('../dist/main.js');
    return main(argv);
  }
  const shortCutTried = argv[0] === 'compile' && existsSync(esm);
  if (shortCutTried) {
    const code = await (await import(pathToFileURL(esm).href)).compileShortCut(argv);
    if (code !== undefined) return code;
  }
  const { main, saveCache } = loadWhole();
  const code = await main(argv, { shortCutTried });
  // Set by scripts/bundle-workspace.mjs when it runs a new bundle to make its cache.
  if (process.env.XFORM_WRITE_CODE_CACHE === '1') saveCache();
  return code;
}

process.exitCode = await run();
