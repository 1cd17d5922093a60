/**
 * `xform compile --dry-run`: every selected model's SQL (as a run would send it) validated by the
 * warehouse without running it (BigQuery dry-run jobs), `threads` at a time. Each model gets its verdict
 * and what it would process; a failure is reported against the model's file, never thrown.
 */
import type { Adapter } from '../adapter/types.js';
import type { CompiledProject } from '../compile/index.js';
import { XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';

export interface DryRunResult {
  unique_id: string;
  /** The model's file, relative to the project root. */
  file: string;
  status: 'ok' | 'error';
  /** Bytes the query would process (BigQuery), when reported. */
  bytes_processed?: number;
  message?: string;
}

/** Models a dry run checks: selected, enabled, not ephemeral (those are inlined into their consumers). */
export function dryRunnableModels(compiled: CompiledProject, selected?: ReadonlySet<string>): ExecutableNode[] {
  return Object.values(compiled.manifest.nodes).filter(
    (node): node is ExecutableNode =>
      node.resource_type === 'model' &&
      node.config.enabled !== false &&
      node.config.materialized !== 'ephemeral' &&
      (selected === undefined || selected.has(node.unique_id)),
  ) as ExecutableNode[];
}

export async function dryRunModels(adapter: Adapter, compiled: CompiledProject, nodes: ExecutableNode[], threads: number): Promise<DryRunResult[]> {
  const dryRun = adapter.dryRun?.bind(adapter);
  if (!dryRun) {
    throw new XformError('XFORM_DRY_RUN_UNSUPPORTED', `the ${adapter.type} adapter cannot validate queries without running them`, {
      hint: '--dry-run needs a warehouse with dry-run jobs (BigQuery); leave it out to compile only',
    });
  }
  const results: DryRunResult[] = new Array(nodes.length);
  let next = 0;
  const worker = async () => {
    while (next < nodes.length) {
      const i = next++;
      const node = nodes[i]!;
      const base = { unique_id: node.unique_id, file: node.original_file_path };
      try {
        const sql = compiled.renderForRun(node, { isIncremental: false });
        // The warehouse settings of tables (partition_by, cluster_by...) are checked by the dialect, which
        // throws on a malformed one: found here rather than halfway through a run.
        if (node.config.materialized === 'table' || node.config.materialized === 'incremental') {
          adapter.dialect.createTableAs({ schema: node.schema, identifier: node.alias }, sql, { config: node.config });
        }
        const info = await dryRun(sql, node.unique_id);
        const bytes = typeof info.bytes_processed === 'number' ? { bytes_processed: info.bytes_processed } : {};
        results[i] = { ...base, status: 'ok', ...bytes };
      } catch (err) {
        results[i] = { ...base, status: 'error', message: err instanceof Error ? err.message : String(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, nodes.length)) }, worker));
  return results;
}
