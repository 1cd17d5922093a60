/**
 * Which parsers read a warehouse's compiled SQL for column lineage, best first: the warehouse's own grammar
 * (PostgreSQL's parser for PostgreSQL, sqlparser-rs's dialect for DuckDB, Snowflake, BigQuery...), then
 * a near relative. node-sql-parser stays the last resort inside traceColumns.
 */
import type { LineageParse } from './column-lineage.js';
import { loadPostgresParser } from './pg-ast.js';
import { loadSqlparser, type SqlparserDialect } from './sqlparser-ast.js';

type Loader = () => Promise<LineageParse>;

const pg: Loader = loadPostgresParser;
const rs = (dialect: SqlparserDialect): Loader => () => loadSqlparser(dialect);

const BY_ADAPTER: Record<string, Loader[]> = {
  postgres: [pg, rs('postgresql')],
  redshift: [rs('redshift'), pg],
  // DuckDB's grammar derives from PostgreSQL's: what sqlparser-rs misses (e.g. `AT TIME ZONE` forms) pg reads.
  duckdb: [rs('duckdb'), pg],
  snowflake: [rs('snowflake')],
  bigquery: [rs('bigquery')],
  mysql: [rs('mysql')],
};

/** The parsers for an adapter type; an unknown adapter gets sqlparser-rs's generic dialect. */
export async function loadLineageParsers(adapterType: string): Promise<LineageParse[]> {
  return Promise.all((BY_ADAPTER[adapterType] ?? [rs('generic')]).map((load) => load()));
}
