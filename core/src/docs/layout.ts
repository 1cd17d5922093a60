/**
 * Left-to-right layered layout in swimlanes (sources/seeds, then each layer in order). Within a lane a node
 * sits one column right of its deepest parent in the same lane; within a column nodes are ordered by the
 * mean position of their parents (a few barycenter sweeps) so that edges mostly run straight. Linear in
 * nodes + edges per sweep, so a 10,000-node project lays out in milliseconds. Every box starts on a whole
 * row, so the gap under each row is free in every column: edges that skip columns run along those gaps. Pure (no Node.js imports):
 * the docs site bundles this same file to lay out focus views and the grouped overview in the browser.
 */

export interface LayoutInput {
  /** Lane (swimlane) of each node; lanes are drawn left to right in index order. */
  lanes: number[];
  /** Parent indexes of each node (edges parent -> node). Edges to or from nodes outside the input are left out. */
  parents: number[][];
  /** Node heights in rows (default 1 each): groups in the overview are taller. */
  rows?: number[];
  /**
   * Group (folder) of each node. When given, every group is a horizontal band of its lane: its nodes sit
   * together in each column, bands keep one empty row between them, and `LayoutResult.bands` gives each
   * band's box (the clusters drawn when zoomed out).
   */
  groups?: number[];
}

export interface LayoutOptions {
  /** Width of a node box. Default 200. */
  nodeWidth?: number;
  /** Height of one row. Default 44. */
  rowHeight?: number;
  /** Horizontal space between columns of a lane. Default 70. */
  columnGap?: number;
  /** Horizontal space between the last column of a lane and the first of the next. Default 120. */
  laneGap?: number;
  /**
   * Most rows in one column (with `groups`: of one group in one column); a taller one wraps into
   * side-by-side columns so that a folder of 4,000 models opens as a grid rather than a 1-pixel sliver.
   * Default: no limit.
   */
  maxRows?: number;
}

export interface LaneBox {
  lane: number;
  x0: number;
  x1: number;
}

export interface LayoutResult {
  /** Top-left corner of each node. */
  x: number[];
  y: number[];
  /** Horizontal extent of each lane holding nodes. */
  lanes: LaneBox[];
  /** One box per group and lane holding nodes, when `LayoutInput.groups` is given. */
  bands?: Band[];
  width: number;
  height: number;
}

export interface Band {
  group: number;
  lane: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Kahn's order; nodes on a cycle (which a valid project has none of) are appended in input order. */
export function topologicalOrder(parents: number[][]): number[] {
  const n = parents.length;
  const indeg = new Int32Array(n);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (const p of parents[i]!) {
      children[p]!.push(i);
      indeg[i]!++;
    }
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) order.push(i);
  for (let h = 0; h < order.length; h++) {
    for (const c of children[order[h]!]!) if (--indeg[c]! === 0) order.push(c);
  }
  if (order.length < n) {
    const seen = new Uint8Array(n);
    for (const i of order) seen[i] = 1;
    for (let i = 0; i < n; i++) if (!seen[i]) order.push(i);
  }
  return order;
}

