/**
 * Which parsers read a warehouse's compiled SQL for column lineage, best first: the warehouse's own grammar
 * (PostgreSQL's parser for PostgreSQL, sqlparser-rs's dialect for DuckDB, Snowflake, BigQuery...), then
 * a near relative. node-sql-parser stays the last resort inside traceColumns.
 */
import { setFlagsFromString } from 'node:v8';
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

/**
 * Up to this many models, the parsers' WebAssembly (3.5 MB for sqlparser-rs) runs on V8's baseline code
 * (Liftoff) only: optimizing the functions that get hot costs ~0.5 s of CPU, on the main thread's clock,
 * which an 11-model project never wins back (docs generate 1.3 -> 0.7 s, measured). Past it the optimized
 * code pays for itself: 10,000 models took 0.6 s longer on Liftoff alone (in 11 s).
 */
export const BASELINE_WASM_MAX_MODELS = 2000;

/**
 * The parsers for an adapter type; an unknown adapter gets sqlparser-rs's generic dialect. `models`: how
 * many models' SQL they will read (see BASELINE_WASM_MAX_MODELS). V8 reads the flag as it compiles a
 * module, so it is set before the first parser loads; it touches nothing but WebAssembly, which only these
 * parsers use.
 */
export async function loadLineageParsers(adapterType: string, models = Infinity): Promise<LineageParse[]> {
  if (models <= BASELINE_WASM_MAX_MODELS) setFlagsFromString('--liftoff-only');
  return Promise.all((BY_ADAPTER[adapterType] ?? [rs('generic')]).map((load) => load()));
}
