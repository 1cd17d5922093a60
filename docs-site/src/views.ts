/**
 * What the canvas draws: a list of boxes and edges with positions. The full graph uses the layout computed
 * at generate time; the overview (one box per layer/folder group), focus views and column lineage views
 * lay out their few nodes here with the same layered layout.
 */
import { layeredLayout } from '../../core/src/docs/layout.ts';
import type { DocsData } from './data.ts';

export const NODE_W = 200;
export const NODE_H = 36;
/** Row pitch of the full graph's layout (core's default) and of the views laid out here. */
const FULL_ROW = 44;
const SUBSET_ROW = 52;

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
  /** Row pitch of the layout: boxes start on whole rows, and edges route along the strips between them. */
  rowHeight?: number;
  /** Folder boxes drawn instead of nodes when zoomed far out (the full graph). */
  clusters?: Cluster[];
}

export interface Cluster extends ViewBox {
  kind: 'group';
  /** Nodes inside. */
  count: number;
}

export function fullView(data: DocsData): View {
  const g = data.graph;
  const boxes: ViewBox[] = g.nodes.map((n, i) => ({ ref: i, kind: 'node', x: n.x, y: n.y, w: NODE_W, h: NODE_H }));
  const edges: [number, number, number][] = [];
  g.nodes.forEach((n, i) => {
    for (const p of n.parents) edges.push([p, i, 1]);
  });
  const counts = new Map<number, number>();
  for (const n of g.nodes) counts.set(n.group, (counts.get(n.group) ?? 0) + 1);
  const clusters: Cluster[] = (g.bands ?? []).map((b) => ({ ref: b.group, kind: 'group', x: b.x0, y: b.y0, w: b.x1 - b.x0, h: b.y1 - b.y0, count: counts.get(b.group) ?? 0 }));
  return {
    title: `All ${g.nodes.length.toLocaleString('en-US')} nodes`,
    boxes,
    edges,
    lanes: g.laneBoxes,
    width: g.width,
    height: g.height,
    boxOfNode: new Map(g.nodes.map((_, i) => [i, i])),
    rowHeight: FULL_ROW,
    ...(clusters.length ? { clusters } : {}),
  };
}

/** A subset of nodes, laid out on its own. */
export function subsetView(data: DocsData, members: Iterable<number>, title: string): View {
  const list = [...members].sort((a, b) => a - b);
  const pos = new Map(list.map((n, k) => [n, k]));
  const parents = list.map((n) => data.nodes[n]!.parents.filter((p) => pos.has(p)).map((p) => pos.get(p)!));
  // A column may hold thousands of nodes (a big folder reading one source): wrap it into a grid about as
  // wide as the screen, rather than a sliver thousands of rows tall.
  const maxRows = Math.max(30, Math.ceil(Math.sqrt(list.length * 3.5)));
  const layout = layeredLayout({ lanes: list.map((n) => data.nodes[n]!.lane), parents }, { rowHeight: SUBSET_ROW, columnGap: 90, maxRows });
  const boxes: ViewBox[] = list.map((n, k) => ({ ref: n, kind: 'node', x: layout.x[k]!, y: layout.y[k]!, w: NODE_W, h: NODE_H }));
  const edges: [number, number, number][] = [];
  parents.forEach((ps, k) => {
    for (const p of ps) edges.push([p, k, 1]);
  });
  return { title, boxes, edges, lanes: layout.lanes, width: layout.width, height: layout.height, boxOfNode: new Map(list.map((n, k) => [n, k])), rowHeight: SUBSET_ROW };
}

/**
 * One card per group (layer + folder), stacked in a grid inside its lane so that a lane with many folders
 * stays readable; edges between lanes carry the number of node edges they stand for.
 */
export function overviewView(data: DocsData): View {
  const groups = data.graph.groups;
  const edgeCount = new Map<string, number>();
  data.nodes.forEach((n) => {
    for (const p of n.parents) {
      const from = data.nodes[p]!.group;
      if (data.graph.groups[from]!.lane === groups[n.group]!.lane) continue;
      const key = `${from}:${n.group}`;
      edgeCount.set(key, (edgeCount.get(key) ?? 0) + 1);
    }
  });
  const CARD_W = 220;
  const CARD_H = 50;
  const GAP_X = 36;
  const GAP_Y = 14;
  const PAD = 70;
  const byLane = new Map<number, number[]>();
  groups.forEach((g, k) => {
    const list = byLane.get(g.lane) ?? [];
    list.push(k);
    byLane.set(g.lane, list);
  });
  const lanesInOrder = [...byLane.keys()].sort((a, b) => a - b);
  const rowsOf = (n: number) => Math.min(n, Math.max(8, Math.ceil(Math.sqrt(n * 8))));
  const tallest = Math.max(...lanesInOrder.map((l) => rowsOf(byLane.get(l)!.length)));
  const height = tallest * (CARD_H + GAP_Y) - GAP_Y;
  const boxes: ViewBox[] = new Array(groups.length);
  const lanes: View['lanes'] = [];
  let x = 0;
  for (const lane of lanesInOrder) {
    const members = byLane.get(lane)!.sort((a, b) => groups[a]!.name.localeCompare(groups[b]!.name, 'en', { numeric: true }));
    const rows = rowsOf(members.length);
    const cols = Math.ceil(members.length / rows);
    const top = (height - rows * (CARD_H + GAP_Y) + GAP_Y) / 2;
    members.forEach((g, k) => {
      const col = Math.floor(k / rows);
      const row = k % rows;
      boxes[g] = { ref: g, kind: 'group', x: x + PAD + col * (CARD_W + GAP_X), y: top + row * (CARD_H + GAP_Y), w: CARD_W, h: CARD_H };
    });
    const width = PAD * 2 + cols * CARD_W + (cols - 1) * GAP_X;
    lanes.push({ lane, x0: x, x1: x + width });
    x += width;
  }
  const edges: [number, number, number][] = [...edgeCount].map(([key, count]) => {
    const [from, to] = key.split(':').map(Number) as [number, number];
    return [from, to, count];
  });
  return { title: `Overview: ${groups.length} groups, ${data.nodes.length.toLocaleString('en-US')} nodes`, boxes, edges, lanes, width: x, height, boxOfNode: new Map() };
}

export function groupSize(data: DocsData, group: number): number {
  let n = 0;
  for (const node of data.nodes) if (node.group === group) n++;
  return n;
}
