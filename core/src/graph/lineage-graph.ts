/**
 * The lineage DAG: one vertex per node, an edge parent -> child for every `depends_on` entry.
 *
 * Traversals use sorted adjacency arrays of our own rather than graphlib: graphlib's algorithms recurse
 * (a 10,000-model chain overflows the stack), its predecessors()/successors() allocate per call, and
 * building its Graph costs ~150 ms per 30,000 edges. So the graphlib Graph is built only when a consumer
 * first reads `graph`. Every operation is O(V+E), or O((V+E) log V) where a deterministic order needs a
 * heap.
 */
import { Graph, type Label } from '@dagrejs/graphlib';
import { XformError, type Diagnostic } from '../errors.js';
import { findCycleDiagnostics, peel } from './cycles.js';
import { describeNode, isEnabled, nodeLocation } from './describe.js';
import { MinHeap } from './min-heap.js';
import type { GraphNode } from './types.js';

const EMPTY: readonly string[] = Object.freeze([]);

export class LineageGraph {
  private graphlib?: Graph<Label, GraphNode>;
  private readonly nodeMap: Map<string, GraphNode>;
  private readonly parentIds: Map<string, string[]>;
  private readonly childIds: Map<string, string[]>;
  private readonly disabled: ReadonlySet<string>;
  private topo?: string[];
  /** Set once cycleDiagnostics() found no cycle. */
  private acyclic = false;

  private constructor(nodeMap: Map<string, GraphNode>, parentIds: Map<string, string[]>, childIds: Map<string, string[]>) {
    this.nodeMap = nodeMap;
    this.parentIds = parentIds;
    this.childIds = childIds;
    const disabled = new Set<string>();
    for (const [id, node] of nodeMap) if (!isEnabled(node)) disabled.add(id);
    this.disabled = disabled;
  }

  /** Ids of nodes with `enabled: false` (usually none), which selection never returns. */
  disabledIds(): ReadonlySet<string> {
    return this.disabled;
  }

  /** The same graph as a @dagrejs/graphlib Graph (directed, node label = the GraphNode, edges parent -> child). Built on first use. */
  get graph(): Graph<Label, GraphNode> {
    if (this.graphlib === undefined) {
      const g = new Graph<Label, GraphNode>({ directed: true, multigraph: false, compound: false });
      for (const [id, node] of this.nodeMap) g.setNode(id, node);
      for (const [child, parents] of this.parentIds) for (const parent of parents) g.setEdge(parent, child);
      this.graphlib = g;
    }
    return this.graphlib;
  }

  /**
   * Builds the graph from nodes and their `depends_on.nodes`. A dependency on an id that is not among the
   * nodes is a bug in the compile layer, not a user mistake: XFORM_INTERNAL.
   */
  static build(nodes: Iterable<GraphNode>): LineageGraph {
    const nodeMap = new Map<string, GraphNode>();
    for (const node of nodes) {
      const existing = nodeMap.get(node.unique_id);
      if (existing !== undefined) {
        throw new XformError('XFORM_INTERNAL', `two graph nodes share the id '${node.unique_id}': ${describeNode(existing)} and ${describeNode(node)}`, {
          location: nodeLocation(node),
        });
      }
      nodeMap.set(node.unique_id, node);
    }
    const parentIds = new Map<string, string[]>();
    const childIds = new Map<string, string[]>();
    const missing: Diagnostic[] = [];
    for (const [id, node] of nodeMap) {
      const deps = node.depends_on.nodes;
      const parents = deps.length > 1 ? [...new Set(deps)] : [...deps];
      const known: string[] = [];
      for (const parent of parents) {
        if (!nodeMap.has(parent)) {
          missing.push({
            severity: 'error',
            code: 'XFORM_INTERNAL',
            message: `${describeNode(node)} depends on '${parent}', which is not in the graph`,
            location: nodeLocation(node),
          });
          continue;
        }
        known.push(parent);
        let children = childIds.get(parent);
        if (children === undefined) childIds.set(parent, (children = []));
        children.push(id);
      }
      if (known.length > 0) parentIds.set(id, known.sort());
    }
    if (missing.length > 0) {
      const first = missing[0]!;
      throw new XformError('XFORM_INTERNAL', missing.length === 1 ? first.message : `${missing.length} dependencies point outside the graph; first: ${first.message}`, {
        location: first.location,
        diagnostics: missing,
      });
    }
    for (const children of childIds.values()) children.sort();
    return new LineageGraph(nodeMap, parentIds, childIds);
  }

  get size(): number {
    return this.nodeMap.size;
  }

  node(id: string): GraphNode | undefined {
    return this.nodeMap.get(id);
  }

  has(id: string): boolean {
    return this.nodeMap.has(id);
  }

  nodeIds(): IterableIterator<string> {
    return this.nodeMap.keys();
  }

  nodes(): IterableIterator<GraphNode> {
    return this.nodeMap.values();
  }

  /** Direct parents, sorted. */
  parents(id: string): string[] {
    return [...(this.parentIds.get(id) ?? EMPTY)];
  }

