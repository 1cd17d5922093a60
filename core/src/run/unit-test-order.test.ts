import { describe, expect, it } from 'vitest';
import type { Manifest } from '../compile/manifest.js';
import { unitTestsBeforeModels } from './unit-test-order.js';

const unit = (model: string) => ({ resource_type: 'unit_test', unit_test: { model, given: [], expect: { rows: [] } } });
const manifest = {
  nodes: { 'unit_test.p.m.t': unit('model.p.m'), 'model.p.m': { resource_type: 'model' }, 'model.p.up': { resource_type: 'model' } },
} as unknown as Pick<Manifest, 'nodes'>;

describe('unitTestsBeforeModels', () => {
  it('runs a unit test after its model\'s parents and before the model', () => {
    const nodes = unitTestsBeforeModels(manifest, [
      { id: 'model.p.up', parents: [] },
      { id: 'model.p.m', parents: ['model.p.up'] },
      { id: 'unit_test.p.m.t', parents: ['model.p.m'] },
    ]);
    expect(nodes).toEqual([
      { id: 'model.p.up', parents: [] },
      { id: 'model.p.m', parents: ['model.p.up', 'unit_test.p.m.t'] },
      { id: 'unit_test.p.m.t', parents: ['model.p.up'] },
    ]);
  });

  it('leaves a unit test alone when its model is not part of the run', () => {
    expect(unitTestsBeforeModels(manifest, [{ id: 'unit_test.p.m.t', parents: [] }])).toEqual([{ id: 'unit_test.p.m.t', parents: [] }]);
  });
});
