import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DialectBase } from '../adapter/dialect-base.js';
import { compileProject } from '../compile/compiler.js';
import { loadProject } from '../project/index.js';
import { loadLineageParsers } from './lineage-parsers.js';
import type { Manifest } from '../compile/manifest.js';
import type { CatalogFile } from './catalog.js';
import { buildSiteData, type SiteData } from './site-data.js';

/**
 * A DuckDB project where a seed `orders` (main.orders) and a source table `orders` of an attached database
 * (raw_db.main.orders) share a schema and table name, and models read each, with QUALIFY, `* EXCLUDE` and a
 * table function the tracer does not follow. As in the example project, a seed `customers` also stands in for
 * the source table `raw.customers` (the same relation): the model reading the source names the seed in a
 * `-- depends_on:` comment only.
 */
const FILES: Record<string, string> = {
  'xform_project.yml': 'name: shop\nversion: "1"\nprofile: shop\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: shop.duckdb\n',
  'seeds/orders.csv': 'order_id,amount\n1,10\n',
  'seeds/customers.csv': 'customer_id,name\n1,Ann\n',
  'seeds/_seeds.yml': 'version: 2\nseeds:\n  - name: orders\n    columns:\n      - name: order_id\n      - name: amount\n  - name: customers\n    columns:\n      - name: customer_id\n      - name: name\n',
  'models/_sources.yml': [
    'version: 2',
    'sources:',
    '  - name: raw',
    '    database: raw_db',
    '    schema: main',
    '    tables:',
    '      - name: orders',
    '        columns:',
    '          - name: order_id',
    '          - name: status',
    '          - name: amount',
    '          - name: customer_id',
    '  - name: crm',
    '    schema: main',
    '    tables:',
    '      - name: customers',
    '        columns:',
    '          - name: customer_id',
    '          - name: name',
  ].join('\n'),
  'models/customers_from_source.sql': "-- depends_on: {{ ref('customers') }}\nselect customer_id, upper(name) as name from {{ source('crm', 'customers') }}",
  'models/customers_from_seed.sql': "select customer_id, name from {{ ref('customers') }}",
  'models/from_source.sql': "select order_id, amount from {{ source('raw', 'orders') }}",
  'models/from_seed.sql': "select order_id, amount * 2 as doubled from {{ ref('orders') }}",
  'models/latest_orders.sql': [
    'select * exclude (status),',
    '    row_number() over (partition by customer_id order by amount desc) as rn',
    "from {{ source('raw', 'orders') }}",
    'qualify rn = 1',
  ].join('\n'),
  'models/counts.sql': "select customer_id, count(*), max(amount * 2) from {{ source('raw', 'orders') }} group by customer_id",
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect order_id, amount from {{ ref('orders') }}",
  'models/from_eph.sql': "select amount as seed_amount from {{ ref('eph') }}",
  'models/with_file.sql': "select s.order_id, f.note from {{ ref('from_seed') }} s, read_csv('notes.csv') f",
};

let root: string;
let data: SiteData;
let manifest: Manifest;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'xform-site-data-'));
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const project = await loadProject({ projectDir: root, profilesDir: root, env: {} });
  ({ manifest } = await compileProject(project, { dialect: new DialectBase(), env: {} }));
  data = buildSiteData(manifest, { parsers: await loadLineageParsers(manifest.metadata.adapter_type) });
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const indexOf = (id: string) => data.graph.nodes.findIndex((n) => n.id === id);
/** Upstream columns of a model's column as `node_id.column`. */
function upstream(model: string, column: string): string[] | null {
  const i = indexOf(`model.shop.${model}`);
  const refs = data.lineage[i]![data.graph.nodes[i]!.columns.indexOf(column)];
  return refs ? refs.map(([n, c]) => `${data.graph.nodes[n]!.id}.${c}`) : null;
}
/** Columns reading (node, column) directly. */
function downstream(id: string, column: string): string[] {
  const i = indexOf(id);
  const out: string[] = [];
  data.lineage.forEach((cols, k) => cols.forEach((refs, c) => {
    if (refs?.some(([n, col]) => n === i && col === column)) out.push(`${data.graph.nodes[k]!.name}.${data.graph.nodes[k]!.columns[c]}`);
  }));
  return out;
}
const detailOf = (model: string) => {
  const node = data.graph.nodes[indexOf(`model.shop.${model}`)]!;
  return data.chunks[node.chunk]![node.slot]!;
};

