import { describe, expect, it } from 'vitest';
import type { CatalogRelation } from '../adapter/types.js';
import { StagingNames } from './relations.js';

const RUN = '1a2b3c4d-0000-4000-8000-000000000000';
const OTHER = 'ffeedd00-0000-4000-8000-000000000000';
const orders = { schema: 'analytics', identifier: 'orders' };
const table = (identifier: string, schema = 'analytics'): CatalogRelation => ({ schema, identifier, kind: 'table' });

describe('StagingNames', () => {
  it('names staging and backup relations after the invocation, so two runs never share one', () => {
    const names = new StagingNames(RUN);
    expect(names.staging(orders)).toEqual({ schema: 'analytics', identifier: 'orders__xform_tmp_1a2b3c' });
    expect(names.backup(orders)).toEqual({ schema: 'analytics', identifier: 'orders__xform_backup_1a2b3c' });
    expect(new StagingNames(OTHER).staging(orders).identifier).toBe('orders__xform_tmp_ffeedd');
  });

  it('shortens long names within 63 bytes with a deterministic hash, distinct for staging and backup', () => {
    const long = { schema: 's', identifier: `${'x'.repeat(40)}_${'y'.repeat(30)}` };
    const names = new StagingNames(RUN);
    const tmp = names.staging(long).identifier;
    const backup = names.backup(long).identifier;
    expect(Buffer.byteLength(tmp)).toBeLessThanOrEqual(63);
    expect(Buffer.byteLength(backup)).toBeLessThanOrEqual(63);
    expect(tmp).toMatch(/__xform_tmp_1a2b3c$/u);
    expect(backup).toMatch(/__xform_backup_1a2b3c$/u);
    expect(new StagingNames(RUN).staging(long).identifier).toBe(tmp);
  });

  it("finds another run's staging and backup relations of a node (and xform's older names) once", () => {
    const long = { schema: 'analytics', identifier: 'z'.repeat(70) };
    const killed = new StagingNames(OTHER);
    const listed = [
      table('orders'),
      table('orders__xform_tmp_abcdef'),
      table('ORDERS__xform_backup_012345'),
      table('orders__xform_tmp'),
      table('orders__xform_backup'),
      table('orders__xform_tmp_1a2b3c'), // this run's own name: never a leftover
      table('orders_items__xform_tmp_abcdef'), // another node's
      table('orders__xform_tmp_abcdef', 'other_schema'),
      table('orders__xform_tmp_notHex'),
      table(killed.staging(long).identifier),
      table(killed.backup(long).identifier),
    ];
    const names = new StagingNames(RUN, listed);
    expect(names.takeLeftovers(orders).map((r) => r.identifier).sort()).toEqual([
      'ORDERS__xform_backup_012345',
      'orders__xform_backup',
      'orders__xform_tmp',
      'orders__xform_tmp_abcdef',
    ]);
    expect(names.takeLeftovers(orders)).toEqual([]);
    expect(names.takeLeftovers(long).map((r) => r.identifier).sort()).toEqual([killed.backup(long).identifier, killed.staging(long).identifier].sort());
    expect(names.takeLeftovers({ schema: 'analytics', identifier: 'orders_items' }).map((r) => r.identifier)).toEqual(['orders_items__xform_tmp_abcdef']);
  });

  it('finds no leftovers without the listing (no run lock: they may belong to a running build)', () => {
    expect(new StagingNames(RUN).takeLeftovers(orders)).toEqual([]);
  });
});
