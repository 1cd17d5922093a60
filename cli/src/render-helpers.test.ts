import { describe, expect, it } from 'vitest';
import { MIN_NODES, renderHelperCount } from './render-helpers.js';

const counts = (models: number, tests = 0, snapshots = 0) => ({ models, seeds: 3, tests, macros: 40, snapshots, schemaYaml: 10 });

describe('renderHelperCount', () => {
  it('starts one helper per core beyond the first, at most 3, for a large project on a machine of four cores or more', () => {
    expect(renderHelperCount(counts(10_000), {}, 4)).toBe(3);
    expect(renderHelperCount(counts(10_000), {}, 8)).toBe(3);
    expect(renderHelperCount(counts(10_000), {}, 64)).toBe(3);
    // Models, snapshots and singular tests are what is rendered.
    expect(renderHelperCount(counts(MIN_NODES - 2, 1, 1), {}, 8)).toBe(3);
  });

  it('starts none for a small project, or on fewer than four cores, where they measured no faster', () => {
    expect(renderHelperCount(counts(MIN_NODES - 1), {}, 8)).toBe(0);
    expect(renderHelperCount(counts(10_000), {}, 2)).toBe(0);
    expect(renderHelperCount(counts(10_000), {}, 3)).toBe(0);
  });

  it('does what XFORM_RENDER_HELPERS says, and names a bad value', () => {
    expect(renderHelperCount(counts(5), { XFORM_RENDER_HELPERS: '2' }, 2)).toBe(2);
    expect(renderHelperCount(counts(10_000), { XFORM_RENDER_HELPERS: '0' }, 16)).toBe(0);
    expect(renderHelperCount(counts(10_000), { XFORM_RENDER_HELPERS: ' ' }, 4)).toBe(3);
    for (const bad of ['-1', '1.5', 'two', '65']) {
      expect(() => renderHelperCount(counts(5), { XFORM_RENDER_HELPERS: bad }, 2)).toThrow(`XFORM_RENDER_HELPERS must be a whole number from 0 to 64, got '${bad}'`);
    }
  });
});
