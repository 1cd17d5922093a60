/**
 * dbt's selection syntax in the browser: `+m`, `m+`, `2+m+1`, `@m`, `tag:x`, `path:models/staging`,
 * `layer:silver`, `package:shop`, `config.materialized:table`, a space for a union, a comma for an
 * intersection, and `--exclude ...`. Parsing and each method's matching are core's own (the CLI's
 * `--select`), run on the site's nodes; only the graph walk is done here.
 */
import { XformError } from '../../core/src/errors.ts';
import type { SiteGraph, SiteNode } from '../../core/src/docs/site-types.ts';
import { predicateFor, type Predicate } from '../../core/src/graph/selector-methods.ts';
import { parseSelector, type SelectorAtom, type SelectorExpr } from '../../core/src/graph/selector-parse.ts';
import type { GraphNode } from '../../core/src/graph/types.ts';

/** Methods that need what the site does not carry: tests, or a previous run's state. */
const NOT_ON_SITE = new Set(['test_type', 'test_name', 'state', 'result', 'source_status']);

export class SiteSelector {
  private readonly shaped: GraphNode[];
  private readonly children: number[][];

  constructor(private readonly graph: Pick<SiteGraph, 'nodes' | 'lanes' | 'laneIsLayer' | 'project'>) {
    this.shaped = graph.nodes.map((n) => shape(n, graph));
    this.children = graph.nodes.map(() => []);
    graph.nodes.forEach((n, i) => n.parents.forEach((p) => this.children[p]!.push(i)));
  }

  /**
   * The nodes a selection names, or undefined for an empty one. Accepts what follows `xform run`:
   * `[--select|-s] <selectors> [--exclude <selectors>]`. Throws XformError (with a hint) on bad syntax.
   */
  select(text: string): Set<number> | undefined {
    const words = text.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return undefined;
    if (words[0] === '--select' || words[0] === '-s') words.shift();
    const cut = words.findIndex((w) => w === '--exclude' || w.startsWith('--exclude='));
    const selectWords = cut < 0 ? words : words.slice(0, cut);
    const excludeWords = cut < 0 ? [] : words.slice(cut + 1);
    if (cut >= 0 && words[cut]!.startsWith('--exclude=')) excludeWords.unshift(words[cut]!.slice('--exclude='.length));
    const flag = selectWords.find((w) => w.startsWith('-'));
    if (flag) {
      throw new XformError('XFORM_BAD_SELECTOR', `unknown option '${flag}' in the selection`, { hint: 'write selectors, then optionally --exclude and more selectors' });
    }
    if (cut >= 0 && excludeWords.length === 0) throw new XformError('XFORM_BAD_SELECTOR', '--exclude needs a selector after it', { hint: 'e.g. --exclude tag:deprecated' });
    const selected = selectWords.length ? this.evaluate(parseSelector(selectWords.join(' '))) : new Set(this.graph.nodes.map((_, i) => i));
    if (excludeWords.length) for (const i of this.evaluate(parseSelector(excludeWords.join(' ')))) selected.delete(i);
    return selected;
  }

  private evaluate(expr: SelectorExpr): Set<number> {
    if (expr.kind === 'atom') return this.atom(expr);
    const sets = expr.items.map((item) => this.evaluate(item));
    if (expr.kind === 'union') return new Set(sets.flatMap((s) => [...s]));
    const [first, ...rest] = sets.sort((a, b) => a.size - b.size);
    return new Set([...(first ?? [])].filter((i) => rest.every((s) => s.has(i))));
  }

  private atom(atom: SelectorAtom): Set<number> {
    if (NOT_ON_SITE.has(atom.method)) {
      throw new XformError('XFORM_BAD_SELECTOR', `'${atom.method}:' is not available in the docs site: it knows no tests or earlier runs`, {
        hint: 'use name, tag:, path:, layer:, package:, source:, resource_type: or config.materialized:',
      });
    }
    if (atom.method === 'config' && atom.configKey!.join('.') !== 'materialized') {
      throw new XformError('XFORM_BAD_SELECTOR', `'config.${atom.configKey!.join('.')}:' is not available in the docs site`, { hint: 'the site knows config.materialized' });
    }
    const predicate: Predicate = predicateFor(atom, { projectName: this.graph.project });
    const base = new Set<number>();
    this.shaped.forEach((node, i) => predicate(node) && base.add(i));
    if (base.size === 0) return base;
    const parents = (i: number) => this.graph.nodes[i]!.parents;
    const children = (i: number) => this.children[i]!;
    if (atom.childrensParents) {
      const down = walk(base, children);
      return walk(down, parents);
    }
    const out = new Set(base);
    if (atom.parents) for (const i of walk(base, parents, atom.parents.depth)) out.add(i);
    if (atom.children) for (const i of walk(base, children, atom.children.depth)) out.add(i);
    return out;
  }
}

/** `start` and everything reachable from it in at most `depth` steps. */
function walk(start: Set<number>, next: (i: number) => number[], depth = Infinity): Set<number> {
  const out = new Set(start);
  let frontier = [...start];
  for (let d = 0; d < depth && frontier.length; d++) {
    const following: number[] = [];
    for (const i of frontier) for (const j of next(i)) if (!out.has(j)) {
      out.add(j);
      following.push(j);
    }
    frontier = following;
  }
  return out;
}

/** A site node in the shape core's selector methods read (the fields they look at, no more). */
function shape(n: SiteNode, graph: Pick<SiteGraph, 'lanes' | 'laneIsLayer'>): GraphNode {
  const idParts = n.id.split('.');
  const pkg = idParts[1] ?? '';
  const dirs = n.path.split('/').slice(1, -1);
  const sourceName = n.type === 'source' ? idParts[2] ?? '' : undefined;
  const fqn = n.type === 'source' ? [pkg, ...dirs, sourceName!, n.name] : [pkg, ...dirs, n.name];
  const layer = graph.laneIsLayer?.[n.lane] ? graph.lanes[n.lane] : undefined;
  const config: Record<string, unknown> = { tags: [] };
  if (n.type === 'model' || n.type === 'snapshot') config.materialized = n.mat;
  return {
    unique_id: n.id,
    name: n.name,
    resource_type: n.type,
    package_name: pkg,
    fqn,
    tags: n.tags,
    config,
    original_file_path: n.path,
    ...(sourceName !== undefined ? { source_name: sourceName } : {}),
    ...(layer !== undefined ? { layer } : {}),
  } as unknown as GraphNode;
}
