/**
 * One streaming pass over a seed CSV: checks that it is well formed (a user mistake there must name the
 * file and the line, not surface as a driver error halfway through a COPY) and infers a type per column.
 * Memory stays constant whatever the file size.
 *
 * Empty fields are NULL; the inference is in seed-kinds.ts. A byte-level pass (seed-csv-fast.ts) answers
 * for the files it can decide with certainty; everything else, and every error, goes through csv-parse here.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import type { SeedTypeKind } from '../adapter/types.js';
import { XformError } from '../errors.js';
import { FAST_SCAN_CHUNK, fastScanSeedCsv } from './seed-csv-fast.js';
import { nonUtf8Error } from './seed-encoding.js';
import { ALL, kindFromMask, kindsOf } from './seed-kinds.js';

export interface SeedCsvScan {
  header: string[];
  /** One per header column. */
  kinds: SeedTypeKind[];
  /** Data rows (the header excluded). */
  rows: number;
}

function malformed(file: string, line: number | undefined, message: string, cause?: unknown): XformError {
  return new XformError('XFORM_SEED_MALFORMED', `${file}${line === undefined ? '' : `:${line}`}: ${message}`, {
    location: { file, ...(line === undefined ? {} : { line }) },
    cause,
    hint: 'seeds are CSV files: a header line naming the columns, the same number of fields on every line, fields with commas, quotes or line breaks in double quotes ("" for a quote)',
  });
}

/**
 * Reads `absFile` once (twice when the fast path hands over). `file` is the project-relative path used in
 * errors. `onGuess`: see startSeedScan.
 */
export async function scanSeedCsv(absFile: string, file: string, delimiter: string, onGuess?: (guess: SeedCsvScan) => void): Promise<SeedCsvScan> {
  let size: number;
  try {
    size = (await stat(absFile)).size;
  } catch (err) {
    throw new XformError('XFORM_SEED_NOT_FOUND', `${file}: seed file not found`, { location: { file }, cause: err });
  }
  // A file read in one chunk has no guess worth making: the whole scan is as near.
  const guess = size > FAST_SCAN_CHUNK ? onGuess : undefined;
  return (await fastScanSeedCsv(absFile, delimiter, (record) => checkHeader(record, file), { onGuess: guess })) ?? csvParseScan(absFile, file, delimiter);
}

export interface SeedScanning {
  /**
   * The header and the kinds of the file's first megabyte, while the scan reads on (`complete` false), or
   * the scan itself when it ends first (a small file, or one the fast path hands over; rejects as `full`).
   * A load can start from the guess; only `full` decides.
   */
  guess: Promise<SeedCsvScan & { complete: boolean }>;
  full: Promise<SeedCsvScan>;
}

/** Starts scanSeedCsv, giving a guess of its result as soon as there is one. */
export function startSeedScan(absFile: string, file: string, delimiter: string): SeedScanning {
  let onGuess: (guess: SeedCsvScan) => void = () => undefined;
  const guessed = new Promise<SeedCsvScan & { complete: boolean }>((resolve) => {
    onGuess = (guess) => resolve({ ...guess, complete: false });
  });
  const full = scanSeedCsv(absFile, file, delimiter, (guess) => onGuess(guess));
  // Awaited later (or not at all when the load fails first): not an unhandled rejection meanwhile.
  full.catch(() => undefined);
  return { guess: Promise.race([guessed, full.then((scan) => ({ ...scan, complete: true }))]), full };
}

/** The scan through csv-parse: the reference for the fast path, and the one that reports every error. */
export async function csvParseScan(absFile: string, file: string, delimiter: string): Promise<SeedCsvScan> {
  let header: string[] | undefined;
  let masks: number[] = [];
  let seen: boolean[] = [];
  let rows = 0;
  const input = createReadStream(absFile);
  const utf8 = utf8Watch(input);
  try {
    // csv-parse's per-record `info` would give line numbers but costs more than the parse itself; the
    // errors carry their line, and the one that does not (an unclosed quote) is located by a second pass.
    for await (const record of input.pipe(parserFor(delimiter, false)) as AsyncIterable<string[]>) {
      if (header === undefined) {
        header = checkHeader(record, file);
        masks = header.map(() => ALL);
        seen = header.map(() => false);
        continue;
      }
      rows++;
      for (let i = 0; i < record.length; i++) {
        const value = record[i]!;
        if (value === '' || masks[i] === 0) continue;
        seen[i] = true;
        masks[i]! &= kindsOf(value);
      }
    }
  } catch (err) {
    // Bytes that are not UTF-8 before the CSV error are the likelier cause (and decoded, they moved it).
    if (utf8.invalid()) throw await nonUtf8Error(absFile, file);
    throw await mapCsvError(err, absFile, file, delimiter);
  }
  if (utf8.invalid()) throw await nonUtf8Error(absFile, file);
  if (header === undefined) throw malformed(file, 1, 'the file is empty; its first line must name the columns');
  return { header, kinds: header.map((_, i) => kindFromMask(masks[i]!, seen[i]!)), rows };
}

