/**
 * What a command prints comes from xform: no warning of a library it loads (the AWS SDK under snowflake-sdk
 * warns about Node < 22 in 9 lines) reaches the screen. Each adapter's project, as `xform init` writes it, is
 * compiled (which loads the adapter) and checked with `xform debug` where that fails fast without a network.
 */
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject } from '../helpers/project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

/** A local port nothing listens on: a connection to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Lines of stderr that xform did not write: Node's `(node:123) Warning: ...` and what follows it. */
function foreignNoise(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^\(node:\d+\)|Warning|AWS SDK|--trace-warnings/.test(line));
}

async function initProject(adapter: string): Promise<string> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'xform-noise-'));
  roots.push(cwd);
  const init = await runXform(['init', 'p', '--adapter', adapter, '--name', 'shop', '--no-build'], { cwd });
  expect(init.code, init.stderr).toBe(0);
  expect(init.stderr).toBe('');
  return path.join(cwd, 'p');
}

describe('no third-party warnings in normal output', () => {
  const cases: { adapter: string; env: () => Promise<Record<string, string>>; debug: RegExp | undefined }[] = [
    { adapter: 'duckdb', env: async () => ({}), debug: /Connection OK/ },
    {
      adapter: 'postgres',
      env: async () => ({ XFORM_PG_HOST: '127.0.0.1', XFORM_PG_PORT: String(await closedPort()), XFORM_PG_USER: 'me', XFORM_PG_PASSWORD: 'pw', XFORM_PG_DBNAME: 'shop' }),
      debug: /\[XFORM_CONNECTION_FAILED\]/,
    },
    // debug would go to Google over the network: compile only.
    { adapter: 'bigquery', env: async () => ({ XFORM_BQ_PROJECT: 'my-gcp-project' }), debug: undefined },
    {
      adapter: 'snowflake',
      // A key file that does not exist: debug loads the SDK and stops before the network.
      env: async () => ({ XFORM_SF_ACCOUNT: 'xy12345', XFORM_SF_USER: 'me', XFORM_SF_PRIVATE_KEY_PATH: '/nonexistent/rsa.p8', XFORM_SF_DATABASE: 'SHOP' }),
      debug: /the private key file \/nonexistent\/rsa\.p8 cannot be read/,
    },
  ];
  for (const { adapter, env, debug } of cases) {
    it(`${adapter}: compile and debug print only xform's own lines`, async () => {
      const root = await initProject(adapter);
      // As unset (whatever the environment running the tests has): xform itself must keep the SDK quiet.
      const vars = { ...(await env()), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' };
      const compile = await runXform(['compile'], { cwd: root, env: vars });
      expect(compile.code, compile.stderr).toBe(0);
      expect(compile.stdout).toMatch(/^Compiled \d+ models/);
      expect(compile.stderr).toBe('');
      if (debug === undefined) return;
      const check = await runXform(['debug'], { cwd: root, env: vars });
      expect(check.stdout + check.stderr).toMatch(debug);
      expect(foreignNoise(check.stderr), check.stderr).toEqual([]);
    });
  }
});
