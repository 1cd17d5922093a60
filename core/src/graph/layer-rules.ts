/**
 * Layer rules (`layer-rules:` in xform_project.yml): keep a medallion project flowing one way, e.g. gold
 * reads only silver, silver reads only bronze or silver.
 *
 * For an edge parent -> child where both have a layer listed in `layers`:
 *  - forbidBackward: the child's layer must not come before the parent's (silver must not read gold);
 *  - forbidSkip: the child's layer must be at most one after the parent's (gold must not read bronze).
 * Tests are exempt. A source without a layer counts as the first layer (raw data enters there); a seed,
 * model or snapshot without a layer is exempt.
 */
import { didYouMeanHint, type Diagnostic } from '../errors.js';
import type { LayerRules } from '../project/types.js';
import { displayName, explicitLayer, isEnabled, isTestNode, nodeLocation } from './describe.js';
import type { LineageGraph } from './lineage-graph.js';
import type { GraphNode } from './types.js';

/**
 * Returns one XFORM_LAYER_VIOLATION error per offending edge, and a warning per node whose layer is not in
 * `layers`. `rules` undefined (no `layer-rules:` in the project) checks nothing. O(V+E).
 */
export function checkLayerRules(graph: LineageGraph, layers: string[], rules: LayerRules | undefined): Diagnostic[] {
  if (rules === undefined || (!rules.forbidBackward && !rules.forbidSkip) || layers.length === 0) return [];
  const position = new Map(layers.map((layer, i) => [layer, i]));
  const diagnostics: Diagnostic[] = [];

  const layerOf = (node: GraphNode): string | undefined => {
    const layer = explicitLayer(node);
    if (layer !== undefined) return layer;
    return node.resource_type === 'source' ? layers[0] : undefined;
  };

  for (const node of graph.nodes()) {
    const layer = explicitLayer(node);
    if (layer !== undefined && !position.has(layer) && isEnabled(node)) {
      diagnostics.push({
        severity: 'warning',
        code: 'XFORM_UNKNOWN_LAYER',
        message: `${node.resource_type} '${displayName(node)}' (${node.original_file_path}) has layer '${layer}', which is not one of the project's layers (${layers.join(', ')}); layer rules skip it`,
        location: nodeLocation(node),
        hint: didYouMeanHint(layer, layers),
      });
    }
  }

  for (const child of graph.nodes()) {
    if (isTestNode(child) || !isEnabled(child)) continue;
    const childLayer = layerOf(child);
    const childIndex = childLayer === undefined ? undefined : position.get(childLayer);
    if (childIndex === undefined) continue;
    const lowest = rules.forbidSkip ? Math.max(0, childIndex - 1) : 0;
    const highest = rules.forbidBackward ? childIndex : layers.length - 1;
    for (const parentId of graph.parentsView(child.unique_id)) {
      const parent = graph.node(parentId)!;
      if (isTestNode(parent)) continue;
      const parentLayer = layerOf(parent);
      const parentIndex = parentLayer === undefined ? undefined : position.get(parentLayer);
      if (parentIndex === undefined || (parentIndex >= lowest && parentIndex <= highest)) continue;
      const allowed = orList(layers.slice(lowest, highest + 1));
      diagnostics.push({
        severity: 'error',
        code: 'XFORM_LAYER_VIOLATION',
        message:
          `${childLayer} ${child.resource_type} '${displayName(child)}' (${child.original_file_path}) reads ` +
          `${parentLayer} ${parent.resource_type} '${displayName(parent)}' (${parent.original_file_path}) — ` +
          `${childLayer} may only read ${allowed}`,
        location: nodeLocation(child),
        hint:
          parentIndex > childIndex
            ? `a ${childLayer} node must not depend on a later layer; move '${displayName(child)}' to ${parentLayer} or the logic it needs to ${childLayer}`
            : `read '${displayName(parent)}' through a ${layers[childIndex - 1]} model instead`,
      });
    }
  }
  return diagnostics;
}

function orList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
