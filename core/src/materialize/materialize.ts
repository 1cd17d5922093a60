/**
 * `materialize(ctx)`: runs one model according to its `materialized` config. Each algorithm is written once
 * in this folder from Dialect SQL and the adapter's declared capabilities; adapters never re-implement them.
 */
import { didYouMeanHint, XformError } from '../errors.js';
import { buildIncremental } from './incremental.js';
import { buildMicrobatch } from './microbatch.js';
import { dropLeftovers, nodeRelations, withNodeLocation } from './relations.js';
import { buildSnapshot } from './snapshot.js';
import { buildTable, buildView } from './table.js';
import type { MaterializeContext, MaterializeResult } from './types.js';

export const MATERIALIZATIONS = ['view', 'table', 'incremental', 'ephemeral'] as const;
/** Set by the compiler on every snapshot node (resource_type snapshot), never by users on models. */
export const SNAPSHOT_MATERIALIZATION = 'snapshot';

/** Default materialization when a model configures none (dbt: view). */
export const DEFAULT_MATERIALIZATION = 'view';

export async function materialize(ctx: MaterializeContext): Promise<MaterializeResult> {
  const { node } = ctx;
  const kind = node.resource_type === 'snapshot' ? SNAPSHOT_MATERIALIZATION : (node.config.materialized ?? DEFAULT_MATERIALIZATION);
  const env = { adapter: ctx.adapter, connection: ctx.connection, node, signal: ctx.signal, audit: ctx.audit, renderHook: ctx.renderHook, relations: ctx.relations, names: ctx.names };
  try {
    if (kind !== 'ephemeral') await dropLeftovers(env);
    switch (kind) {
      case 'view':
        return await buildView(env, await ctx.renderSql(false));
      case 'table':
        return await buildTable(env, await ctx.renderSql(false));
      case 'incremental':
        if (node.config.incremental_strategy === 'microbatch') {
          return await buildMicrobatch({
            ...env,
            fullRefresh: ctx.fullRefresh,
            renderBatch: (batch, inc, connection) => ctx.renderSql(inc, batch, connection),
            batches: ctx.batches,
            eventTimeStart: ctx.eventTimeStart,
            eventTimeEnd: ctx.eventTimeEnd,
            onBatch: ctx.onBatch,
            concurrency: ctx.concurrency,
          });
        }
        return await buildIncremental({ ...env, fullRefresh: ctx.fullRefresh, renderSql: (inc) => ctx.renderSql(inc) });
      case SNAPSHOT_MATERIALIZATION:
        return await buildSnapshot({ ...env, renderSql: (inc) => ctx.renderSql(inc) });
      case 'ephemeral':
        // Inlined into its consumers by the compiler; callers leave it out of runs (dbt lists none).
        return { status: 'success', message: 'EPHEMERAL (not materialized)' };
      default:
        throw new XformError('XFORM_MATERIALIZATION_UNKNOWN', `${node.name}: unknown materialization '${kind}'; expected one of ${MATERIALIZATIONS.join(', ')}`, {
          location: { file: node.original_file_path },
          hint: didYouMeanHint(kind, MATERIALIZATIONS),
        });
    }
  } catch (err) {
    // Whatever the failure left behind (a rolled-back publish, a half-dropped staging table) is asked afresh.
    for (const relation of nodeRelations(node, ctx.names)) ctx.relations?.forget(relation);
    throw withNodeLocation(err, node);
  }
}
