/**
 * Loads a TypeScript module of the workspace (the test fixtures: project generator, throw-away PostgreSQL)
 * from plain Node by bundling it with esbuild into bench/.cache/. Bare imports resolve from the source file,
 * so packages that only the `test` package depends on (pg) are found and bundled. `vitest` is replaced by
 * no-op hooks: the helpers import it for their test-only conveniences, which the bench never calls.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Generated projects, data and bundles; XFORM_BENCH_CACHE moves it (the smoke test uses a temp folder). */
export const CACHE_DIR = process.env.XFORM_BENCH_CACHE ? path.resolve(process.env.XFORM_BENCH_CACHE) : path.join(REPO_ROOT, 'bench', '.cache');
/** Output folders moved aside during a run (see the compile suite), deleted when the run ends. */
export const TRASH_DIR = path.join(CACHE_DIR, 'trash');

const vitestStub = {
  name: 'vitest-stub',
  setup(b) {
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: 'vitest', namespace: 'vitest-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'vitest-stub' }, () => ({
      // inject() answers nothing: no test run's shared services (test/src/test-services.ts) to ask.
      contents: 'const noop = () => {}; export const beforeAll = noop, afterAll = noop, beforeEach = noop, afterEach = noop, inject = noop;',
      loader: 'js',
    }));
  },
};

/** Imports `relativePath` (from the repository root) after bundling it to ESM. */
export async function importTs(relativePath) {
  await mkdir(CACHE_DIR, { recursive: true });
  const outfile = path.join(CACHE_DIR, `${relativePath.replace(/[\\/]/g, '__').replace(/\.ts$/, '')}.mjs`);
  await build({
    entryPoints: [path.join(REPO_ROOT, relativePath)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['pg-native'],
    plugins: [vitestStub],
    // CommonJS packages bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return import(pathToFileURL(outfile).href);
}
