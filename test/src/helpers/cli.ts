/** Runs the real `xform` CLI (the built cli/bin/xform.js) as a user would, capturing what it prints. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const XFORM_BIN = fileURLToPath(new URL('../../../cli/bin/xform.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runXform(args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number; uid?: number; gid?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XFORM_BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      uid: options.uid,
      gid: options.gid,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
