/**
 * The fast seed scan against its reference: csv-parse plus `kindsOf` (csvParseScan). Wherever the fast path
 * answers, it must answer exactly what the reference does; wherever the reference fails, the fast path must
 * hand over (undefined), so that scanSeedCsv's errors stay the reference's, byte for byte.
 * XFORM_SEED_FAST_CASES=N runs N generated files instead of 250.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isXformError } from '../errors.js';
import { checkHeader, csvParseScan, scanSeedCsv, type SeedCsvScan } from './seed-csv.js';
import { fastScanSeedCsv } from './seed-csv-fast.js';
import { kindsOf, kindsOfBytes } from './seed-kinds.js';

const SEEDS = Number(process.env.XFORM_SEED_FAST_CASES ?? 250);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'xform-seedfast-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A small deterministic generator (mulberry32), so that a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

type Rng = ReturnType<typeof random>;

const VALUE_SHAPES: ((r: Rng) => string)[] = [
  (r) => String(r.int(1000) - 500),
  (r) => `${r.pick(['', '+', '-'])}${'0'.repeat(r.int(3))}${r.int(1e9)}`,
  (r) => r.pick(['2147483647', '2147483648', '-2147483648', '-2147483649', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '123456789012345678901', '0000000000001', '4294967296']),
  (r) => `${r.int(10000) / 100}`,
  (r) => r.pick(['1e5', '1E-3', '.5', '5.', '-.5', '+1.5e+10', '1.5e', 'e5', '.', '-', '+', '1..2', '1e5.5', '0x10', 'NaN', 'Infinity']),
  (r) => r.pick(['true', 'false', 'TRUE', 'False', 'tRuE', 'yes', 't', 'f', 'truee', 'fals']),
  (r) => `${2000 + r.int(30)}-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(31)).padStart(2, '0')}`,
  (r) => r.pick(['0000-02-29', '1900-02-29', '2000-02-29', '2023-02-29', '2024-02-29', '0050-02-29', '2024-13-01', '2024-00-10', '2024-01-00', '2024-1-01', '99999-01-01', '2024-01-31 ']),
  (r) => `2024-0${1 + r.int(9)}-1${r.int(10)}${r.pick([' ', 'T'])}${String(r.int(25)).padStart(2, '0')}:${String(r.int(61)).padStart(2, '0')}${r.pick(['', ':00', ':59.5', ':07.123456789', ':07.1234567890', 'Z', '+01'])}`,
  (r) => r.pick(['hello', 'ünïcödé', 'a b', ' 12', '12 ', '١٢', 'ſalse', 'x"y', 'line\nbreak', 'cr\rhere', 'comma, inside', '"quoted"', '']),
];

function value(r: Rng): string {
  return r.next() < 0.15 ? '' : r.pick(VALUE_SHAPES)(r);
}

/** A field as a CSV writer would put it: quoted when it must be, and sometimes when it need not be. */
function field(v: string, delimiter: string, r: Rng): string {
  const must = v.includes(delimiter) || v.includes('"') || v.includes('\n') || v.includes('\r');
  return must || r.next() < 0.1 ? `"${v.replaceAll('"', '""')}"` : v;
}

function generateCsv(seed: number): { text: string; delimiter: string } {
  const r = random(seed);
  const delimiter = r.pick([',', ',', ';', '\t', '|']);
  const newline = r.pick(['\n', '\n', '\r\n']);
  const columns = 1 + r.int(5);
  // Each column draws most values from one shape, so that columns keep a kind often enough to test it.
  const shapes = Array.from({ length: columns }, () => r.pick(VALUE_SHAPES));
  const header = Array.from({ length: columns }, (_, i) => field(r.next() < 0.2 ? ` Col ${i} ` : `c${i}`, delimiter, r));
  const lines = [header.join(delimiter)];
  const rows = r.int(30);
  for (let i = 0; i < rows; i++) {
    const fields = shapes.map((shape) => (r.next() < 0.8 ? (r.next() < 0.1 ? '' : shape(r)) : value(r)));
    // A single empty field would be an empty line, which csv-parse skips: keep it, it is a case too.
    lines.push(fields.map((v) => field(v, delimiter, r)).join(delimiter));
    if (r.next() < 0.03) lines.push('');
  }
  const bom = r.next() < 0.1 ? '\uFEFF' : '';
  return { text: bom + lines.join(newline) + (r.next() < 0.7 ? newline : ''), delimiter };
}

