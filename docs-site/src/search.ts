/**
 * Search over names, descriptions, columns and tags, as you type. The lower-cased texts are prepared once;
 * a query is a linear scan (10,000 nodes take a few milliseconds), ranked: exact name, name prefix, name
 * substring, column, tag, description, column description.
 */
import type { DocsData } from './data.ts';
import { colorOf } from './colors.ts';
import { h } from './dom.ts';

export interface SearchHit {
  node: number;
  score: number;
  /** What matched, when not the name: `column order_id`, `tag daily`, `description`. */
  why?: string;
  column?: string;
}

export class SearchIndex {
  private readonly names: string[];
  private readonly columns: string[][];
  /** All column names of a node joined by newlines: one substring test rules a node in or out. */
  private readonly joinedColumns: string[];
  private readonly tags: string[][];
  private readonly descriptions: string[];
  private readonly columnDocs: (string[] | undefined)[];

  constructor(private readonly data: DocsData) {
    this.names = data.nodes.map((n) => n.name.toLowerCase());
    this.columns = data.nodes.map((n) => n.columns.map((c) => c.toLowerCase()));
    this.joinedColumns = this.columns.map((c) => c.join('\n'));
    this.tags = data.nodes.map((n) => n.tags.map((t) => t.toLowerCase()));
    this.descriptions = data.nodes.map((n) => n.description.toLowerCase());
    this.columnDocs = data.nodes.map((n) => n.columnDocs?.map((d) => d.toLowerCase()));
  }

  query(text: string, limit = 50): SearchHit[] {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    // Hits by score; once the better scores hold `limit` hits, worse matches are not even looked for.
    const buckets: SearchHit[][] = [[], [], [], [], [], [], [], []];
    let worst = buckets.length - 1;
    const add = (hit: SearchHit) => {
      // Names rank by length inside a score, so every name hit is kept; other hits keep project order.
      if (hit.score >= 3) {
        let before = 0;
        for (let s = 0; s <= hit.score; s++) before += buckets[s]!.length;
        if (before >= limit) return;
      }
      buckets[hit.score]!.push(hit);
      let total = 0;
      for (let s = 0; s < worst; s++) {
        total += buckets[s]!.length;
        if (total >= limit) {
          worst = s;
          break;
        }
      }
    };
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i]!;
      if (name === q) {
        add({ node: i, score: 0 });
        continue;
      }
      if (worst >= 1 && name.startsWith(q)) {
        add({ node: i, score: 1 });
        continue;
      }
      if (worst >= 2 && name.includes(q)) {
        add({ node: i, score: 2 });
        continue;
      }
      if (worst >= 3 && this.joinedColumns[i]!.includes(q)) {
        const cols = this.columns[i]!;
        const exact = cols.indexOf(q);
        const c = exact >= 0 ? exact : cols.findIndex((x) => x.includes(q));
        if (c >= 0 && (exact >= 0 || worst >= 4)) {
          add({ node: i, score: exact >= 0 ? 3 : 4, why: 'column', column: this.data.nodes[i]!.columns[c]! });
          continue;
        }
      }
      if (worst >= 5) {
        const t = this.tags[i]!.find((x) => x.includes(q));
        if (t !== undefined) {
          add({ node: i, score: 5, why: `tag ${t}` });
          continue;
        }
      }
      if (worst >= 6 && this.descriptions[i]!.includes(q)) {
        add({ node: i, score: 6, why: 'description' });
        continue;
      }
      const docs = this.columnDocs[i];
      if (worst >= 7 && docs) {
        const c = docs.findIndex((d) => d.includes(q));
        if (c >= 0) add({ node: i, score: 7, why: 'column description', column: this.data.nodes[i]!.columns[c]! });
      }
    }
    const hits: SearchHit[] = [];
    for (let s = 0; s <= worst && hits.length < limit; s++) {
      const bucket = buckets[s]!.sort((a, b) => this.names[a.node]!.length - this.names[b.node]!.length || a.node - b.node);
      hits.push(...bucket.slice(0, limit - hits.length));
    }
    return hits;
  }
}

/** Wires the search box: `/` focuses it, results as you type, arrows + Enter to open. */
export function setupSearch(input: HTMLInputElement, list: HTMLElement, data: DocsData, open: (hit: SearchHit) => void): void {
  const index = new SearchIndex(data);
  let hits: SearchHit[] = [];
  let active = 0;
  const render = () => {
    list.replaceChildren();
    if (!input.value.trim()) {
      list.hidden = true;
      return;
    }
    list.hidden = false;
    if (!hits.length) {
      list.append(h('div', { class: 'no-results' }, `Nothing matches “${input.value.trim()}”`));
      return;
    }
    hits.forEach((hit, k) => {
      const n = data.nodes[hit.node]!;
      const row = h(
        'button',
        { class: `result${k === active ? ' active' : ''}`, onmousedown: (e: Event) => e.preventDefault(), onclick: () => choose(k) },
        h('span', { class: 'dot' }),
        h('span', { class: 'result-name' }, n.name),
        hit.column ? h('span', { class: 'result-col' }, `.${hit.column}`) : null,
        h('span', { class: 'result-why' }, hit.why === 'column' ? `column of ${n.type === 'model' ? n.mat : n.type}` : hit.why ?? (n.type === 'model' ? n.mat : n.type)),
      );
      (row.firstChild as HTMLElement).style.background = colorOf(n.mat);
      list.append(row);
    });
  };
  const choose = (k: number) => {
    const hit = hits[k];
    if (!hit) return;
    input.blur();
    list.hidden = true;
    open(hit);
  };
  input.addEventListener('input', () => {
    hits = index.query(input.value);
    active = 0;
    render();
  });
  input.addEventListener('focus', () => render());
  input.addEventListener('blur', () => {
    list.hidden = true;
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = Math.max(0, Math.min(hits.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      render();
      list.querySelector('.active')?.scrollIntoView({ block: 'nearest' });
    } else if (e.key === 'Enter') {
      choose(active);
    } else if (e.key === 'Escape') {
      input.value = '';
      hits = [];
      render();
      input.blur();
    }
  });
  window.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement !== input && !(document.activeElement instanceof HTMLInputElement)) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });
}
