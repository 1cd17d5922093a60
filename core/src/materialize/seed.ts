/**
 * Seeds: a CSV file becomes a table. The file is checked and its column types inferred in one streaming
 * pass (seed-csv.ts), the adapter's own type inference is preferred where it has one, `column_types`
 * overrides both; the rows are loaded natively (COPY, read_csv) into the run's staging table, which is then
 * published like a table, so reloading a seed replaces it atomically.
 */
import path from 'node:path';
import type { SeedColumn, SeedTypeKind } from '../adapter/types.js';
import { didYouMeanHint, XformError } from '../errors.js';
import { publish } from './publish.js';
import { dropIfExists, dropLeftovers, dropQuietly, exec, nodeRelation, nodeRelations, stagingRelation, throwIfCancelled, withNodeLocation } from './relations.js';
import { ColumnLookup } from './schema-change.js';
import { readSeedHeader, scanSeedCsv, startSeedScan, type SeedCsvScan } from './seed-csv.js';
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
  // Otherwise the scan starts now, and the load starts from its guess (the first megabyte's types) while the
  // scan reads on: the two overlap, and the scan's result decides (a wrong guess is loaded again).
  const scanning = adapter.inferSeedTypes ? undefined : startSeedScan(file, node.original_file_path, delimiter);
  let scanned: Promise<SeedCsvScan> | undefined = scanning?.full;
  const fullScan = (): Promise<SeedCsvScan> => (scanned ??= scanSeedCsv(file, node.original_file_path, delimiter));
  const guess = await scanning?.guess;
  const header = guess?.header ?? (await readSeedHeader(file, node.original_file_path, delimiter));
  /** The scan's own error when the file is malformed (it throws), else the warehouse's error. */
  const explain = async (err: unknown): Promise<unknown> => {
    if (!env.signal?.aborted) await fullScan();
    return err;
  };
  throwIfCancelled(env);
  const columnsFrom = (kinds: SeedTypeKind[] | undefined) =>
    seedColumns(ctx, file, delimiter, header, async () => (kinds ?? (await fullScan()).kinds).map((k) => adapter.dialect.seedType(k))).catch(
      async (err: unknown) => {
        throw await explain(err);
      },
    );
  let columns = await columnsFrom(guess?.kinds);

  const target = nodeRelation(node);
  const tmp = stagingRelation(env, target);
  await dropIfExists(env, tmp);
  /**
   * Creates the staging table and loads the file into it; settles with the row count or the error (only the
   * load's own is worth explaining by the scan).
   */
  const load = async (): Promise<{ rows: number } | { error: unknown; explain: boolean }> => {
    try {
      await exec(env, adapter.dialect.createTable(tmp, columns));
      env.relations?.created(tmp, 'table');
      throwIfCancelled(env);
    } catch (error) {
      return { error, explain: false };
    }
    return adapter.loadSeed(ctx.connection, { file, relation: tmp, columns, delimiter }).then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error, explain: true }),
    );
  };
  try {
    let loading = load();
    if (guess && !guess.complete) {
      // The whole scan: its error comes first (once the load has stopped using the connection), its types decide.
      const scan = await fullScan().catch(async (err: unknown) => {
        await loading;
        throw err;
      });
      const final = await columnsFrom(scan.kinds).catch(async (err: unknown) => {
        await loading;
        throw err;
      });
      if (!sameColumns(final, columns)) {
        await loading;
        await dropIfExists(env, tmp);
        columns = final;
        loading = load();
      }
    }
    const loaded = await loading;
    if ('error' in loaded) throw loaded.explain ? await explain(loaded.error) : loaded.error;
    const rows = loaded.rows;
    await runAudit(env, tmp);
    await publish(env, { staged: tmp, stagedKind: 'table', target });
    const message = `INSERT ${rows}`;
    return { status: 'success', rowsAffected: rows, message, adapterResponse: adapterResponse(message, rows) };
  } catch (err) {
    await dropQuietly(env, tmp);
    throw err;
  }
}

function sameColumns(a: SeedColumn[], b: SeedColumn[]): boolean {
  return a.length === b.length && a.every((column, i) => column.name === b[i]!.name && column.dataType === b[i]!.dataType);
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
