/**
 * Seeds through batched binds: the CSV is streamed (csv-parse) and inserted into the staging table in
 * batches of multi-row INSERTs with `?` binds, sized to stay below the SDK's array-binding threshold, so
 * memory stays flat and no stage or cloud-storage upload is needed. Empty fields become NULL.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { relative } from 'node:path';
import { parse } from 'csv-parse';
import { XformError, type Connection, type Dialect, type SeedLoadRequest } from '@xform/core';

/** Binds per INSERT (rows x columns); the SDK switches to a stage upload above 100,000. */
const BINDS_PER_BATCH = 50_000;

export async function loadSeedWithBinds(connection: Connection, dialect: Dialect, request: SeedLoadRequest, projectRoot: string): Promise<number> {
  const path = relative(projectRoot, request.file).split('\\').join('/');
  try {
    await access(request.file);
  } catch {
    throw new XformError('XFORM_SEED_NOT_FOUND', `seed file ${path} does not exist`, { location: { file: path } });
  }
  const width = request.columns.length;
  const perBatch = Math.max(1, Math.floor(BINDS_PER_BATCH / Math.max(1, width)));
  const insert =
    `insert into ${dialect.relationName(request.relation)} (${request.columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')})\n` +
    `values (${request.columns.map(() => '?').join(', ')})`;
  const parser = createReadStream(request.file).pipe(parse({ delimiter: request.delimiter, from_line: 2, relax_column_count: false, bom: true }));
  let batch: (string | null)[][] = [];
  let total = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    // One bind array per row: the SDK sends them as one multi-row insert.
    const result = await connection.execute(insert, { params: batch, label: `seed ${path}` });
    total += result.rowsAffected ?? batch.length;
    batch = [];
  };
  for await (const record of parser as AsyncIterable<string[]>) {
    batch.push(record.map((value) => (value === '' ? null : value)));
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  return total;
}
