/** How the CLI behaves as a citizen of the shell: errors located once, a closed pipe is not a crash. */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, XFORM_BIN } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

describe('CLI output', () => {
  it('names a malformed seed\'s file and line once', async () => {
    const root = await writeProject({ 'seeds/x.csv': 'a,b\n1,2\n3,4,5\n' });
    roots.push(root);
    const result = await runXform(['seed'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('seeds/x.csv:3: expected 2 fields like the header, found 3');
    expect(result.stdout).not.toContain('seeds/x.csv:3: seeds/x.csv:3:');
  });

  it('finishes the run quietly when the reader of its output goes away (xform build | head -1)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`models/m${i}.sql`] = `select ${i} as id`;
    const root = await writeProject(files);
    roots.push(root);
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [XFORM_BIN, 'run', '--threads', '1'], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Like `head -1`: read the first chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c ?? -1, stderr }));
    });
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
    // Every model was still built.
    const ls = await runXform(['run', '--threads', '1'], { cwd: root });
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('Done: 30 ok');
  });
});
