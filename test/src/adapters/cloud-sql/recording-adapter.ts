/**
 * An Adapter made of a real Dialect and real Capabilities whose Connection only records the statements core
 * sends, and whose Catalog answers from a fixed scenario (which relations exist, with which columns). It lets
 * the golden tests capture, per warehouse, the exact SQL of every materialization path without a warehouse.
 */
import type {
  Adapter,
  Capabilities,
  Catalog,
  CatalogRelation,
  ColumnInfo,
  Connection,
  Dialect,
  QueryResult,
  Relation,
  SeedLoadRequest,
  TargetConfig,
} from '@xform/core';

export interface Scenario {
  /** Relations that exist, by identifier or `schema.identifier` (staging/backup names never do unless listed). */
  existing: Record<string, CatalogRelation['kind']>;
  /** Columns by identifier; relations not listed have `defaultColumns`. */
  columns?: Record<string, string[]>;
  defaultColumns: string[];
  /** Warehouse types by column name (any relation); others are `string`. */
  types?: Record<string, string>;
  /** Rows a query returns (the partitions of insert_overwrite...); undefined: none. */
  answer?: (sql: string) => Record<string, unknown>[] | undefined;
}

export class RecordingAdapter implements Adapter {
  readonly statements: string[] = [];
  readonly catalog: Catalog;
  readonly target = { type: 'recording', name: 'golden', schema: 'analytics', threads: 1 } as unknown as TargetConfig;

  constructor(
    readonly type: string,
    readonly dialect: Dialect,
    readonly capabilities: Capabilities,
    private readonly scenario: Scenario,
  ) {
    const relation = (r: Relation): CatalogRelation | undefined => {
      const kind = scenario.existing[`${r.schema}.${r.identifier}`] ?? scenario.existing[r.identifier];
      return kind ? { ...r, kind } : undefined;
    };
    const columns = (r: Relation): ColumnInfo[] =>
      (scenario.columns?.[r.identifier] ?? scenario.defaultColumns).map((name) => ({ name, dataType: scenario.types?.[name] ?? 'string' }));
    this.catalog = {
      listSchemas: async () => [],
      listRelations: async () => [],
      getRelation: async (r) => relation(r),
      getColumns: async (r) => columns(r),
    };
  }

  private readonly connection: Connection = {
    execute: async (sql: string): Promise<QueryResult> => {
      this.statements.push(sql);
      // A query asked for its columns only (Dialect.limitZero) answers with the scenario's default columns.
      const columns = /\blimit 0$/u.test(sql) ? this.scenario.defaultColumns.map((name) => ({ name, type: this.scenario.types?.[name] ?? 'string' })) : [];
      return { columns, rows: this.scenario.answer?.(sql) ?? [], rowsAffected: 3 };
    },
    begin: async () => void this.statements.push('-- begin'),
    commit: async () => void this.statements.push('-- commit'),
    rollback: async () => void this.statements.push('-- rollback'),
    cancel: async () => undefined,
    close: async () => undefined,
  };

  async acquire(): Promise<Connection> {
    return this.connection;
  }
  release(): void {}
  async withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return fn(this.connection);
  }
  async loadSeed(_connection: Connection, request: SeedLoadRequest): Promise<number> {
    this.statements.push(`-- load the CSV into ${this.dialect.relationName(request.relation)} (${request.columns.map((c) => `${c.name} ${c.dataType}`).join(', ')})`);
    return 3;
  }
  async cancelAll(): Promise<void> {}
  async describe(): Promise<Record<string, string>> {
    return {};
  }
  async close(): Promise<void> {}
}
