/**
 * scripts/setup.sh (run by `npm test`) for a user who is not root and has no sudo: it names the missing Debian
 * packages and the variable that skips them, before any long step. Runs as `nobody` when the tests run as
 * root, with a PATH holding only the few tools the script needs (so no sudo, no chromium, no pnpm, no npm).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SETUP = fileURLToPath(new URL('../../../scripts/setup.sh', import.meta.url));
const NOBODY = 65534;

const bin = mkdtempSync(path.join(tmpdir(), 'xform-setup-bin-'));
chmodSync(bin, 0o755); // readable by nobody
for (const tool of ['dirname', 'ls', 'id', 'cat', 'grep']) {
  const from = ['/usr/bin', '/bin'].map((dir) => path.join(dir, tool)).find((file) => existsSync(file));
  if (from) symlinkSync(from, path.join(bin, tool));
}
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function runSetup(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const run = spawnSync('/bin/bash', [SETUP, ...args], {
    env: { PATH: bin, HOME: tmpdir(), ...env },
    encoding: 'utf8',
    timeout: 30_000,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('scripts/setup.sh without root or sudo', () => {
  it('names the Debian packages to install and the variable that skips them, and stops at once', () => {
    const started = Date.now();
    const result = runSetup(['--with-browser']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^xform's tests need Debian packages that are not installed: (postgresql )?chromium$/m);
    expect(result.stderr).toMatch(/apt-get install --no-install-recommends (postgresql )?chromium\n/);
    expect(result.stderr).toContain('this user is not root and has no sudo');
    expect(result.stderr).toContain('XFORM_SKIP_SYSTEM_PACKAGES=1 npm test');
    expect(result.stderr + result.stdout).not.toContain('command not found');
    // Nothing long (pnpm, npm, apt-get) was started.
    expect(result.stdout).not.toContain('installing');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('with XFORM_SKIP_SYSTEM_PACKAGES=1 goes on without them', () => {
    const result = runSetup(['--with-browser'], { XFORM_SKIP_SYSTEM_PACKAGES: '1' });
    expect(result.stderr).not.toContain('Debian packages');
    expect(result.stderr).not.toContain('no sudo');
    // The next step (pnpm) needs npm, which this PATH lacks on purpose: reaching it is enough.
    expect(result.stdout).toContain('installing pnpm 10 with npm');
  });
});
