/** The project's data: the graph (loaded with the page) and detail chunks, loaded on demand as scripts. */
import type { SiteDetail, SiteGraph, SiteLineage, SiteNode, SiteProject, SiteSearch } from '../../core/src/docs/site-types.ts';

declare global {
  interface Window {
    XFORM_DOCS_GRAPH?: SiteGraph;
    __xformChunk?: (index: number, details: SiteDetail[]) => void;
    __xformLineage?: (lineage: SiteLineage) => void;
    __xformSearch?: (search: SiteSearch) => void;
    __xformProject?: (project: SiteProject) => void;
  }
}

/** Adds one of the site's data scripts to the page; the script calls back a `window.__xform…` function. */
function appendScript(src: string, onError: () => void): void {
  const script = document.createElement('script');
  script.src = src;
  script.onerror = onError;
  document.head.append(script);
}

export class DocsData {
  readonly graph: SiteGraph;
  readonly nodes: SiteNode[];
  readonly children: number[][];
  private readonly byName = new Map<string, number>();
  private readonly byId = new Map<string, number>();
  private readonly chunks = new Map<number, SiteDetail[]>();
  private readonly pending = new Map<number, Promise<SiteDetail[]>>();
  private readonly waiters = new Map<number, (d: SiteDetail[]) => void>();
  private columnIndex: Map<string, number>[] = [];
  private downstreamColumns?: Map<string, [number, string][]>;
  private lineage: SiteLineage = [];
  private lineagePromise?: Promise<void>;
  private searchPromise?: Promise<SiteSearch>;
  private projectPromise?: Promise<SiteProject>;

  constructor(graph: SiteGraph) {
    this.graph = graph;
    this.nodes = graph.nodes;
    this.children = graph.nodes.map(() => []);
    graph.nodes.forEach((n, i) => {
      for (const p of n.parents) this.children[p]!.push(i);
      this.byId.set(n.id, i);
      // Models win a name clash with a source table of the same name.
      const existing = this.byName.get(n.name);
      if (existing === undefined || (this.nodes[existing]!.type === 'source' && n.type !== 'source')) this.byName.set(n.name, i);
    });
    window.__xformChunk = (index, details) => {
      this.chunks.set(index, details);
      this.waiters.get(index)?.(details);
    };
  }

  find(name: string): number | undefined {
    return this.byName.get(name) ?? this.byId.get(name);
  }

  /** The route that opens a node: by name when the name is unambiguous, else by unique_id. */
  linkTo(i: number): string {
    const n = this.nodes[i]!;
    return `#/model/${encodeURIComponent(this.byName.get(n.name) === i ? n.name : n.id)}`;
  }

  /** Loads data/lineage.js (column lineage) once; column views wait for it. */
  lineageReady(): Promise<void> {
    this.lineagePromise ??= new Promise<void>((resolve, reject) => {
      window.__xformLineage = (lineage) => {
        this.lineage = lineage;
        resolve();
      };
      appendScript('data/lineage.js', () => reject(new Error('could not load data/lineage.js')));
    });
    return this.lineagePromise;
  }

  /** Loads data/search.js (SQL text, tests, macros for search) once. */
  searchData(): Promise<SiteSearch> {
    this.searchPromise ??= new Promise<SiteSearch>((resolve, reject) => {
      window.__xformSearch = resolve;
      appendScript('data/search.js', () => reject(new Error('could not load data/search.js')));
    });
    return this.searchPromise;
  }

  /** Loads data/project.js (overview, macros, exposures) once. */
  project(): Promise<SiteProject> {
    this.projectPromise ??= new Promise<SiteProject>((resolve, reject) => {
      window.__xformProject = resolve;
      appendScript('data/project.js', () => reject(new Error('data/project.js is missing: run `xform docs generate` again.')));
    });
    return this.projectPromise;
  }

