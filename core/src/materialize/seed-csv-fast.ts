/**
 * The fast path of the seed scan: one pass over the file's bytes that checks the CSV structure and UTF-8
 * and infers the column kinds without making a string per field. It handles only what it can decide with
 * certainty (well-formed CSV with one line ending throughout, a one-byte delimiter, UTF-8): on anything else
 * — any malformation, a lone CR, an odd quote, a ragged row, bytes that are not UTF-8, a header csv-parse
 * would reject — it returns undefined and the caller runs the csv-parse scan, whose errors name the file,
 * line and column. So it never reports an error itself, and when it answers, it answers what csv-parse
 * (bom, skip_empty_lines, strict quotes and column count) plus `kindsOf` would.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { ALL, kindFromMask, kindsOf, kindsOfBytes } from './seed-kinds.js';
import type { SeedCsvScan } from './seed-csv.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Bytes read at a time. */
export const FAST_SCAN_CHUNK = 1 << 20;

/** Thrown inside the scan when it meets something it leaves to csv-parse. */
class HandOver extends Error {}

type Newline = 'unknown' | 'lf' | 'crlf';

class FastScanner {
  header: string[] | undefined;
  rows = 0;
  private masks: number[] = [];
  private seen: boolean[] = [];
  private newline: Newline = 'unknown';

  constructor(
    private readonly delimiter: number,
    private readonly checkHeader: (record: string[]) => string[],
  ) {}

  /**
   * Consumes the complete records of `buf` (all of it when `eof`) and returns where the first incomplete
   * one starts.
   */
  consume(buf: Buffer, eof: boolean): number {
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      const next = this.header === undefined ? this.headerRecord(buf, pos, eof) : this.record(buf, pos, eof);
      if (next < 0) break;
      pos = next;
    }
    return pos;
  }

  kinds() {
    return this.masks.map((mask, i) => kindFromMask(mask, this.seen[i]!));
  }

  /** The end of the line ending at `at` (a CR or LF outside quotes), -1 when it may continue past `buf`. */
  private lineEnd(buf: Buffer, at: number, eof: boolean): number {
    const b = buf[at]!;
    if (this.newline === 'unknown') {
      if (b === LF) this.newline = 'lf';
      else if (at + 1 >= buf.length && !eof) return -1;
      else if (buf[at + 1] === LF) this.newline = 'crlf';
      else throw new HandOver();
    }
    if (this.newline === 'lf') {
      if (b === CR) throw new HandOver();
      return at + 1;
    }
    if (b === LF) throw new HandOver();
    if (at + 1 >= buf.length) {
      if (eof) throw new HandOver();
      return -1;
    }
    if (buf[at + 1] !== LF) throw new HandOver();
    return at + 2;
  }

  /** A data record from `pos`; returns the position after it, or -1 when it is not complete in `buf`. */
  private record(buf: Buffer, pos: number, eof: boolean): number {
    const delimiter = this.delimiter;
    const masks = this.masks;
    const columns = masks.length;
    const len = buf.length;
    let column = 0;
    let start = pos;
    let i = pos;
    // An empty line is skipped (skip_empty_lines).
    if (buf[i] === LF || buf[i] === CR) return this.lineEnd(buf, i, eof);
    for (;;) {
      if (i >= len) {
        if (!eof) return -1;
        this.field(buf, start, i, column);
        if (column + 1 !== columns) throw new HandOver();
        this.rows++;
        return len;
      }
      const b = buf[i]!;
      if (b === delimiter) {
        this.field(buf, start, i, column);
        column++;
        if (column >= columns) throw new HandOver();
        start = ++i;
      } else if (b === LF || b === CR) {
        const end = this.lineEnd(buf, i, eof);
        if (end < 0) return -1;
        this.field(buf, start, i, column);
        if (column + 1 !== columns) throw new HandOver();
        this.rows++;
        return end;
      } else if (b === QUOTE) {
        if (i !== start) throw new HandOver();
        const close = this.closingQuote(buf, i, eof);
        if (close < 0) return -1;
        if (masks[column] !== 0) this.quotedField(buf, i + 1, close, column);
        i = close + 1;
        if (i < len) {
          const after = buf[i]!;
          if (after !== delimiter && after !== LF && after !== CR) throw new HandOver();
        }
        if (i < len && buf[i] === delimiter) {
          column++;
          if (column >= columns) throw new HandOver();
          start = ++i;
          // A quoted field followed by an empty last field: handled by the loop (start === i).
        } else if (i >= len) {
          if (!eof) return -1;
          if (column + 1 !== columns) throw new HandOver();
          this.rows++;
          return len;
        } else {
          const end = this.lineEnd(buf, i, eof);
          if (end < 0) return -1;
          if (column + 1 !== columns) throw new HandOver();
          this.rows++;
          return end;
        }
      } else {
        i++;
      }
    }
  }

  private field(buf: Buffer, start: number, end: number, column: number): void {
    if (end === start) return;
    const mask = this.masks[column]!;
    if (mask === 0) return;
    this.seen[column] = true;
    this.masks[column] = mask & kindsOfBytes(buf, start, end);
  }

  private quotedField(buf: Buffer, start: number, end: number, column: number): void {
    if (end === start) return;
    let value = buf.toString('utf8', start, end);
    if (value.includes('"')) value = value.replaceAll('""', '"');
    this.seen[column] = true;
    this.masks[column]! &= kindsOf(value);
  }

  /** The closing quote of the quoted field opening at `open` ("" inside is a quote), -1 if beyond `buf`. */
  private closingQuote(buf: Buffer, open: number, eof: boolean): number {
    let i = open + 1;
    for (;;) {
      const q = buf.indexOf(QUOTE, i);
      if (q < 0) {
        if (eof) throw new HandOver();
        return -1;
      }
      // A quote ending `buf` closes the field, or opens a "" the caller re-reads with the next chunk.
      if (q + 1 >= buf.length || buf[q + 1] !== QUOTE) return q;
      i = q + 2;
    }
  }

  /** The header: decoded field by field (once), then checked as the csv-parse scan checks it. */
  private headerRecord(buf: Buffer, pos: number, eof: boolean): number {
    const len = buf.length;
    if (buf[pos] === LF || buf[pos] === CR) return this.lineEnd(buf, pos, eof);
    const fields: string[] = [];
    let start = pos;
    let i = pos;
    const finish = (end: number): number => {
      this.header = this.checkHeader(fields);
      this.masks = this.header.map(() => ALL);
      this.seen = this.header.map(() => false);
      return end;
    };
    for (;;) {
      if (i >= len) {
        if (!eof) return -1;
        fields.push(buf.toString('utf8', start, i));
        return finish(len);
      }
      const b = buf[i]!;
      if (b === this.delimiter) {
        fields.push(buf.toString('utf8', start, i));
        start = ++i;
      } else if (b === LF || b === CR) {
        const end = this.lineEnd(buf, i, eof);
        if (end < 0) return -1;
        fields.push(buf.toString('utf8', start, i));
        return finish(end);
      } else if (b === QUOTE) {
        if (i !== start) throw new HandOver();
        const close = this.closingQuote(buf, i, eof);
        if (close < 0) return -1;
        const raw = buf.toString('utf8', i + 1, close);
        // A line break inside a quoted header name would decide csv-parse's line ending differently.
        if (raw.includes('\n') || raw.includes('\r')) throw new HandOver();
        fields.push(raw.replaceAll('""', '"'));
        i = close + 1;
        if (i >= len) {
          if (!eof) return -1;
          return finish(len);
        }
        const after = buf[i]!;
        if (after === this.delimiter) {
          start = ++i;
          // An empty field after a trailing delimiter is pushed by the loop.
        } else if (after === LF || after === CR) {
          const end = this.lineEnd(buf, i, eof);
          if (end < 0) return -1;
          return finish(end);
        } else {
          throw new HandOver();
        }
      } else {
        i++;
      }
    }
  }
}

