import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeChunksAtomicSync, fileStamp } from './fs-write.js';
import { StreamedFile } from './streamed-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'xform-streamed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileOf(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

// Entries of a manifest-like object; the needles below sit at every offset relative to small windows.
const entries = Array.from({ length: 40 }, (_, i) => `"model.p.m${i}":{"raw_code":"select '{' as \\"b${i}\\", '}' as c","n":[${i},{"x":"]"}]}`);
const text = `{"metadata":{"v":1},"nodes":{${entries.join(',')}}}`;

describe('StreamedFile', () => {
  it('finds what Buffer.indexOf finds, across window boundaries, for any window size', () => {
    const file = fileOf('find.json', text);
    const bytes = Buffer.from(text);
    for (const window of [16, 17, 31, 64, 1 << 20]) {
      const f = new StreamedFile(file, window);
      try {
        for (const needle of ['"model.p.m7":{', '"model.p.m39":{', ',"nodes":{', '}}}', 'not there', '{"metadata"']) {
          for (const from of [0, 5, 100, 333]) {
            expect(f.indexOf(Buffer.from(needle), from), `${needle} from ${from}, window ${window}`).toBe(bytes.indexOf(needle, from));
          }
        }
      } finally {
        f.close();
      }
    }
  });

  it('reads one JSON value whole, whatever braces and quotes its strings hold', () => {
    const file = fileOf('value.json', text);
    const f = new StreamedFile(file, 16);
    try {
      for (const i of [0, 13, 39]) {
        const key = `"model.p.m${i}":`;
        const start = f.indexOf(Buffer.from(key), 0) + key.length;
        const value = f.valueAt(start)!.toString();
        expect(value).toBe(entries[i]!.slice(key.length));
        expect(JSON.parse(value).n[0]).toBe(i);
      }
    } finally {
      f.close();
    }
    const cut = new StreamedFile(fileOf('cut.json', text.slice(0, 60)), 16);
    try {
      expect(cut.valueAt(cut.indexOf(Buffer.from('{"raw_code"'), 0))).toBeUndefined();
    } finally {
      cut.close();
    }
  });

  it('streams any range through its one buffer, and writeChunksAtomicSync writes the chunks as they come', () => {
    const file = fileOf('range.json', text);
    const f = new StreamedFile(file, 16);
    try {
      expect(f.stamp).toBe(fileStamp(file));
      expect(f.size).toBe(Buffer.byteLength(text));
      // Every chunk is the same reused buffer, so each must be written before the next is read.
      const out = path.join(dir, 'out.json');
      const stamp = writeChunksAtomicSync(out, (function* () {
        yield* f.range(0, 50);
        yield Buffer.from('<spliced>');
        yield* f.range(77, f.size);
      })(), 'the test file');
      expect(readFileSync(out, 'utf8')).toBe(`${text.slice(0, 50)}<spliced>${text.slice(77)}`);
      expect(stamp).toBe(fileStamp(out));
      expect(f.bytes(f.size - 3, 10).toString()).toBe('}}}');
    } finally {
      f.close();
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('says which file another program cut short while it was read, as an xform error', () => {
    const file = fileOf('cut-short.json', text);
    const f = new StreamedFile(file, 16);
    try {
      truncateSync(file, 40);
      expect(() => [...f.range(0, f.size)]).toThrow(expect.objectContaining({ code: 'XFORM_FS_ERROR', message: expect.stringContaining('cut-short.json') }));
    } finally {
      f.close();
    }
  });
});
