/**
 * Seeds: CSV edge cases (quotes, delimiters inside fields, NULLs, unicode, line breaks), type inference and
 * overrides, atomic reload, malformed files, and a 1M-row load.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ConformanceContext } from './suite.js';
import { query, rejection, relationNames, relationOf, rowsOf, runSeed, seedNode } from './helpers.js';

async function writeSeed(ctx: ConformanceContext, name: string, text: string): Promise<string> {
  const rel = `seeds/${name}.csv`;
  await mkdir(path.join(ctx.tmpDir(), 'seeds'), { recursive: true });
  await writeFile(path.join(ctx.tmpDir(), rel), text);
  return rel;
}

const dateText = (v: unknown) => (v === null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

export function defineSeedTests(ctx: ConformanceContext): void {
  describe('seeds', () => {
    it('loads quotes, commas, NULLs, unicode and line breaks with inferred types, and reloads atomically', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('seed');
      const file = await writeSeed(
        ctx,
        'people',
        [
          'id,name,quote,note,born,active,score',
          '1,"Smith, John","He said ""hi""",ünïcödé ☃ 日本,2024-01-31,true,1.5',
          '2,,plain,"two',
          'lines",,false,',
          '3,O\'Brien,,,1999-12-31,,-2',
        ].join('\n') + '\n',
      );
      const node = seedNode(schema, 'people', file);
      const result = await runSeed(adapter, node, ctx.tmpDir());
      expect(result).toMatchObject({ status: 'success', rowsAffected: 3, message: 'INSERT 3' });
      const rows = await rowsOf(adapter, relationOf(node), ['id']);
      expect(rows.map((r) => ({ ...r, born: dateText(r.born), score: r.score === null ? null : Number(r.score) }))).toEqual([
        { id: 1, name: 'Smith, John', quote: 'He said "hi"', note: 'ünïcödé ☃ 日本', born: '2024-01-31', active: true, score: 1.5 },
        { id: 2, name: null, quote: 'plain', note: 'two\nlines', born: null, active: false, score: null },
        { id: 3, name: "O'Brien", quote: null, note: null, born: '1999-12-31', active: null, score: -2 },
      ]);
      const types = Object.fromEntries((await adapter.catalog.getColumns(relationOf(node))).map((c) => [c.name, c.dataType.toLowerCase()]));
      expect(types.id).toMatch(/int/);
      expect(types.born).toMatch(/date/);
      expect(types.active).toMatch(/bool/);
      expect(types.score).toMatch(/double|float|real|numeric|decimal/);

      await writeSeed(ctx, 'people', 'id,name\n10,new\n');
      expect((await runSeed(adapter, node, ctx.tmpDir())).rowsAffected).toBe(1);
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 10, name: 'new' }]);
      expect(await relationNames(adapter, schema)).toEqual(['people']);
    });

    it('applies column_types overrides and rejects one naming no column', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('seedtypes');
      const file = await writeSeed(ctx, 'codes', 'zip,amount\n00501,3\n10001,4\n');
      const node = seedNode(schema, 'codes', file, { column_types: { ZIP: adapter.dialect.stringType } });
      await runSeed(adapter, node, ctx.tmpDir());
      expect(await rowsOf(adapter, relationOf(node), ['zip'])).toEqual([{ zip: '00501', amount: 3 }, { zip: '10001', amount: 4 }]);
      const err = await rejection(runSeed(adapter, seedNode(schema, 'codes', file, { column_types: { zpi: 'text' } }), ctx.tmpDir()));
      expect(err).toMatchObject({ code: 'XFORM_SEED_COLUMN_UNKNOWN', location: { file: 'seeds/codes.csv' }, hint: "did you mean 'zip'?" });
    });

    it('rejects a malformed CSV with the file and line, keeping the loaded table', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('seedbad');
      const file = await writeSeed(ctx, 'bad', 'id,name\n1,a\n');
      const node = seedNode(schema, 'bad', file);
      await runSeed(adapter, node, ctx.tmpDir());
      await writeSeed(ctx, 'bad', 'id,name\n1,a\n2,b,surplus\n3,c\n');
      const err = await rejection(runSeed(adapter, node, ctx.tmpDir()));
      expect(err).toMatchObject({ code: 'XFORM_SEED_MALFORMED', location: { file: 'seeds/bad.csv', line: 3 } });
      await writeSeed(ctx, 'bad', 'id,name\n1,a\n2,"unclosed\n3,c\n');
      expect(await rejection(runSeed(adapter, node, ctx.tmpDir()))).toMatchObject({
        code: 'XFORM_SEED_MALFORMED',
        location: { file: 'seeds/bad.csv', line: 3 },
      });
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, name: 'a' }]);
      expect(await relationNames(adapter, schema)).toEqual(['bad']);
    });

    it('types a large seed by the whole file, though its first megabyte suggests other types', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('seedlate');
      const lines = ['id,code,n,flag'];
      const rows = 100_000;
      for (let i = 1; i <= rows; i++) lines.push(`${i},${i === 1 ? '00501' : i === rows ? 'x12' : i},${i === rows - 1 ? 3_000_000_000 : i},${i === rows ? 'true' : ''}`);
      const file = await writeSeed(ctx, 'late', lines.join('\n') + '\n');
      expect(lines.join('\n').length).toBeGreaterThan(1.5 * 2 ** 20);
      const node = seedNode(schema, 'late', file);
      expect(await runSeed(adapter, node, ctx.tmpDir())).toMatchObject({ status: 'success', rowsAffected: rows });
      const types = Object.fromEntries((await adapter.catalog.getColumns(relationOf(node))).map((c) => [c.name, c.dataType.toLowerCase()]));
      expect(types).toMatchObject({ id: expect.stringMatching(/int/), code: expect.stringMatching(/text|char|string/), n: expect.stringMatching(/bigint|int8|int64/), flag: expect.stringMatching(/bool/) });
      const name = adapter.dialect.relationName(relationOf(node));
      const ends = await query(adapter, `select id, code, n, flag from ${name} where id in (1, ${rows - 1}, ${rows}) order by id`);
      expect(ends.map((r) => ({ ...r, id: Number(r.id), n: Number(r.n) }))).toEqual([
        { id: 1, code: '00501', n: 1, flag: null },
        { id: rows - 1, code: String(rows - 1), n: 3_000_000_000, flag: null },
        { id: rows, code: 'x12', n: rows, flag: true },
      ]);
      expect(await relationNames(adapter, schema)).toEqual(['late']);
    }, 60_000);

    it('rejects a large seed malformed past its first megabyte with the line, keeping the loaded table', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('seedlatebad');
      const file = await writeSeed(ctx, 'latebad', 'id,name\n1,a\n');
      const node = seedNode(schema, 'latebad', file);
      await runSeed(adapter, node, ctx.tmpDir());
      const lines = ['id,name', ...Array.from({ length: 80_000 }, (_, i) => `${i + 1},name ${i + 1}`)];
      lines[70_000] = '70000,"name ""70000"" with a stray " quote"';
      await writeSeed(ctx, 'latebad', lines.join('\n') + '\n');
      const err = await rejection(runSeed(adapter, node, ctx.tmpDir()));
      expect(err).toMatchObject({ code: 'XFORM_SEED_MALFORMED', location: { file: 'seeds/latebad.csv', line: 70_001 } });
      expect(await rowsOf(adapter, relationOf(node), ['id'])).toEqual([{ id: 1, name: 'a' }]);
      expect(await relationNames(adapter, schema)).toEqual(['latebad']);
    }, 60_000);

    it('loads a 1,000,000-row seed in seconds', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('seedbig');
      await mkdir(path.join(ctx.tmpDir(), 'seeds'), { recursive: true });
      const rel = 'seeds/big.csv';
      const out = createWriteStream(path.join(ctx.tmpDir(), rel));
      out.write('id,amount,label,day\n');
      const chunk: string[] = [];
      for (let i = 1; i <= 1_000_000; i++) {
        chunk.push(`${i},${(i % 1000) / 4},"label ${i % 97}, x",2024-01-${String((i % 28) + 1).padStart(2, '0')}\n`);
        if (chunk.length === 10_000) {
          if (!out.write(chunk.join(''))) await once(out, 'drain');
          chunk.length = 0;
        }
      }
      out.end();
      await once(out, 'finish');
      const node = seedNode(schema, 'big', rel);
      const started = Date.now();
      const result = await runSeed(adapter, node, ctx.tmpDir());
      const seconds = (Date.now() - started) / 1000;
      expect(result.rowsAffected).toBe(1_000_000);
      const [{ n, total }] = (await query(
        adapter,
        `select count(*) as n, sum(id) as total from ${adapter.dialect.relationName(relationOf(node))}`,
      )) as [{ n: unknown; total: unknown }];
      expect(Number(n)).toBe(1_000_000);
      expect(Number(total)).toBe(500_000_500_000);
      expect(seconds).toBeLessThan(30);
    }, 120_000);
  });
}
