import { describe, expect, it } from 'vitest';
import { SpatialGrid } from './spatial.ts';

const found = (grid: SpatialGrid, x0: number, y0: number, x1: number, y1: number) => {
  const out: number[] = [];
  grid.search(x0, y0, x1, y1, (id) => out.push(id));
  return out.sort((a, b) => a - b);
};

describe('SpatialGrid', () => {
  it('finds the rectangles that meet a viewport, each once, and not the far ones', () => {
    const grid = new SpatialGrid(100);
    grid.insert(0, 10, 10, 50, 50);
    grid.insert(1, 0, 500, 5000, 510); // a long horizontal edge piece across 50 cells
    grid.insert(2, 900, 900, 950, 950);
    grid.insert(3, -300, -300, -250, -250); // negative coordinates
    expect(found(grid, 0, 0, 200, 200)).toEqual([0]);
    expect(found(grid, 2000, 450, 2100, 560)).toEqual([1]);
    expect(found(grid, 0, 0, 1000, 1000)).toEqual([0, 1, 2]);
    expect(found(grid, -400, -400, -200, -200)).toEqual([3]);
    expect(found(grid, 3000, 3000, 4000, 4000)).toEqual([]);
    // A query far larger than the grid still answers every item once.
    expect(found(grid, -1e7, -1e7, 1e7, 1e7)).toEqual([0, 1, 2, 3]);
  });

  it('answers a small viewport over 10,000 boxes without visiting most of them', () => {
    const grid = new SpatialGrid(400, 10_000);
    for (let i = 0; i < 10_000; i++) grid.insert(i, (i % 100) * 300, Math.floor(i / 100) * 50, (i % 100) * 300 + 200, Math.floor(i / 100) * 50 + 36);
    let visited = 0;
    grid.search(3000, 1000, 4400, 1900, () => visited++);
    expect(visited).toBeGreaterThan(50);
    expect(visited).toBeLessThan(400);
  });
});
