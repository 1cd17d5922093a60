/**
 * Relation naming and small statement helpers shared by every materialization: the staging and backup names
 * beside a node's relation, dropping leftovers of an interrupted run, creating schemas once per run, and
 * attaching the model's file to errors.
 */
import { createHash } from 'node:crypto';
import type { Adapter, CatalogRelation, Connection, QueryResult, Relation } from '../adapter/types.js';
import { isSqlError } from '../adapter/sql-error.js';
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

/** Hex characters of the invocation id in a run's staging and backup names. */
const TOKEN_LENGTH = 6;
/** A staging or backup name of any run (the run's token, or none from xform before per-run names). */
const ANY_RUN_NAME = new RegExp(`^(.*(?:${TMP_SUFFIX}|${BACKUP_SUFFIX}))(?:_[0-9a-f]{${TOKEN_LENGTH}})?$`, 'u');
const leftoverKey = (r: Relation, base: string): string => `${r.database ?? ''}\u0000${r.schema}\u0000${base.toLowerCase()}`;

/**
 * The staging and backup names of one run: `<alias>__xform_tmp_<6 hex of the invocation id>`. Two runs
 * writing the same relation at once (BigQuery, Snowflake: no run lock) never build into the same staging
 * relation. Under the run lock no other run is building, so relations named like a node's staging or
 * backup relation of another run are leftovers of a killed run: `takeLeftovers` hands them out once, from
 * the relations listed when the run started (the relation cache lists each schema once).
 */
export class StagingNames {
  private readonly token: string;
  private readonly leftovers = new Map<string, CatalogRelation[]>();

  /** `listed`: the relations that existed when the run started, given only while the run lock is held. */
  constructor(invocationId: string, listed?: Iterable<CatalogRelation>) {
    this.token = invocationId.replace(/[^0-9a-f]/giu, '').toLowerCase().padEnd(TOKEN_LENGTH, '0').slice(0, TOKEN_LENGTH);
    for (const relation of listed ?? []) {
      const base = ANY_RUN_NAME.exec(relation.identifier.toLowerCase())?.[1];
      if (base === undefined) continue;
      const key = leftoverKey(relation, base);
      this.leftovers.set(key, [...(this.leftovers.get(key) ?? []), relation]);
    }
  }

  staging(target: Relation): Relation {
    return suffixedRelation(target, `${TMP_SUFFIX}_${this.token}`);
  }

  backup(target: Relation): Relation {
    return suffixedRelation(target, `${BACKUP_SUFFIX}_${this.token}`);
  }

  /**
   * The names of another worker of this run (a microbatch model's batches at once): a token of its own,
   * shaped like any run's, so that a killed run's leftovers of it are found and dropped like the others.
   */
  forWorker(worker: number): StagingNames {
    return new StagingNames(createHash('sha256').update(`${this.token} ${worker}`).digest('hex'));
  }

  /** Staging and backup relations of `target` left by other runs; each is handed out once. */
  takeLeftovers(target: Relation): CatalogRelation[] {
    if (this.leftovers.size === 0) return [];
    const placeholder = '0'.repeat(TOKEN_LENGTH);
    const bases = [TMP_SUFFIX, BACKUP_SUFFIX].flatMap((suffix) => [
      suffixedRelation(target, suffix).identifier,
      // Shortened names keep the same head whatever the token: its length is fixed.
      suffixedRelation(target, `${suffix}_${placeholder}`).identifier.slice(0, -(TOKEN_LENGTH + 1)),
    ]);
    const own = new Set([this.staging(target).identifier, this.backup(target).identifier]);
    const found: CatalogRelation[] = [];
    for (const base of new Set(bases.map((b) => leftoverKey(target, b)))) {
      for (const relation of this.leftovers.get(base) ?? []) if (!own.has(relation.identifier)) found.push(relation);
      this.leftovers.delete(base);
    }
    return found;
  }
}

/** What every step of a materialization needs. */
export interface StepEnv {
  adapter: Adapter;
  connection: Connection;
  node: ExecutableNode;
  signal?: AbortSignal;
  /** The run's knowledge of which relations exist; without it every question goes to the catalog. */
  relations?: RelationCache;
  /** The run's staging and backup names; without them, `<alias>__xform_tmp` and `<alias>__xform_backup`. */
  names?: StagingNames;
}

/** Where this run stages the node's new relation. */
export function stagingRelation(env: Pick<StepEnv, 'names'>, target: Relation): Relation {
  return env.names ? env.names.staging(target) : suffixedRelation(target, TMP_SUFFIX);
}

/** Where this run keeps the node's previous relation while publishing. */
export function backupRelation(env: Pick<StepEnv, 'names'>, target: Relation): Relation {
  return env.names ? env.names.backup(target) : suffixedRelation(target, BACKUP_SUFFIX);
}

/**
 * Drops the staging and backup relations killed runs left beside the node's relation (known only under the
 * run lock, see StagingNames). Best effort: a leftover that cannot be dropped does not collide with this
 * run's names, so it must not fail the build.
 */
export async function dropLeftovers(env: StepEnv): Promise<void> {
  for (const leftover of env.names?.takeLeftovers(nodeRelation(env.node)) ?? []) {
    const { kind: _kind, ...relation } = leftover;
    try {
      await exec(env, env.adapter.dialect.dropRelation(relation, leftover.kind));
      env.relations?.dropped(relation);
    } catch {
      env.relations?.forget(relation);
    }
  }
}

/** Whether `relation` exists, and as what: from the run's relation cache when there is one. */
export function lookupRelation(env: StepEnv, relation: Relation): Promise<CatalogRelation | undefined> {
  return env.relations ? env.relations.get(relation) : env.adapter.catalog.getRelation(relation);
}

/** The relations a node may leave behind: its own, and this run's staging and backup relation. */
export function nodeRelations(node: ExecutableNode, names?: StagingNames): Relation[] {
  const target = nodeRelation(node);
  return [target, stagingRelation({ names }, target), backupRelation({ names }, target)];
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
    // A SQL error keeps its statement and position: the run maps them to the model's source line.
    if (isSqlError(err) && typeof err.with === 'function') return err.with({ location });
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
