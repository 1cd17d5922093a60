/**
 * The workspace's one-file CLI (scripts/bundle-workspace.mjs -> cli/dist/process/xform.cjs) and its V8 code
 * cache: what `pnpm build` made is a cache this Node accepts, and a command runs from the bundle alone (the
 * adapter it carries, not the adapter package's own files with a second copy of core).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const BUNDLE = path.join(REPO, 'cli/dist/process/xform.cjs');

const scratch = mkdtempSync(path.join(tmpdir(), 'xform-process-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Paths under the repository (outside node_modules) that a process loaded with require(), from NODE_DEBUG=module. */
function requiredWorkspaceFiles(stderr: string): string[] {
  const loaded = [...stderr.matchAll(/^MODULE \d+: load "([^"]+)" for module/gm)].map((m) => m[1]!);
  return [...new Set(loaded.filter((file) => file.startsWith(REPO) && !file.includes(`${path.sep}node_modules${path.sep}`)))];
}

describe('the one-file CLI bundle', () => {
  it('is ASCII, strict mode, and comes with a code cache that this Node accepts', () => {
    const bytes = readFileSync(BUNDLE);
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
    const source = bytes.toString('latin1');
    // ES modules' code, written for strict mode: the directive must come first, before any banner code.
    const strict = new vm.Script(`(function () {${source.split('\n', 1)[0]}\nreturn this === undefined;\n})`).runInThisContext() as () => boolean;
    expect(strict()).toBe(true);
    // Wrapped exactly as cli/bin/xform.js wraps it: V8 checks the source against the cache.
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
      filename: BUNDLE,
      cachedData: readFileSync(`${BUNDLE}.cache`),
    });
    expect(script.cachedDataRejected).toBe(false);
  });

  it('builds a DuckDB project with the adapter and driver code it carries, loading no workspace file beside them', async () => {
    const init = await runXform(['init', 'shop', '--adapter', 'duckdb'], { cwd: scratch, env: { NODE_DEBUG: 'module' } });
    expect(init.code, init.stdout + init.stderr).toBe(0);
    expect(init.stdout).toMatch(/PASS=\d+ WARN=0 ERROR=0/);
    // The driver's native half is listed (what is listed is what was loaded); the adapter package's files and
    // the driver's JavaScript (inlined, in the code cache) are not.
    expect(init.stderr).toMatch(/load "[^"]+@duckdb\/node-bindings\/duckdb\.js"/);
    expect(init.stderr).not.toMatch(/@duckdb\/node-api\//);
    expect(requiredWorkspaceFiles(init.stderr)).toEqual([]);
  });
});
