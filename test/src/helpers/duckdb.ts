/** Reading what a CLI build wrote to a DuckDB file, the way a user's own query would. */
import { createAdapter } from '@xform/adapter-duckdb';

/** The rows of `sql` on the DuckDB database `file` (opened, queried, closed). */
export async function duckRows(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await createAdapter({ type: 'duckdb', name: 'check', path: file, schema: 'main', threads: 1 }, { projectRoot: '/' });
  try {
    return (await adapter.withConnection((c) => c.execute(sql))).rows;
  } finally {
    await adapter.close();
  }
}
