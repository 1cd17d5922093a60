/**
 * An incremental model that appends (incremental_strategy 'append', or none and no unique_key) inserts every
 * row its incremental query returns, so re-running over the same input adds the same rows again. Compile says
 * so once per model of the project (packages' models are their authors' business), naming the two ways that
 * converge: microbatch, which replaces each event-time window, and a unique_key, which merges.
 */
import type { DiagnosticBag } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { locateConfigValue } from './source-lines.js';

export const APPEND_DUPLICATES_WARNING = 'XFORM_APPEND_DUPLICATES';

function hasUniqueKey(config: ExecutableNode['config']): boolean {
  const key: unknown = config.unique_key;
  if (key === undefined || key === null || key === '') return false;
  return !Array.isArray(key) || key.length > 0;
}

export function warnAboutAppends(nodes: readonly ExecutableNode[], rootPackage: string, bag: DiagnosticBag): void {
  for (const node of nodes) {
    if (node.resource_type !== 'model' || node.package_name !== rootPackage) continue;
    const { config } = node;
    if (config.materialized !== 'incremental' || config.enabled === false) continue;
    const strategy: unknown = config.incremental_strategy;
    const appends = strategy === 'append' || ((strategy === undefined || strategy === null) && !hasUniqueKey(config));
    if (!appends) continue;
    const how = strategy === 'append' ? "incremental_strategy 'append'" : 'no unique_key (so it appends)';
    const location =
      strategy === 'append'
        ? locateConfigValue(node.original_file_path, node.raw_code, 'incremental_strategy', 'append')
        : locateConfigValue(node.original_file_path, node.raw_code, 'materialized', 'incremental');
    bag.warning(
      APPEND_DUPLICATES_WARNING,
      `model '${node.name}' is incremental with ${how}: every run inserts all rows its incremental query returns, so re-running over the same input duplicates them`,
      location,
      "use incremental_strategy='microbatch' with event_time (each run replaces its time windows), or set unique_key (rows merge by key)",
    );
  }
}
