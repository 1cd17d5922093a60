import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isXformError } from '../errors.js';
import { id, model, source } from './__fixtures__/nodes.js';
import { LineageGraph } from './lineage-graph.js';
import { evaluateYamlSelector, loadSelectorsFile } from './yaml-selectors.js';

/** shop.orders -> stg_orders -> fct_orders -> rpt_revenue; stg_orders -> daily (nightly). */
const graph = LineageGraph.build([
  source('shop', 'orders'),
  model('stg_orders', { deps: [id.source('shop', 'orders')], tags: ['nightly'] }),
  model('fct_orders', { deps: [id.model('stg_orders')], config: { materialized: 'table' } }),
  model('rpt_revenue', { deps: [id.model('fct_orders')], tags: ['nightly'] }),
  model('daily', { deps: [id.model('stg_orders')], tags: ['nightly'], config: { materialized: 'view' } }),
]);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function selectors(yaml: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'xform-selectors-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'selectors.yml'), yaml);
  return loadSelectorsFile(dir)!;
}

const names = (ids: Set<string>) => [...ids].map((i) => i.split('.').pop()).sort();

describe('selectors.yml', () => {
  it('evaluates criteria with graph flags, unions with exclude, intersections and selector references', () => {
    const file = selectors(
      [
        'selectors:',
        '  - name: nightly_up',
        '    definition: {method: tag, value: nightly, parents: true, parents_depth: 1}',
        '  - name: nightly_no_views',
        '    definition:',
        '      union:',
        '        - tag:nightly',
        '        - exclude: [{method: config.materialized, value: view}]',
        '  - name: both',
        '    definition:',
        '      intersection:',
        '        - {method: selector, value: nightly_up}',
        '        - {method: fqn, value: stg_orders, children: true, children_depth: 1}',
      ].join('\n'),
    );
    expect(names(evaluateYamlSelector(graph, file, 'nightly_up'))).toEqual(['daily', 'fct_orders', 'orders', 'rpt_revenue', 'stg_orders']);
    expect(names(evaluateYamlSelector(graph, file, 'nightly_no_views'))).toEqual(['rpt_revenue', 'stg_orders']);
    expect(names(evaluateYamlSelector(graph, file, 'both'))).toEqual(['daily', 'fct_orders', 'stg_orders']);
  });

  it('points at the line of a bad definition, and refuses a selector that refers to itself', () => {
    const file = selectors(['selectors:', '  - name: a', '    definition:', '      union: tag:x', '  - name: loop', '    definition: {method: selector, value: loop}'].join('\n'));
    const caught = (name: string) => {
      try {
        evaluateYamlSelector(graph, file, name);
      } catch (err) {
        if (isXformError(err)) return err;
      }
      throw new Error('expected an XformError');
    };
    expect(caught('a')).toMatchObject({ code: 'XFORM_BAD_SELECTOR', location: { file: 'selectors.yml', line: 4 } });
    expect(caught('loop').message).toContain('loop -> loop');
  });
});
