/**
 * A file read through one reused buffer (1 MB). Reading the 40 MB manifest of 10,000 models into a buffer of
 * its own costs ~130 ms on a 2-core VM (the kernel faults in every page of the new buffer); streaming it
 * through a small one costs ~20 ms (measured), which was most of a one-model patch compile.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { XformError } from './errors.js';
import { FS_ERROR, stampOf } from './fs-write.js';

export class StreamedFile {
  readonly size: number;
  /** fileStamp() of the file opened. */
  readonly stamp: string;
  private readonly fd: number;
  private readonly window: Buffer;

  /** Opens `file` for reading; `window` is the size of the reused buffer (smaller only in tests). */
  constructor(
    readonly file: string,
    window = 1 << 20,
  ) {
    this.window = Buffer.allocUnsafe(window);
    this.fd = openSync(file, 'r');
    const st = fstatSync(this.fd);
    this.size = st.size;
    this.stamp = stampOf(st);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** `length` bytes from `at` (fewer at the end of the file), in a buffer of their own. */
  bytes(at: number, length: number): Buffer {
    const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - at)));
    return out.subarray(0, this.read(out, at));
  }

  /** Where the first `needle` at or after `from` starts, or -1. */
  indexOf(needle: Buffer, from: number): number {
    if (needle.length === 0 || needle.length > this.window.length) throw new RangeError(`cannot look for ${needle.length} bytes through a window of ${this.window.length}`);
    // Windows overlap by one byte less than the needle, so a needle across a window's end is found in the next.
    for (let at = from; at < this.size; at += this.window.length - needle.length + 1) {
      const n = this.read(this.window, at);
      const i = this.window.subarray(0, n).indexOf(needle);
      if (i >= 0) return at + i;
      if (at + n >= this.size) break;
    }
    return -1;
  }

  /** The JSON object or array that starts at `start`, or undefined when it does not end. */
  valueAt(start: number): Buffer | undefined {
    for (let length = 1 << 14; ; length *= 4) {
      const bytes = this.bytes(start, length);
      const end = valueEnd(bytes, 0);
      if (end >= 0) return bytes.subarray(0, end);
      if (start + bytes.length >= this.size) return undefined;
    }
  }

  /** The bytes [from, to), a window at a time in the reused buffer: each must be used before the next. */
  *range(from: number, to: number): Generator<Uint8Array> {
    for (let at = from; at < to; ) {
      const n = this.read(this.window.subarray(0, Math.min(this.window.length, to - at)), at);
      // Only a writer that truncates the file in place (xform replaces its files whole) gets here.
      if (n === 0) throw new XformError(FS_ERROR, `${this.file} was cut short by another program while xform read it`, { hint: 'run the command again' });
      yield this.window.subarray(0, n);
      at += n;
    }
  }

  /** Fills `into` from `at`, short only at the end of the file; the bytes read. */
  private read(into: Buffer, at: number): number {
    let n = 0;
    while (n < into.length) {
      const got = readSync(this.fd, into, n, into.length - n, at + n);
      if (got === 0) break;
      n += got;
    }
    return n;
  }
}

/** The end (exclusive) of the JSON object or array starting at `start`, or -1. */
function valueEnd(bytes: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
