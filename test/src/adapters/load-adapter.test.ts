/** Loading adapters by the profile's type, as the CLI does: the installed packages, and a missing one. */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadAdapter, type TargetConfig } from '@xform/core';
import { describe, expect, it } from 'vitest';

/** The test package's folder: its node_modules holds the workspace adapters, as a user project's would. */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('loadAdapter', () => {
  it('loads @xform/adapter-duckdb for a duckdb target and runs a query', async () => {
    const target: TargetConfig = { type: 'duckdb', name: 'dev', schema: 'main', threads: 2, path: ':memory:' };
    const adapter = await loadAdapter(target, { projectRoot });
    try {
      expect(adapter.type).toBe('duckdb');
      expect((await adapter.withConnection((c) => c.execute('select 40 + 2 as answer'))).rows).toEqual([{ answer: 42 }]);
    } finally {
      await adapter.close();
    }
  });

  it('loads @xform/adapter-postgres without connecting', async () => {
    const target: TargetConfig = {
      type: 'postgres', name: 'dev', schema: 'public', threads: 2, host: '127.0.0.1', port: 1, user: 'u', dbname: 'd',
    };
    const adapter = await loadAdapter(target, { projectRoot });
    expect(adapter.type).toBe('postgres');
    expect(adapter.capabilities.merge).toBe(true);
    await adapter.close();
  });

  it('says how to install an adapter that is not installed', async () => {
    // A type no workspace package provides (snowflake/bigquery adapters may be added to the workspace).
    const target = { type: 'clickhouse', name: 'prod', schema: 'analytics', threads: 4 } as unknown as TargetConfig;
    const err = await loadAdapter(target, { projectRoot }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'XFORM_ADAPTER_NOT_INSTALLED',
      message: 'the clickhouse adapter is not installed: npm install @xform/adapter-clickhouse',
    });
  });
});
