import { describe, expect, it } from 'vitest';
import type { Manifest } from '../compile/manifest.js';
import { id, model, source } from '../graph/__fixtures__/nodes.js';
import { LineageGraph, selectNodes } from '../graph/index.js';
import type { GraphNode } from '../graph/types.js';
import type { PreviousState } from './previous-state.js';
import { stateMethods } from './state-methods.js';

/** raw.orders -> stg -> fct -> rpt, and an unrelated model. */
const nodes: GraphNode[] = [
  source('raw', 'orders'),
  model('stg', { deps: [id.source('raw', 'orders')] }),
  model('fct', { deps: [id.model('stg')] }),
  model('rpt', { deps: [id.model('fct')] }),
  model('other'),
];
const graph = LineageGraph.build(nodes);
const byId = (list: GraphNode[]) => Object.fromEntries(list.filter((n) => n.resource_type !== 'source').map((n) => [n.unique_id, n]));

function state(extra: Partial<PreviousState> = {}): PreviousState {
  const before = nodes.map((n) => (n.name === 'fct' ? { ...n, raw_code: 'select 0' } : n)).filter((n) => n.name !== 'other');
  const manifest = { nodes: byId(before), sources: { [id.source('raw', 'orders')]: nodes[0] }, macros: {} } as unknown as Manifest;
  return { dir: '/state', manifest, ...extra };
}
const select = (selector: string, s: PreviousState = state()) =>
  [...selectNodes(graph, { select: [selector], stateMethods: stateMethods(s, { macros: {} }) })].sort();

describe('state selector methods', () => {
  it('state:modified, state:new and graph operators on them', () => {
    expect(select('state:modified')).toEqual([id.model('fct'), id.model('other')]);
    expect(select('state:new')).toEqual([id.model('other')]);
    expect(select('state:modified+')).toEqual([id.model('fct'), id.model('other'), id.model('rpt')]);
    expect(select('+state:modified.body,state:old')).toEqual([id.model('fct'), id.model('stg'), id.source('raw', 'orders')]);
    expect(select('1+state:modified.body,state:old')).toEqual([id.model('fct'), id.model('stg')]);
    expect(select('state:unmodified,state:old')).toEqual([id.model('rpt'), id.model('stg'), id.source('raw', 'orders')]);
  });

  it('result:<status> reads the state run_results.json; without one it says so', () => {
    const s = state({ results: [{ unique_id: id.model('stg'), status: 'error' }, { unique_id: id.model('fct'), status: 'skipped' }] });
    expect(select('result:error', s)).toEqual([id.model('stg')]);
    expect(select('result:error+', s)).toEqual([id.model('fct'), id.model('rpt'), id.model('stg')]);
    expect(() => select('result:error')).toThrow(/needs run_results.json in the state folder \/state/);
  });

  it('source_status:fresher: loaded later now than in the state, errors excluded', () => {
    const s = state({
      sources: [{ unique_id: id.source('raw', 'orders'), max_loaded_at: '2024-01-01T00:00:00Z' }],
      currentSources: [{ unique_id: id.source('raw', 'orders'), max_loaded_at: '2024-01-02T00:00:00Z' }],
    });
    expect(select('source_status:fresher+', s)).toEqual([id.model('fct'), id.model('rpt'), id.model('stg'), id.source('raw', 'orders')]);
    const same = state({ sources: s.sources, currentSources: s.sources });
    expect(select('source_status:fresher', same)).toEqual([]);
    expect(() => select('source_status:fresher', state({ sources: s.sources }))).toThrow(/target folder has none/);
  });

  it('a state method without --state, and an unknown state, are errors that say what to do', () => {
    expect(() => selectNodes(graph, { select: ['state:modified'] })).toThrow(expect.objectContaining({ code: 'XFORM_STATE_REQUIRED', hint: expect.stringMatching(/--state/) }));
    expect(() => select('state:modifed')).toThrow(expect.objectContaining({ code: 'XFORM_BAD_SELECTOR', hint: expect.stringMatching(/modified/) }));
  });
});
