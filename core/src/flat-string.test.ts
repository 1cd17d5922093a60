import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { flat } from './flat-string.js';

describe('flat', () => {
  test('returns the string it is given, character for character', () => {
    let built = '';
    for (let i = 0; i < 200; i++) built += `${i}/`;
    const joined = path.posix.join('compiled', 'models', 'staging', '..', 'marts', 'orders.sql');
    expect(flat(built)).toBe(built);
    expect(flat(built).length).toBe(built.length);
    expect(flat(joined)).toBe('compiled/models/marts/orders.sql');
    expect(flat('')).toBe('');
  });

  test('does not normalize: a decomposed é in a file name stays two code points', () => {
    // NFC would turn 'e' + U+0301 into U+00E9, and a compiled path would no longer name its file.
    const decomposed = `models/cafe\u0301_${'x'.repeat(20)}.sql`;
    expect(flat(decomposed)).toBe(decomposed);
    expect(flat(decomposed)).not.toBe(decomposed.normalize('NFC'));
  });
});
