import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../project/types.js';
import { loadAdapter, loadDialect, registerBuiltInAdapters, registerBuiltInDialects } from './load-adapter.js';

/** A throw-away project with fake adapter packages in its node_modules. */
let root: string;

function fakePackage(name: string, source: string, dialect?: string): void {
  const dir = join(root, 'node_modules', '@xform', `adapter-${name}`);
  mkdirSync(dir, { recursive: true });
  const exports = { '.': { default: './index.js' }, ...(dialect === undefined ? {} : { './dialect': { default: './dialect.js' } }) };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@xform/adapter-${name}`, type: 'module', exports }));
  writeFileSync(join(dir, 'index.js'), source);
  if (dialect !== undefined) writeFileSync(join(dir, 'dialect.js'), dialect);
}

function target(type: string): TargetConfig {
  return { type, name: 'dev', schema: 'main', threads: 1 } as unknown as TargetConfig;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'xform-load-adapter-'));
  fakePackage(
    'fake',
    `export async function createAdapter(target, options) { return { type: 'fake', target, options }; }`,
    `export function createDialect() { return { name: 'package-dialect' }; }`,
  );
  fakePackage('broken', `import 'xform-no-such-dependency';\nexport async function createAdapter() {}`);
  fakePackage('nofactory', `export const nothing = 1;`);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadAdapter', () => {
  it("imports @xform/adapter-<type> from the project and calls its createAdapter", async () => {
    const adapter = (await loadAdapter(target('fake'), { projectRoot: root, threads: 3 })) as unknown as {
      type: string;
      options: { threads: number };
    };
    expect(adapter.type).toBe('fake');
    expect(adapter.options.threads).toBe(3);
  });

  it('tells how to install a missing adapter', async () => {
    const err = await loadAdapter(target('postgresx'), { projectRoot: root }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'XFORM_ADAPTER_NOT_INSTALLED',
      message: 'the postgresx adapter is not installed: npm install @xform/adapter-postgresx',
    });
  });

  it("reports a broken adapter's own missing dependency as a load failure, with its cause", async () => {
    const err = (await loadAdapter(target('broken'), { projectRoot: root }).catch((e: unknown) => e)) as {
      code: string;
      message: string;
      cause: { code: string };
    };
    expect(err.code).toBe('XFORM_ADAPTER_LOAD_FAILED');
    expect(err.message).toContain('xform-no-such-dependency');
    expect(err.cause.code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('rejects a package without createAdapter', async () => {
    const err = await loadAdapter(target('nofactory'), { projectRoot: root }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XFORM_ADAPTER_INVALID' });
  });

  it('uses an adapter the program registered when no package of that name is installed (the packed CLI)', async () => {
    registerBuiltInAdapters({
      shipped: async () => ({
        createAdapter: async () => ({ type: 'shipped-adapter' }),
        createDialect: () => ({ name: 'shipped-dialect' }),
      }),
    });
    expect(await loadAdapter(target('shipped'), { projectRoot: root })).toEqual({ type: 'shipped-adapter' });
    expect(await loadDialect('shipped', { projectRoot: root })).toEqual({ name: 'shipped-dialect' });
  });

  it("prefers the project's own adapter package to a registered one", async () => {
    registerBuiltInAdapters({ fake: async () => ({ createAdapter: async () => ({ type: 'registered' }) }) });
    expect(await loadAdapter(target('fake'), { projectRoot: root })).toMatchObject({ type: 'fake' });
  });

  it('loads its own copy when the package found is the one the program carries (the workspace bundle), not a copy with another core', async () => {
    const carried = realpathSync(join(root, 'node_modules', '@xform', 'adapter-fake'));
    const elsewhere = realpathSync(join(root, 'node_modules', '@xform', 'adapter-nofactory'));
    const adapter = async () => ({ createAdapter: async () => ({ type: 'carried' }), createDialect: () => ({ name: 'carried-adapter-dialect' }) });
    registerBuiltInAdapters({ fake: adapter }, { fake: carried });
    expect(await loadAdapter(target('fake'), { projectRoot: root })).toEqual({ type: 'carried' });
    // With only the whole adapter carried, its dialect comes from that copy too; then from the dialect carried.
    expect(await loadDialect('fake', { projectRoot: root })).toEqual({ name: 'carried-adapter-dialect' });
    registerBuiltInDialects({ fake: async () => ({ createDialect: () => ({ name: 'carried-dialect' }) }) }, { fake: carried });
    expect(await loadDialect('fake', { projectRoot: root })).toEqual({ name: 'carried-dialect' });
    // A package of that name from another folder is the project's own: it still wins.
    registerBuiltInAdapters({ fake: adapter }, { fake: elsewhere });
    expect(await loadAdapter(target('fake'), { projectRoot: root })).toMatchObject({ type: 'fake' });
  });
});
