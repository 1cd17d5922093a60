/**
 * Every materialization path of core run against a RecordingAdapter: view, table (first build and rebuild,
 * replacing a view), each incremental strategy (with a unique key, predicates and a schema change), snapshots
 * (first and later runs), seeds.
 * Returns [title, statements] per path, the statements exactly as core sends them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Capabilities, Dialect } from '@xform/core';
import { materialize, materializeSeed } from '../../../../core/src/materialize/index.js';
import type { NodeConfig } from '../../../../core/src/project/types.js';
import { modelNode, seedNode, snapshotNode } from '../../conformance/helpers.js';
import { RecordingAdapter, type Scenario } from './recording-adapter.js';

const SCHEMA = 'analytics';
const MODEL_SQL = (d: Dialect) => `select order_id, order_date, amount\nfrom ${d.relationName({ schema: 'staging', identifier: 'orders' })}`;
const COLUMNS = ['order_id', 'order_date', 'amount'];

interface Case {
  title: string;
  config: NodeConfig;
  scenario: Omit<Scenario, 'defaultColumns'> & { defaultColumns?: string[] };
  fullRefresh?: boolean;
  /** An audit (tests on the model) looks at the staging relation before publishing. */
  audit?: boolean;
  /** A snapshot node (resource_type snapshot) instead of a model. */
  snapshot?: boolean;
}

/** Column types of the warehouse that have no equality, for columns `payload` and `shape`. */
function typesWithoutEquality(type: string): Record<string, string> {
  return type === 'bigquery' ? { payload: 'JSON', shape: 'GEOGRAPHY' } : { payload: 'VARIANT', shape: 'GEOGRAPHY' };
}

