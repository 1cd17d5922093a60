/**
 * What the canvas draws: a list of boxes and edges with positions. The full graph uses the layout computed
 * at generate time; the overview (one box per layer/folder group), focus views and column lineage views
 * lay out their few nodes here with the same layered layout.
 */
import { layeredLayout } from '../../core/src/docs/layout.ts';
import type { DocsData } from './data.ts';

export const NODE_W = 200;
export const NODE_H = 36;

export interface ViewBox {
  /** Node index (kind 'node') or group index (kind 'group'). */
  ref: number;
  kind: 'node' | 'group';
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface View {
  title: string;
  boxes: ViewBox[];
  /** Edges between boxes (indexes into boxes). */
  edges: [number, number, number][];
  lanes: { lane: number; x0: number; x1: number }[];
  width: number;
  height: number;
  /** Box index by node index, for nodes drawn as their own box. */
  boxOfNode: Map<number, number>;
}

export function fullView(data: DocsData): View {
  const g = data.graph;
  const boxes: ViewBox[] = g.nodes.map((n, i) => ({ ref: i, kind: 'node', x: n.x, y: n.y, w: NODE_W, h: NODE_H }));
  const edges: [number, number, number][] = [];
  g.nodes.forEach((n, i) => {
    for (const p of n.parents) edges.push([p, i, 1]);
  });
  return { title: `All ${g.nodes.length.toLocaleString('en-US')} nodes`, boxes, edges, lanes: g.laneBoxes, width: g.width, height: g.height, boxOfNode: new Map(g.nodes.map((_, i) => [i, i])) };
}

/** A subset of nodes, laid out on its own. */
export function subsetView(data: DocsData, members: Iterable<number>, title: string): View {
  const list = [...members].sort((a, b) => a - b);
  const pos = new Map(list.map((n, k) => [n, k]));
  const parents = list.map((n) => data.nodes[n]!.parents.filter((p) => pos.has(p)).map((p) => pos.get(p)!));
  const layout = layeredLayout({ lanes: list.map((n) => data.nodes[n]!.lane), parents }, { rowHeight: 52, columnGap: 90 });
  const boxes: ViewBox[] = list.map((n, k) => ({ ref: n, kind: 'node', x: layout.x[k]!, y: layout.y[k]!, w: NODE_W, h: NODE_H }));
  const edges: [number, number, number][] = [];
  parents.forEach((ps, k) => {
    for (const p of ps) edges.push([p, k, 1]);
  });
  return { title, boxes, edges, lanes: layout.lanes, width: layout.width, height: layout.height, boxOfNode: new Map(list.map((n, k) => [n, k])) };
}

/** One box per group (layer + folder), with edge weights counting the node edges between groups. */
export function overviewView(data: DocsData): View {
  const groups = data.graph.groups;
  const sizes = new Array<number>(groups.length).fill(0);
  for (const n of data.nodes) sizes[n.group]!++;
  const edgeCount = new Map<string, number>();
  data.nodes.forEach((n) => {
    for (const p of n.parents) {
      const from = data.nodes[p]!.group;
      if (from === n.group) continue;
      const key = `${from}:${n.group}`;
      edgeCount.set(key, (edgeCount.get(key) ?? 0) + 1);
    }
  });
  const parents: number[][] = groups.map(() => []);
  const edges: [number, number, number][] = [];
  for (const [key, count] of edgeCount) {
    const [from, to] = key.split(':').map(Number) as [number, number];
    parents[to]!.push(from);
    edges.push([from, to, count]);
  }
  const rows = sizes.map((s) => 1 + Math.min(3, Math.floor(Math.log10(Math.max(1, s)))));
  const layout = layeredLayout({ lanes: groups.map((g) => g.lane), parents, rows }, { rowHeight: 34, nodeWidth: 220, columnGap: 110 });
  const boxes: ViewBox[] = groups.map((_, k) => ({ ref: k, kind: 'group', x: layout.x[k]!, y: layout.y[k]!, w: 220, h: rows[k]! * 34 - 12 }));
  return { title: `Overview: ${groups.length} groups, ${data.nodes.length.toLocaleString('en-US')} nodes`, boxes, edges, lanes: layout.lanes, width: layout.width, height: layout.height, boxOfNode: new Map() };
}

export function groupSize(data: DocsData, group: number): number {
  let n = 0;
  for (const node of data.nodes) if (node.group === group) n++;
  return n;
}
