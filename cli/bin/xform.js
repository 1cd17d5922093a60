#!/usr/bin/env node
import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

// The CLI comes in two forms (scripts/bundle-workspace.mjs in the workspace's `pnpm build`, and
// scripts/pack-cli.mjs in the packed CLI, where this file is bundled as dist/xform.js):
// - ES modules (dist/bundle/ here; chunks of the packed entry): `xform compile` on an unchanged project (or
//   one with a few edited models) is answered from them, loading ~30 KB rather than the compiler.
// - dist/process/xform.cjs: the whole CLI in one CommonJS file, compiled with V8's code cache
//   (xform.cjs.cache): every other command starts ~0.1 s sooner than from ES modules, which Node 20 parses
//   and compiles anew in every process.
// Without them (tsc alone), tsc's output runs.
const argv = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const esm = path.join(here, '../dist/bundle/main.js');
const whole = path.join(here, '../dist/process/xform.cjs');

/** The CLI as ES modules. A literal import() is what scripts/pack-cli.mjs bundles (the packed CLI has no dist/bundle/). */
const loadModules = () => (existsSync(esm) ? import(pathToFileURL(esm).href) : import('../dist/main.js'));

function writable(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The one-file bundle's exports, and a function that saves V8's code cache of what has run so far. */
function loadWhole() {
  const cacheFile = `${whole}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // Not made yet: compiled from source, as an ES module would be.
  }
  // ASCII (the bundlers make it so), so Latin-1 is exact and spares decoding 2 MB of UTF-8.
  const source = readFileSync(whole, 'latin1');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: whole, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(whole), module, whole, path.dirname(whole));
  // V8 checks a cache against the flags it was made under (and the V8 version, the CPU): this number changes
  // with them, also when the command itself sets a flag while running (docs generate may).
  const madeUnder = v8.cachedDataVersionTag();
  const saveCache = () => {
    // Flags changed while this command ran: a command started as this one was would reject the cache, compile
    // from source again and write its own.
    if (v8.cachedDataVersionTag() !== madeUnder) return;
    const aside = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(aside, script.createCachedData());
      renameSync(aside, cacheFile);
    } catch {
      // The folder filled up or went away meanwhile: the next command compiles from source again.
      rmSync(aside, { force: true });
    }
  };
  // No cache yet, or one another Node version made: this process writes one, where it may (making it costs
  // ~40 ms, not spent in a folder this user cannot write). The workspace's build makes a better one
  // (XFORM_WRITE_CODE_CACHE, after a whole DuckDB build): V8 caches the functions that ran.
  const cacheWanted =
    process.env.XFORM_WRITE_CODE_CACHE === '1' || ((cachedData === undefined || script.cachedDataRejected === true) && writable(path.dirname(whole)));
  return { main: module.exports.main, saveCache: cacheWanted ? saveCache : () => {} };
}

async function run() {
  if (!existsSync(whole)) return (await loadModules()).main(argv);
  const shortCutTried = argv[0] === 'compile';
  if (shortCutTried) {
    const code = await (await loadModules()).compileShortCut(argv);
    if (code !== undefined) return code;
  }
  const { main, saveCache } = loadWhole();
  const code = await main(argv, { shortCutTried });
  saveCache();
  return code;
}

process.exitCode = await run();
