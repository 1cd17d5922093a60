/**
 * Relation naming and small statement helpers shared by every materialization: the staging and backup names
 * beside a node's relation, dropping leftovers of an interrupted run, creating schemas once per run, and
 * attaching the model's file to errors.
 */
import { createHash } from 'node:crypto';
import type { Adapter, CatalogRelation, Connection, QueryResult, Relation } from '../adapter/types.js';
import { isXformError, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import type { RelationCache } from './relation-cache.js';

export const TMP_SUFFIX = '__xform_tmp';
export const BACKUP_SUFFIX = '__xform_backup';

/**
 * PostgreSQL silently truncates identifiers beyond 63 bytes, which would make `<alias>__xform_tmp` and
 * `<alias>__xform_backup` collide for long aliases. Long names are shortened with a hash instead, the same
 * on every warehouse so that leftovers are found again.
 */
const MAX_IDENTIFIER_BYTES = 63;

export function nodeRelation(node: ExecutableNode): Relation {
  return node.database === undefined
    ? { schema: node.schema, identifier: node.alias }
    : { database: node.database, schema: node.schema, identifier: node.alias };
}

/** `<identifier><suffix>` in the same schema, shortened with a hash when too long. */
export function suffixedRelation(relation: Relation, suffix: string): Relation {
  let identifier = relation.identifier + suffix;
  if (Buffer.byteLength(identifier) > MAX_IDENTIFIER_BYTES) {
    const hash = createHash('sha256').update(relation.identifier).digest('hex').slice(0, 8);
    let head = relation.identifier;
    while (Buffer.byteLength(`${head}_${hash}${suffix}`) > MAX_IDENTIFIER_BYTES) head = head.slice(0, -1);
    identifier = `${head}_${hash}${suffix}`;
  }
  return { ...relation, identifier };
}

/** What every step of a materialization needs. */
export interface StepEnv {
  adapter: Adapter;
  connection: Connection;
  node: ExecutableNode;
  signal?: AbortSignal;
  /** The run's knowledge of which relations exist; without it every question goes to the catalog. */
  relations?: RelationCache;
}

/** Whether `relation` exists, and as what: from the run's relation cache when there is one. */
export function lookupRelation(env: StepEnv, relation: Relation): Promise<CatalogRelation | undefined> {
  return env.relations ? env.relations.get(relation) : env.adapter.catalog.getRelation(relation);
}

/** The relations a node may leave behind: its own, its staging and its backup relation. */
export function nodeRelations(node: ExecutableNode): Relation[] {
  const target = nodeRelation(node);
  return [target, suffixedRelation(target, TMP_SUFFIX), suffixedRelation(target, BACKUP_SUFFIX)];
}

export function throwIfCancelled(env: StepEnv): void {
  if (env.signal?.aborted) {
    throw new XformError('XFORM_CANCELLED', `${env.node.name}: cancelled`, { location: { file: env.node.original_file_path } });
  }
}

/** Runs one statement, labelled with the node's unique_id, after checking for cancellation. */
export async function exec(env: StepEnv, sql: string): Promise<QueryResult> {
  throwIfCancelled(env);
  return env.connection.execute(sql, { label: env.node.unique_id });
}

/** Drops `relation` if it exists, whatever its kind (leftovers of an interrupted run). */
export async function dropIfExists(env: StepEnv, relation: Relation): Promise<void> {
  const found = await lookupRelation(env, relation);
  if (found) {
    await exec(env, env.adapter.dialect.dropRelation(relation, found.kind));
    env.relations?.dropped(relation);
  }
}

/** Best-effort cleanup on a failure path: the original error matters more than a cleanup error. */
export async function dropQuietly(env: StepEnv, relation: Relation): Promise<void> {
  // On a failure path the connection may sit in an aborted transaction: what exists is asked afresh.
  env.relations?.forget(relation);
  try {
    const found = await lookupRelation(env, relation);
    if (found) await env.connection.execute(env.adapter.dialect.dropRelation(relation, found.kind), { label: env.node.unique_id });
  } catch {
    // ignored on purpose, see above
  }
}

export async function rollbackQuietly(connection: Connection): Promise<void> {
  try {
    await connection.rollback();
  } catch {
    // The transaction may already be gone (the failed statement aborted it); nothing left to undo.
  }
}

/**
 * Runs `fn` inside a transaction on the node's connection: commit on success, rollback and rethrow on
 * failure.
 */
export async function inTransaction<T>(env: StepEnv, fn: () => Promise<T>): Promise<T> {
  throwIfCancelled(env);
  await env.connection.begin();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await rollbackQuietly(env.connection);
    throw err;
  }
  await env.connection.commit();
  return result;
}

/**
 * The same error with the model's file attached when it has no location yet (a SQL error from the
 * warehouse knows the statement but not which file it came from). Non-xform errors are wrapped.
 */
export function withNodeLocation(err: unknown, node: ExecutableNode): unknown {
  const location = { file: node.original_file_path, ...(node.line === undefined ? {} : { line: node.line }) };
  if (isXformError(err)) {
    if (err.location) return err;
    const wrapped = new XformError(err.code, err.message, { location, hint: err.hint, cause: err.cause ?? err, diagnostics: err.diagnostics });
    return wrapped;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new XformError('XFORM_SQL_ERROR', `${node.name}: ${message}`, { location, cause: err });
}

const schemaKey = (database: string | undefined, schema: string): string => `${database ?? ''}\u0000${schema}`;

/**
 * Creates every missing schema among `relations`, once per distinct (database, schema): one listSchemas per
 * database, then one CREATE SCHEMA per missing schema. Call once per run before materializing.
 */
export async function ensureSchemas(adapter: Adapter, relations: Iterable<Relation>): Promise<string[]> {
  const wanted = new Map<string, { database?: string; schema: string }>();
  for (const r of relations) {
    const key = schemaKey(r.database, r.schema);
    if (!wanted.has(key)) wanted.set(key, r.database === undefined ? { schema: r.schema } : { database: r.database, schema: r.schema });
  }
  if (wanted.size === 0) return [];
  const byDatabase = new Map<string | undefined, { database?: string; schema: string }[]>();
  for (const w of wanted.values()) {
    const list = byDatabase.get(w.database) ?? [];
    list.push(w);
    byDatabase.set(w.database, list);
  }
  // Catalog questions first, without holding a connection: the catalog may need one from the same pool.
  const missing: { database?: string; schema: string }[] = [];
  for (const [database, list] of byDatabase) {
    const present = new Set(await adapter.catalog.listSchemas(database));
    for (const w of list) if (!present.has(w.schema)) missing.push(w);
  }
  const created: string[] = [];
  if (missing.length === 0) return created;
  await adapter.withConnection(async (connection) => {
    for (const { database, schema } of missing) {
      await connection.execute(adapter.dialect.createSchema(schema, database), { label: `schema ${schema}` });
      created.push(database === undefined ? schema : `${database}.${schema}`);
    }
  });
  return created;
}
