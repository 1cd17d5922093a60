/**
 * Name lookup used while compiling: `ref()` and `source()` resolve here, in O(1) per call, and duplicate
 * resource names are caught as nodes are added.
 *
 * Disabled nodes are kept apart from enabled ones: dbt lets a disabled model share its name with an
 * enabled one (e.g. a dev and a prod variant), and a ref to a name that exists only disabled deserves a
 * clearer error than "not found".
 */
import { XformError, didYouMeanHint, type SourceLocation } from '../errors.js';
import { describeNode, displayName, isEnabled, isTestNode, nodeLocation } from './describe.js';
import type { ExecutableNode, GraphNode, SourceNode } from './types.js';

interface Slot<T> {
  enabled?: T;
  disabled?: T;
}

/** name -> package -> slot. */
type ByPackage<T> = Map<string, Slot<T>>;

export class NodeIndex {
  private readonly byId = new Map<string, GraphNode>();
  private readonly refable = new Map<string, ByPackage<ExecutableNode>>();
  /** source name -> table name -> package -> slot. */
  private readonly sources = new Map<string, Map<string, ByPackage<SourceNode>>>();
  private readonly packages = new Set<string>();

  /** @param projectName the root project; unqualified refs resolve there first. */
  constructor(readonly projectName: string) {
    this.packages.add(projectName);
  }

  /** Adds a node. Two enabled nodes with the same resource name -> XFORM_DUPLICATE_NODE naming both files. */
  add(node: GraphNode): void {
    this.packages.add(node.package_name);
    if (node.resource_type === 'source') {
      let tables = this.sources.get(node.source_name);
      if (tables === undefined) this.sources.set(node.source_name, (tables = new Map()));
      let byPkg = tables.get(node.name);
      if (byPkg === undefined) tables.set(node.name, (byPkg = new Map()));
      fill(byPkg, node);
    } else if (!isTestNode(node)) {
      const exec = node as ExecutableNode;
      let byPkg = this.refable.get(exec.name);
      if (byPkg === undefined) this.refable.set(exec.name, (byPkg = new Map()));
      fill(byPkg, exec);
    }
    const existing = this.byId.get(node.unique_id);
    if (existing === undefined || (!isEnabled(existing) && isEnabled(node))) {
      this.byId.set(node.unique_id, node);
    } else if (isEnabled(existing) && isEnabled(node)) {
      // Names were checked above for models and sources; this catches tests and id collisions.
      throw duplicate(existing, node);
    }
  }

  /**
   * ref('name') or ref('package', 'name') -> a model, seed or snapshot. Without a package, the calling
   * node's package (`fromPackage`) is searched first, then the root project, then any package that has
   * exactly one match.
   */
  resolveRef(name: string, pkg: string | undefined, from: SourceLocation, fromPackage?: string): ExecutableNode {
    const written = pkg === undefined ? `ref('${name}')` : `ref('${pkg}', '${name}')`;
    const slot = this.pick(this.refable.get(name), pkg, fromPackage, from, written, 'XFORM_REF_NOT_FOUND');
    if (slot?.enabled !== undefined) return slot.enabled;
    if (slot?.disabled !== undefined) {
      throw new XformError('XFORM_REF_DISABLED', `${written} points to ${describeNode(slot.disabled)}, which is disabled`, {
        location: from,
        hint: `enable it (enabled: true) or remove this ref`,
      });
    }
    const qualified = pkg === undefined ? `'${name}'` : `'${name}' in package '${pkg}'`;
    throw new XformError('XFORM_REF_NOT_FOUND', `model ${qualified} not found`, {
      location: from,
      hint: didYouMeanHint(name, this.enabledNames(this.refable)),
    });
  }

