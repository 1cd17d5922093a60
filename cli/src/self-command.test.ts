import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { selfCommand, shellWord } from './self-command.js';

const root = mkdtempSync(path.join(tmpdir(), 'xform-self-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A program file, and a bin folder whose `xform` links to it (as npm installs a bin). */
function installed(name: string): { program: string; bin: string } {
  const program = path.join(root, name, 'pkg', 'dist', 'xform.js');
  mkdirSync(path.dirname(program), { recursive: true });
  writeFileSync(program, '');
  const bin = path.join(root, name, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(program, path.join(bin, 'xform'));
  return { program, bin };
}

describe('selfCommand', () => {
  it('names `xform` when that command on PATH is this program', () => {
    const { program, bin } = installed('global');
    expect(selfCommand({ program: path.join(bin, 'xform'), env: { PATH: ['/usr/bin', bin].join(path.delimiter) } })).toBe('xform');
    expect(selfCommand({ program, env: { PATH: bin } })).toBe('xform');
  });

  it('names `npx xform` when only npx put the program on PATH', () => {
    const { program, bin } = installed('local');
    expect(selfCommand({ program, env: { PATH: bin, npm_command: 'exec' } })).toBe('npx xform');
  });

  it('names `node <program>` when `xform` on PATH is missing or another program', () => {
    const { bin } = installed('other');
    const program = path.join(root, 'work tree', 'cli', 'bin', 'xform.js');
    mkdirSync(path.dirname(program), { recursive: true });
    writeFileSync(program, '');
    expect(selfCommand({ program, env: { PATH: bin, npm_command: 'exec' } })).toBe(`node '${program}'`);
    expect(selfCommand({ program, env: {} })).toBe(`node '${program}'`);
  });

  it('quotes only what the shell would split or expand', () => {
    expect(shellWord('/srv/xform/cli/bin/xform.js')).toBe('/srv/xform/cli/bin/xform.js');
    expect(shellWord("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });
});
