import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOG_FILE_MAX_BYTES, logFileMaxBytes, mustRollOver, rollOver } from './log-rotation.js';

describe('logFileMaxBytes', () => {
  it('takes the flag, else XFORM_LOG_FILE_MAX_BYTES, else 10 MB', () => {
    expect(logFileMaxBytes('2048', { XFORM_LOG_FILE_MAX_BYTES: '99' })).toEqual({ bytes: 2048 });
    expect(logFileMaxBytes(undefined, { XFORM_LOG_FILE_MAX_BYTES: ' 99 ' })).toEqual({ bytes: 99 });
    expect(logFileMaxBytes(undefined, { XFORM_LOG_FILE_MAX_BYTES: '' })).toEqual({ bytes: DEFAULT_LOG_FILE_MAX_BYTES });
    expect(logFileMaxBytes(undefined, {})).toEqual({ bytes: 10 * 1024 * 1024 });
    expect(logFileMaxBytes('0', {})).toEqual({ bytes: 0 });
  });

  it('refuses what is not a whole number of bytes, saying where it came from', () => {
    for (const text of ['', '-1', '1e3', '1.5', '10MB', '0x10', '99999999999999999999']) {
      expect(logFileMaxBytes(text, {})).toEqual({ bad: text, from: '--log-file-max-bytes' });
    }
    expect(logFileMaxBytes(undefined, { XFORM_LOG_FILE_MAX_BYTES: 'big' })).toEqual({ bad: 'big', from: 'XFORM_LOG_FILE_MAX_BYTES' });
  });
});

describe('mustRollOver', () => {
  it('when a write would pass the limit, never for an empty log or with no limit', () => {
    expect(mustRollOver(90, 10, 100)).toBe(false);
    expect(mustRollOver(90, 11, 100)).toBe(true);
    expect(mustRollOver(0, 500, 100)).toBe(false);
    expect(mustRollOver(10 ** 9, 1, 0)).toBe(false);
  });
});

describe('rollOver', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves each backup up one, drops the fifth, and copes with gaps', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'xform-log-rotation-'));
    const file = path.join(dir, 'xform.log');
    writeFileSync(file, 'current');
    for (const n of [2, 4, 5]) writeFileSync(`${file}.${n}`, `backup ${n}`);
    expect(rollOver(file)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('current');
    expect(existsSync(`${file}.2`)).toBe(false);
    expect(readFileSync(`${file}.3`, 'utf8')).toBe('backup 2');
    expect(existsSync(`${file}.4`)).toBe(false);
    expect(readFileSync(`${file}.5`, 'utf8')).toBe('backup 4');
    expect(existsSync(`${file}.6`)).toBe(false);
    // Another process rolled it over first: nothing left to move.
    expect(rollOver(file)).toBe(false);
    expect(readFileSync(`${file}.2`, 'utf8')).toBe('current');
  });
});
