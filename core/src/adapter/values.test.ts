import { describe, expect, it } from 'vitest';
import { isoTimestamp, safeInteger } from './values.js';

describe('isoTimestamp', () => {
  it('turns a timestamp without zone into ISO with a T, keeping microseconds', () => {
    expect(isoTimestamp('2024-01-02 03:04:05.123456')).toBe('2024-01-02T03:04:05.123456');
    expect(isoTimestamp('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05');
  });

  it('converts a zoned timestamp to UTC with Z', () => {
    expect(isoTimestamp('2024-01-02 03:04:05.5+02')).toBe('2024-01-02T01:04:05.5Z');
    expect(isoTimestamp('2024-01-01 00:30:00-05:30')).toBe('2024-01-01T06:00:00Z');
    expect(isoTimestamp('2024-03-01 00:00:00+00')).toBe('2024-03-01T00:00:00Z');
  });

  it('leaves what it does not know alone', () => {
    expect(isoTimestamp('infinity')).toBe('infinity');
    expect(isoTimestamp('0044-03-15 12:00:00 BC')).toBe('0044-03-15 12:00:00 BC');
  });
});

describe('safeInteger', () => {
  it('gives numbers while safe, strings beyond', () => {
    expect(safeInteger(42n)).toBe(42);
    expect(safeInteger(-(2n ** 53n) + 1n)).toBe(-(2 ** 53) + 1);
    expect(safeInteger(2n ** 63n - 1n)).toBe('9223372036854775807');
  });
});
