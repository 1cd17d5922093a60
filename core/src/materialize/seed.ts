/**
 * Seeds: a CSV file becomes a table. The file is checked and its column types inferred in one streaming
 * pass (seed-csv.ts), the adapter's own type inference is preferred where it has one, `column_types`
 * overrides both; the rows are loaded natively (COPY, read_csv) into the run's staging table, which is then
 * published like a table, so reloading a seed replaces it atomically.
 */
import path from 'node:path';
import type { SeedColumn } from '../adapter/types.js';
import { didYouMeanHint, XformError } from '../errors.js';
import { publish } from './publish.js';
import { dropIfExists, dropLeftovers, dropQuietly, exec, nodeRelation, nodeRelations, stagingRelation, throwIfCancelled, withNodeLocation } from './relations.js';
import { ColumnLookup } from './schema-change.js';
import { readSeedHeader, scanSeedCsv, type SeedCsvScan } from './seed-csv.js';
import { adapterResponse, runAudit } from './table.js';
import type { MaterializeResult, SeedContext } from './types.js';

export async function materializeSeed(ctx: SeedContext): Promise<MaterializeResult> {
  try {
    return await loadSeed(ctx);
  } catch (err) {
    for (const relation of nodeRelations(ctx.node, ctx.names)) ctx.relations?.forget(relation);
    throw withNodeLocation(err, ctx.node);
  }
}

async function loadSeed(ctx: SeedContext): Promise<MaterializeResult> {
  const { adapter, node } = ctx;
  const env = { adapter, connection: ctx.connection, node, signal: ctx.signal, audit: ctx.audit, relations: ctx.relations, names: ctx.names };
  await dropLeftovers(env);
  const file = path.resolve(ctx.projectRoot, node.original_file_path);
  const delimiter = typeof node.config.delimiter === 'string' && node.config.delimiter !== '' ? node.config.delimiter : ',';
  // An adapter that infers types reads the whole file itself, so xform reads only the header then, and scans
  // the whole file (for an error naming the line) only when the warehouse rejects it or types are missing.
  let scan = adapter.inferSeedTypes ? undefined : await scanSeedCsv(file, node.original_file_path, delimiter);
  const header = scan?.header ?? (await readSeedHeader(file, node.original_file_path, delimiter));
  const fullScan = async (): Promise<SeedCsvScan> => (scan ??= await scanSeedCsv(file, node.original_file_path, delimiter));
  /** The scan's own error when the file is malformed (it throws), else the warehouse's error. */
  const explain = async (err: unknown): Promise<unknown> => {
    if (!env.signal?.aborted) await fullScan();
    return err;
  };
  throwIfCancelled(env);
  const coreTypes = async () => (await fullScan()).kinds.map((k) => adapter.dialect.seedType(k));
  const columns = await seedColumns(ctx, file, delimiter, header, coreTypes).catch(async (err: unknown) => {
    throw await explain(err);
  });

  const target = nodeRelation(node);
  const tmp = stagingRelation(env, target);
  await dropIfExists(env, tmp);
  try {
    await exec(env, adapter.dialect.createTable(tmp, columns));
    env.relations?.created(tmp, 'table');
    throwIfCancelled(env);
    const rows = await adapter.loadSeed(ctx.connection, { file, relation: tmp, columns, delimiter }).catch(async (err: unknown) => {
      throw await explain(err);
    });
    await runAudit(env, tmp);
    await publish(env, { staged: tmp, stagedKind: 'table', target });
    const message = `INSERT ${rows}`;
    return { status: 'success', rowsAffected: rows, message, adapterResponse: adapterResponse(message, rows) };
  } catch (err) {
    await dropQuietly(env, tmp);
    throw err;
  }
}

/**
 * Column names from the header; types from column_types, else the adapter's inference, else core's.
 * A column_types key naming no column is a mistake worth stopping for (it would silently do nothing).
 */
async function seedColumns(
  ctx: SeedContext,
  file: string,
  delimiter: string,
  header: string[],
  coreTypes: () => Promise<string[]>,
): Promise<SeedColumn[]> {
  const { node, adapter } = ctx;
  const overrides = node.config.column_types ?? {};
  const headerLookup = new ColumnLookup(header.map((name) => ({ name, dataType: '' })));
  const overrideByColumn = new Map<string, string>();
  for (const [key, type] of Object.entries(overrides)) {
    const column = headerLookup.get(key);
    if (!column) {
      throw new XformError('XFORM_SEED_COLUMN_UNKNOWN', `${node.name}: column_types names '${key}', which is not a column of ${node.original_file_path}`, {
        location: { file: node.original_file_path, line: 1 },
        hint: didYouMeanHint(key, header) ?? `columns: ${header.join(', ')}`,
      });
    }
    overrideByColumn.set(column.name, String(type));
  }

  let inferred: SeedColumn[] | undefined;
  if (overrideByColumn.size < header.length && adapter.inferSeedTypes) {
    inferred = await adapter.inferSeedTypes(file, delimiter);
  }
  const inferredLookup = inferred && inferred.length === header.length ? new ColumnLookup(inferred.map((c) => ({ name: c.name, dataType: c.dataType }))) : undefined;
  const known = header.map((name) => overrideByColumn.get(name) ?? inferredLookup?.get(name)?.dataType);
  const fallback = known.some((t) => t === undefined) ? await coreTypes() : [];
  return header.map((name, i) => ({ name, dataType: known[i] ?? fallback[i]! }));
}
