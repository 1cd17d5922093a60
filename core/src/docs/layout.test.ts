import { describe, expect, it } from 'vitest';
import { layeredLayout } from './layout.js';

describe('layeredLayout', () => {
  it('places lanes left to right and children right of their parents', () => {
    // 0: source (lane 0) -> 1, 2 (lane 1, a chain) -> 3 (lane 2)
    const layout = layeredLayout({ lanes: [0, 1, 1, 2], parents: [[], [0], [1], [2]] });
    expect(layout.x[0]).toBeLessThan(layout.x[1]!);
    expect(layout.x[1]).toBeLessThan(layout.x[2]!);
    expect(layout.x[2]).toBeLessThan(layout.x[3]!);
    expect(layout.lanes.map((l) => l.lane)).toEqual([0, 1, 2]);
    for (let i = 0; i < 4; i++) {
      const lane = layout.lanes.find((l) => l.lane === [0, 1, 1, 2][i])!;
      expect(layout.x[i]).toBeGreaterThanOrEqual(lane.x0);
      expect(layout.x[i]! + 200).toBeLessThanOrEqual(lane.x1);
    }
  });

  it('orders a column by its parents so that edges do not cross', () => {
    // Parents a (0) above b (1); children listed in the opposite order: c reads b, d reads a.
    const layout = layeredLayout({ lanes: [0, 0, 1, 1], parents: [[], [], [1], [0]] });
    expect(layout.y[0]).toBeLessThan(layout.y[1]!);
    expect(layout.y[3]).toBeLessThan(layout.y[2]!);
  });

  it('lays out 10,000 nodes quickly', () => {
    const n = 10_000;
    const parents = Array.from({ length: n }, (_, i) => (i === 0 ? [] : [Math.max(0, i - 1 - (i % 7)), Math.floor(i / 2)]));
    const lanes = Array.from({ length: n }, (_, i) => Math.floor((i / n) * 3));
    const started = performance.now();
    const layout = layeredLayout({ lanes, parents });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(layout.x).toHaveLength(n);
    expect(layout.y.every((y) => Number.isFinite(y) && y >= 0)).toBe(true);
  });

  it('starts every box on a whole row, so the gap under a row is free in every column', () => {
    // Columns of 1, 2 and 4 nodes: centring would put the short ones half a row off.
    const layout = layeredLayout({ lanes: [0, 1, 1, 2, 2, 2, 2], parents: [[], [0], [0], [1], [1], [2], [2]] }, { rowHeight: 44 });
    for (const y of layout.y) expect(y % 44).toBe(0);
  });

  it('wraps a column taller than maxRows into a grid instead of a sliver', () => {
    // 4,000 staging models that all read one source: one column of 4,000 without a limit.
    const n = 4001;
    const parents = Array.from({ length: n }, (_, i) => (i === 0 ? [] : [0]));
    const lanes = parents.map((_, i) => (i === 0 ? 0 : 1));
    const tall = layeredLayout({ lanes, parents });
    expect(tall.height / tall.width).toBeGreaterThan(100);
    const wrapped = layeredLayout({ lanes, parents }, { maxRows: 100 });
    expect(wrapped.height).toBe(100 * 44);
    expect(new Set(wrapped.x.slice(1)).size).toBe(40);
    expect(wrapped.width / wrapped.height).toBeGreaterThan(1);
    // No two boxes share a place.
    expect(new Set(wrapped.x.map((x, i) => `${x}:${wrapped.y[i]}`)).size).toBe(n);
    const lane = wrapped.lanes.find((l) => l.lane === 1)!;
    expect(Math.max(...wrapped.x) + 200).toBeLessThanOrEqual(lane.x1);
  });

  it('keeps each group in its own band of the lane, with a free row between bands', () => {
    // Lane 1 holds groups 1 and 2, interleaved in the input, each reading both sources.
    const lanes = [0, 0, 1, 1, 1, 1, 1, 1];
    const groups = [0, 0, 1, 2, 1, 2, 1, 2];
    const parents = [[], [], [0, 1], [0, 1], [2], [3], [4], [5]];
    const layout = layeredLayout({ lanes, parents, groups }, { rowHeight: 44 });
    const bands = layout.bands!;
    expect(bands.map((b) => b.group).sort()).toEqual([0, 1, 2]);
    const [b1, b2] = [bands.find((b) => b.group === 1)!, bands.find((b) => b.group === 2)!];
    // Bands do not overlap, and a whole row separates them.
    expect(b1.y1 + 44).toBeLessThanOrEqual(b2.y0);
    for (let i = 0; i < lanes.length; i++) {
      const b = bands.find((x) => x.group === groups[i])!;
      expect(layout.y[i]).toBeGreaterThanOrEqual(b.y0);
      expect(layout.y[i]! + 36).toBeLessThanOrEqual(b.y1);
      expect(layout.y[i]! % 44).toBe(0);
    }
  });
});

describe('layeredLayout with groups and maxRows', () => {
  it('wraps a big group into a grid inside its band', () => {
    const n = 1001;
    const parents = Array.from({ length: n }, (_, i) => (i === 0 ? [] : [0]));
    const lanes = parents.map((_, i) => (i === 0 ? 0 : 1));
    const groups = parents.map((_, i) => (i === 0 ? 0 : 1));
    const layout = layeredLayout({ lanes, parents, groups }, { maxRows: 50 });
    const band = layout.bands!.find((b) => b.group === 1)!;
    expect(band.y1 - band.y0).toBeLessThanOrEqual(50 * 44);
    expect(new Set(layout.x.slice(1)).size).toBe(20);
    expect(new Set(layout.x.map((x, i) => `${x}:${layout.y[i]}`)).size).toBe(n);
    for (let i = 1; i < n; i++) expect(layout.x[i]! + 200).toBeLessThanOrEqual(band.x1);
  });
});
