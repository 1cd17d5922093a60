import { describe, expect, it } from 'vitest';
import type { ExecutableNode } from '../graph/types.js';
import { resolveSnapshotConfig } from './snapshot-config.js';

const node = (config: Record<string, unknown>): ExecutableNode =>
  ({ name: 'orders_snapshot', original_file_path: 'snapshots/orders.sql', line: 3, resource_type: 'snapshot', config: { materialized: 'snapshot', ...config } }) as unknown as ExecutableNode;

const error = (config: Record<string, unknown>) => {
  try {
    resolveSnapshotConfig(node(config));
  } catch (err) {
    return err as { code: string; message: string; hint?: string; location?: unknown };
  }
  throw new Error('expected an error');
};

describe('resolveSnapshotConfig', () => {
  it("reads dbt's keys with dbt's defaults", () => {
    expect(resolveSnapshotConfig(node({ strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' }))).toEqual({
      strategy: 'timestamp',
      uniqueKey: ['id'],
      updatedAt: 'updated_at',
      checkCols: 'all',
      hardDeletes: 'ignore',
      meta: { dbt_scd_id: 'dbt_scd_id', dbt_updated_at: 'dbt_updated_at', dbt_valid_from: 'dbt_valid_from', dbt_valid_to: 'dbt_valid_to', dbt_is_deleted: 'dbt_is_deleted' },
      onSchemaChange: 'append_new_columns',
    });
    const check = resolveSnapshotConfig(
      node({ strategy: 'check', unique_key: ['region', 'id'], check_cols: ['status'], invalidate_hard_deletes: true, dbt_valid_to_current: "to_date('9999-12-31')", snapshot_meta_column_names: { dbt_valid_to: 'valid_to' } }),
    );
    expect(check).toMatchObject({ uniqueKey: ['region', 'id'], checkCols: ['status'], hardDeletes: 'invalidate', validToCurrent: "to_date('9999-12-31')" });
    expect(check.meta.dbt_valid_to).toBe('valid_to');
    expect(resolveSnapshotConfig(node({ strategy: 'check', unique_key: 'id', check_cols: 'all', invalidate_hard_deletes: false })).hardDeletes).toBe('ignore');
  });

  it('names the mistake, the file and line, with a did-you-mean', () => {
    expect(error({ strategy: 'timestmp', unique_key: 'id' })).toMatchObject({ code: 'XFORM_SNAPSHOT_CONFIG', hint: "did you mean 'timestamp'?", location: { file: 'snapshots/orders.sql', line: 3 } });
    expect(error({ strategy: 'timestamp', unique_key: 'id' }).message).toBe("orders_snapshot: strategy 'timestamp' needs updated_at");
    expect(error({ strategy: 'check', unique_key: [] }).message).toMatch(/unique_key must be/u);
    expect(error({ strategy: 'check', unique_key: 'id', check_cols: [] }).message).toMatch(/check_cols: 'all' or a list/u);
    expect(error({ strategy: 'check', unique_key: 'id', check_cols: 'all', hard_deletes: 'invaldate' })).toMatchObject({ hint: "did you mean 'invalidate'?" });
    expect(error({ strategy: 'check', unique_key: 'id', check_cols: 'all', hard_deletes: 'invalidate', invalidate_hard_deletes: true }).message).toMatch(/not both/u);
    expect(error({ strategy: 'check', unique_key: 'id', check_cols: 'all', snapshot_meta_column_names: { dbt_valid_too: 'x' } })).toMatchObject({ hint: "did you mean 'dbt_valid_to'?" });
    expect(error({ strategy: 'check', unique_key: 'id', check_cols: 'all', snapshot_meta_column_names: { dbt_valid_to: 'dbt_valid_from' } }).message).toMatch(/same name/u);
    expect(error({ strategy: 'check', unique_key: 'id', check_cols: 'all', on_schema_change: 'append' })).toMatchObject({ code: 'XFORM_CONFIG_INVALID' });
  });
});