export async function materializationSamples(type: string, dialect: Dialect, capabilities: Capabilities, scratchDir: string, extraStrategies: string[] = []): Promise<[string, string[]][]> {
  const incremental = (strategy: string, extra: NodeConfig = {}): NodeConfig => ({
    materialized: 'incremental',
    incremental_strategy: strategy,
    ...extra,
  });
  const cases: Case[] = [
    { title: 'view', config: { materialized: 'view' }, scenario: { existing: {} } },
    { title: 'view replacing a table', config: { materialized: 'view' }, scenario: { existing: { fct_orders: 'table' } } },
    { title: 'table, first build', config: { materialized: 'table' }, scenario: { existing: {} } },
    { title: 'table, rebuild', config: { materialized: 'table' }, scenario: { existing: { fct_orders: 'table' } } },
    { title: 'table replacing a view', config: { materialized: 'table' }, scenario: { existing: { fct_orders: 'view' } } },
    { title: 'table, rebuild with an audit', config: { materialized: 'table' }, scenario: { existing: { fct_orders: 'table' } }, audit: true },
    { title: 'table, rebuild with copy_grants', config: { materialized: 'table', copy_grants: true }, scenario: { existing: { fct_orders: 'table' } } },
    { title: 'table, rebuild with copy_grants and an audit', config: { materialized: 'table', copy_grants: true }, scenario: { existing: { fct_orders: 'table' } }, audit: true },
    { title: 'incremental, first build', config: incremental('merge', { unique_key: 'order_id' }), scenario: { existing: {} } },
    { title: 'incremental, --full-refresh', config: incremental('merge', { unique_key: 'order_id' }), scenario: { existing: { fct_orders: 'table' } }, fullRefresh: true },
    {
      title: 'incremental merge, composite key and predicate',
      config: incremental('merge', { unique_key: ['order_id', 'order_date'], incremental_predicates: [`xform_target.order_date >= ${dialect.quoteString('2024-01-01')}`] }),
      scenario: { existing: { fct_orders: 'table' } },
    },
    { title: 'incremental delete+insert', config: incremental('delete+insert', { unique_key: 'order_id' }), scenario: { existing: { fct_orders: 'table' } } },
    { title: 'incremental append', config: incremental('append'), scenario: { existing: { fct_orders: 'table' } } },
    {
      title: 'incremental merge, on_schema_change append_new_columns',
      config: incremental('merge', { unique_key: 'order_id', on_schema_change: 'append_new_columns' }),
      scenario: { existing: { fct_orders: 'table' }, columns: { fct_orders: ['order_id', 'amount'] } },
    },
    {
      title: 'incremental delete+insert, on_schema_change sync_all_columns, a post-hook',
      config: incremental('delete+insert', { unique_key: 'order_id', on_schema_change: 'sync_all_columns', post_hook: ['grant select on {{ this }} to role reporter'] }),
      scenario: { existing: { fct_orders: 'table' }, columns: { fct_orders: ['order_id', 'amount', 'legacy'] } },
    },
    {
      title: 'incremental merge, composite key, columns without equality (JSON, GEOGRAPHY, VARIANT)',
      config: incremental('merge', { unique_key: ['order_id', 'order_date'] }),
      scenario: { existing: { fct_orders: 'table' }, defaultColumns: ['order_id', 'order_date', 'payload', 'shape'], types: typesWithoutEquality(type) },
    },
    {
      title: 'incremental, staging of a model with transient: false',
      config: incremental('append', { transient: false, copy_grants: true }),
      scenario: { existing: { fct_orders: 'table' } },
    },
  ];
  if (extraStrategies.includes('insert_overwrite')) {
    const partitions = (values: (string | null)[]) => (sql: string) => (/partition_value/u.test(sql) ? values.map((partition_value) => ({ partition_value })) : undefined);
    cases.push(
      {
        title: 'incremental insert_overwrite by day: the partitions read first, then named as literals',
        config: incremental('insert_overwrite', { partition_by: { field: 'order_date', data_type: 'date' }, require_partition_filter: true }),
        scenario: { existing: { fct_orders: 'table' }, answer: partitions(['2024-01-01', '2024-01-02']) },
      },
      {
        title: 'incremental insert_overwrite, staging without rows: nothing deleted',
        config: incremental('insert_overwrite', { partition_by: { field: 'order_date', data_type: 'date' } }),
        scenario: { existing: { fct_orders: 'table' }, answer: partitions([]) },
      },
    );
  }
  const snapshotMeta = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'];
  const timeType = type === 'bigquery' ? 'TIMESTAMP' : 'TIMESTAMP_NTZ(9)';
  const times = { order_date: timeType, dbt_valid_from: timeType, dbt_valid_to: timeType, valid_from: timeType, valid_to: timeType };
  cases.push(
    {
      title: 'snapshot, first run (timestamp strategy)',
      config: { materialized: 'snapshot', strategy: 'timestamp', unique_key: 'order_id', updated_at: 'order_date' },
      scenario: { existing: {}, types: times },
      snapshot: true,
    },
    {
      title: 'snapshot, later run: timestamp, hard_deletes new_record, a new source column, a post-hook',
      config: { materialized: 'snapshot', strategy: 'timestamp', unique_key: 'order_id', updated_at: 'order_date', hard_deletes: 'new_record', post_hook: ['grant select on {{ this }} to role reporter'] },
      scenario: { existing: { fct_orders: 'table' }, columns: { fct_orders: ['order_id', 'order_date', ...snapshotMeta, 'dbt_is_deleted'] }, types: times },
      snapshot: true,
    },
    {
      title: 'snapshot, later run: check on a composite key, invalidate, dbt_valid_to_current, renamed meta columns, an audit',
      config: {
        materialized: 'snapshot',
        strategy: 'check',
        unique_key: ['order_id', 'order_date'],
        check_cols: ['amount'],
        hard_deletes: 'invalidate',
        dbt_valid_to_current: `cast('9999-12-31' as ${type === 'bigquery' ? 'timestamp' : 'timestamp_ntz'})`,
        snapshot_meta_column_names: { dbt_valid_from: 'valid_from', dbt_valid_to: 'valid_to' },
      },
      scenario: { existing: { fct_orders: 'table' }, columns: { fct_orders: [...COLUMNS, 'dbt_scd_id', 'dbt_updated_at', 'valid_from', 'valid_to'] }, types: times },
      snapshot: true,
      audit: true,
    },
  );
  cases.push({
    title: 'table with warehouse settings',
    config: { materialized: 'table', partition_by: { field: 'order_date', data_type: 'date' }, cluster_by: ['order_id'], transient: false },
    scenario: { existing: { fct_orders: 'table' } },
  });

  const out: [string, string[]][] = [];
  for (const c of cases) {
    const adapter = new RecordingAdapter(type, dialect, capabilities, { ...c.scenario, defaultColumns: c.scenario.defaultColumns ?? COLUMNS });
    const node = c.snapshot ? snapshotNode(SCHEMA, 'fct_orders', c.config) : modelNode(SCHEMA, 'fct_orders', c.config);
    await materialize({
      adapter,
      connection: await adapter.acquire(),
      node,
      fullRefresh: c.fullRefresh ?? false,
      renderSql: () => MODEL_SQL(dialect),
      renderHook: (sql) => sql.replaceAll('{{ this }}', dialect.relationName({ schema: SCHEMA, identifier: 'fct_orders' })),
      ...(c.audit ? { audit: async () => ({ ok: true }) } : {}),
    });
    out.push([c.title, adapter.statements]);
  }

  const csv = path.join(scratchDir, 'countries.csv');
  await writeFile(csv, 'code,name,population,joined\nFR,France,68.4,2024-01-01\nDE,Germany,84.5,2024-02-01\n');
  for (const [title, existing] of [['seed, first load', {}], ['seed, reload', { countries: 'table' as const }]] as const) {
    const adapter = new RecordingAdapter(type, dialect, capabilities, { existing, defaultColumns: [] });
    const node = { ...seedNode(SCHEMA, 'countries', 'countries.csv') };
    await materializeSeed({ adapter, connection: await adapter.acquire(), node, projectRoot: scratchDir, fullRefresh: false });
    out.push([title, adapter.statements]);
  }
  return out;
}
