/**
 * Terse node builders for graph tests: `model('stg_orders', { deps: ['source.shop.shop.orders'] })`.
 * Ids follow dbt's scheme with package `shop`; paths default to models/<name>.sql.
 */
import type { NodeConfig } from '../../project/types.js';
import type { ExecutableNode, GraphNode, SourceNode, TestNode } from '../types.js';

export const PKG = 'shop';

interface Common {
  deps?: string[];
  path?: string;
  line?: number;
  tags?: string[];
  layer?: string;
  config?: NodeConfig;
  fqn?: string[];
  pkg?: string;
}

function base(resource: GraphNode['resource_type'], name: string, id: string, path: string, o: Common) {
  const pkg = o.pkg ?? PKG;
  return {
    unique_id: id,
    resource_type: resource,
    name,
    package_name: pkg,
    original_file_path: o.path ?? path,
    ...(o.line === undefined ? {} : { line: o.line }),
    fqn: o.fqn ?? [pkg, ...(o.path ?? path).split('/').slice(1, -1), name],
    description: '',
    tags: o.tags ?? [],
    meta: {},
    config: { enabled: true, ...o.config },
    ...(o.layer === undefined ? {} : { layer: o.layer }),
    columns: {},
    depends_on: { nodes: o.deps ?? [], macros: [] },
  };
}

function executable(kind: 'model' | 'seed' | 'snapshot', name: string, path: string, o: Common): ExecutableNode {
  const id = `${kind}.${o.pkg ?? PKG}.${name}`;
  return {
    ...base(kind, name, id, path, o),
    resource_type: kind,
    raw_code: 'select 1',
    checksum: { name: 'sha256', checksum: '0' },
    schema: 'main',
    alias: name,
    refs: [],
    sources: [],
  };
}

export function model(name: string, o: Common = {}): ExecutableNode {
  return executable('model', name, `models/${name}.sql`, o);
}

export function seed(name: string, o: Common = {}): ExecutableNode {
  return executable('seed', name, `seeds/${name}.csv`, o);
}

export function snapshot(name: string, o: Common = {}): ExecutableNode {
  return executable('snapshot', name, `snapshots/${name}.sql`, o);
}

export function source(sourceName: string, table: string, o: Common = {}): SourceNode {
  const pkg = o.pkg ?? PKG;
  const path = o.path ?? 'models/_sources.yml';
  return {
    ...base('source', table, `source.${pkg}.${sourceName}.${table}`, path, { ...o, fqn: o.fqn ?? [pkg, sourceName, table] }),
    resource_type: 'source',
    source_name: sourceName,
    schema: sourceName,
    identifier: table,
    relation_name: `"${sourceName}"."${table}"`,
    source_description: '',
  };
}

/** A generic test (`testName` set) or a singular test (no `testName`). */
export function test(name: string, o: Common & { testName?: string; attached?: string; unit?: boolean } = {}): TestNode {
  const path = o.path ?? (o.testName === undefined ? `tests/${name}.sql` : 'models/_schema.yml');
  const kind = o.unit ? 'unit_test' : 'test';
  return {
    ...base(kind, name, `${kind}.${o.pkg ?? PKG}.${name}`, path, o),
    resource_type: kind,
    raw_code: 'select 1 where false',
    ...(o.testName === undefined ? {} : { test_metadata: { name: o.testName, kwargs: {} } }),
    ...(o.attached === undefined ? {} : { attached_node: o.attached }),
    checksum: { name: 'sha256', checksum: '0' },
    refs: [],
    sources: [],
  };
}

export const id = {
  model: (name: string) => `model.${PKG}.${name}`,
  seed: (name: string) => `seed.${PKG}.${name}`,
  snapshot: (name: string) => `snapshot.${PKG}.${name}`,
  source: (src: string, table: string) => `source.${PKG}.${src}.${table}`,
  test: (name: string) => `test.${PKG}.${name}`,
};
