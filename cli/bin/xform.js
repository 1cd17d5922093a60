#!/usr/bin/env node
import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

// The CLI comes in two forms (scripts/bundle-workspace.mjs in the workspace's `pnpm build`, and
// scripts/pack-cli.mjs in the packed CLI, where this file is bundled as dist/xform.js):
// - CommonJS scripts compiled with V8's code cache (<file>.cache beside each), which ES modules do not have in
//   Node 20 (they are parsed and compiled anew in every process, and each import is resolved):
//   - dist/process/short.cjs, the compile short cut (cli/src/short-cut.ts): `xform compile` on an unchanged
//     project is answered from it, loading ~25 KB rather than the compiler;
//   - dist/process/patch.cjs, what patches target/ for a few edited models (cli/src/patch-compile.ts, with the
//     renderer it needs): the short cut's patch loads it, ~40 ms sooner than core's ES modules;
//   - dist/process/xform.cjs, the whole CLI: every command the short cut does not answer starts ~0.1 s sooner.
// - ES modules (dist/bundle/ here; chunks of the packed entry), the same CLI: run where the scripts are not.
// Without them (tsc alone), tsc's output runs.
const argv = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const esm = path.join(here, '../dist/bundle/main.js');
const whole = path.join(here, '../dist/process/xform.cjs');
const patch = path.join(here, '../dist/process/patch.cjs');
const short = path.join(here, '../dist/process/short.cjs');

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

/** One of the CommonJS scripts: its exports, and a function that saves V8's code cache of what has run so far. */
function loadScript(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // Not made yet: compiled from source, as an ES module would be.
  }
  // The bundlers write it as one function expression, Node's CommonJS wrapper, in ASCII: read as Latin-1 (no
  // decoding of 2 MB of UTF-8), it is the script's source as it is (no copy to join a wrapper to it).
  const script = new vm.Script(readFileSync(file, 'latin1'), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
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
  // ~40 ms, not spent in a folder this user cannot write). The workspace's build makes a better one for the
  // whole CLI (XFORM_WRITE_CODE_CACHE, after a whole DuckDB build): V8 caches the functions that ran.
  const cacheWanted =
    (process.env.XFORM_WRITE_CODE_CACHE === '1' && file === whole) ||
    ((cachedData === undefined || script.cachedDataRejected === true) && writable(path.dirname(file)));
  return { exports: module.exports, saveCache: cacheWanted ? saveCache : () => {} };
}

async function run() {
  // Render helper threads (cli/src/render-helpers.ts) load the CLI as this process did: given where from.
  if (!existsSync(whole)) return (await loadModules()).main(argv, { code: existsSync(esm) ? { module: pathToFileURL(esm).href } : undefined });
  const shortCutTried = argv[0] === 'compile';
  if (shortCutTried) {
    // Loaded only when the short cut patches.
    let patcher;
    const loadPatcher = existsSync(patch) ? () => (patcher ??= loadScript(patch)).exports.compileByPatch : undefined;
    const shortCut = existsSync(short) && loadPatcher ? loadScript(short) : undefined;
    const { compileShortCut } = shortCut ? shortCut.exports : await loadModules();
    const code = await compileShortCut(argv, { loadPatcher });
    shortCut?.saveCache();
    patcher?.saveCache();
    if (code !== undefined) return code;
  }
  const { exports, saveCache } = loadScript(whole);
  const code = await exports.main(argv, { shortCutTried, code: { script: whole } });
  saveCache();
  return code;
}

process.exitCode = await run();