  /** Direct children, sorted. */
  children(id: string): string[] {
    return [...(this.childIds.get(id) ?? EMPTY)];
  }

  /** Read-only views for hot loops (selection, layer rules), to avoid a copy per node. */
  parentsView(id: string): readonly string[] {
    return this.parentIds.get(id) ?? EMPTY;
  }

  childrenView(id: string): readonly string[] {
    return this.childIds.get(id) ?? EMPTY;
  }

  /** Every node upstream of `id` (not `id` itself), within `depth` edges when given. */
  ancestors(id: string, depth?: number): Set<string> {
    const result = this.walk([id], this.parentIds, depth);
    result.delete(id);
    return result;
  }

  /** Every node downstream of `id` (not `id` itself), within `depth` edges when given. */
  descendants(id: string, depth?: number): Set<string> {
    const result = this.walk([id], this.childIds, depth);
    result.delete(id);
    return result;
  }

  /** Nodes reachable upstream from any of `ids` over at least one edge (a start node is included only if another start node depends on it). O(V+E) for the whole set. */
  ancestorsOf(ids: Iterable<string>, depth?: number): Set<string> {
    return this.walk(ids, this.parentIds, depth);
  }

  /** Nodes reachable downstream from any of `ids` over at least one edge. O(V+E) for the whole set. */
  descendantsOf(ids: Iterable<string>, depth?: number): Set<string> {
    return this.walk(ids, this.childIds, depth);
  }

  /** Topological order (parents before children); ties broken by unique_id. Throws XFORM_CYCLE on a cycle. */
  topoOrder(): string[] {
    this.assertAcyclic();
    this.topo ??= this.kahn();
    return [...this.topo];
  }

  /**
   * One XFORM_CYCLE diagnostic per distinct cycle: together they cover every edge that lies on a cycle,
   * so each ref that closes a loop is shown at least once. Empty when the graph is acyclic.
   */
  cycleDiagnostics(): Diagnostic[] {
    if (this.acyclic) return [];
    // No order needed (topoOrder() makes the sorted one): peeling whole means no cycle.
    const peeled = peel(this.nodeMap, this.parentIds, this.childIds);
    if (peeled.length === this.nodeMap.size) {
      this.acyclic = true;
      return [];
    }
    return findCycleDiagnostics(this.nodeMap, this.childIds, peeled);
  }

  /** Throws XFORM_CYCLE, with one diagnostic per cycle, if the graph has a cycle. */
  assertAcyclic(): void {
    const cycles = this.cycleDiagnostics();
    if (cycles.length === 0) return;
    const first = cycles[0]!;
    const message = cycles.length === 1 ? first.message : `${cycles.length} dependency cycles found; first: ${first.message}`;
    throw new XformError('XFORM_CYCLE', message, { location: first.location, hint: first.hint, diagnostics: cycles });
  }

  /** dbt's `parent_map`: every node's direct parents, sorted. */
  parentMap(): Record<string, string[]> {
    return this.adjacencyRecord(this.parentIds);
  }

  /** dbt's `child_map`: every node's direct children, sorted. */
  childMap(): Record<string, string[]> {
    return this.adjacencyRecord(this.childIds);
  }

  private adjacencyRecord(adjacency: Map<string, string[]>): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const id of [...this.nodeMap.keys()].sort()) out[id] = [...(adjacency.get(id) ?? EMPTY)];
    return out;
  }

  /** Multi-source breadth-first walk; BFS so that a depth limit counts the shortest distance from any start. */
  private walk(starts: Iterable<string>, adjacency: Map<string, string[]>, depth?: number): Set<string> {
    const limit = depth ?? Infinity;
    const result = new Set<string>();
    const seen = new Set<string>();
    let frontier: string[] = [];
    for (const id of starts) {
      if (!seen.has(id) && this.nodeMap.has(id)) {
        seen.add(id);
        frontier.push(id);
      }
    }
    for (let level = 0; level < limit && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const neighbour of adjacency.get(id) ?? EMPTY) {
          result.add(neighbour);
          if (!seen.has(neighbour)) {
            seen.add(neighbour);
            next.push(neighbour);
          }
        }
      }
      frontier = next;
    }
    return result;
  }

  /** Kahn's algorithm with a min-heap, so that the order does not depend on insertion order. */
  private kahn(): string[] {
    const inDegree = new Map<string, number>();
    const heap = new MinHeap();
    for (const id of this.nodeMap.keys()) {
      const degree = this.parentIds.get(id)?.length ?? 0;
      inDegree.set(id, degree);
      if (degree === 0) heap.push(id);
    }
    const order: string[] = [];
    while (heap.size > 0) {
      const id = heap.pop()!;
      order.push(id);
      for (const child of this.childIds.get(id) ?? EMPTY) {
        const degree = inDegree.get(child)! - 1;
        inDegree.set(child, degree);
        if (degree === 0) heap.push(child);
      }
    }
    return order;
  }
}
