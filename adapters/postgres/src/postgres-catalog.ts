/**
 * What exists in the PostgreSQL database, from pg_catalog (faster than information_schema and it knows
 * materialized views, row estimates and sizes). PostgreSQL cannot look into another database, so a
 * `database` other than the current one has no schemas or relations here.
 */
import type { Catalog, CatalogRelation, ColumnInfo, Relation, RelationDescription, RelationKind } from '@xform/core';

/** Runs one catalog query with parameters on a pooled connection. */
export type CatalogQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

const KIND_BY_RELKIND: Record<string, RelationKind> = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized_view',
  f: 'external',
};

const RELATIONS_SQL = `select current_database() as database, n.nspname as schema, c.relname as identifier, c.relkind as relkind
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and ($2::text is null or $2::text = current_database())`;

const RELATION_OID = `(select c.oid from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1 and c.relname = $2 and ($3::text is null or $3::text = current_database()))`;

export class PostgresCatalog implements Catalog {
  constructor(private readonly query: CatalogQuery) {}

  async listSchemas(database?: string): Promise<string[]> {
    const rows = await this.query(
      `select nspname from pg_catalog.pg_namespace
where nspname not like 'pg\\_%' and nspname <> 'information_schema'
  and ($1::text is null or $1::text = current_database())
order by nspname`,
      [database ?? null],
    );
    return rows.map((row) => String(row.nspname));
  }

  async listRelations(schema: string, database?: string): Promise<CatalogRelation[]> {
    const rows = await this.query(`${RELATIONS_SQL}\norder by c.relname`, [schema, database ?? null]);
    return rows.map(toRelation);
  }

  async getRelation(relation: Relation): Promise<CatalogRelation | undefined> {
    const rows = await this.query(`${RELATIONS_SQL}\n  and c.relname = $3`, [
      relation.schema,
      relation.database ?? null,
      relation.identifier,
    ]);
    return rows[0] === undefined ? undefined : toRelation(rows[0]);
  }

  async getColumns(relation: Relation): Promise<ColumnInfo[]> {
    const rows = await this.query(
      `select a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as data_type,
  not a.attnotnull as nullable, pg_catalog.col_description(a.attrelid, a.attnum) as comment
from pg_catalog.pg_attribute a
where a.attrelid = ${RELATION_OID}
  and a.attnum > 0 and not a.attisdropped
order by a.attnum`,
      [relation.schema, relation.identifier, relation.database ?? null],
    );
    return rows.map((row) => ({
      name: String(row.name),
      dataType: String(row.data_type),
      nullable: row.nullable === true,
      ...(row.comment ? { comment: String(row.comment) } : {}),
    }));
  }

  /** Every relation's columns of one schema in one query, and tables' row estimates and sizes in a second. */
  async describeSchema(schema: string, database?: string): Promise<Map<string, RelationDescription>> {
    const params = [schema, database ?? null];
    const columns = await this.query(
      `select c.relname as identifier, a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as data_type,
  not a.attnotnull as nullable, pg_catalog.col_description(a.attrelid, a.attnum) as comment
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1
  and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and ($2::text is null or $2::text = current_database())
  and a.attnum > 0 and not a.attisdropped
order by c.relname, a.attnum`,
      params,
    );
    const out = new Map<string, RelationDescription>();
    for (const row of columns) {
      const name = String(row.identifier);
      let entry = out.get(name);
      if (!entry) out.set(name, (entry = { columns: [] }));
      entry.columns.push({
        name: String(row.name),
        dataType: String(row.data_type),
        nullable: row.nullable === true,
        ...(row.comment ? { comment: String(row.comment) } : {}),
      });
    }
    const stats = await this.query(
      `select c.relname as identifier, c.reltuples as estimate, pg_catalog.pg_total_relation_size(c.oid) as bytes
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1
  and c.relkind in ('r', 'p', 'm')
  and ($2::text is null or $2::text = current_database())`,
      params,
    );
    for (const row of stats) {
      const entry = out.get(String(row.identifier));
      if (!entry) continue;
      const estimate = Number(row.estimate);
      if (estimate >= 0) entry.rowCount = Math.round(estimate);
      entry.bytes = Number(row.bytes);
    }
    return out;
  }

  /** The planner's row estimate (unknown until the table was analyzed) and the size on disk with indexes. */
  async getStats(relation: Relation): Promise<{ rowCount?: number; bytes?: number }> {
    const rows = await this.query(
      `select c.reltuples as estimate, c.relkind, pg_catalog.pg_total_relation_size(c.oid) as bytes
from pg_catalog.pg_class c
where c.oid = ${RELATION_OID}`,
      [relation.schema, relation.identifier, relation.database ?? null],
    );
    const row = rows[0];
    if (!row || row.relkind === 'v') return {};
    const estimate = Number(row.estimate);
    return { ...(estimate >= 0 ? { rowCount: Math.round(estimate) } : {}), bytes: Number(row.bytes) };
  }
}

function toRelation(row: Record<string, unknown>): CatalogRelation {
  return {
    database: String(row.database),
    schema: String(row.schema),
    identifier: String(row.identifier),
    kind: KIND_BY_RELKIND[String(row.relkind)] ?? 'table',
  };
}
