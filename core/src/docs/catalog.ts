/**
 * target/catalog.json: what the warehouse says about every model, seed, snapshot and source of the manifest
 * (columns in order with their types, row counts and sizes where the adapter can tell), in the spirit of
 * dbt's catalog.json. One relation listing per schema tells which relations exist, so a missing relation
 * costs no query; columns and stats are then asked per relation with bounded concurrency.
 */
import path from 'node:path';
import { writeFileAtomic } from '../fs-write.js';
import type { Catalog, CatalogRelation, RelationDescription } from '../adapter/types.js';
import type { Manifest } from '../compile/manifest.js';
import type { ExecutableNode, SourceNode } from '../graph/types.js';

export interface CatalogColumn {
  name: string;
  type: string;
  /** 0-based position in the relation. */
  index: number;
  comment?: string;
}

export interface CatalogEntry {
  unique_id: string;
  metadata: { database?: string; schema: string; name: string; type: CatalogRelation['kind'] };
  /** By column name as the warehouse spells it, in warehouse order. */
  columns: Record<string, CatalogColumn>;
  stats: { row_count?: number; bytes?: number };
}

export interface CatalogFile {
  metadata: { generated_at: string; invocation_id: string; adapter_type: string };
  nodes: Record<string, CatalogEntry>;
  sources: Record<string, CatalogEntry>;
  /** Relations of the manifest that the warehouse does not hold (never built, or dropped). */
  missing: string[];
  errors: { unique_id: string; message: string }[];
}

export interface BuildCatalogOptions {
  /** How many relations to describe at once. Default 4. */
  concurrency?: number;
}

type Described = ExecutableNode | SourceNode;

function relationOf(node: Described): { database?: string; schema: string; identifier: string } {
  if (node.resource_type === 'source') return { database: node.database, schema: node.schema, identifier: node.identifier };
  return { database: node.database, schema: node.schema, identifier: node.alias };
}

const key = (database: string | undefined, schema: string) => `${database ?? ''}\u0000${schema.toLowerCase()}`;

/** Asks the adapter's catalog about every relation the manifest names. */
export async function buildCatalog(manifest: Manifest, catalog: Catalog, options: BuildCatalogOptions = {}): Promise<CatalogFile> {
  const described: Described[] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type === 'model' || node.resource_type === 'seed' || node.resource_type === 'snapshot') {
      if (node.config.materialized === 'ephemeral') continue;
      described.push(node);
    }
  }
  described.push(...Object.values(manifest.sources));

  const schemas = new Map<string, { database?: string; schema: string }>();
  for (const node of described) {
    const rel = relationOf(node);
    schemas.set(key(rel.database, rel.schema), { database: rel.database, schema: rel.schema });
  }
  const existing = new Map<string, CatalogRelation>();
  /** Whole-schema descriptions, where the catalog can give them (describeSchema). */
  const schemaDescriptions = new Map<string, Map<string, RelationDescription>>();
  const out: CatalogFile = {
    metadata: { generated_at: new Date().toISOString(), invocation_id: manifest.metadata.invocation_id, adapter_type: manifest.metadata.adapter_type },
    nodes: {},
    sources: {},
    missing: [],
    errors: [],
  };
  for (const [k, { database, schema }] of schemas) {
    try {
      for (const rel of await catalog.listRelations(schema, database)) existing.set(`${k}\u0000${rel.identifier.toLowerCase()}`, rel);
      if (catalog.describeSchema) schemaDescriptions.set(k, await catalog.describeSchema(schema, database));
    } catch (err) {
      out.errors.push({ unique_id: `schema:${schema}`, message: err instanceof Error ? err.message : String(err) });
    }
  }

  const todo = described.filter((node) => {
    const rel = relationOf(node);
    const found = existing.has(`${key(rel.database, rel.schema)}\u0000${rel.identifier.toLowerCase()}`);
    if (!found) out.missing.push(node.unique_id);
    return found;
  });
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const node = todo[next++]!;
      const rel = relationOf(node);
      const found = existing.get(`${key(rel.database, rel.schema)}\u0000${rel.identifier.toLowerCase()}`)!;
      try {
        const whole = schemaDescriptions.get(key(rel.database, rel.schema))?.get(found.identifier);
        const columns = whole ? whole.columns : await catalog.getColumns(found);
        const stats = whole ?? (found.kind === 'table' && catalog.getStats ? await catalog.getStats(found) : {});
        const entry: CatalogEntry = {
          unique_id: node.unique_id,
          metadata: { database: found.database, schema: found.schema, name: found.identifier, type: found.kind },
          columns: Object.fromEntries(
            columns.map((c, index) => [c.name, { name: c.name, type: c.dataType, index, ...(c.comment ? { comment: c.comment } : {}) }]),
          ),
          stats: {
            ...(stats.rowCount === undefined ? {} : { row_count: stats.rowCount }),
            ...(stats.bytes === undefined ? {} : { bytes: stats.bytes }),
          },
        };
        (node.resource_type === 'source' ? out.sources : out.nodes)[node.unique_id] = entry;
      } catch (err) {
        out.errors.push({ unique_id: node.unique_id, message: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return out;
}

export async function writeCatalog(targetDir: string, catalog: CatalogFile): Promise<string> {
  const file = path.join(targetDir, 'catalog.json');
  await writeFileAtomic(file, JSON.stringify(catalog), 'the catalog');
  return file;
}
