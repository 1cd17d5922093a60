/**
 * Secrets through the real CLI: what target/ keeps of environment values (partial parsing), secret
 * environment variables (`XFORM_ENV_SECRET_*`, dbt's `DBT_ENV_SECRET_*`) allowed in profiles.yml only and
 * never printed or written, and `docs serve` on an address other machines can reach.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform, XFORM_BIN } from '../helpers/cli.js';
import { removeProject, writeProject, type ProjectFiles } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function project(files: ProjectFiles): Promise<string> {
  const root = await writeProject({ 'xform_project.yml': 'name: shop\nversion: "1.0"\n', ...files });
  roots.push(root);
  return root;
}

/** Every file under `dir` as text, with its path. */
async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.duckdb')) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ file, text: (await readFile(file)).toString('latin1') });
  }
  return out;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('partial parsing keeps no plain hash of environment values', () => {
  it('stores HMACs under a 0600 per-project key, never sha256(value), and a changed value still recompiles', async () => {
    const password = 'correct-horse-battery-staple';
    const root = await project({
      'profiles.yml': [
        'shop:',
        '  target: dev',
        '  outputs:',
        '    dev:',
        '      type: postgres',
        '      host: 127.0.0.1',
        '      user: xform',
        "      password: \"{{ env_var('SHOP_PG_PASSWORD') }}\"",
        '      dbname: shop',
        '      schema: analytics',
        '',
      ].join('\n'),
      'models/a.sql': "select '{{ env_var('SHOP_REGION') }}' as region",
    });
    const first = await runXform(['compile'], { cwd: root, env: { SHOP_PG_PASSWORD: password, SHOP_REGION: 'emea-1' } });
    expect(first.code, first.stderr).toBe(0);
    const target = path.join(root, 'target');
    const files = await filesUnder(target);
    expect(files.map((f) => path.basename(f.file))).toEqual(expect.arrayContaining(['partial_parse.json', 'partial_parse_renders.json']));
    for (const { file, text } of files) {
      expect(text, file).not.toContain(sha256(password));
      expect(text, file).not.toContain(sha256('emea-1'));
      expect(text, file).not.toContain(password);
    }
    expect((await stat(path.join(target, 'partial_parse.key'))).mode & 0o777).toBe(0o600);

    const compiled = path.join(target, 'compiled', 'models', 'a.sql');
    expect(await readFile(compiled, 'utf8')).toContain("'emea-1'");
    const changed = await runXform(['compile'], { cwd: root, env: { SHOP_PG_PASSWORD: password, SHOP_REGION: 'apac-2' } });
    expect(changed.code, changed.stderr).toBe(0);
    expect(await readFile(compiled, 'utf8')).toContain("'apac-2'");
  });
});

describe('secret environment variables', () => {
  const server = withPostgres();

  it('XFORM_ENV_SECRET_ in profiles.yml: the build connects, and the value is in no output and no file under target/', async () => {
    const pg = server();
    const root = await project({
      'profiles.yml': postgresProfile(pg, { schema: 'secret_ok', passwordEnv: 'XFORM_ENV_SECRET_PG_PASSWORD' }),
      'models/orders.sql': 'select 1 as id',
    });
    const env = { XFORM_ENV_SECRET_PG_PASSWORD: pg.password };
    for (const args of [['build'], ['compile'], ['debug'], ['build', '--log-format', 'json']]) {
      const result = await runXform(args, { cwd: root, env });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(pg.password);
    }
    for (const { file, text } of await filesUnder(path.join(root, 'target'))) {
      expect(text, file).not.toContain(pg.password);
      expect(text, file).not.toContain(sha256(pg.password));
    }
  });

  it.each(['XFORM_ENV_SECRET_API_TOKEN', 'DBT_ENV_SECRET_API_TOKEN'])('%s read in a model is an error at its line, and its value is written nowhere', async (name) => {
    const token = 'tok-9f8e7d6c5b4a';
    const root = await project({ 'models/calls.sql': `select 1 as id,\n  '{{ env_var("${name}") }}' as token\n` });
    const result = await runXform(['compile'], { cwd: root, env: { [name]: token } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`models/calls.sql:2:`);
    expect(result.stderr).toContain(`[XFORM_SECRET_ENV_VAR_NOT_ALLOWED] secret environment variable '${name}' can be used only in profiles.yml`);
    expect(result.stdout + result.stderr).not.toContain(token);
    const target = path.join(root, 'target');
    for (const { file, text } of await filesUnder(target).catch(() => [])) expect(text, file).not.toContain(token);
  });

  it('a secret value that shows up in a message is printed as *****', async () => {
    // A warehouse error quoting a connection setting is the real case; a model named like the value shows it.
    const root = await project({ 'models/zebra_crossing.sql': 'select 1 as id' });
    const result = await runXform(['run'], { cwd: root, env: { XFORM_ENV_SECRET_SAMPLE: 'zebra_crossing' } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('main.*****');
    expect(result.stdout).not.toContain('zebra_crossing');
    expect(await readFile(path.join(root, 'target', 'run_results.json'), 'utf8')).not.toContain('zebra_crossing');
  });
});

/** Starts `xform docs serve` and returns what it printed once it serves (plus a moment for the warning). */
function serveOutput(cwd: string, host: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [XFORM_BIN, 'docs', 'serve', '--port', '0', '--host', host], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', XFORM_PROFILES_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('Serving')) setTimeout(() => child.kill('SIGTERM'), 300);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}

describe('xform docs serve', () => {
  it('warns that the site is reachable from other machines when bound to 0.0.0.0, and not on loopback', async () => {
    const root = await project({ 'models/a.sql': 'select 1 as id' });
    const generated = await runXform(['docs', 'generate', '--no-catalog'], { cwd: root });
    expect(generated.code, generated.stderr).toBe(0);

    const open = await serveOutput(root, '0.0.0.0');
    expect(open.stdout).toContain('Serving the docs site at http://0.0.0.0:');
    expect(open.stderr).toContain('warning --host 0.0.0.0 is not a loopback address');
    expect(open.stderr).toContain('reachable from other machines');

    const local = await serveOutput(root, '127.0.0.1');
    expect(local.stdout).toContain('Serving the docs site at http://127.0.0.1:');
    expect(local.stderr).not.toContain('warning');
  });
});
