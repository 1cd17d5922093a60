import { describe, expect, it } from 'vitest';
import { describeHolder, lockApplicationName, runLockKey } from './postgres-run-lock.js';

describe('PostgreSQL run lock', () => {
  it('derives one key per database and schema, split as pg_locks shows a bigint key', () => {
    const a = runLockKey('shop', 'analytics');
    expect(runLockKey('shop', 'analytics')).toEqual(a);
    expect(runLockKey('shop', 'staging').key).not.toBe(a.key);
    expect(runLockKey('other', 'analytics').key).not.toBe(a.key);
    const unsigned = BigInt.asUintN(64, BigInt(a.key));
    expect(BigInt(a.classid) * 2n ** 32n + BigInt(a.objid)).toBe(unsigned);
  });

  it('names the lock connection so that a second run can say who holds the lock, within 63 bytes', () => {
    expect(lockApplicationName('1a2b3c4d-0000', 4242, 'build-1')).toBe('xform 1a2b3c4d pid 4242 host build-1');
    expect(Buffer.byteLength(lockApplicationName('1a2b3c4d-0000', 4242, 'h'.repeat(100)))).toBe(63);
  });

  it('describes the holder from its application_name, or its backend when that is hidden', () => {
    const since = new Date('2026-12-06T03:10:02Z');
    const row = { backend_pid: 77, application_name: 'xform 1a2b3c4d pid 4242 host build-1', query_start: since, backend_start: since, client_addr: '10.0.0.5' };
    expect(describeHolder(row)).toBe('since 2026-12-06 03:10:02 UTC (pid 4242, host build-1, invocation 1a2b3c4d)');
    expect(describeHolder({ ...row, application_name: null, query_start: null, backend_start: null })).toBe('(PostgreSQL backend pid 77, client 10.0.0.5)');
  });
});
