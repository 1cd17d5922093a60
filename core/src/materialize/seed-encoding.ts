/**
 * Seeds must be UTF-8. A file in another encoding (Latin-1 from a spreadsheet, UTF-16 from Excel) makes CSV
 * readers either load mangled text or fail at a line they count after decoding; this names the real line,
 * column and byte instead.
 */
import { createReadStream } from 'node:fs';
import { XformError } from '../errors.js';

export interface NonUtf8Position {
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters of that line. */
  column: number;
  /** 0-based byte offset in the file. */
  offset: number;
  /** The offending byte. */
  byte: number;
  /** The file starts with a UTF-16 byte order mark. */
  utf16: boolean;
}

/** The first byte of `absFile` that does not begin a valid UTF-8 character; undefined when there is none. */
export async function findNonUtf8(absFile: string): Promise<NonUtf8Position | undefined> {
  let line = 1;
  let column = 1;
  let offset = 0;
  // Continuation bytes still expected, and where the character they belong to started.
  let need = 0;
  let start = { line, column, offset, byte: 0 };
  let first = true;
  for await (const chunk of createReadStream(absFile) as AsyncIterable<Buffer>) {
    if (first && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      return { line: 1, column: 1, offset: 0, byte: chunk[0]!, utf16: true };
    }
    first = false;
    for (let i = 0; i < chunk.length; i++, offset++) {
      const b = chunk[i]!;
      if (need > 0) {
        if ((b & 0xc0) !== 0x80) return { ...start, utf16: false };
        if (--need === 0) column++;
        continue;
      }
      if (b < 0x80) {
        if (b === 0x0a) {
          line++;
          column = 1;
        } else column++;
        continue;
      }
      start = { line, column, offset, byte: b };
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) need = 2;
      else if (b >= 0xf0 && b <= 0xf4) need = 3;
      else return { ...start, utf16: false };
    }
  }
  return need > 0 ? { ...start, utf16: false } : undefined;
}

/** The error for a seed that is not UTF-8, located at its first offending byte where one is found. */
export async function nonUtf8Error(absFile: string, file: string): Promise<XformError> {
  const at = await findNonUtf8(absFile).catch(() => undefined);
  const hint = 'save the file as UTF-8 (in a spreadsheet: "CSV UTF-8"; or `iconv -f latin1 -t utf-8 in.csv > out.csv`)';
  if (!at) {
    return new XformError('XFORM_SEED_NOT_UTF8', `${file}: the file is not UTF-8`, { location: { file }, hint });
  }
  const what = at.utf16
    ? 'the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8'
    : `the file is not UTF-8: byte 0x${at.byte.toString(16).toUpperCase().padStart(2, '0')} at column ${at.column} (byte ${at.offset} of the file) is not a UTF-8 character`;
  return new XformError('XFORM_SEED_NOT_UTF8', `${file}:${at.line}: ${what}`, {
    location: { file, line: at.line, column: at.column },
    hint,
  });
}
