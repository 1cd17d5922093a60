/**
 * What the canvas looks up each frame: spatial indexes of a view's boxes and routed edges, and its edges
 * summed per pair of folder clusters. Built once per view, on its first frame.
 */
import { routeClusterEdge, routeEdge, routePieces, type DetailLevel, type Route } from './routing.ts';
import { SpatialGrid } from './spatial.ts';
import type { View } from './views.ts';

export interface DrawStats {
  level: DetailLevel;
  /** Node or group boxes, edges, arrowheads, labels and folder clusters drawn in the last frame. */
  boxes: number;
  edges: number;
  arrows: number;
  labels: number;
  clusters: number;
  /** Time the frame's drawing calls took. */
  ms: number;
}

/** Cell of the spatial index, in graph units: a few boxes wide. */
const CELL = 600;

export interface ViewIndex {
  boxGrid: SpatialGrid;
  edgeGrid: SpatialGrid;
  routes: Route[];
  maxWeight: number;
  /** Edges between clusters: [from cluster, to cluster, node edges, route]. */
  clusterEdges: [number, number, number, Route][];
  maxClusterWeight: number;
}

/** Spatial indexes of a view's boxes and routed edges, and its edges summed per pair of clusters. */
export function buildIndex(view: View, groupOfNode: (node: number) => number): ViewIndex {
  const boxGrid = new SpatialGrid(CELL, view.boxes.length);
  view.boxes.forEach((b, k) => boxGrid.insert(k, b.x, b.y, b.x + b.w, b.y + b.h));
  const edgeGrid = new SpatialGrid(CELL, view.edges.length);
  let maxWeight = 1;
  const routes = view.edges.map(([a, b, weight], e) => {
    maxWeight = Math.max(maxWeight, weight);
    const r = routeEdge(view.boxes[a]!, view.boxes[b]!, view.rowHeight);
    for (const [x0, y0, x1, y1] of routePieces(r)) edgeGrid.insert(e, x0, y0, x1, y1);
    return r;
  });
  const clusterEdges: ViewIndex['clusterEdges'] = [];
  let maxClusterWeight = 1;
  if (view.clusters) {
    const clusterOfGroup = new Map(view.clusters.map((c, k) => [c.ref, k]));
    const clusterOfBox = view.boxes.map((b) => (b.kind === 'node' ? clusterOfGroup.get(groupOfNode(b.ref)) : undefined));
    const sums = new Map<number, number>();
    for (const [a, b] of view.edges) {
      const ca = clusterOfBox[a];
      const cb = clusterOfBox[b];
      if (ca === undefined || cb === undefined || ca === cb) continue;
      const key = ca * view.clusters.length + cb;
      sums.set(key, (sums.get(key) ?? 0) + 1);
    }
    for (const [key, weight] of sums) {
      const a = Math.floor(key / view.clusters.length);
      const b = key % view.clusters.length;
      maxClusterWeight = Math.max(maxClusterWeight, weight);
      clusterEdges.push([a, b, weight, routeClusterEdge(view.clusters[a]!, view.clusters[b]!)]);
    }
  }
  return { boxGrid, edgeGrid, routes, maxWeight, clusterEdges, maxClusterWeight };
}
