/**
 * One DuckDB connection (a session on the adapter's single DuckDBInstance) behind xform's Connection.
 * Statements run on DuckDB's worker threads, so `cancel()` (connection.interrupt) works from the event loop
 * while a statement is running.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { SqlSession, sqlError, type ExecuteOptions, type QueryResult } from '@xform/core';
import { duckdbDriver } from './duckdb-driver.js';
import { duckdbErrorPosition } from './duckdb-errors.js';
import { xformValueConverter } from './duckdb-values.js';

const { ResultReturnType } = duckdbDriver();

export class DuckDBSession extends SqlSession {
  protected override readonly beginStatement = 'begin transaction';
  private closed = false;

  constructor(private readonly connection: DuckDBConnection) {
    super();
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    try {
      const result = await this.connection.run(sql, options.params as DuckDBValue[] | undefined);
      if (result.returnType === ResultReturnType.CHANGED_ROWS) {
        return { columns: [], rows: [], rowsAffected: Number(result.rowsChanged) };
      }
      const names = result.deduplicatedColumnNames();
      if (result.returnType === ResultReturnType.NOTHING) {
        // DDL answers with a `Count` column, not a result set: one row for CREATE TABLE AS (the rows it
        // wrote), none for a view or a schema. An empty answer is not fetched (for a thousand views, that
        // cost as much as a tenth of creating them).
        if (names.length !== 1 || names[0] !== 'Count' || result.rowCount === 0) return { columns: [], rows: [], rowsAffected: undefined };
        const count = (await result.convertRows(xformValueConverter))[0]?.[0];
        return { columns: [], rows: [], rowsAffected: typeof count === 'number' ? count : undefined };
      }
      const types = result.columnTypes();
      const values = await result.convertRows(xformValueConverter);
      const rows = values.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? null])));
      return { columns: names.map((name, i) => ({ name, type: types[i]!.toString() })), rows };
    } catch (err) {
      const at = err instanceof Error ? duckdbErrorPosition(err.message, sql) : undefined;
      throw sqlError(err, sql, { label: options.label, adapter: 'duckdb', position: at?.position, positionText: at?.text });
    }
  }


  async cancel(): Promise<void> {
    if (!this.closed) this.connection.interrupt();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connection.closeSync();
  }
}
