/**
 * `unrendered_config`: a node's config with the keys the project file sets through Jinja kept as written,
 * which is what dbt compares for `state:modified` (by default: the project file's values unrendered,
 * schema YAML and `config()` rendered). A target- or var-dependent value there is then no change.
 */
import { hasJinja } from '../project/config-render.js';
import { resolveFolderConfig } from '../project/index.js';
import type { LoadedProject } from '../project/types.js';
import type { ExecutableNode } from '../graph/types.js';

export function recordUnrenderedConfig(nodes: Iterable<ExecutableNode>, project: LoadedProject): void {
  const trees = project.config.unrenderedConfig;
  if (trees === undefined) return;
  for (const node of nodes) {
    // Package nodes get their own project's folder config too; only the root's is kept unrendered.
    if (node.package_name !== project.config.name) continue;
    const kind = `${node.resource_type}s` as 'models' | 'seeds' | 'snapshots';
    const tree = trees[kind];
    if (tree === undefined) continue;
    const written = resolveFolderConfig(tree, node.fqn);
    const rendered = resolveFolderConfig(project.config[kind], node.fqn);
    const unrendered: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(written)) {
      // Only where the project file's value is what the node ended up with (no schema YAML or config() over it).
      if (typeof value === 'string' && hasJinja(value) && JSON.stringify(node.config[key]) === JSON.stringify(rendered[key])) unrendered[key] = value;
    }
    if (Object.keys(unrendered).length > 0) node.unrendered_config = { ...node.config, ...unrendered };
  }
}