export interface FastScanOptions {
  /** Hears the header and the kinds of the first chunk's records while the rest is still to be read. */
  onGuess?: (guess: SeedCsvScan) => void;
  /** Bytes read at a time. Default FAST_SCAN_CHUNK (tests make it small, to put chunk ends everywhere). */
  chunkBytes?: number;
}

/**
 * The scan of `absFile` when the fast path can decide it, else undefined (the caller then runs the
 * csv-parse scan). `checkHeader` is the csv-parse scan's own check; its error also means undefined.
 */
export async function fastScanSeedCsv(
  absFile: string,
  delimiter: string,
  checkHeader: (record: string[]) => string[],
  { onGuess, chunkBytes = FAST_SCAN_CHUNK }: FastScanOptions = {},
): Promise<SeedCsvScan | undefined> {
  const delimiterBytes = Buffer.from(delimiter, 'utf8');
  const d = delimiterBytes[0]!;
  if (delimiterBytes.length !== 1 || d === QUOTE || d === LF || d === CR) return undefined;
  const scanner = new FastScanner(d, checkHeader);
  const input = createReadStream(absFile, { highWaterMark: chunkBytes });
  let carry: Buffer | undefined;
  let first = true;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let buf = carry && carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      if (first) {
        if (buf.length < 3) {
          carry = buf;
          continue;
        }
        first = false;
        // A UTF-16 byte order mark is not UTF-8: csv-parse's scan reports it.
        if (buf[0] === 0xff && buf[1] === 0xfe) return undefined;
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      }
      const done = scanner.consume(buf, false);
      // Consumed records end after a line break, which in UTF-8 is always between characters.
      if (!isUtf8(buf.subarray(0, done))) return undefined;
      carry = buf.subarray(done);
      if (onGuess && scanner.header !== undefined) {
        onGuess({ header: scanner.header, kinds: scanner.kinds(), rows: scanner.rows });
        onGuess = undefined;
      }
    }
    let rest = carry ?? Buffer.alloc(0);
    if (first) {
      if (rest.length >= 2 && rest[0] === 0xff && rest[1] === 0xfe) return undefined;
      if (rest.length >= 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) rest = rest.subarray(3);
    }
    if (rest.length > 0) {
      if (!isUtf8(rest)) return undefined;
      scanner.consume(rest, true);
    }
  } catch {
    // A HandOver, the header check's error and read errors alike: the csv-parse scan reports them as it always has.
    return undefined;
  } finally {
    input.destroy();
  }
  if (scanner.header === undefined) return undefined;
  return { header: scanner.header, kinds: scanner.kinds(), rows: scanner.rows };
}
