/**
 * What exists in the DuckDB database, from information_schema and duckdb_columns()/duckdb_tables().
 * DuckDB names are case-insensitive, so lookups compare lower-cased names and return the stored spelling.
 */
import type { Catalog, CatalogRelation, ColumnInfo, Relation, RelationDescription, RelationKind } from '@xform/core';

/** Runs one catalog query with parameters on a pooled connection. */
export type CatalogQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

const KIND_BY_TABLE_TYPE: Record<string, RelationKind> = {
  'BASE TABLE': 'table',
  VIEW: 'view',
  'LOCAL TEMPORARY': 'table',
};

const RELATIONS_SQL = `select table_catalog, table_schema, table_name, table_type
from information_schema.tables
where table_catalog = coalesce(?, current_database())
  and lower(table_schema) = lower(?)`;

export class DuckDBCatalog implements Catalog {
  constructor(private readonly query: CatalogQuery) {}

  async listSchemas(database?: string): Promise<string[]> {
    const rows = await this.query(
      `select schema_name from information_schema.schemata
where catalog_name = coalesce(?, current_database())
order by schema_name`,
      [database ?? null],
    );
    return rows.map((row) => String(row.schema_name));
  }

  async listRelations(schema: string, database?: string): Promise<CatalogRelation[]> {
    const rows = await this.query(`${RELATIONS_SQL}\norder by table_name`, [database ?? null, schema]);
    return rows.map(toRelation);
  }

  async getRelation(relation: Relation): Promise<CatalogRelation | undefined> {
    const rows = await this.query(`${RELATIONS_SQL}\n  and lower(table_name) = lower(?)`, [
      relation.database ?? null,
      relation.schema,
      relation.identifier,
    ]);
    return rows[0] === undefined ? undefined : toRelation(rows[0]);
  }

  async getColumns(relation: Relation): Promise<ColumnInfo[]> {
    const rows = await this.query(
      `select column_name, data_type, is_nullable, comment
from duckdb_columns()
where database_name = coalesce(?, current_database())
  and lower(schema_name) = lower(?)
  and lower(table_name) = lower(?)
order by column_index`,
      [relation.database ?? null, relation.schema, relation.identifier],
    );
    return rows.map((row) => ({
      name: String(row.column_name),
      dataType: String(row.data_type),
      nullable: row.is_nullable === true,
      ...(row.comment ? { comment: String(row.comment) } : {}),
    }));
  }

  /** Every relation's columns of one schema in one query, and the tables' row counts in a second. */
  async describeSchema(schema: string, database?: string): Promise<Map<string, RelationDescription>> {
    const params = [database ?? null, schema];
    const columns = await this.query(
      `select table_name, column_name, data_type, is_nullable, comment
from duckdb_columns()
where database_name = coalesce(?, current_database())
  and lower(schema_name) = lower(?)
order by table_name, column_index`,
      params,
    );
    const out = new Map<string, RelationDescription>();
    for (const row of columns) {
      const name = String(row.table_name);
      let entry = out.get(name);
      if (!entry) out.set(name, (entry = { columns: [] }));
      entry.columns.push({
        name: String(row.column_name),
        dataType: String(row.data_type),
        nullable: row.is_nullable === true,
        ...(row.comment ? { comment: String(row.comment) } : {}),
      });
    }
    const sizes = await this.query(
      `select table_name, estimated_size from duckdb_tables()
where database_name = coalesce(?, current_database())
  and lower(schema_name) = lower(?)`,
      params,
    );
    for (const row of sizes) {
      const entry = out.get(String(row.table_name));
      if (entry && typeof row.estimated_size === 'number') entry.rowCount = row.estimated_size;
    }
    return out;
  }

  /** DuckDB keeps an exact row count per table (estimated_size); it has no per-table byte size. */
  async getStats(relation: Relation): Promise<{ rowCount?: number; bytes?: number }> {
    const rows = await this.query(
      `select estimated_size from duckdb_tables()
where database_name = coalesce(?, current_database())
  and lower(schema_name) = lower(?)
  and lower(table_name) = lower(?)`,
      [relation.database ?? null, relation.schema, relation.identifier],
    );
    const size = rows[0]?.estimated_size;
    return typeof size === 'number' ? { rowCount: size } : {};
  }
}

function toRelation(row: Record<string, unknown>): CatalogRelation {
  return {
    database: String(row.table_catalog),
    schema: String(row.table_schema),
    identifier: String(row.table_name),
    kind: KIND_BY_TABLE_TYPE[String(row.table_type)] ?? 'table',
  };
}
