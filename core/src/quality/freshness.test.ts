import { describe, expect, it } from 'vitest';
import type { SourceNode } from '../graph/types.js';
import { formatAge, freshnessSql, freshnessStatus, hasFreshness, utcMillis } from './freshness.js';

const source = (over: Partial<SourceNode>): SourceNode =>
  ({ unique_id: 'source.p.s.t', relation_name: '"raw"."orders"', loaded_at_field: '_loaded_at', freshness: { warn_after: { count: 1, period: 'hour' } }, ...over }) as SourceNode;

describe('freshness', () => {
  it('reads warehouse times as UTC unless they carry a zone', () => {
    expect(utcMillis('2024-03-01T10:00:00')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(utcMillis('2024-03-01 10:00:00.123456')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    expect(utcMillis('2024-03-01T10:00:00+05:30')).toBe(Date.UTC(2024, 2, 1, 4, 30));
    expect(utcMillis('2024-03-01T10:00:00-02')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(utcMillis('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(utcMillis(null)).toBeUndefined();
    expect(utcMillis('yesterday')).toBeUndefined();
    expect(utcMillis(1_700_000_000)).toBeUndefined();
  });

  it('grades by error_after first, then warn_after; no load time is infinitely old', () => {
    const criteria = { warn_after: { count: 1, period: 'hour' as const }, error_after: { count: 2, period: 'day' as const } };
    expect(freshnessStatus(3599, criteria)).toBe('pass');
    expect(freshnessStatus(3601, criteria)).toBe('warn');
    expect(freshnessStatus(2 * 86400 + 1, criteria)).toBe('error');
    expect(freshnessStatus(undefined, criteria)).toBe('error');
    expect(freshnessStatus(undefined, { warn_after: criteria.warn_after })).toBe('warn');
  });

  it('queries the newest load time and the UTC clock, with the filter', () => {
    const sql = freshnessSql({ currentTimestamp: () => 'NOW_UTC' }, source({ freshness: { error_after: { count: 1, period: 'day' }, filter: "kind = 'x'" } }));
    expect(sql).toBe(`select max(_loaded_at) as max_loaded_at, NOW_UTC as snapshotted_at\nfrom "raw"."orders"\nwhere kind = 'x'`);
  });

  it('checks only tables with a load-time column and a rule', () => {
    expect(hasFreshness(source({}))).toBe(true);
    expect(hasFreshness(source({ loaded_at_field: undefined }))).toBe(false);
    expect(hasFreshness(source({ freshness: null }))).toBe(false);
    expect(hasFreshness(source({ freshness: { filter: 'x' } }))).toBe(false);
  });

  it('prints ages for people', () => {
    expect(formatAge(42)).toBe('42s');
    expect(formatAge(3 * 60 + 5)).toBe('3m 5s');
    expect(formatAge(2 * 3600 + 5 * 60)).toBe('2h 5m');
    expect(formatAge(3 * 86400 + 4 * 3600)).toBe('3d 4h');
  });
});
