/**
 * One pooled PostgreSQL session behind xform's Connection. Rows come back in array mode and are turned
 * into objects here, so that duplicate column names (`select a.id, b.id`) are kept (`id`, `id_1`) instead
 * of silently overwriting each other.
 */
import { SqlSession, sqlError, type ExecuteOptions, type QueryColumn, type QueryResult } from '@xform/core';
import type pg from 'pg';
import { BUILTIN_TYPE_NAMES } from './postgres-values.js';

/** Commands whose row count is "rows written" (CREATE TABLE AS reports itself as SELECT without fields). */
const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

export interface SessionHooks {
  /** Cancels the statement running on the backend with this process id (from another connection). */
  cancelBackend(processId: number): Promise<void>;
  /** Passwords to keep out of error messages. */
  secrets: (string | undefined)[];
  /** Cache of `oid:typmod` -> type name, shared by the adapter's sessions. */
  typeNames: Map<string, string>;
}

export class PostgresSession extends SqlSession {
  private running = 0;

  constructor(
    readonly client: pg.PoolClient,
    private readonly hooks: SessionHooks,
  ) {
    super();
  }

  get processId(): number | undefined {
    return (this.client as unknown as { processID?: number }).processID ?? undefined;
  }

  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    this.running++;
    try {
      const raw = (await this.client.query({ text: sql, values: options.params, rowMode: 'array' })) as
        | pg.QueryArrayResult
        | pg.QueryArrayResult[];
      // Several statements in one string (hooks) give one result each; the last one is the answer.
      const result = Array.isArray(raw) ? raw[raw.length - 1]! : raw;
      return await this.toQueryResult(result);
    } catch (err) {
      throw this.wrap(err, sql, options.label);
    } finally {
      this.running--;
    }
  }


  /** Cancels the running statement via pg_cancel_backend from another connection; a no-op when idle. */
  async cancel(): Promise<void> {
    const pid = this.processId;
    if (this.running === 0 || pid === undefined) return;
    await this.hooks.cancelBackend(pid);
  }

  async close(): Promise<void> {
    this.client.release(true);
  }

  /** Wraps a driver error as XFORM_SQL_ERROR, with PostgreSQL's detail line and the error position. */
  wrap(err: unknown, sql: string, label: string | undefined): Error {
    const dbError = err as Partial<pg.DatabaseError> & Error;
    const message = dbError.detail ? `${dbError.message}\n${dbError.detail}` : dbError.message;
    const position = dbError.position ? Number(dbError.position) : undefined;
    return sqlError(Object.assign(new Error(message ?? String(err)), { cause: err }), sql, {
      label,
      adapter: 'postgres',
      position,
      sqlState: dbError.code,
      secrets: this.hooks.secrets,
    });
  }

  private async toQueryResult(result: pg.QueryArrayResult): Promise<QueryResult> {
    const fields = result.fields ?? [];
    const written = WRITE_COMMANDS.has(result.command) || (result.command === 'SELECT' && fields.length === 0);
    const rowsAffected = written && typeof result.rowCount === 'number' ? result.rowCount : undefined;
    if (fields.length === 0) return { columns: [], rows: [], rowsAffected };
    const names = deduplicate(fields.map((field) => field.name));
    const columns: QueryColumn[] = [];
    for (let i = 0; i < fields.length; i++) {
      columns.push({ name: names[i]!, type: await this.typeName(fields[i]!.dataTypeID, fields[i]!.dataTypeModifier) });
    }
    const rows = result.rows.map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i] ?? null;
      return row;
    });
    return { columns, rows, rowsAffected };
  }

  private async typeName(oid: number, typmod: number): Promise<string> {
    if (typmod === -1 && BUILTIN_TYPE_NAMES[oid]) return BUILTIN_TYPE_NAMES[oid];
    const key = `${oid}:${typmod}`;
    const cached = this.hooks.typeNames.get(key);
    if (cached) return cached;
    const { rows } = await this.client.query<{ name: string }>('select format_type($1::oid, $2) as name', [oid, typmod]);
    const name = rows[0]?.name ?? String(oid);
    this.hooks.typeNames.set(key, name);
    return name;
  }
}

function deduplicate(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}_${count}`;
  });
}
