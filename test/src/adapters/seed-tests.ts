/**
 * Native seed loading (read_csv on DuckDB, COPY on PostgreSQL) with awkward CSV: quotes, delimiters and
 * line breaks inside quotes, NULLs, unicode, a header-only file, a malformed file, and 100k rows.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeedColumn } from '@xform/core';
import type { SuiteContext } from './adapter-suite.js';

const TRICKY = [
  'id,name,amount,day,note',
  '1,"Smith, John",1.5,2024-01-02,plain',
  '2,"two\nlines ""quoted""",,2024-01-03,',
  '3,,2,,"#not a comment"',
  '4,"",3,2024-01-05,"semi;colon"',
  '5,Zoë 🚀 日本,4,2024-01-06,\'single\'',
  '',
].join('\n');

export function defineSeedTests(ctx: SuiteContext): void {
  /** Creates the table with the given columns and loads `csv` into it natively. */
  async function load(label: string, csv: string, columns: SeedColumn[], delimiter = ',') {
    const adapter = ctx.adapter();
    const schema = await ctx.schema(label);
    const relation = { schema, identifier: label };
    const file = join(ctx.dir(), `${label}.csv`);
    writeFileSync(file, csv);
    return adapter.withConnection(async (c) => {
      await c.execute(adapter.dialect.createTable(relation, columns));
      const loaded = await adapter.loadSeed(c, { file, relation, columns, delimiter });
      const rows = (await c.execute(`select * from ${adapter.dialect.relationName(relation)} order by 1`)).rows;
      return { loaded, rows, file };
    });
  }

  function columnsOf(names: string[], kinds: ('integer' | 'bigint' | 'double' | 'date' | 'text')[]): SeedColumn[] {
    const d = ctx.adapter().dialect;
    return names.map((name, i) => ({ name, dataType: kinds[i] === 'text' ? d.stringType : d.seedType(kinds[i]!) }));
  }

  describe('seeds', () => {
    it('loads quotes, delimiters and line breaks inside quotes, NULLs and unicode', async () => {
      const columns = columnsOf(['id', 'name', 'amount', 'day', 'note'], ['integer', 'text', 'double', 'date', 'text']);
      const { loaded, rows } = await load('tricky', TRICKY, columns);
      expect(loaded).toBe(5);
      expect(rows).toEqual([
        { id: 1, name: 'Smith, John', amount: 1.5, day: '2024-01-02', note: 'plain' },
        { id: 2, name: 'two\nlines "quoted"', amount: null, day: '2024-01-03', note: null },
        { id: 3, name: null, amount: 2, day: null, note: '#not a comment' },
        { id: 4, name: '', amount: 3, day: '2024-01-05', note: 'semi;colon' },
        { id: 5, name: 'Zoë 🚀 日本', amount: 4, day: '2024-01-06', note: "'single'" },
      ]);
    });

    it('infers column types with the warehouse reader where it has one', async () => {
      const adapter = ctx.adapter();
      if (!adapter.inferSeedTypes) return;
      const file = join(ctx.dir(), 'infer.csv');
      writeFileSync(file, TRICKY);
      const inferred = await adapter.inferSeedTypes(file, ',');
      expect(inferred?.map((c) => c.name)).toEqual(['id', 'name', 'amount', 'day', 'note']);
      const types = inferred!.map((c) => c.dataType.toLowerCase());
      expect(types[0]).toMatch(/int/u);
      expect(types[2]).toMatch(/double|float|decimal|numeric/u);
      expect(types[3]).toBe('date');
    });

    it('loads a file with another delimiter', async () => {
      const columns = columnsOf(['id', 'name'], ['integer', 'text']);
      const { rows } = await load('semicolon', 'id;name\n1;"a;b"\n2;c,d\n', columns, ';');
      expect(rows).toEqual([
        { id: 1, name: 'a;b' },
        { id: 2, name: 'c,d' },
      ]);
    });

    it('loads a header-only file as an empty table', async () => {
      const columns = columnsOf(['id', 'name'], ['integer', 'text']);
      const { loaded, rows } = await load('header_only', 'id,name\n', columns);
      expect(loaded).toBe(0);
      expect(rows).toEqual([]);
    });

    it('reports a malformed file with the line the database found', async () => {
      const columns = columnsOf(['id', 'name'], ['integer', 'text']);
      const err = await load('malformed', 'id,name\n1,a\n2,b,extra\n3,c\n', columns).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: expect.stringMatching(/^XFORM_/u) });
      expect((err as Error).message).toMatch(/line 3/iu);
    });

    it('loads 100k rows', async () => {
      const lines = ['id,name,amount'];
      for (let i = 1; i <= 100_000; i++) lines.push(`${i},"name ${i}, with comma",${i / 4}`);
      const columns = columnsOf(['id', 'name', 'amount'], ['bigint', 'text', 'double']);
      const adapter = ctx.adapter();
      const schema = await ctx.schema('big');
      const relation = { schema, identifier: 'big' };
      const file = join(ctx.dir(), 'big.csv');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const result = await adapter.withConnection(async (c) => {
        await c.execute(adapter.dialect.createTable(relation, columns));
        const loaded = await adapter.loadSeed(c, { file, relation, columns, delimiter: ',' });
        const check = await c.execute(`select count(*) as n, sum(id) as total, max(amount) as top from ${adapter.dialect.relationName(relation)}`);
        return { loaded, check: check.rows[0] };
      });
      expect(result.loaded).toBe(100_000);
      expect(result.check).toEqual({ n: 100_000, total: 5_000_050_000, top: 25_000 });
    });
  });
}
