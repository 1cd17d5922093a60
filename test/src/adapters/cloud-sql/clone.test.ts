/**
 * `xform clone` on BigQuery and Snowflake without a warehouse: the statements core sends through a recording
 * adapter with each real dialect, and each parses with that warehouse's parser. Tables are cloned zero-copy
 * (both document `CREATE [OR REPLACE] TABLE … CLONE …`; Snowflake clones a transient table only into a
 * transient one), views become views reading the state's relation, and tables already in the target are kept
 * unless fullRefresh.
 */
import { BIGQUERY_CAPABILITIES, BigQueryDialect } from '@xform/adapter-bigquery';
import { SNOWFLAKE_CAPABILITIES, SnowflakeDialect } from '@xform/adapter-snowflake';
import { cloneFromState, type Capabilities, type Dialect, type ExecutableNode, type Manifest, type PreviousState } from '@xform/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordingAdapter } from './recording-adapter.js';
import { parserReady, parseStatement, type ParserDialect } from './sql-parse.js';

beforeAll(async () => {
  await parserReady();
});

function node(name: string, schema: string, materialized = 'table'): ExecutableNode {
  return {
    unique_id: `model.shop.${name}`,
    resource_type: 'model',
    name,
    package_name: 'shop',
    original_file_path: `models/${name}.sql`,
    fqn: ['shop', name],
    description: '',
    tags: [],
    meta: {},
    config: { materialized },
    columns: {},
    depends_on: { nodes: [], macros: [] },
    raw_code: 'select 1',
    checksum: { name: 'sha256', checksum: '' },
    database: 'db',
    schema,
    alias: name,
    refs: [],
    sources: [],
  };
}

const manifestOf = (nodes: ExecutableNode[]) => ({ nodes: Object.fromEntries(nodes.map((n) => [n.unique_id, n])), sources: {}, macros: {} }) as unknown as Manifest;
const names = ['fct', 'v', 'kept'];
const current = manifestOf(names.map((n) => node(n, 'ci')));
const state: PreviousState = { dir: '/prod-artifacts', manifest: manifestOf([node('fct', 'prod'), node('v', 'prod', 'view'), node('kept', 'prod')]) };
const existing = { 'prod.fct': 'table', 'prod.v': 'view', 'prod.kept': 'table', 'ci.kept': 'table' } as const;

const WAREHOUSES: [ParserDialect, Dialect, Capabilities, RegExp][] = [
  ['bigquery', new BigQueryDialect(), BIGQUERY_CAPABILITIES, /^create or replace table `db`\.`ci`\.`fct` clone `db`\.`prod`\.`fct`$/],
  ['snowflake', new SnowflakeDialect(), SNOWFLAKE_CAPABILITIES, /^create or replace transient table db\.ci\.fct clone db\.prod\.fct$/],
];

describe('xform clone on warehouses with zero-copy clones', () => {
  for (const [name, dialect, capabilities, cloneSql] of WAREHOUSES) {
    it(`${name}: clones tables, makes views of views, keeps what the target has; every statement parses`, async () => {
      const adapter = new RecordingAdapter(name, dialect, capabilities, { existing, defaultColumns: ['id'] });
      const results = await cloneFromState({ manifest: current, selected: new Set(Object.keys(current.nodes)), state, adapter });
      expect(results.map((r) => [r.unique_id, r.status])).toEqual([
        ['model.shop.fct', 'cloned'],
        ['model.shop.kept', 'skipped'],
        ['model.shop.v', 'view'],
      ]);
      const ddl = adapter.statements.filter((s) => !s.startsWith('create schema') && !s.startsWith('create if'));
      expect(ddl[0]).toMatch(cloneSql);
      expect(ddl[1]).toMatch(/^create or replace view .*v.* as\s*\(?\s*select \* from .*prod.*v/s);
      for (const sql of adapter.statements) parseStatement(sql, name);

      const refreshed = new RecordingAdapter(name, dialect, capabilities, { existing, defaultColumns: ['id'] });
      const again = await cloneFromState({ manifest: current, selected: new Set(['model.shop.kept']), state, adapter: refreshed, fullRefresh: true });
      expect(again.map((r) => r.status)).toEqual(['cloned']);
      // A clone replaces the table in one statement: nothing dropped first.
      expect(refreshed.statements.filter((s) => /^drop/i.test(s))).toEqual([]);
    });
  }
});
