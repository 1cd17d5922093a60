/**
 * What exists in BigQuery. Relations and columns come from the dataset's INFORMATION_SCHEMA (one query job
 * each); a single relation is looked up with tables.get, which is free and fast (core asks before every
 * build); datasets are listed with datasets.list (INFORMATION_SCHEMA.SCHEMATA would need the region).
 * A dataset that does not exist has no relations.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import type { Catalog, CatalogRelation, ColumnInfo, QueryResult, Relation, RelationKind } from '@xform/core';
import type { BigQueryDialect } from './bigquery-dialect.js';

export type CatalogQuery = (sql: string, params: unknown[]) => Promise<QueryResult>;

const KIND_BY_TYPE: Record<string, RelationKind> = {
  TABLE: 'table',
  'BASE TABLE': 'table',
  CLONE: 'table',
  SNAPSHOT: 'table',
  VIEW: 'view',
  MATERIALIZED_VIEW: 'materialized_view',
  'MATERIALIZED VIEW': 'materialized_view',
  EXTERNAL: 'external',
};

export class BigQueryCatalog implements Catalog {
  constructor(
    private readonly client: BigQuery,
    private readonly dialect: BigQueryDialect,
    private readonly defaultProject: string,
    private readonly query: CatalogQuery,
  ) {}

  async listSchemas(database?: string): Promise<string[]> {
    const [datasets] = await this.client.getDatasets({ projectId: database ?? this.defaultProject, autoPaginate: true });
    return datasets.map((d) => d.id ?? '').filter((id) => id !== '').sort();
  }

  async listRelations(schema: string, database?: string): Promise<CatalogRelation[]> {
    const project = database ?? this.defaultProject;
    const result = await this.ifDatasetExists(() =>
      this.query(`select table_name, table_type from ${this.informationSchema(project, schema, 'TABLES')} order by table_name`, []),
    );
    return (result?.rows ?? []).map((row) => ({
      database: project,
      schema,
      identifier: String(row.table_name),
      kind: KIND_BY_TYPE[String(row.table_type)] ?? 'table',
    }));
  }

  async getRelation(relation: Relation): Promise<CatalogRelation | undefined> {
    const project = relation.database ?? this.defaultProject;
    try {
      const [meta] = await this.client.dataset(relation.schema, { projectId: project }).table(relation.identifier).getMetadata();
      return { database: project, schema: relation.schema, identifier: relation.identifier, kind: KIND_BY_TYPE[String(meta.type)] ?? 'table' };
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  }

  async getColumns(relation: Relation): Promise<ColumnInfo[]> {
    const project = relation.database ?? this.defaultProject;
    const result = await this.ifDatasetExists(() =>
      this.query(
        `select column_name, data_type, is_nullable from ${this.informationSchema(project, relation.schema, 'COLUMNS')}\nwhere table_name = ? order by ordinal_position`,
        [relation.identifier],
      ),
    );
    return (result?.rows ?? []).map((row) => ({ name: String(row.column_name), dataType: String(row.data_type), nullable: row.is_nullable === 'YES' }));
  }

  /** Row count and size from the table's metadata (free). */
  async getStats(relation: Relation): Promise<{ rowCount?: number; bytes?: number }> {
    const project = relation.database ?? this.defaultProject;
    const [meta] = await this.client.dataset(relation.schema, { projectId: project }).table(relation.identifier).getMetadata();
    if (meta.type !== 'TABLE') return {};
    return { rowCount: Number(meta.numRows ?? 0), bytes: Number(meta.numBytes ?? 0) };
  }

  private informationSchema(project: string, dataset: string, view: string): string {
    return `${this.dialect.quoteIdentifier(project)}.${this.dialect.quoteIdentifier(dataset)}.INFORMATION_SCHEMA.${view}`;
  }

  private async ifDatasetExists(fn: () => Promise<QueryResult>): Promise<QueryResult | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (/not found: dataset/iu.test((err as Error).message)) return undefined;
      throw err;
    }
  }
}