  detail(i: number): Promise<SiteDetail> {
    const node = this.nodes[i]!;
    const loaded = this.chunks.get(node.chunk);
    if (loaded) return Promise.resolve(loaded[node.slot]!);
    let promise = this.pending.get(node.chunk);
    if (!promise) {
      promise = new Promise<SiteDetail[]>((resolve, reject) => {
        this.waiters.set(node.chunk, resolve);
        appendScript(`data/chunk-${node.chunk}.js`, () => reject(new Error(`could not load data/chunk-${node.chunk}.js`)));
      });
      this.pending.set(node.chunk, promise);
    }
    return promise.then((d) => d[node.slot]!);
  }

  columnPos(i: number, column: string): number {
    let map = this.columnIndex[i];
    if (!map) {
      map = new Map(this.nodes[i]!.columns.map((c, k) => [c.toLowerCase(), k]));
      this.columnIndex[i] = map;
    }
    return map.get(column.toLowerCase()) ?? -1;
  }

  /** Every upstream column of (node, column), transitively, with the depth at which it was reached. */
  upstreamColumns(i: number, column: string): Map<string, { node: number; column: string; depth: number }> {
    const seen = new Map<string, { node: number; column: string; depth: number }>();
    const queue: [number, string, number][] = [[i, column, 0]];
    for (let head = 0; head < queue.length; head++) {
      const [n, c, d] = queue[head]!;
      const pos = this.columnPos(n, c);
      const refs = pos >= 0 ? this.lineage[n]?.[pos] : null;
      for (const [src, srcCol] of refs ?? []) {
        const key = `${src}\u0000${srcCol.toLowerCase()}`;
        if (seen.has(key)) continue;
        seen.set(key, { node: src, column: srcCol, depth: d + 1 });
        queue.push([src, srcCol, d + 1]);
      }
    }
    return seen;
  }

  /**
   * Models that may read (node, column) but whose lineage could not be (fully) traced: children of the node or
   * of a column downstream of it, with untraced columns. Impact lists show their count, so that a model the
   * tracer could not follow is never silently left out.
   */
  untracedDownstream(i: number, column: string): number[] {
    const reached = new Set([i, ...[...this.downstreamColumnsOf(i, column).values()].map((e) => e.node)]);
    const out = new Set<number>();
    for (const n of reached) for (const child of this.children[n]!) if (this.nodes[child]!.untraced) out.add(child);
    return [...out];
  }

  downstreamColumnsOf(i: number, column: string): Map<string, { node: number; column: string; depth: number }> {
    if (!this.downstreamColumns) {
      const index = new Map<string, [number, string][]>();
      this.nodes.forEach((n, k) => {
        (this.lineage[k] ?? []).forEach((refs, c) => {
          for (const [src, srcCol] of refs ?? []) {
            const key = `${src}\u0000${srcCol.toLowerCase()}`;
            let list = index.get(key);
            if (!list) index.set(key, (list = []));
            list.push([k, n.columns[c]!]);
          }
        });
      });
      this.downstreamColumns = index;
    }
    const seen = new Map<string, { node: number; column: string; depth: number }>();
    const queue: [number, string, number][] = [[i, column, 0]];
    for (let head = 0; head < queue.length; head++) {
      const [n, c, d] = queue[head]!;
      for (const [child, childCol] of this.downstreamColumns.get(`${n}\u0000${c.toLowerCase()}`) ?? []) {
        const key = `${child}\u0000${childCol.toLowerCase()}`;
        if (seen.has(key)) continue;
        seen.set(key, { node: child, column: childCol, depth: d + 1 });
        queue.push([child, childCol, d + 1]);
      }
    }
    return seen;
  }

  /** Nodes within `depth` steps upstream and downstream of i (`+model+` selection). */
  neighbourhood(i: number, up: number, down: number): Set<number> {
    const out = new Set<number>([i]);
    const walk = (start: number, next: (n: number) => number[], depth: number) => {
      let frontier = [start];
      for (let d = 0; d < depth && frontier.length; d++) {
        const nextFrontier: number[] = [];
        for (const n of frontier) for (const m of next(n)) if (!out.has(m)) {
          out.add(m);
          nextFrontier.push(m);
        }
        frontier = nextFrontier;
      }
    };
    walk(i, (n) => this.nodes[n]!.parents, up);
    walk(i, (n) => this.children[n]!, down);
    return out;
  }
}
