import { expect, test } from 'vitest';
import { isXformError } from '../errors.js';
import { parseVarsArg } from './vars.js';

function error(text: string) {
  try {
    parseVarsArg(text);
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

test('--vars accepts JSON and YAML mappings', () => {
  expect(parseVarsArg('{"start_date": "2024-01-01", "n": 3}')).toEqual({ start_date: '2024-01-01', n: 3 });
  expect(parseVarsArg('{start_date: 2024-01-01, tags: [a, b]}')).toEqual({ start_date: '2024-01-01', tags: ['a', 'b'] });
  expect(parseVarsArg('region: eu')).toEqual({ region: 'eu' });
  expect(parseVarsArg('  ')).toEqual({});
});

test('--vars that is not a mapping, or not YAML, is XFORM_VARS_INVALID with the column', () => {
  expect(error('[1, 2]')).toMatchObject({ code: 'XFORM_VARS_INVALID', message: '--vars must be a mapping of names to values' });
  const bad = error('{"a": 1');
  expect(bad.code).toBe('XFORM_VARS_INVALID');
  expect(bad.location).toMatchObject({ file: '--vars', line: 1 });
  expect(bad.location!.column).toBeGreaterThan(1);
});