export function layeredLayout(input: LayoutInput, options: LayoutOptions = {}): LayoutResult {
  const nodeWidth = options.nodeWidth ?? 200;
  const rowHeight = options.rowHeight ?? 44;
  const columnGap = options.columnGap ?? 70;
  const laneGap = options.laneGap ?? 120;
  const n = input.lanes.length;
  const rows = input.rows ?? new Array<number>(n).fill(1);
  const groups = input.groups;
  const maxRows = Math.max(1, options.maxRows ?? Infinity);
  const order = topologicalOrder(input.parents);

  // Column inside the lane: one right of the deepest same-lane parent.
  const sub = new Int32Array(n);
  for (const i of order) {
    let s = 0;
    for (const p of input.parents[i]!) if (input.lanes[p] === input.lanes[i]) s = Math.max(s, sub[p]! + 1);
    sub[i] = s;
  }
  const laneIds = [...new Set(input.lanes)].sort((a, b) => a - b);
  const laneWidth = new Map<number, number>();
  for (let i = 0; i < n; i++) laneWidth.set(input.lanes[i]!, Math.max(laneWidth.get(input.lanes[i]!) ?? 0, sub[i]! + 1));
  const columnBase = new Map<number, number>();
  const columnLane: number[] = [];
  let columns = 0;
  for (const lane of laneIds) {
    columnBase.set(lane, columns);
    for (let s = 0; s < laneWidth.get(lane)!; s++) columnLane.push(lane);
    columns += laneWidth.get(lane)!;
  }
  const colOf = new Int32Array(n);
  const members: number[][] = Array.from({ length: columns }, () => []);
  for (let i = 0; i < n; i++) colOf[i] = columnBase.get(input.lanes[i]!)! + sub[i]!;
  // Initial order: input order (callers sort by folder and name).
  for (let i = 0; i < n; i++) members[colOf[i]!]!.push(i);

  // Where each column's first row goes: centred on the tallest column, or, with groups, the top of each
  // group's band. Whole rows only, so that the gaps between rows line up across columns.
  const heights = members.map((m) => Math.min(maxRows, m.reduce((h, i) => h + rows[i]!, 0)));
  const groupRank = new Map<number, number>();
  const bandTop = new Map<string, number>();
  const bandRows = new Map<string, number>();
  const bandKey = (lane: number, g: number) => `${lane}:${g}`;
  let tallest = heights.reduce((a, b) => Math.max(a, b), 0);
  if (groups) {
    for (const g of groups) if (!groupRank.has(g)) groupRank.set(g, groupRank.size);
    for (let c = 0; c < columns; c++) {
      const count = new Map<number, number>();
      for (const i of members[c]!) count.set(groups[i]!, (count.get(groups[i]!) ?? 0) + rows[i]!);
      for (const [g, r] of count) {
        const k = bandKey(columnLane[c]!, g);
        bandRows.set(k, Math.max(bandRows.get(k) ?? 0, Math.min(r, maxRows)));
      }
    }
    const laneRows = new Map<number, number>();
    const inOrder = [...bandRows.keys()].sort((a, b) => groupRank.get(Number(a.split(':')[1]))! - groupRank.get(Number(b.split(':')[1]))!);
    for (const k of inOrder) {
      const lane = Number(k.split(':')[0]);
      const top = laneRows.get(lane) ?? 0;
      bandTop.set(k, top);
      laneRows.set(lane, top + bandRows.get(k)! + 1);
    }
    tallest = Math.max(0, ...[...laneRows.values()].map((r) => r - 1));
    const laneOffset = new Map([...laneRows].map(([lane, r]) => [lane, Math.floor((tallest - (r - 1)) / 2)]));
    for (const [k, top] of bandTop) bandTop.set(k, top + laneOffset.get(Number(k.split(':')[0]))!);
  }
  const y = new Array<number>(n).fill(0);
  /** Which of its column's side-by-side pieces a node sits in (0 unless the column wraps). */
  const piece = new Int32Array(n);
  const placeColumn = (c: number) => {
    if (!groups) {
      const top = Math.floor((tallest - heights[c]!) / 2);
      let r = top;
      let p = 0;
      for (const i of members[c]!) {
        if (r - top >= maxRows) {
          r = top;
          p++;
        }
        y[i] = r * rowHeight;
        piece[i] = p;
        r += rows[i]!;
      }
      return;
    }
    const lane = columnLane[c]!;
    let current = -1;
    let top = 0;
    let r = 0;
    let p = 0;
    for (const i of members[c]!) {
      if (groups[i] !== current) {
        current = groups[i]!;
        r = top = bandTop.get(bandKey(lane, current))!;
        p = 0;
      } else if (r - top >= maxRows) {
        r = top;
        p++;
      }
      y[i] = r * rowHeight;
      piece[i] = p;
      r += rows[i]!;
    }
  };
  for (let c = 0; c < columns; c++) placeColumn(c);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) for (const p of input.parents[i]!) children[p]!.push(i);
  const key = new Float64Array(n);
  const sweep = (c: number, neighbours: number[][]) => {
    const m = members[c]!;
    for (const i of m) {
      let sum = 0;
      let count = 0;
      for (const p of neighbours[i]!) {
        if (colOf[p] === c) continue;
        sum += y[p]!;
        count++;
      }
      key[i] = count ? sum / count : y[i]!;
    }
    if (groups) m.sort((a, b) => groupRank.get(groups[a]!)! - groupRank.get(groups[b]!)! || key[a]! - key[b]!);
    else m.sort((a, b) => key[a]! - key[b]!);
    placeColumn(c);
  };
  for (let pass = 0; pass < 3; pass++) {
    for (let c = 1; c < columns; c++) sweep(c, input.parents);
    for (let c = columns - 2; c >= 0; c--) sweep(c, children);
  }
  for (let c = 1; c < columns; c++) sweep(c, input.parents);

  // x: a wrapped column takes as many column widths as it has pieces.
  const colX: number[] = [];
  const lanes: LaneBox[] = [];
  let x = 0;
  for (const lane of laneIds) {
    const base = columnBase.get(lane)!;
    let cx = x + laneGap / 2;
    for (let s = 0; s < laneWidth.get(lane)!; s++) {
      colX[base + s] = cx;
      let pieces = 1;
      for (const i of members[base + s]!) pieces = Math.max(pieces, piece[i]! + 1);
      cx += pieces * (nodeWidth + columnGap);
    }
    // Lanes touch; nodes keep half a lane gap from each edge of their lane.
    const x1 = cx - columnGap + laneGap / 2;
    lanes.push({ lane, x0: x, x1 });
    x = x1;
  }
  const xs = new Array<number>(n);
  for (let c = 0; c < columns; c++) {
    for (const i of members[c]!) xs[i] = colX[c]! + piece[i]! * (nodeWidth + columnGap);
  }
  const result: LayoutResult = { x: xs, y, lanes, width: lanes.length ? lanes[lanes.length - 1]!.x1 : 0, height: tallest * rowHeight };
  if (groups) result.bands = bandsOf(groups, input.lanes, xs, y, rows, nodeWidth, rowHeight);
  return result;
}

function bandsOf(groups: number[], lanes: number[], x: number[], y: number[], rows: number[], nodeWidth: number, rowHeight: number): Band[] {
  const bands = new Map<string, Band>();
  for (let i = 0; i < groups.length; i++) {
    const k = `${lanes[i]}:${groups[i]}`;
    const b = bands.get(k);
    const x1 = x[i]! + nodeWidth;
    const y1 = y[i]! + rows[i]! * rowHeight;
    if (!b) bands.set(k, { group: groups[i]!, lane: lanes[i]!, x0: x[i]!, y0: y[i]!, x1, y1 });
    else {
      b.x0 = Math.min(b.x0, x[i]!);
      b.y0 = Math.min(b.y0, y[i]!);
      b.x1 = Math.max(b.x1, x1);
      b.y1 = Math.max(b.y1, y1);
    }
  }
  return [...bands.values()];
}
