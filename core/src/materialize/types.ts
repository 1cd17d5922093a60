/**
 * What a materialization needs and what it reports. The run engine builds a context per node (one pooled
 * connection, the node, how to render its SQL) and the materialization does the rest from Dialect SQL.
 */
import type { Adapter, Connection, Relation } from '../adapter/types.js';
import type { Batch } from '../compile/microbatch.js';
import type { BatchRender } from '../compile/render-context.js';
import type { ExecutableNode } from '../graph/types.js';
import type { RelationCache } from './relation-cache.js';
import type { StagingNames } from './relations.js';

/** The write-audit-publish seam: inspect a fully built staging relation before it replaces the live one. */
export type AuditHook = (staging: Relation) => Promise<{ ok: boolean; message?: string }>;

export interface MaterializeContext {
  adapter: Adapter;
  /** One pooled connection for this node; every statement of the node runs on it. */
  connection: Connection;
  /** The node; its relation is {database, schema, identifier: alias}. */
  node: ExecutableNode;
  /** `--full-refresh` given. A node's own `full_refresh` config wins over it (dbt semantics). */
  fullRefresh: boolean;
  /**
   * The node's SQL rendered for this run. Incremental models are re-rendered with is_incremental() true only
   * when the target exists, is a table, and full refresh is off. Microbatch models render once per batch,
   * on the connection that runs the batch (introspection asks there; default the node's).
   */
  renderSql(isIncremental: boolean, batch?: BatchRender, connection?: Connection): string | Promise<string>;
  /** Microbatch models: run exactly these batches (`xform retry`) instead of planning them. */
  batches?: readonly Batch[];
  /** Microbatch models: --event-time-start / --event-time-end. */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /** Microbatch models: called as each batch finishes. */
  onBatch?(report: BatchReport): void;
  /** Microbatch models: how many batches may run at once where that is safe (the run's threads). Default 1. */
  concurrency?: number;
  /** Renders a hook template (pre_hook/post_hook) for this node. */
  renderHook(sql: string): string;
  /**
   * Called with the fully built staging relation before it is published. Returning {ok:false} aborts the
   * publish, leaving the published relation untouched. Absent = publish.
   */
  audit?: AuditHook;
  /** Aborts between statements (the caller cancels the running query through the adapter). */
  signal?: AbortSignal;
  /** The run's relation cache (see relation-cache.ts). Absent: every question goes to the catalog. */
  relations?: RelationCache;
  /**
   * The run's staging and backup names, and the leftovers of killed runs to drop first (see relations.ts).
   * Absent: `<alias>__xform_tmp` and `<alias>__xform_backup`, nothing dropped beforehand.
   */
  names?: StagingNames;
}

/** One finished batch of a microbatch model. */
export interface BatchReport {
  batch: Batch;
  /** `2026-01-03` (dbt's batch id with dashes, per batch_size). */
  label: string;
  /** 1-based. */
  index: number;
  total: number;
  status: 'success' | 'error' | 'skipped';
  message: string;
  seconds: number;
  rows?: number;
  error?: unknown;
}

export interface MaterializeResult {
  /** `partial success` and `error` only for microbatch models, whose failed batches do not throw. */
  status: 'success' | 'partial success' | 'error';
  /** Microbatch models: each batch as [start, end), ISO 8601 UTC. */
  batchResults?: { successful: Batch[]; failed: Batch[] };
  /** The first failure, when status is not success. */
  error?: unknown;
  rowsAffected?: number;
  /** Short summary for the run log, e.g. "CREATE TABLE (120 rows)", "MERGE 12". */
  message: string;
  adapterResponse?: Record<string, unknown>;
}

export interface SeedContext {
  adapter: Adapter;
  connection: Connection;
  /** resource_type seed; `original_file_path` is the CSV path relative to `projectRoot`. */
  node: ExecutableNode;
  /** Absolute project root. */
  projectRoot: string;
  fullRefresh: boolean;
  /** Same seam as MaterializeContext.audit, called with the loaded staging table. */
  audit?: AuditHook;
  signal?: AbortSignal;
  /** The run's relation cache (see relation-cache.ts). */
  relations?: RelationCache;
  /** Same as MaterializeContext.names. */
  names?: StagingNames;
}