/** Damage a well-formed CSV the ways users' files are damaged. */
function corrupt(text: string, r: Rng): Buffer {
  const at = r.int(text.length + 1);
  const bytes = Buffer.from(text, 'utf8');
  const cut = Buffer.byteLength(text.slice(0, at), 'utf8');
  const insert = (b: Buffer) => Buffer.concat([bytes.subarray(0, cut), b, bytes.subarray(cut)]);
  switch (r.int(9)) {
    case 0:
      return insert(Buffer.from('"'));
    case 1:
      return insert(Buffer.from(','));
    case 2:
      return insert(Buffer.from([0xe9]));
    case 3:
      return insert(Buffer.from('\r'));
    case 4:
      return insert(Buffer.from('\n'));
    case 5:
      return bytes.subarray(0, cut);
    case 6:
      return insert(Buffer.from(' '));
    case 7:
      return insert(Buffer.from('\n \n'));
    default:
      return insert(Buffer.from('x"y'));
  }
}

async function both(name: string, content: string | Buffer, delimiter: string, chunkBytes?: number) {
  const file = path.join(dir, name);
  await writeFile(file, content);
  const fast = await fastScanSeedCsv(file, delimiter, (record) => checkHeader(record, `seeds/${name}`), { chunkBytes });
  const reference = await outcome(csvParseScan(file, `seeds/${name}`, delimiter));
  return { fast, reference, file };
}

/** A scan's result, or its error as the user sees it. */
function outcome(scan: Promise<SeedCsvScan>): Promise<{ scan: SeedCsvScan } | { error: unknown }> {
  return scan.then(
    (result) => ({ scan: result }),
    (err: unknown) => ({ error: isXformError(err) ? { code: err.code, message: err.message, location: err.location, hint: err.hint } : String(err) }),
  );
}

describe('kindsOfBytes', () => {
  it('agrees with kindsOf on edge values and on random strings of number, date and boolean characters', () => {
    const r = random(7);
    const values = VALUE_SHAPES.flatMap((shape) => Array.from({ length: 200 }, () => shape(r))).filter((v) => v !== '');
    const alphabet = ['0', '1', '2', '9', '-', '+', '.', 'e', 'E', ':', ' ', 'T', 't', 'r', 'u', 'F', 'a', 'l', 's', 'Z', 'é'];
    for (let i = 0; i < 20_000; i++) {
      const length = 1 + r.int(20);
      values.push(Array.from({ length }, () => r.pick(alphabet)).join(''));
    }
    for (let i = 0; i < 2_000; i++) {
      values.push(`${1000 + r.int(9000)}-${String(r.int(14)).padStart(2, '0')}-${String(r.int(33)).padStart(2, '0')}`);
    }
    const disagreements = values.filter((v) => {
      const buf = Buffer.from(`,${v},`, 'utf8');
      return kindsOfBytes(buf, 1, buf.length - 1) !== kindsOf(v);
    });
    expect(disagreements).toEqual([]);
    // The values reach every kind and none.
    expect(new Set(values.map(kindsOf))).toEqual(new Set([0, 7, 6, 4, 8, 48, 32]));
  });
});

