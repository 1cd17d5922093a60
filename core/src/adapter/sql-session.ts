/**
 * The transaction half of a Connection for warehouses that open and end transactions with plain statements
 * (DuckDB, PostgreSQL, Snowflake): begin/commit/rollback through `execute`, and `inTransaction`, which the
 * pool reads to roll back a session returned in the middle of one. Adapters supply execute, cancel and close.
 */
import type { Connection, ExecuteOptions, QueryResult } from './types.js';

export abstract class SqlSession implements Connection {
  /** True between begin() and commit()/rollback(). */
  inTransaction = false;

  /** The statement that opens a transaction. */
  protected readonly beginStatement: string = 'begin';

  abstract execute(sql: string, options?: ExecuteOptions): Promise<QueryResult>;
  abstract cancel(): Promise<void>;
  abstract close(): Promise<void>;

  async begin(): Promise<void> {
    await this.execute(this.beginStatement);
    this.inTransaction = true;
  }

  async commit(): Promise<void> {
    await this.end('commit');
  }

  async rollback(): Promise<void> {
    await this.end('rollback');
  }

  /** Whether the statement succeeds or not, the transaction is over. */
  private async end(statement: 'commit' | 'rollback'): Promise<void> {
    try {
      await this.execute(statement);
    } finally {
      this.inTransaction = false;
    }
  }
}
