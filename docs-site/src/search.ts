/**
 * The search box: results as you type from the index in core/src/docs/search-index.ts (names, `source.table`,
 * columns, tags, descriptions at once; SQL text, tests and macros once data/search.js has loaded, which
 * starts when the box is first focused). The result list is capped and virtualised.
 */
import { SearchIndex, type SearchHit } from '../../core/src/docs/search-index.ts';
import type { SiteSearch } from '../../core/src/docs/site-types.ts';
import type { DocsData } from './data.ts';
import { colorOf } from './colors.ts';
import { formatCount, h } from './dom.ts';
import { virtualList, type VirtualList } from './virtual-list.ts';

export type { SearchHit };

/** Hits kept per query; the list says how many more matched. */
const CAP = 200;
const ROW_HEIGHT = 34;

/** Wires the search box: `/` focuses it, results as you type, arrows + Enter to open. */
export function setupSearch(input: HTMLInputElement, list: HTMLElement, data: DocsData, open: (hit: SearchHit) => void): void {
  const index = new SearchIndex(data.graph);
  let extra: SiteSearch | undefined;
  let hits: SearchHit[] = [];
  let total = 0;
  let active = 0;
  let rows: VirtualList | undefined;

  const row = (hit: SearchHit, k: number): HTMLElement => {
    const el = h('button', {
      class: `result${k === active ? ' active' : ''}`,
      role: 'option',
      onmousedown: (e: Event) => e.preventDefault(),
      onclick: () => choose(k),
    });
    if (hit.macro !== undefined) {
      const m = extra!.macros[hit.macro]!;
      el.append(h('span', { class: 'dot macro' }), h('span', { class: 'result-name' }, m.name), h('span', { class: 'result-why' }, hit.snippet ? h('code', null, hit.snippet) : `macro · ${m.package}`));
      return el;
    }
    const n = data.nodes[hit.node]!;
    const kind = n.type === 'model' ? n.mat : n.type;
    const why = hit.why === 'column' ? `column of ${kind}` : hit.snippet ? h('code', null, hit.snippet) : hit.why ?? kind;
    const dot = h('span', { class: 'dot' });
    dot.style.background = colorOf(n.mat);
    el.append(dot, h('span', { class: 'result-name' }, n.type === 'source' ? `${data.graph.groups[n.group]?.folder}.${n.name}` : n.name), hit.column ? h('span', { class: 'result-col' }, `.${hit.column}`) : '', h('span', { class: 'result-why' }, why));
    return el;
  };

  const render = () => {
    list.replaceChildren();
    rows = undefined;
    if (!input.value.trim()) {
      list.hidden = true;
      return;
    }
    list.hidden = false;
    if (!hits.length) {
      list.append(h('div', { class: 'no-results' }, `Nothing matches “${input.value.trim()}”${index.complete ? '' : ' (SQL, tests and macros are still loading)'}`));
      return;
    }
    rows = virtualList({ items: hits, rowHeight: ROW_HEIGHT, visibleRows: 12, render: row, tag: 'div', attrs: { role: 'listbox', class: 'result-rows' } });
    list.append(rows.element);
    if (total > hits.length) list.append(h('div', { class: 'more-results' }, `${formatCount(total - hits.length)} more — add a word to narrow the search`));
  };
  const choose = (k: number) => {
    const hit = hits[k];
    if (!hit) return;
    input.blur();
    list.hidden = true;
    open(hit);
  };
  const search = () => {
    const result = index.query(input.value, CAP);
    hits = result.hits;
    total = result.total;
    active = 0;
    render();
  };
  const loadExtra = () =>
    void data.searchData().then(
      (loaded) => {
        if (index.complete) return;
        extra = loaded;
        index.addExtra(loaded);
        // Tests and the benchmark wait for this before they time searches of SQL text.
        document.body.dataset.searchComplete = 'true';
        if (input.value.trim()) search();
      },
      () => undefined,
    );
  input.addEventListener('input', search);
  input.addEventListener('focus', () => {
    loadExtra();
    render();
  });
  input.addEventListener('blur', () => {
    list.hidden = true;
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = Math.max(0, Math.min(hits.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      rows?.reveal(active);
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