describe('fastScanSeedCsv', () => {
  it(`answers exactly what csv-parse and kindsOf answer, for ${SEEDS} generated CSVs`, async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { text, delimiter } = generateCsv(seed);
      // Small chunks put a chunk's end inside every kind of token: a quoted field, a CR LF, the BOM.
      const { fast, reference } = await both(`gen-${seed}.csv`, text, delimiter, seed % 2 === 0 ? 1 + (seed % 61) : undefined);
      expect({ seed, reference }).toMatchObject({ seed, reference: { scan: expect.anything() } });
      // The generator writes only well-formed CSV with one line ending: the fast path must decide all of it.
      expect({ seed, fast }).toEqual({ seed, fast: (reference as { scan: unknown }).scan });
    }
  });

  it('hands every damaged file it cannot decide to csv-parse, and never disagrees with it', async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { text, delimiter } = generateCsv(seed);
      const damaged = corrupt(text, random(seed * 31));
      const { fast, reference, file } = await both(`bad-${seed}.csv`, damaged, delimiter, seed % 2 === 0 ? 1 + (seed % 61) : undefined);
      if ('error' in reference) expect({ seed, fast }).toEqual({ seed, fast: undefined });
      else if (fast !== undefined) expect({ seed, fast }).toEqual({ seed, fast: reference.scan });
      // And the scan the seed runs reports what the reference reports.
      const scanned = await outcome(scanSeedCsv(file, `seeds/bad-${seed}.csv`, delimiter));
      expect({ seed, scanned }).toEqual({ seed, scanned: reference });
    }
  });

  it('decides the usual shapes itself: CRLF, a BOM, a header alone, a quoted line break, a quoted empty field', async () => {
    const cases: [string, string][] = [
      ['crlf.csv', 'id,name\r\n1,a\r\n2,b\r\n'],
      ['bom.csv', '\uFEFFid,day\n1,2024-01-31\n'],
      ['header-only.csv', 'id,name\n'],
      ['header-no-newline.csv', 'id,name'],
      ['embedded.csv', 'id,note\n1,"two\nlines"\n2,"a ""quote"""\n3,x'],
      ['quoted-empty.csv', 'only\n""\n1\n\n2\n'],
    ];
    for (const [name, text] of cases) {
      const { fast, reference } = await both(name, text, ',');
      expect({ name, fast }).toEqual({ name, fast: (reference as { scan: unknown }).scan });
    }
  });

  it('hands over a stray quote, a ragged row, a lone CR, an empty file, bytes that are not UTF-8; the errors stay csv-parse\'s', async () => {
    const big = ['id,name', ...Array.from({ length: 40_000 }, (_, i) => `${i},name ${i} ${'x'.repeat(i % 20)}`)].join('\n');
    const middle = Buffer.byteLength(big) >> 1;
    const latin1 = Buffer.concat([Buffer.from(big).subarray(0, middle), Buffer.from([0xe9]), Buffer.from(big).subarray(middle)]);
    const cases: [string, string | Buffer][] = [
      ['stray.csv', 'id,name\n1,a\n2,ab"c\n'],
      ['ragged.csv', 'id,name\n1,a\n2,b,c\n'],
      ['short.csv', 'id,name\n1\n'],
      ['lone-cr.csv', 'id,name\n1,a\r2,b\n'],
      ['mac.csv', 'id,name\r1,a\r'],
      ['empty.csv', ''],
      ['unclosed.csv', 'id,name\n1,"open\n2,b\n'],
      ['after-quote.csv', 'id,name\n1,"a"b\n'],
      ['latin1-middle.csv', latin1],
      ['utf16.csv', Buffer.from('\ufeffid,name\n1,a\n', 'utf16le')],
      ['dup.csv', 'id,ID\n1,2\n'],
    ];
    expect(latin1.length).toBeGreaterThan(1 << 20);
    for (const [name, content] of cases) {
      const { fast, reference, file } = await both(name, content, ',');
      expect({ name, fast }).toEqual({ name, fast: undefined });
      // Old Mac line ends load (csv-parse takes a lone CR as the line end); all the others are errors.
      if (name !== 'mac.csv') expect({ name, reference }).toMatchObject({ name, reference: { error: { code: expect.stringMatching(/^XFORM_SEED_/) } } });
      expect({ name, scanned: await outcome(scanSeedCsv(file, `seeds/${name}`, ',')) }).toEqual({ name, scanned: reference });
    }
  });
});
