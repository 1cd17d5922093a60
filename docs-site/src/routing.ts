/**
 * Where an edge runs and how much of the graph is drawn at a zoom level. Pure, so that both are unit
 * tested. Boxes of the layered layout start on whole rows, so the strip under every row is empty in every
 * column: an edge that skips columns leaves its source, drops into the strip next to its target's row in
 * the gap after the source's column, runs along it and enters the target from the left, never behind a box.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** An edge as a start, an end and (when routed) the channel it runs along: gx1..gx2 at height yc. */
export interface Route {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  channel?: { gx1: number; gx2: number; yc: number };
  /** The edge leaves the bottom (or top) of its source and enters the top (or bottom) of its target. */
  vertical?: boolean;
}

/** Farthest gap (graph units) an edge crosses directly: one column gap or lane gap, nothing in between. */
const DIRECT_SPAN = 140;

/**
 * The route of an edge from `from` to `to`. `rowHeight` is the row pitch of the view's layout; without it
 * (the overview's cards, which sit on no common rows) edges run directly.
 */
export function routeEdge(from: Rect, to: Rect, rowHeight?: number): Route {
  const x1 = from.x + from.w;
  const y1 = from.y + from.h / 2;
  const x2 = to.x;
  const y2 = to.y + to.h / 2;
  if (rowHeight === undefined || x2 - x1 <= DIRECT_SPAN) return { x1, y1, x2, y2 };
  // The strip just above the target row when coming from above, else just below it.
  const strip = rowHeight - to.h;
  const yc = y1 <= y2 ? to.y - strip / 2 : to.y + to.h + strip / 2;
  const turn = Math.min(35, (x2 - x1) / 4);
  return { x1, y1, x2, y2, channel: { gx1: x1 + turn, gx2: x2 - turn, yc } };
}

/**
 * The route between two clusters (folder boxes). A folder that reads a folder beside or below it in the same
 * lane is joined bottom to top, so that the edge does not run behind the two boxes.
 */
export function routeClusterEdge(from: Rect, to: Rect): Route {
  if (to.x >= from.x + from.w) return routeEdge(from, to);
  const x0 = Math.max(from.x, to.x);
  const x1 = Math.min(from.x + from.w, to.x + to.w);
  const x = x1 > x0 ? (x0 + x1) / 2 : to.x + Math.min(to.w / 2, 40);
  const down = to.y >= from.y + from.h;
  return { x1: x1 > x0 ? x : from.x + from.w / 2, y1: down ? from.y + from.h : from.y, x2: x, y2: down ? to.y : to.y + to.h, vertical: true };
}

/** Bounding boxes of a route's pieces, for the spatial index: tight, so a long edge is found only where it runs. */
export function routePieces(r: Route): [number, number, number, number][] {
  if (!r.channel) return [[Math.min(r.x1, r.x2), Math.min(r.y1, r.y2), Math.max(r.x1, r.x2), Math.max(r.y1, r.y2)]];
  const { gx1, gx2, yc } = r.channel;
  return [
    [r.x1, Math.min(r.y1, yc), gx1, Math.max(r.y1, yc)],
    [gx1, yc, gx2, yc],
    [gx2, Math.min(yc, r.y2), r.x2, Math.max(yc, r.y2)],
  ];
}

/** Adds the route to the current path (smooth bends; the end arrives horizontally for the arrowhead). */
export function traceRoute(ctx: Pick<CanvasRenderingContext2D, 'moveTo' | 'bezierCurveTo' | 'lineTo'>, r: Route): void {
  ctx.moveTo(r.x1, r.y1);
  if (r.vertical) {
    const mid = (r.y1 + r.y2) / 2;
    ctx.bezierCurveTo(r.x1, mid, r.x2, mid, r.x2, r.y2);
    return;
  }
  if (!r.channel) {
    const mid = (r.x1 + r.x2) / 2;
    ctx.bezierCurveTo(mid, r.y1, mid, r.y2, r.x2, r.y2);
    return;
  }
  const { gx1, gx2, yc } = r.channel;
  const m1 = (r.x1 + gx1) / 2;
  ctx.bezierCurveTo(m1, r.y1, m1, yc, gx1, yc);
  ctx.lineTo(gx2, yc);
  const m2 = (gx2 + r.x2) / 2;
  ctx.bezierCurveTo(m2, yc, m2, r.y2, r.x2, r.y2);
}

/** Adds an arrowhead of `size` at the route's end, pointing the way the route arrives. */
export function traceArrow(ctx: Pick<CanvasRenderingContext2D, 'moveTo' | 'lineTo' | 'closePath'>, r: Route, size: number): void {
  const { x2, y2 } = r;
  ctx.moveTo(x2, y2);
  if (r.vertical) {
    const d = r.y2 >= r.y1 ? -size : size;
    ctx.lineTo(x2 - size / 2, y2 + d);
    ctx.lineTo(x2 + size / 2, y2 + d);
  } else {
    ctx.lineTo(x2 - size, y2 - size / 2);
    ctx.lineTo(x2 - size, y2 + size / 2);
  }
  ctx.closePath();
}

export type DetailLevel = 'clusters' | 'boxes' | 'labels';

/** Below this scale a view with clusters draws one box per folder (a node would be under ~4 px tall). */
export const CLUSTER_BELOW = 0.12;
/** From this scale node names are drawn (12.5 px text at 0.4 is 5 px: the smallest worth drawing). */
export const LABELS_FROM = 0.4;

export function detailLevel(scale: number, hasClusters: boolean): DetailLevel {
  if (hasClusters && scale < CLUSTER_BELOW) return 'clusters';
  return scale >= LABELS_FROM ? 'labels' : 'boxes';
}