  /** source('src', 'table') -> SourceNode; an unknown source or table -> XFORM_SOURCE_NOT_FOUND. */
  resolveSource(sourceName: string, tableName: string, from: SourceLocation, fromPackage?: string): SourceNode {
    const written = `source('${sourceName}', '${tableName}')`;
    const tables = this.sources.get(sourceName);
    if (tables === undefined) {
      throw new XformError('XFORM_SOURCE_NOT_FOUND', `source '${sourceName}' not found (in ${written})`, {
        location: from,
        hint: didYouMeanHint(sourceName, this.sources.keys()),
      });
    }
    const slot = this.pick(tables.get(tableName), undefined, fromPackage, from, written, 'XFORM_SOURCE_NOT_FOUND');
    if (slot?.enabled !== undefined) return slot.enabled;
    if (slot?.disabled !== undefined) {
      throw new XformError('XFORM_SOURCE_DISABLED', `${written} points to ${describeNode(slot.disabled)}, which is disabled`, {
        location: from,
        hint: `enable it (enabled: true) or remove this source() call`,
      });
    }
    throw new XformError('XFORM_SOURCE_NOT_FOUND', `table '${tableName}' not found in source '${sourceName}'`, {
      location: from,
      hint: didYouMeanHint(tableName, tables.keys()),
    });
  }

  get(uniqueId: string): GraphNode | undefined {
    return this.byId.get(uniqueId);
  }

  /** Every node, one per unique_id (an enabled node wins over a disabled one with the same id). */
  nodes(): IterableIterator<GraphNode> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  private pick<T extends GraphNode>(
    byPkg: ByPackage<T> | undefined,
    pkg: string | undefined,
    fromPackage: string | undefined,
    from: SourceLocation,
    written: string,
    notFoundCode: string,
  ): Slot<T> | undefined {
    if (pkg !== undefined) {
      if (!this.packages.has(pkg)) {
        throw new XformError(notFoundCode, `package '${pkg}' not found (in ${written})`, {
          location: from,
          hint: didYouMeanHint(pkg, this.packages),
        });
      }
      return byPkg?.get(pkg);
    }
    if (byPkg === undefined) return undefined;
    for (const preferred of [fromPackage, this.projectName]) {
      const slot = preferred === undefined ? undefined : byPkg.get(preferred);
      if (slot?.enabled !== undefined) return slot;
    }
    const enabled = [...byPkg.values()].filter((s) => s.enabled !== undefined);
    if (enabled.length === 1) return enabled[0];
    if (enabled.length > 1) {
      const where = enabled.map((s) => `'${s.enabled!.package_name}'`).join(', ');
      throw new XformError('XFORM_REF_AMBIGUOUS', `${written} matches nodes in several packages: ${where}`, {
        location: from,
        hint: `name the package, e.g. ref('${enabled[0]!.enabled!.package_name}', '${enabled[0]!.enabled!.name}')`,
      });
    }
    // Only disabled nodes: prefer the caller's own package for the error message.
    return (fromPackage === undefined ? undefined : byPkg.get(fromPackage)) ?? byPkg.get(this.projectName) ?? byPkg.values().next().value;
  }

  private *enabledNames(map: Map<string, ByPackage<GraphNode>>): Iterable<string> {
    for (const [name, byPkg] of map) {
      for (const slot of byPkg.values()) {
        if (slot.enabled !== undefined) {
          yield name;
          break;
        }
      }
    }
  }
}

function fill<T extends GraphNode>(byPkg: ByPackage<T>, node: T): void {
  let slot = byPkg.get(node.package_name);
  if (slot === undefined) byPkg.set(node.package_name, (slot = {}));
  if (!isEnabled(node)) {
    slot.disabled ??= node;
  } else if (slot.enabled !== undefined) {
    throw duplicate(slot.enabled, node);
  } else {
    slot.enabled = node;
  }
}

function duplicate(first: GraphNode, second: GraphNode): XformError {
  const name = isTestNode(second) ? second.unique_id : displayName(second);
  return new XformError(
    'XFORM_DUPLICATE_NODE',
    `two resources are named '${name}': ${describeNode(first)} and ${describeNode(second)}`,
    {
      location: nodeLocation(second),
      hint: 'rename one of them, or disable one with enabled: false',
    },
  );
}
