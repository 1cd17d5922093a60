import { describe, expect, it } from 'vitest';
import { criticalPath } from './critical-path.js';

describe('criticalPath', () => {
  it('walks back from the item that ended last through the dependency each item waited for', () => {
    // a(0-10) -> b(10-50) -> d(50-60); a -> c(10-20) -> d; e(0-5) alone.
    const items = [
      { end: 10, deps: [] },
      { end: 50, deps: [0] },
      { end: 20, deps: [0] },
      { end: 60, deps: [1, 2] },
      { end: 5, deps: [] },
    ];
    expect(criticalPath(items)).toEqual([0, 1, 3]);
  });

  it('is the last item alone when it depended on nothing, and empty for an empty run', () => {
    expect(criticalPath([{ end: 3, deps: [] }, { end: 9, deps: [] }])).toEqual([1]);
    expect(criticalPath([])).toEqual([]);
  });

  it('stops on a cycle in malformed data instead of looping', () => {
    expect(criticalPath([{ end: 1, deps: [1] }, { end: 2, deps: [0] }])).toEqual([0, 1]);
  });
});
