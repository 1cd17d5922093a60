/**
 * Every materialization path of core run against a RecordingAdapter: view, table (first build and rebuild,
 * replacing a view), each incremental strategy (with a unique key, predicates and a schema change), seeds.
 * Returns [title, statements] per path, the statements exactly as core sends them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Capabilities, Dialect } from '@xform/core';
import { materialize, materializeSeed } from '../../../../core/src/materialize/index.js';
import type { NodeConfig } from '../../../../core/src/project/types.js';
import { modelNode, seedNode } from '../../conformance/helpers.js';
import { RecordingAdapter, type Scenario } from './recording-adapter.js';

const SCHEMA = 'analytics';
const MODEL_SQL = (d: Dialect) => `select order_id, order_date, amount\nfrom ${d.relationName({ schema: 'staging', identifier: 'orders' })}`;
const COLUMNS = ['order_id', 'order_date', 'amount'];

interface Case {
  title: string;
  config: NodeConfig;
  scenario: Omit<Scenario, 'defaultColumns'>;
  fullRefresh?: boolean;
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
  ];
  if (extraStrategies.includes('insert_overwrite')) {
    cases.push({
      title: 'incremental insert_overwrite by day',
      config: incremental('insert_overwrite', { partition_by: { field: 'order_date', data_type: 'date' } }),
      scenario: { existing: { fct_orders: 'table' } },
    });
  }
  cases.push({
    title: 'table with warehouse settings',
    config: { materialized: 'table', partition_by: { field: 'order_date', data_type: 'date' }, cluster_by: ['order_id'], transient: false },
    scenario: { existing: { fct_orders: 'table' } },
  });

  const out: [string, string[]][] = [];
  for (const c of cases) {
    const adapter = new RecordingAdapter(type, dialect, capabilities, { ...c.scenario, defaultColumns: COLUMNS });
    const node = modelNode(SCHEMA, 'fct_orders', c.config);
    await materialize({
      adapter,
      connection: await adapter.acquire(),
      node,
      fullRefresh: c.fullRefresh ?? false,
      renderSql: () => MODEL_SQL(dialect),
      renderHook: (sql) => sql,
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
