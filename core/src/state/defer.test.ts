import { describe, expect, it } from 'vitest';
import type { Manifest } from '../compile/manifest.js';
import { id, model, seed } from '../graph/__fixtures__/nodes.js';
import { LineageGraph } from '../graph/lineage-graph.js';
import type { ExecutableNode, RelationRef } from '../graph/types.js';
import { deferredRelations } from './defer.js';
import type { PreviousState } from './previous-state.js';

/** raw (seed) -> stg -> eph (ephemeral) -> fct -> rpt; the state built everything in `prod`. */
const nodes: ExecutableNode[] = [
  seed('raw'),
  model('stg', { deps: [id.seed('raw')] }),
  model('eph', { deps: [id.model('stg')], config: { materialized: 'ephemeral' } }),
  model('fct', { deps: [id.model('eph'), id.model('stg')] }),
  model('rpt', { deps: [id.model('fct')] }),
];
const graph = LineageGraph.build(nodes);
const manifest = { nodes: Object.fromEntries(nodes.map((n) => [n.unique_id, n])) } as unknown as Manifest;
const state: PreviousState = { dir: '/s', manifest: { nodes: Object.fromEntries(nodes.map((n) => [n.unique_id, { ...n, schema: 'prod' }])), sources: {}, macros: {} } as unknown as Manifest };

async function defer(selected: string[], existing: string[], favorState = false) {
  const asked: string[] = [];
  const out = await deferredRelations({
    graph,
    manifest,
    selected: new Set(selected.map(id.model)),
    state,
    favorState,
    exists: async (r: RelationRef) => {
      asked.push(r.identifier);
      return existing.includes(r.identifier);
    },
  });
  return { deferred: Object.fromEntries([...out].map(([k, v]) => [k, `${v.schema}.${v.identifier}`])), asked: asked.sort() };
}

describe('--defer (dbt rules)', () => {
  it('an unselected direct parent missing from the target reads the state relation; ephemeral parents never do', async () => {
    expect(await defer(['fct'], [])).toEqual({ deferred: { [id.model('stg')]: 'prod.stg' }, asked: ['stg'] });
  });

  it('a parent the target has keeps its own relation unless --favor-state, which asks nothing', async () => {
    expect((await defer(['fct'], ['stg'])).deferred).toEqual({});
    expect(await defer(['fct'], ['stg'], true)).toEqual({ deferred: { [id.model('stg')]: 'prod.stg' }, asked: [] });
  });

  it('selected nodes are never deferred', async () => {
    expect((await defer(['stg', 'fct', 'rpt'], [])).deferred).toEqual({ [id.seed('raw')]: 'prod.raw' });
  });
});
