/**
 * Small builders for the conformance suite: ExecutableNodes from a few fields (the compiler is not
 * involved), running one node through core's materializations, and reading rows back in a stable order.
 */
import type { Adapter, Connection, ExecuteOptions, QueryResult, Relation } from '../../../core/src/adapter/types.js';
import type { ExecutableNode } from '../../../core/src/graph/types.js';
import { materialize, materializeSeed, type AuditHook, type MaterializeResult } from '../../../core/src/materialize/index.js';
import type { NodeConfig } from '../../../core/src/project/types.js';

export function modelNode(schema: string, name: string, config: NodeConfig = {}): ExecutableNode {
  return {
    unique_id: `model.conformance.${name}`,
    resource_type: 'model',
    name,
    package_name: 'conformance',
    original_file_path: `models/${name}.sql`,
    fqn: ['conformance', name],
    description: '',
    tags: [],
    meta: {},
    config: { materialized: 'table', ...config },
    columns: {},
    depends_on: { nodes: [], macros: [] },
    raw_code: '',
    checksum: { name: 'sha256', checksum: '' },
    schema,
    alias: name,
    refs: [],
    sources: [],
  };
}

export function seedNode(schema: string, name: string, csvPath: string, config: NodeConfig = {}): ExecutableNode {
  return {
    ...modelNode(schema, name, config),
    unique_id: `seed.conformance.${name}`,
    resource_type: 'seed',
    original_file_path: csvPath,
    config: { materialized: 'seed', ...config },
  };
}

/** A snapshot node as the compiler makes it (resource_type snapshot, materialized snapshot). */
export function snapshotNode(schema: string, name: string, config: NodeConfig = {}): ExecutableNode {
  return {
    ...modelNode(schema, name),
    unique_id: `snapshot.conformance.${name}`,
    resource_type: 'snapshot',
    original_file_path: `snapshots/${name}.sql`,
    config: { materialized: 'snapshot', ...config },
  };
}

export function relationOf(node: ExecutableNode): Relation {
  return { schema: node.schema, identifier: node.alias };
}

export interface RunModelOptions {
  /** The model's SQL; a function receives is_incremental() and {{ this }} (quoted name). */
  sql: string | ((isIncremental: boolean, self: string) => string);
  fullRefresh?: boolean;
  audit?: AuditHook;
  /** Records each renderSql(isIncremental) call. */
  renders?: boolean[];
  signal?: AbortSignal;
  /** Records every statement the materialization sends, in order. */
  statements?: string[];
}

/** `connection`, recording each statement it executes into `into`. */
function recording(connection: Connection, into: string[]): Connection {
  return new Proxy(connection, {
    get(target, key) {
      if (key !== 'execute') {
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (sql: string, options?: ExecuteOptions) => {
        into.push(sql);
        return target.execute(sql, options);
      };
    },
  });
}

/** Materializes one model on a pooled connection; `{{ this }}` in hooks becomes the model's relation. */
export async function runModel(adapter: Adapter, node: ExecutableNode, options: RunModelOptions): Promise<MaterializeResult> {
  const self = adapter.dialect.relationName(relationOf(node));
  return adapter.withConnection((connection) =>
    materialize({
      adapter,
      connection: options.statements ? recording(connection, options.statements) : connection,
      node,
      fullRefresh: options.fullRefresh ?? false,
      renderSql: (isIncremental) => {
        options.renders?.push(isIncremental);
        return typeof options.sql === 'string' ? options.sql : options.sql(isIncremental, self);
      },
      renderHook: (sql) => sql.replaceAll('{{ this }}', self),
      audit: options.audit,
      signal: options.signal,
    }),
  );
}

export async function runSeed(adapter: Adapter, node: ExecutableNode, projectRoot: string, fullRefresh = false): Promise<MaterializeResult> {
  return adapter.withConnection((connection) => materializeSeed({ adapter, connection, node, projectRoot, fullRefresh }));
}

export async function execute(adapter: Adapter, sql: string): Promise<QueryResult> {
  return adapter.withConnection((connection) => connection.execute(sql));
}

/** Values in one spelling whatever the driver returned (bigint, Date, numeric strings stay as they are). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

export async function query(adapter: Adapter, sql: string): Promise<Record<string, unknown>[]> {
  const result = await execute(adapter, sql);
  return result.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
}

/** Every row of a relation, ordered by the given columns, restricted to `columns` when given. */
export async function rowsOf(adapter: Adapter, relation: Relation, orderBy: string[], columns?: string[]): Promise<Record<string, unknown>[]> {
  const d = adapter.dialect;
  const select = columns ? columns.map((c) => d.quoteIdentifier(c)).join(', ') : '*';
  const order = orderBy.map((c) => `${d.quoteIdentifier(c)} nulls first`).join(', ');
  return query(adapter, `select ${select} from ${d.relationName(relation)} order by ${order}`);
}

/** Relation names of a schema, sorted (to prove no staging or backup relation is left behind). */
export async function relationNames(adapter: Adapter, schema: string): Promise<string[]> {
  return (await adapter.catalog.listRelations(schema)).map((r) => r.identifier).sort();
}

export async function columnNames(adapter: Adapter, relation: Relation): Promise<string[]> {
  return (await adapter.catalog.getColumns(relation)).map((c) => c.name);
}

/** `select ... union all select ...` from literal rows, with integer columns cast so both warehouses agree. */
export function valuesSql(rows: Record<string, number | string | null>[], types: Record<string, string>): string {
  return rows
    .map(
      (row) =>
        'select ' +
        Object.keys(types)
          .map((col) => {
            const v = row[col];
            const literal = v === null || v === undefined ? 'null' : typeof v === 'number' ? String(v) : `'${v.replaceAll("'", "''")}'`;
            return `cast(${literal} as ${types[col]}) as ${col}`;
          })
          .join(', '),
    )
    .join('\nunion all\n');
}

export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string; location?: { file: string; line?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as { code?: string; message: string; location?: { file: string; line?: number } };
  }
  throw new Error('expected the promise to reject');
}
