import { describe, expect, it } from 'vitest';
import { detailLevel, routeClusterEdge, routeEdge, routePieces, traceArrow, traceRoute, type Rect } from './routing.ts';

const box = (x: number, row: number): Rect => ({ x, y: row * 44, w: 200, h: 36 });

/** Points along a traced route, sampled from its straight pieces and bezier end/control points. */
function polyline(from: Rect, to: Rect): [number, number][] {
  const pts: [number, number][] = [];
  let at: [number, number] = [0, 0];
  traceRoute(
    {
      moveTo: (x, y) => void (at = [x, y], pts.push(at)),
      lineTo: (x, y) => {
        for (let t = 0; t <= 1; t += 0.01) pts.push([at[0] + (x - at[0]) * t, at[1] + (y - at[1]) * t]);
        at = [x, y];
      },
      bezierCurveTo: (ax, ay, bx, by, x, y) => {
        for (let t = 0; t <= 1; t += 0.02) {
          const u = 1 - t;
          pts.push([u * u * u * at[0] + 3 * u * u * t * ax + 3 * u * t * t * bx + t * t * t * x, u * u * u * at[1] + 3 * u * u * t * ay + 3 * u * t * t * by + t * t * t * y]);
        }
        at = [x, y];
      },
    },
    routeEdge(from, to, 44),
  );
  return pts;
}

describe('routeEdge', () => {
  it('runs an edge to the next column directly', () => {
    expect(routeEdge(box(0, 3), box(270, 5), 44).channel).toBeUndefined();
  });

  it('routes an edge that skips columns through the strip beside its target row, clear of every box between', () => {
    const from = box(0, 2);
    const to = box(810, 9);
    // Columns at 270 and 540 are full: a box on every row.
    const between = [270, 540].flatMap((x) => Array.from({ length: 20 }, (_, r) => box(x, r)));
    const pts = polyline(from, to);
    const inside = pts.filter(([x, y]) => between.some((b) => x > b.x + 1 && x < b.x + b.w - 1 && y > b.y + 0.5 && y < b.y + b.h - 0.5));
    expect(inside).toEqual([]);
    // A straight bezier would cross them.
    const r = routeEdge(from, to, 44);
    expect(r.channel!.yc).toBeLessThan(to.y);
    expect(r.channel!.yc).toBeGreaterThan(to.y - 8);
  });

  it('indexes a routed edge by tight pieces, not its whole bounding box', () => {
    const pieces = routePieces(routeEdge(box(0, 0), box(5000, 100), 44));
    expect(pieces).toHaveLength(3);
    for (const [x0, y0, x1, y1] of pieces) expect(Math.min(x1 - x0, y1 - y0)).toBeLessThan(100);
  });
});

describe('detailLevel', () => {
  it('draws clusters when zoomed far out, boxes in the middle and labels once they are legible', () => {
    expect(detailLevel(0.02, true)).toBe('clusters');
    expect(detailLevel(0.02, false)).toBe('boxes');
    expect(detailLevel(0.2, true)).toBe('boxes');
    expect(detailLevel(0.8, true)).toBe('labels');
  });
});

describe('routeClusterEdge', () => {
  it('joins a folder to the folder below it bottom to top, arriving downwards', () => {
    const r = routeClusterEdge({ x: 0, y: 0, w: 1000, h: 200 }, { x: 300, y: 260, w: 1000, h: 200 });
    expect(r.vertical).toBe(true);
    expect(r.y1).toBe(200);
    expect(r.y2).toBe(260);
    expect(r.x1).toBe(r.x2);
    const heads: [number, number][] = [];
    traceArrow({ moveTo: (x, y) => heads.push([x, y]), lineTo: (x, y) => heads.push([x, y]), closePath: () => undefined }, r, 10);
    // The arrowhead's base lies above its tip: it points down into the target.
    expect(heads[1]![1]).toBeLessThan(r.y2);
  });

  it('joins folders in lanes left to right side to side', () => {
    expect(routeClusterEdge({ x: 0, y: 0, w: 100, h: 50 }, { x: 300, y: 500, w: 100, h: 50 }).vertical).toBeUndefined();
  });
});
