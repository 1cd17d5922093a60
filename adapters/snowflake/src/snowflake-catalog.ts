/**
 * What exists in Snowflake, from the database's INFORMATION_SCHEMA. Names are looked up as Snowflake stores
 * them (plain names upper-cased) and reported as xform writes them (see storedName / displayName).
 */
import type { Catalog, CatalogRelation, ColumnInfo, QueryResult, Relation, RelationKind } from '@xform/core';
import { displayName, storedName, type SnowflakeDialect } from './snowflake-dialect.js';

export type CatalogQuery = (sql: string, params: unknown[]) => Promise<QueryResult>;

const KIND_BY_TYPE: Record<string, RelationKind> = {
  'BASE TABLE': 'table',
  'TEMPORARY TABLE': 'table',
  'LOCAL TEMPORARY': 'table',
  VIEW: 'view',
  'MATERIALIZED VIEW': 'materialized_view',
  'EXTERNAL TABLE': 'external',
};

export class SnowflakeCatalog implements Catalog {
  constructor(
    private readonly dialect: SnowflakeDialect,
    private readonly defaultDatabase: string,
    private readonly query: CatalogQuery,
  ) {}

  async listSchemas(database?: string): Promise<string[]> {
    const result = await this.query(`select schema_name from ${this.infoSchema(database)}.schemata where schema_name <> 'INFORMATION_SCHEMA' order by schema_name`, []);
    return result.rows.map((row) => displayName(String(row.schema_name)));
  }

  async listRelations(schema: string, database?: string): Promise<CatalogRelation[]> {
    const result = await this.query(`select table_name, table_type from ${this.infoSchema(database)}.tables where table_schema = ? order by table_name`, [storedName(schema)]);
    return result.rows.map((row) => this.toRelation(row, schema, database));
  }

  async getRelation(relation: Relation): Promise<CatalogRelation | undefined> {
    const result = await this.query(`select table_name, table_type from ${this.infoSchema(relation.database)}.tables where table_schema = ? and table_name = ?`, [
      storedName(relation.schema),
      storedName(relation.identifier),
    ]);
    return result.rows[0] === undefined ? undefined : this.toRelation(result.rows[0], relation.schema, relation.database);
  }

  async getColumns(relation: Relation): Promise<ColumnInfo[]> {
    const result = await this.query(
      `select column_name, data_type, is_nullable, comment from ${this.infoSchema(relation.database)}.columns\nwhere table_schema = ? and table_name = ? order by ordinal_position`,
      [storedName(relation.schema), storedName(relation.identifier)],
    );
    return result.rows.map((row) => ({
      name: displayName(String(row.column_name)),
      dataType: String(row.data_type),
      nullable: row.is_nullable === 'YES',
      ...(row.comment ? { comment: String(row.comment) } : {}),
    }));
  }

  async getStats(relation: Relation): Promise<{ rowCount?: number; bytes?: number }> {
    const result = await this.query(`select row_count, bytes from ${this.infoSchema(relation.database)}.tables where table_schema = ? and table_name = ?`, [
      storedName(relation.schema),
      storedName(relation.identifier),
    ]);
    const row = result.rows[0];
    if (!row || row.row_count === null) return {};
    return { rowCount: Number(row.row_count), bytes: Number(row.bytes ?? 0) };
  }

  private infoSchema(database?: string): string {
    return `${this.dialect.quoteIdentifier(database ?? this.defaultDatabase)}.information_schema`;
  }

  private toRelation(row: Record<string, unknown>, schema: string, database?: string): CatalogRelation {
    return {
      database: database ?? this.defaultDatabase,
      schema,
      identifier: displayName(String(row.table_name)),
      kind: KIND_BY_TYPE[String(row.table_type)] ?? 'table',
    };
  }
}
