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
});