describe('site data column lineage', () => {
  it('resolves a relation by the model\'s own refs and sources, never by table name alone', () => {
    expect(upstream('from_source', 'order_id')).toEqual(['source.shop.raw.orders.order_id']);
    expect(upstream('from_seed', 'order_id')).toEqual(['seed.shop.orders.order_id']);
    expect(upstream('from_seed', 'doubled')).toEqual(['seed.shop.orders.amount']);
    // An ephemeral model is inlined as a CTE: what it reads is read by the model that refs it.
    expect(upstream('from_eph', 'seed_amount')).toEqual(['seed.shop.orders.amount']);
    // The same relation: the seed named in a `-- depends_on:` comment feeds no column.
    expect(upstream('customers_from_source', 'name')).toEqual(['source.shop.crm.customers.name']);
    expect(upstream('customers_from_seed', 'name')).toEqual(['seed.shop.customers.name']);
  });

  it('gives source columns their downstream columns', () => {
    expect(downstream('source.shop.raw.orders', 'amount').sort()).toEqual(['counts.column_3', 'from_source.amount', 'latest_orders.amount', 'latest_orders.rn']);
    expect(downstream('seed.shop.orders', 'amount').sort()).toEqual(['eph.amount', 'from_eph.seed_amount', 'from_seed.doubled']);
  });

  it('traces a model using QUALIFY and * EXCLUDE column by column', () => {
    expect(data.graph.nodes[indexOf('model.shop.latest_orders')]!.columns).toEqual(['order_id', 'amount', 'customer_id', 'rn']);
    expect(upstream('latest_orders', 'order_id')).toEqual(['source.shop.raw.orders.order_id']);
    expect(upstream('latest_orders', 'rn')).toEqual(['source.shop.raw.orders.customer_id', 'source.shop.raw.orders.amount']);
    expect(detailOf('latest_orders').lineageError).toBeUndefined();
    expect(data.graph.nodes[indexOf('model.shop.latest_orders')]!.untraced).toBeUndefined();
  });

  it('marks only the column a construct it does not follow feeds, with the reason, and counts it on the node', () => {
    const columns = detailOf('with_file').columns;
    expect(columns.find((c) => c.name === 'order_id')!.lineage).toMatchObject({ kind: 'direct', sources: [[indexOf('model.shop.from_seed'), 'order_id']] });
    expect(columns.find((c) => c.name === 'note')!.lineage!.untraceable).toBe('not traced: table function read_csv()');
    expect(data.graph.nodes[indexOf('model.shop.with_file')]!.untraced).toBe(1);
  });
});

describe('site data column lineage against the catalog', () => {
  it("matches an unaliased expression to the column the warehouse named it by its position", async () => {
    const columns = ['customer_id', 'count_star()', 'max((amount * 2))'];
    const catalog: CatalogFile = {
      metadata: { generated_at: '', invocation_id: '', adapter_type: 'duckdb' },
      nodes: {
        'model.shop.counts': {
          unique_id: 'model.shop.counts',
          metadata: { schema: 'main', name: 'counts', type: 'table' },
          columns: Object.fromEntries(columns.map((name, index) => [name, { name, type: 'BIGINT', index }])),
          stats: {},
        },
      },
      sources: {},
      missing: [],
      errors: [],
    };
    const site = buildSiteData(manifest, { catalog, parsers: await loadLineageParsers('duckdb') });
    const i = site.graph.nodes.findIndex((n) => n.id === 'model.shop.counts');
    const source = site.graph.nodes.findIndex((n) => n.id === 'source.shop.raw.orders');
    expect(site.graph.nodes[i]!.columns).toEqual(columns);
    expect(site.lineage[i]).toEqual([[[source, 'customer_id']], [], [[source, 'amount']]]);
    expect(site.graph.nodes[i]!.untraced).toBeUndefined();
  });
});
