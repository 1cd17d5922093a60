import { describe, expect, it } from 'vitest';
import { failuresQuery, meetsThreshold, parseThreshold, testVerdict } from './thresholds.js';

describe('test thresholds', () => {
  it('parses dbt comparisons and rejects anything else', () => {
    expect(parseThreshold('>10')).toEqual({ op: '>', value: 10 });
    expect(parseThreshold(' != 0 ')).toEqual({ op: '!=', value: 0 });
    expect(parseThreshold('<>3')).toEqual({ op: '!=', value: 3 });
    expect(parseThreshold('==2')).toEqual({ op: '=', value: 2 });
    expect(parseThreshold('>= 1.5')).toEqual({ op: '>=', value: 1.5 });
    expect(parseThreshold('> ten')).toBeUndefined();
    expect(parseThreshold('10')).toBeUndefined();
    expect(meetsThreshold(undefined, 0)).toBe(false);
    expect(meetsThreshold(undefined, 1)).toBe(true);
    expect(meetsThreshold('>10', 10)).toBe(false);
    expect(meetsThreshold('>10', 11)).toBe(true);
  });

  it('decides pass, warn and fail like dbt from severity, warn_if and error_if', () => {
    expect(testVerdict(0, {})).toEqual({ status: 'pass', message: 'PASS' });
    expect(testVerdict(3, {})).toEqual({ status: 'fail', message: 'FAIL 3 failing rows' });
    expect(testVerdict(1, { severity: 'warn' })).toEqual({ status: 'warn', message: 'WARN 1 failing row' });
    expect(testVerdict(5, { error_if: '>10', warn_if: '>2' }).status).toBe('warn');
    expect(testVerdict(11, { error_if: '>10', warn_if: '>2' }).status).toBe('fail');
    expect(testVerdict(2, { error_if: '>10', warn_if: '>2' })).toEqual({ status: 'pass', message: 'PASS (2 failing rows, under the threshold)' });
    // severity warn never fails, whatever error_if says.
    expect(testVerdict(50, { severity: 'warn', error_if: '>10' }).status).toBe('warn');
  });

  it('fails what would warn under --warn-error, and nothing else', () => {
    expect(testVerdict(1, { severity: 'warn' }, { warnError: true }).status).toBe('fail');
    expect(testVerdict(5, { error_if: '>10', warn_if: '>2' }, { warnError: true }).status).toBe('fail');
    expect(testVerdict(2, { error_if: '>10', warn_if: '>2' }, { warnError: true }).status).toBe('pass');
    expect(testVerdict(0, { severity: 'warn' }, { warnError: true }).status).toBe('pass');
  });

  it('wraps the failing rows with fail_calc and limit', () => {
    expect(failuresQuery('select 1', {})).toBe('select count(*) as failures from (\nselect 1\n) xform_test');
    expect(failuresQuery('select n from t', { limit: 5, fail_calc: 'sum(n)' })).toBe('select sum(n) as failures from (\nselect n from t\nlimit 5\n) xform_test');
  });
});
