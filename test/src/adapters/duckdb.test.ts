/** The adapter suite on DuckDB, in memory and in a file, plus DuckDB-only behaviour. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter } from '@xform/adapter-duckdb';
import type { DuckDBTargetConfig } from '@xform/core';
import { describe, expect, it } from 'vitest';
import { defineAdapterSuite } from './adapter-suite.js';

/** Runs for minutes unless interrupted: a cross join too big to finish. */
const LONG_QUERY = 'select count(*) from range(1000000000) a, range(1000000) b where a.range + b.range = -1';

function target(path: string, extra: Partial<DuckDBTargetConfig> = {}): DuckDBTargetConfig {
  return { type: 'duckdb', name: 'test', schema: 'main', threads: 4, path, ...extra };
}

const fileRoot = mkdtempSync(join(tmpdir(), 'xform-duckdb-suite-'));

defineAdapterSuite('duckdb :memory:', () => createAdapter(target(':memory:'), { projectRoot: fileRoot }), {
  param: () => '?',
  longQuery: LONG_QUERY,
});

defineAdapterSuite('duckdb file', () => createAdapter(target('data/nested/suite.duckdb'), { projectRoot: fileRoot }), {
  param: () => '?',
  longQuery: LONG_QUERY,
  teardown: async () => {
    // Relative paths resolve against the project root, and the missing folders were created.
    expect(existsSync(join(fileRoot, 'data/nested/suite.duckdb'))).toBe(true);
    rmSync(fileRoot, { recursive: true, force: true });
  },
});

describe('duckdb adapter', () => {
  it('keeps data in the file across adapters and applies settings to every connection', async () => {
    const root = mkdtempSync(join(tmpdir(), 'xform-duckdb-'));
    try {
      const first = await createAdapter(target('db.duckdb', { settings: { threads: 2, preserve_insertion_order: false } }), {
        projectRoot: root,
      });
      await first.withConnection((c) => c.execute('create table kept as select 1 as x'));
      const settings = await Promise.all(
        [1, 2, 3].map(() =>
          first.withConnection(async (c) => {
            const r = await c.execute(`select current_setting('threads') as t, current_setting('preserve_insertion_order') as p`);
            await new Promise((resolve) => setTimeout(resolve, 20));
            return r.rows[0];
          }),
        ),
      );
      for (const s of settings) expect(s).toEqual({ t: 2, p: false });
      const info = await first.describe();
      expect(info).toMatchObject({ type: 'duckdb', path: join(root, 'db.duckdb') });
      expect(info.version).toMatch(/^v\d/u);
      await first.close();

      const second = await createAdapter(target(join(root, 'db.duckdb')), { projectRoot: '/' });
      const rows = await second.withConnection((c) => c.execute('select x from kept'));
      expect(rows.rows).toEqual([{ x: 1 }]);
      await second.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('loads an extension that is already installed', async () => {
    const adapter = await createAdapter(target(':memory:', { extensions: ['json'] }), { projectRoot: tmpdir() });
    const r = await adapter.withConnection((c) => c.execute(`select json_extract('{"a": 2}', '$.a') as a`));
    expect(String(r.rows[0]!.a)).toBe('2');
    await adapter.close();
  });

  it('rejects an unknown setting name and a database path it cannot open', async () => {
    const bad = await createAdapter(target(':memory:', { settings: { 'x; drop': 1 } }), { projectRoot: tmpdir() });
    await expect(bad.withConnection((c) => c.execute('select 1'))).rejects.toMatchObject({
      code: 'XFORM_DUCKDB_SETTING_INVALID',
    });
    await bad.close();

    const root = mkdtempSync(join(tmpdir(), 'xform-duckdb-bad-'));
    writeFileSync(join(root, 'not-a-dir'), 'x');
    const err = await createAdapter(target('not-a-dir/db.duckdb'), { projectRoot: root }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XFORM_FS_ERROR' });
    expect((err as Error).message).toContain("'not-a-dir' (");
    expect((err as Error).message).toContain('is a file, not a folder');
    rmSync(root, { recursive: true, force: true });
  });

  it('reports a malformed seed with its line and file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'xform-duckdb-seed-'));
    const adapter = await createAdapter(target(':memory:'), { projectRoot: root });
    try {
      const file = join(root, 'seeds', 'bad.csv');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(root, 'seeds'));
      writeFileSync(file, 'id,name\n1,a\n2,"unterminated\n3,c\n');
      const relation = { schema: 'main', identifier: 'bad' };
      const columns = [{ name: 'id', dataType: 'INTEGER' }, { name: 'name', dataType: 'VARCHAR' }];
      const err = await adapter.withConnection(async (c) => {
        await c.execute(adapter.dialect.createTable(relation, columns));
        return adapter.loadSeed(c, { file, relation, columns, delimiter: ',' }).catch((e: unknown) => e);
      });
      expect(err).toMatchObject({ code: 'XFORM_SEED_MALFORMED', location: { file: 'seeds/bad.csv', line: 3 } });
      expect((err as Error).message).toBe('seeds/bad.csv: CSV error on line 3: Value with unterminated quote found.');
    } finally {
      await adapter.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
