/** How graph errors name a node to a user, so every message reads the same way. */
import type { SourceLocation } from '../errors.js';
import type { GraphNode } from './types.js';

/** The name a user writes: `stg_orders`, or `shop.orders` for a source table. */
export function displayName(node: GraphNode): string {
  return node.resource_type === 'source' ? `${node.source_name}.${node.name}` : node.name;
}

/** `model 'stg_orders' (models/staging/stg_orders.sql)`. */
export function describeNode(node: GraphNode): string {
  return `${node.resource_type} '${displayName(node)}' (${node.original_file_path})`;
}

export function nodeLocation(node: GraphNode): SourceLocation {
  return node.line === undefined ? { file: node.original_file_path } : { file: node.original_file_path, line: node.line };
}

/** `enabled: false` removes a node from every selection and from ref() resolution. */
export function isEnabled(node: GraphNode): boolean {
  return node.config.enabled !== false;
}

/** The node's layer: the resolved `layer` field, else `config.layer`. */
export function explicitLayer(node: GraphNode): string | undefined {
  if (node.layer !== undefined && node.layer !== '') return node.layer;
  const fromConfig = node.config.layer;
  return typeof fromConfig === 'string' && fromConfig !== '' ? fromConfig : undefined;
}

export function isTestNode(node: GraphNode): boolean {
  return node.resource_type === 'test' || node.resource_type === 'unit_test';
}