/**
 * The checked header alone, reading only as far as its end: for adapters whose own CSV reader infers the
 * types and checks the rest of the file.
 */
export async function readSeedHeader(absFile: string, file: string, delimiter: string): Promise<string[]> {
  try {
    await stat(absFile);
  } catch (err) {
    throw new XformError('XFORM_SEED_NOT_FOUND', `${file}: seed file not found`, { location: { file }, cause: err });
  }
  const input = createReadStream(absFile, { highWaterMark: 64 * 1024 });
  const parser = input.pipe(parse({ delimiter, bom: true, skip_empty_lines: true, to: 1 }));
  let header: string[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      header = checkHeader(record, file);
      break;
    }
  } catch (err) {
    throw await mapCsvError(err, absFile, file, delimiter);
  } finally {
    input.destroy();
  }
  if (header === undefined) throw malformed(file, 1, 'the file is empty; its first line must name the columns');
  return header;
}

function parserFor(delimiter: string, info: boolean) {
  return parse({ delimiter, bom: true, info, skip_empty_lines: true, relax_column_count: false });
}

function openParser(absFile: string, delimiter: string, info: boolean) {
  return createReadStream(absFile).pipe(parserFor(delimiter, info));
}

/**
 * Watches the bytes `input` reads for a sequence that is not UTF-8: csv-parse would decode one into U+FFFD
 * and load it silently. Locating it is left to nonUtf8Error (a second pass, only when there is one).
 */
function utf8Watch(input: NodeJS.ReadableStream): { invalid(): boolean } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let invalid = false;
  input.on('data', (chunk: Buffer) => {
    if (invalid) return;
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      invalid = true;
    }
  });
  return {
    invalid() {
      if (!invalid) {
        try {
          decoder.decode();
        } catch {
          invalid = true;
        }
      }
      return invalid;
    },
  };
}

/** The line after the last complete record: where a never-closed quoted field starts. */
async function unclosedQuoteLine(absFile: string, delimiter: string): Promise<number | undefined> {
  let lastLine = 0;
  try {
    for await (const { info } of openParser(absFile, delimiter, true) as AsyncIterable<{ info: { lines: number } }>) lastLine = info.lines;
  } catch {
    return lastLine + 1;
  }
  return undefined;
}

/** The header names, trimmed; a blank or repeated name is an error on line 1. */
export function checkHeader(record: string[], file: string): string[] {
  const line = 1;
  const names = new Map<string, number>();
  record.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') throw malformed(file, line, `column ${i + 1} of the header has no name`);
    const key = name.toLowerCase();
    if (names.has(key)) throw malformed(file, line, `column '${name}' appears twice in the header (columns ${names.get(key)! + 1} and ${i + 1})`);
    names.set(key, i);
  });
  return record.map((r) => r.trim());
}

async function mapCsvError(err: unknown, absFile: string, file: string, delimiter: string): Promise<unknown> {
  const csv = err as Partial<CsvError> & { lines?: number; record?: unknown[] };
  if (typeof csv?.code !== 'string' || (!csv.code.startsWith('CSV_') && csv.code !== 'INVALID_OPENING_QUOTE')) return err;
  switch (csv.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return malformed(file, await unclosedQuoteLine(absFile, delimiter), 'a quoted field starting on this line is never closed', err);
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const got = Array.isArray(csv.record) ? csv.record.length : undefined;
      const detail = (csv.message ?? '').match(/expect (\d+)/);
      const expected = detail ? detail[1] : 'the header\'s number of';
      return malformed(file, csv.lines, `expected ${expected} fields like the header, found ${got ?? 'a different number'}`, err);
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return malformed(file, csv.lines, 'a double quote inside a field must be written "" and the field itself quoted', err);
    default:
      return malformed(file, csv.lines, csv.message ?? String(err), err);
  }
}
