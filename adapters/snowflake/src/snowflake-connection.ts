/**
 * One Snowflake session behind xform's Connection: statements run with snowflake-sdk's execute, numbers and
 * dates fetched as text (values.ts), each result carrying its query id. Errors keep Snowflake's message,
 * SQL state, query id and position (`line L at position P`); credentials are redacted.
 */
import { SqlSession, sqlError, type ExecuteOptions, type QueryResult } from '@xform/core';
import type snowflake from 'snowflake-sdk';
import { snowflakeErrorPosition } from './snowflake-errors.js';
import { columnNames, toPlainValue, type ColumnMeta } from './snowflake-values.js';

type SdkConnection = snowflake.Connection;
type SdkStatement = snowflake.RowStatement;

export class SnowflakeSession extends SqlSession {
  private running: SdkStatement | undefined;

  constructor(
    readonly connection: SdkConnection,
    private readonly secrets: string[],
  ) {
    super();
  }

  execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    return new Promise((resolve, reject) => {
      this.running = this.connection.execute({
        sqlText: sql,
        ...(options.params && options.params.length > 0 ? { binds: options.params as snowflake.Binds } : {}),
        fetchAsString: ['Number', 'Date'],
        rowMode: 'array',
        complete: (err, statement, rows) => {
          this.running = undefined;
          if (err) return reject(this.wrap(err, sql, options.label, statement));
          try {
            resolve(toQueryResult(statement, (rows ?? []) as unknown[][]));
          } catch (e) {
            reject(this.wrap(e, sql, options.label, statement));
          }
        },
      });
    });
  }


  /** Cancels the running statement (the SDK's abort request); a no-op when idle. */
  async cancel(): Promise<void> {
    const statement = this.running;
    if (!statement) return;
    await new Promise<void>((resolve) => statement.cancel(() => resolve()));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.connection.destroy(() => resolve()));
  }

  wrap(err: unknown, sql: string, label: string | undefined, statement?: SdkStatement): Error {
    const e = err as Error & { sqlState?: string; code?: string | number; data?: { queryId?: string } };
    const queryId = e.data?.queryId ?? safeQueryId(statement);
    const position = snowflakeErrorPosition(e.message ?? '', sql);
    const message = `${e.message ?? String(err)}${queryId ? ` (query id ${queryId})` : ''}`;
    return sqlError(Object.assign(new Error(message), { cause: err }), sql, {
      label,
      adapter: 'snowflake',
      sqlState: e.sqlState ?? (e.code === undefined ? undefined : String(e.code)),
      position,
      secrets: this.secrets,
    });
  }
}

function toQueryResult(statement: SdkStatement, rows: unknown[][]): QueryResult {
  const meta = (statement.getColumns() ?? []) as unknown as ColumnMeta[];
  const names = columnNames(meta);
  const queryId = safeQueryId(statement);
  const updated = statement.getNumUpdatedRows();
  return {
    columns: meta.map((column, i) => ({ name: names[i]!, type: column.getType() })),
    rows: rows.map((values) => Object.fromEntries(names.map((name, i) => [name, toPlainValue(values[i], meta[i]!.getType(), meta[i]!.getScale())]))),
    // The SDK reports -1 for statements that are not DML.
    rowsAffected: typeof updated === 'number' && updated >= 0 ? updated : undefined,
    info: queryId ? { query_id: queryId } : {},
  };
}

function safeQueryId(statement: SdkStatement | undefined): string | undefined {
  try {
    return statement?.getQueryId() || undefined;
  } catch {
    return undefined;
  }
}
