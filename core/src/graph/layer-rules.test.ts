import { describe, expect, it } from 'vitest';
import { id, model, seed, source, test } from './__fixtures__/nodes.js';
import { checkLayerRules } from './layer-rules.js';
import { LineageGraph } from './lineage-graph.js';

const LAYERS = ['bronze', 'silver', 'gold'];
const BOTH = { forbidBackward: true, forbidSkip: true };

function errors(graph: LineageGraph, rules = BOTH) {
  return checkLayerRules(graph, LAYERS, rules).filter((d) => d.severity === 'error');
}

describe('checkLayerRules', () => {
  it('accepts a project that flows bronze -> silver -> gold', () => {
    const graph = LineageGraph.build([
      source('shop', 'orders', { layer: 'bronze' }),
      model('brz_orders', { layer: 'bronze', deps: [id.source('shop', 'orders')] }),
      model('slv_orders', { layer: 'silver', deps: [id.model('brz_orders')] }),
      model('slv_enriched', { layer: 'silver', deps: [id.model('slv_orders')] }),
      model('fct_orders', { layer: 'gold', deps: [id.model('slv_enriched')] }),
    ]);
    expect(checkLayerRules(graph, LAYERS, BOTH)).toEqual([]);
  });

  it('reports gold reading a bronze source (skip), sources without a layer counting as bronze', () => {
    const graph = LineageGraph.build([
      source('shop', 'orders', { path: 'models/bronze/_sources.yml' }),
      model('fct_x', { layer: 'gold', path: 'models/gold/fct_x.sql', line: 4, deps: [id.source('shop', 'orders')] }),
    ]);
    const found = errors(graph);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      code: 'XFORM_LAYER_VIOLATION',
      message:
        "gold model 'fct_x' (models/gold/fct_x.sql) reads bronze source 'shop.orders' (models/bronze/_sources.yml) — gold may only read silver or gold",
      location: { file: 'models/gold/fct_x.sql', line: 4 },
    });
  });

  it('reports silver reading gold (backward)', () => {
    const graph = LineageGraph.build([
      model('fct_sales', { layer: 'gold' }),
      model('slv_orders', { layer: 'silver', deps: [id.model('fct_sales')] }),
    ]);
    const found = errors(graph);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("silver model 'slv_orders' (models/slv_orders.sql) reads gold model 'fct_sales'");
    expect(found[0]!.message).toContain('silver may only read bronze or silver');
  });

  it('checks only the enabled rule', () => {
    const graph = LineageGraph.build([
      model('brz', { layer: 'bronze' }),
      model('slv_back', { layer: 'silver', deps: [id.model('gld')] }),
      model('gld', { layer: 'gold', deps: [id.model('brz')] }),
    ]);
    const skipOnly = errors(graph, { forbidBackward: false, forbidSkip: true });
    expect(skipOnly.map((d) => d.location?.file)).toEqual(['models/gld.sql']);
    expect(skipOnly[0]!.message).toContain('gold may only read silver or gold');
    const backwardOnly = errors(graph, { forbidBackward: true, forbidSkip: false });
    expect(backwardOnly.map((d) => d.location?.file)).toEqual(['models/slv_back.sql']);
    expect(checkLayerRules(graph, LAYERS, { forbidBackward: false, forbidSkip: false })).toEqual([]);
    expect(checkLayerRules(graph, LAYERS, undefined)).toEqual([]);
  });

  it('exempts tests and layer-less models and seeds, but checks seeds that have a layer', () => {
    const graph = LineageGraph.build([
      source('shop', 'orders'),
      seed('countries'),
      seed('gold_targets', { config: { layer: 'gold' } }),
      model('loose', { deps: [id.source('shop', 'orders')] }),
      model('fct', { layer: 'gold', deps: [id.model('loose'), id.seed('countries')] }),
      model('slv', { layer: 'silver', deps: [id.seed('gold_targets')] }),
      test('cross_layer_check', { deps: [id.source('shop', 'orders'), id.model('fct')] }),
    ]);
    const found = errors(graph);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain("silver model 'slv' (models/slv.sql) reads gold seed 'gold_targets' (seeds/gold_targets.csv)");
  });

  it('warns about a layer that is not in the project list, with a did-you-mean', () => {
    const graph = LineageGraph.build([model('m', { layer: 'slver' })]);
    const [warning] = checkLayerRules(graph, LAYERS, BOTH);
    expect(warning).toMatchObject({ severity: 'warning', code: 'XFORM_UNKNOWN_LAYER', hint: "did you mean 'silver'?" });
  });
});
