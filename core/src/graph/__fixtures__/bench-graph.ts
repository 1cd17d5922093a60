/**
 * A quick timing script, not a test: a 10,000-node graph with ~25,000 edges (then the same plus 30,000
 * tests), timing build, topoOrder and the selection `+x+`. Run it with:
 *
 *   pnpm exec tsc -p core/src/graph/__fixtures__/tsconfig.bench.json && node /tmp/xform-graph-bench/graph/__fixtures__/bench-graph.js
 */
import { performance } from 'node:perf_hooks';
import { checkLayerRules } from '../layer-rules.js';
import { LineageGraph } from '../lineage-graph.js';
import { selectNodes } from '../select.js';
import type { GraphNode } from '../types.js';
import { id, model, source, test } from './nodes.js';

/** Deterministic PRNG (mulberry32) so every run builds the same graph. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeNodes(models: number, sources: number, tests: number): GraphNode[] {
  const random = rng(42);
  const nodes: GraphNode[] = [];
  const ids: string[] = [];
  for (let i = 0; i < sources; i++) {
    nodes.push(source('raw', `t${i}`));
    ids.push(id.source('raw', `t${i}`));
  }
  for (let i = 0; i < models; i++) {
    // Parents among recent nodes: a realistic mix of long chains and fan-in.
    const deps = new Set<string>();
    const want = 2 + Math.floor(random() * 2) + (random() < 0.1 ? 1 : 0);
    while (deps.size < Math.min(want, ids.length)) {
      const window = Math.min(ids.length, 2000);
      deps.add(ids[ids.length - 1 - Math.floor(random() * window)]!);
    }
    const name = `m${i}`;
    const layer = i < models / 3 ? 'bronze' : i < (2 * models) / 3 ? 'silver' : 'gold';
    nodes.push(model(name, { deps: [...deps], layer, tags: i % 7 === 0 ? ['nightly'] : [] }));
    ids.push(id.model(name));
  }
  for (let i = 0; i < tests; i++) {
    const target = id.model(`m${Math.floor(random() * models)}`);
    const deps = i % 10 === 0 ? [target, id.model(`m${Math.floor(random() * models)}`)] : [target];
    nodes.push(test(`t${i}`, { testName: i % 10 === 0 ? 'relationships' : 'not_null', deps }));
  }
  return nodes;
}

function time<T>(label: string, fn: () => T): T {
  const start = performance.now();
  const result = fn();
  console.log(`${label.padEnd(34)} ${(performance.now() - start).toFixed(1).padStart(8)} ms`);
  return result;
}

function run(models: number, sources: number, tests: number): void {
  const nodes = makeNodes(models, sources, tests);
  const edges = nodes.reduce((n, node) => n + node.depends_on.nodes.length, 0);
  console.log(`\n${nodes.length} nodes (${models} models, ${sources} sources, ${tests} tests), ${edges} edges`);
  const middle = `m${Math.floor(models / 2)}`;
  // Round 1 is what one CLI invocation pays (cold JIT); round 2 shows the steady state.
  for (const round of [1, 2]) {
    console.log(`-- round ${round}`);
    const graph = time('LineageGraph.build', () => LineageGraph.build(nodes));
    const order = time('topoOrder (incl. cycle check)', () => graph.topoOrder());
    const selected = time(`selectNodes +${middle}+`, () => selectNodes(graph, { select: [`+${middle}+`] }));
    time('selectNodes tag:nightly+ (cautious)', () => selectNodes(graph, { select: ['tag:nightly+'], indirectSelection: 'cautious' }));
    time('selectNodes * --exclude m1+', () => selectNodes(graph, { exclude: ['m1+'] }));
    time('checkLayerRules', () => checkLayerRules(graph, ['bronze', 'silver', 'gold'], { forbidBackward: true, forbidSkip: true }));
    time('parentMap + childMap', () => [graph.parentMap(), graph.childMap()]);
    time('graphlib Graph (lazy, first use)', () => graph.graph.edgeCount());
    if (round === 2) console.log(`topoOrder length ${order.length}; +${middle}+ selected ${selected.size} nodes`);
  }
}

run(9_500, 500, 0);
run(9_500, 500, 30_000);
