import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { scanSeedCsv, startSeedScan } from './seed-csv.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xform-seedcsv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scan(name: string, text: string, delimiter = ',') {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return scanSeedCsv(file, `seeds/${name}`, delimiter);
}

async function scanError(name: string, text: string): Promise<XformError> {
  try {
    await scan(name, text);
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('scanSeedCsv', () => {
  it('infers a type per column; empty fields do not decide it', async () => {
    const result = await scan(
      'types.csv',
      [
        'id,big,price,flag,day,at,name,empty,mixed_num,zone',
        '1,3000000000,1.5,true,2024-01-31,2024-01-31 10:00:00,"Smith, J",,1,2024-01-01T00:00:00Z',
        '2,,2,FALSE,2024-02-29,2024-02-01T10:00:00.123,"say ""hi""",,2.5,x',
        ',5,-3e2,,,2024-03-01,ünïcödé,,,',
      ].join('\n'),
    );
    expect(result.header).toEqual(['id', 'big', 'price', 'flag', 'day', 'at', 'name', 'empty', 'mixed_num', 'zone']);
    expect(result.kinds).toEqual(['integer', 'bigint', 'double', 'boolean', 'date', 'timestamp', 'text', 'text', 'double', 'text']);
    expect(result.rows).toBe(3);
  });

  it('keeps text for values that would change on load: invalid dates, padded numbers, > 64-bit integers', async () => {
    const result = await scan('text.csv', 'a,b,c\n2023-02-29, 12,123456789012345678901\n');
    expect(result.kinds).toEqual(['text', 'text', 'text']);
  });

  it('honours a delimiter, a BOM, CRLF line ends and quoted line breaks', async () => {
    const result = await scan('semi.csv', '\uFEFFa;b\r\n1;"two\r\nlines"\r\n3;x\r\n', ';');
    expect(result.header).toEqual(['a', 'b']);
    expect(result.rows).toBe(2);
    expect(result.kinds).toEqual(['integer', 'text']);
  });

  it('reports a wrong field count with the file and the line', async () => {
    const err = await scanError('count.csv', 'id,name\n1,a\n2,b\n3,c,extra\n4,d\n');
    expect(err.code).toBe('XFORM_SEED_MALFORMED');
    expect(err.location).toEqual({ file: 'seeds/count.csv', line: 4 });
    expect(err.message).toContain('seeds/count.csv:4');
    expect(err.message).toContain('expected 2 fields');
  });

  it('reports an unclosed quote at the line where the field starts', async () => {
    const err = await scanError('quote.csv', 'id,name\n1,a\n2,"never closed\n3,c\n4,d\n');
    expect(err.code).toBe('XFORM_SEED_MALFORMED');
    expect(err.location).toEqual({ file: 'seeds/quote.csv', line: 3 });
  });

  it('reports a stray quote inside an unquoted field', async () => {
    const err = await scanError('stray.csv', 'id,name\n1,a\n2,ab"c\n');
    expect(err.code).toBe('XFORM_SEED_MALFORMED');
    expect(err.location?.line).toBe(3);
  });

  it('rejects an empty file, a blank header name and duplicate columns', async () => {
    expect((await scanError('empty.csv', '')).message).toContain('empty');
    expect((await scanError('blank.csv', 'a,,c\n1,2,3\n')).message).toContain('column 2 of the header has no name');
    const dup = await scanError('dup.csv', 'id,name,ID\n1,2,3\n');
    expect(dup.message).toContain("'ID' appears twice");
    expect(dup.location?.line).toBe(1);
  });

  it('names a missing file', async () => {
    await expect(scanSeedCsv(path.join(dir, 'nope.csv'), 'seeds/nope.csv', ',')).rejects.toMatchObject({ code: 'XFORM_SEED_NOT_FOUND' });
  });

  it('streams a large file in constant memory and reasonable time', async () => {
    const file = path.join(dir, 'big.csv');
    const lines = ['id,amount,label'];
    for (let i = 0; i < 200_000; i++) lines.push(`${i},${i}.25,row ${i}`);
    await writeFile(file, lines.join('\n'));
    const started = Date.now();
    const result = await scanSeedCsv(file, 'seeds/big.csv', ',');
    expect(result.rows).toBe(200_000);
    expect(result.kinds).toEqual(['integer', 'double', 'text']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('startSeedScan', () => {
  it('guesses from the first megabyte of a larger file while the scan reads on; the scan has the last word', async () => {
    const file = path.join(dir, 'guess.csv');
    const lines = ['id,code', ...Array.from({ length: 150_000 }, (_, i) => `${i},${i}`), '150000,x'];
    await writeFile(file, lines.join('\n'));
    const scanning = startSeedScan(file, 'seeds/guess.csv', ',');
    const guess = await scanning.guess;
    expect(guess.complete).toBe(false);
    expect(guess.header).toEqual(['id', 'code']);
    expect(guess.kinds).toEqual(['integer', 'integer']);
    expect(guess.rows).toBeGreaterThan(10_000);
    expect(guess.rows).toBeLessThan(150_000);
    expect(await scanning.full).toEqual({ header: ['id', 'code'], kinds: ['integer', 'text'], rows: 150_001 });
  });

  it('gives the whole scan at once for a small file, and its error for a malformed one', async () => {
    const small = path.join(dir, 'small-guess.csv');
    await writeFile(small, 'id,code\n1,a\n');
    expect(await startSeedScan(small, 'seeds/small-guess.csv', ',').guess).toEqual({ header: ['id', 'code'], kinds: ['integer', 'text'], rows: 1, complete: true });
    const bad = path.join(dir, 'bad-guess.csv');
    await writeFile(bad, 'id,code\n1,a,b\n');
    await expect(startSeedScan(bad, 'seeds/bad-guess.csv', ',').guess).rejects.toMatchObject({ code: 'XFORM_SEED_MALFORMED', location: { line: 2 } });
  });
});

describe('scanSeedCsv on a file that is not UTF-8', () => {
  async function scanBytes(name: string, bytes: Buffer): Promise<unknown> {
    const file = path.join(dir, name);
    await writeFile(file, bytes);
    return scanSeedCsv(file, `seeds/${name}`, ',').then(
      () => undefined,
      (err: unknown) => err,
    );
  }

  it('names the line, column and byte of a Latin-1 character instead of loading U+FFFD', async () => {
    const rows = ['id,name', ...[1, 2, 3, 4, 5].map((i) => `${i},name${i}`), '6,Jos\u00e9', '7,x'];
    const err = await scanBytes('latin1.csv', Buffer.from(rows.join('\n') + '\n', 'latin1'));
    expect(isXformError(err) && err.code).toBe('XFORM_SEED_NOT_UTF8');
    const e = err as XformError;
    expect(e.message).toBe('seeds/latin1.csv:7: the file is not UTF-8: byte 0xE9 at column 6 (byte 53 of the file) is not a UTF-8 character');
    expect(e.location).toEqual({ file: 'seeds/latin1.csv', line: 7, column: 6 });
    expect(e.hint).toContain('save the file as UTF-8');
  });

  it('counts columns in characters: a valid multi-byte character before the bad byte is one column', async () => {
    const bytes = Buffer.concat([Buffer.from('id,name\n1,\u00fc', 'utf8'), Buffer.from([0xff]), Buffer.from('\n')]);
    const err = (await scanBytes('mixed.csv', bytes)) as XformError;
    expect(err.location).toEqual({ file: 'seeds/mixed.csv', line: 2, column: 4 });
  });

  it('says a UTF-16 file is UTF-16', async () => {
    const err = (await scanBytes('utf16.csv', Buffer.from('\ufeffid,name\n1,a\n', 'utf16le'))) as XformError;
    expect(err.message).toBe('seeds/utf16.csv:1: the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8');
  });

  it('accepts UTF-8 with a byte order mark', async () => {
    expect(await scanBytes('bom.csv', Buffer.from('\ufeffid,name\n1,\u00e9\n', 'utf8'))).toBeUndefined();
  });
});
