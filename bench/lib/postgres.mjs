/**
 * One throw-away PostgreSQL server per benchmark run (test/src/postgres-server.ts), started when a suite
 * first needs it and stopped by the runner at the end. The password never leaves this process except
 * through the environment of the processes it starts.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { importTs } from './load-ts.mjs';

let starting;

export function sharedPostgres() {
  starting ??= importTs('test/src/postgres-server.ts').then(async (mod) => {
    const server = await mod.startPostgres({ database: 'xform_bench' });
    return {
      ...server,
      bin: mod.findPostgresBinaries(),
      /** profiles.yml for this server; xform reads the password from XFORM_BENCH_PG_PASSWORD, never a file. */
      profile: (name, { threads = 8 } = {}) =>
        mod.postgresProfile(server, { profile: name, schema: 'public', threads, passwordEnv: 'XFORM_BENCH_PG_PASSWORD' }),
    };
  });
  return starting;
}

export async function stopSharedPostgres() {
  if (!starting) return;
  const server = await starting.catch(() => undefined);
  starting = undefined;
  await server?.stop();
}

/** Runs psql with `args` against the server; resolves with stdout, rejects with stderr on failure. */
export async function psql(server, args) {
  const child = spawn(path.join(server.bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', server.database, ...args], {
    env: { ...process.env, PGPASSWORD: server.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`psql ${args.join(' ')} failed: ${stderr}`);
  return stdout;
}
