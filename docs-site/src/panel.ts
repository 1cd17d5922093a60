/** The side panel of one node: facts, columns with their lineage, tests, neighbours and SQL. */
import type { SiteColumn, SiteDetail, SiteMacro, SiteNode } from '../../core/src/docs/site-types.ts';
import type { DocsData } from './data.ts';
import { colorOf, STATUS_COLORS } from './colors.ts';
import { formatBytes, formatCount, formatSeconds, h } from './dom.ts';
import { markdownBlock } from './markdown.ts';
import { sourceSection } from './pages.ts';
import { sqlBlock } from './sql.ts';
import { virtualList } from './virtual-list.ts';

/** Height of one row of the trace and neighbour lists, which build only the rows in view. */
const TRACE_ROW = 22;

export interface PanelActions {
  selectColumn(node: number, column: string | undefined): void;
  focus(node: number): void;
  close(): void;
}

export function chip(text: string, cls = 'chip', color?: string): HTMLElement {
  const el = h('span', { class: cls }, text);
  if (color) el.style.setProperty('--chip', color);
  return el;
}

export function fact(label: string, value: Node | string | undefined): HTMLElement | null {
  if (value === undefined || value === '') return null;
  return h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value));
}

function metaValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function renderPanel(panel: HTMLElement, data: DocsData, index: number, detail: SiteDetail, column: string | undefined, actions: PanelActions): void {
  const node = data.nodes[index]!;
  panel.replaceChildren();
  panel.hidden = false;
  panel.dataset.node = node.name;

  const header = h(
    'header',
    { class: 'panel-head' },
    h('div', { class: 'panel-kind' }, chip(node.type === 'model' || node.type === 'snapshot' ? `${node.type} · ${node.mat}` : node.type, 'chip kind', colorOf(node.mat)), detail.layer ? chip(detail.layer, `chip layer layer-${detail.layer}`) : null),
    h('h2', { id: 'panel-title' }, node.name),
    detail.relation ? h('div', { class: 'relation' }, detail.relation) : null,
    h('button', { class: 'close', title: 'Close (Esc)', 'aria-label': 'Close', onclick: () => actions.close() }, '×'),
  );
  const description = markdownBlock(detail.descriptionHtml, 'description') ?? h('p', { class: 'description empty' }, 'No description.');

  const run = detail.run;
  const facts = h(
    'dl',
    { class: 'facts' },
    fact('Materialization', node.type === 'model' || node.type === 'snapshot' ? node.mat : undefined),
    fact('Layer', detail.layer),
    fact('Owner', detail.owner),
    fact('Rows', detail.stats.rowCount !== undefined ? formatCount(detail.stats.rowCount) : undefined),
    fact('Size', detail.stats.bytes !== undefined ? formatBytes(detail.stats.bytes) : undefined),
    fact('File', detail.path),
    fact(
      'Last run',
      run
        ? h(
            'span',
            { class: 'run' },
            chip(run.status, 'chip status', STATUS_COLORS[run.status] ?? '#94a3b8'),
            ` ${formatSeconds(run.seconds)}`,
            run.rows !== undefined ? ` · ${formatCount(run.rows)} rows` : '',
          )
        : data.graph.run
          ? 'not in the last run'
          : undefined,
    ),
    node.tags.length ? fact('Tags', h('span', null, node.tags.map((t) => chip(t, 'chip tag')))) : null,
    ...Object.entries(detail.meta)
      .filter(([k]) => k !== 'owner')
      .map(([k, v]) => fact(k, metaValue(v))),
  );
  if (run?.message && run.status !== 'success') facts.append(fact('Message', run.message)!);

  panel.append(header, description, facts);
  if (detail.source || detail.freshness) panel.append(sourceSection(detail));
  panel.append(columnsSection(data, index, detail, column, actions));
  if (detail.tests.length) {
    panel.append(
      section(
        `Tests (${detail.tests.length})`,
        h(
          'ul',
          { class: 'tests' },
          detail.tests.map((t) =>
            h('li', null, chip(t.status ?? 'not run', 'chip status', STATUS_COLORS[t.status ?? ''] ?? '#94a3b8'), ` ${t.name}`, t.column ? h('span', { class: 'muted' }, ` on ${t.column}`) : '', t.failures ? h('span', { class: 'bad' }, ` · ${t.failures} failing rows`) : '', markdownBlock(t.descriptionHtml, 'test-desc')),
          ),
        ),
      ),
    );
  }
  panel.append(neighbours(data, index, actions));
  if (detail.compiled || detail.raw) panel.append(sqlSection(detail));
}

export function section(title: string, ...body: (Node | null)[]): HTMLElement {
  return h('section', { class: 'panel-section' }, h('h3', null, title), ...body);
}

function lineageLine(data: DocsData, col: SiteColumn): HTMLElement {
  const l = col.lineage;
  if (!l) return h('div', { class: 'lineage none' }, 'not traced');
  const refs = l.sources.map(([n, c]) => h('a', { href: `${data.linkTo(n)}/${encodeURIComponent(c)}`, class: 'colref' }, `${data.nodes[n]!.name}.${c}`));
  const parts: (Node | string)[] = [];
  if (l.kind === 'constant' && !l.untraceable) parts.push(h('span', { class: 'muted' }, 'constant (reads no column)'));
  else if (!refs.length && !l.untraceable) parts.push(h('span', { class: 'muted' }, 'computed from rows, reads no column (e.g. count(*))'));
  else if (refs.length) {
    parts.push(h('span', { class: 'muted' }, l.kind === 'direct' ? '← ' : 'ƒ← '));
    refs.forEach((r, i) => {
      if (i) parts.push(', ');
      parts.push(r);
    });
  }
  if (l.untraceable) {
    const reason = l.untraceable.startsWith('not traced') ? l.untraceable : `not traced: ${l.untraceable}`;
    parts.push(h('span', { class: 'untraceable', title: reason }, `${refs.length ? ' · ' : ''}⚠ ${reason}`));
  }
  return h('div', { class: 'lineage' }, ...parts);
}

function columnsSection(data: DocsData, index: number, detail: SiteDetail, selected: string | undefined, actions: PanelActions): HTMLElement {
  const rows = detail.columns.map((col) => {
    const isSelected = selected !== undefined && col.name.toLowerCase() === selected.toLowerCase();
    return h(
      'li',
      { class: `column${isSelected ? ' selected' : ''}`, 'data-column': col.name },
      h(
        'button',
        { class: 'column-name', title: 'Show this column\'s lineage', onclick: () => actions.selectColumn(index, isSelected ? undefined : col.name) },
        h('span', { class: 'name' }, col.name),
        col.type ? h('span', { class: 'type' }, col.type.toLowerCase()) : null,
        col.tests.map((t) => chip(t, 'chip test')),
      ),
      markdownBlock(col.descriptionHtml, 'column-desc'),
      // Sources and seeds are where lineage starts: they read no column.
      data.nodes[index]!.type === 'source' || data.nodes[index]!.type === 'seed' ? null : lineageLine(data, col),
    );
  });
  const body: (Node | null)[] = [detail.lineageError ? h('p', { class: 'untraceable' }, `⚠ column lineage unavailable: ${detail.lineageError}`) : null];
  if (selected) body.push(columnTrace(data, index, selected));
  body.push(rows.length ? h('ul', { class: 'columns' }, rows) : h('p', { class: 'muted' }, data.graph.hasCatalog ? 'No columns known.' : 'No columns documented (run `xform docs generate` against a built warehouse to list them).'));
  return section(`Columns (${detail.columns.length})`, ...body);
}

/** The full upstream trace of the selected column, nearest first. */
function columnTrace(data: DocsData, index: number, column: string): HTMLElement {
  const up = [...data.upstreamColumns(index, column).values()].sort((a, b) => a.depth - b.depth);
  const down = [...data.downstreamColumnsOf(index, column).values()].sort((a, b) => a.depth - b.depth);
  const untraced = data.untracedDownstream(index, column);
  const item = (e: { node: number; column: string; depth: number }) =>
    h('li', { class: 'lineage-col', 'data-depth': e.depth }, h('a', { href: `${data.linkTo(e.node)}/${encodeURIComponent(e.column)}` }, `${data.nodes[e.node]!.name}.${e.column}`));
  const list = (id: string, entries: { node: number; column: string; depth: number }[]) => virtualList({ items: entries, rowHeight: TRACE_ROW, render: item, attrs: { id } }).element;
  return h(
    'div',
    { class: 'column-trace', id: 'column-trace' },
    h('div', { class: 'trace-title' }, 'Lineage of ', h('strong', null, `${data.nodes[index]!.name}.${column}`)),
    h('div', { class: 'trace-cols' },
      h('div', null, h('h4', null, `Upstream (${up.length})`), up.length ? list('upstream-columns', up) : h('p', { class: 'muted' }, data.nodes[index]!.type === 'source' || data.nodes[index]!.type === 'seed' ? 'none' : 'none traced')),
      h(
        'div',
        null,
        h('h4', null, `Downstream (${down.length})`),
        down.length ? list('downstream-columns', down) : h('p', { class: 'muted' }, 'none'),
        untraced.length ? untracedNote(data, untraced) : null,
      ),
    ),
  );
}

/** "2 models could not be traced: a, b": downstream models that may read the column, but the tracer could not tell. */
function untracedNote(data: DocsData, models: number[]): HTMLElement {
  const links: (Node | string)[] = [];
  models.forEach((m, k) => {
    if (k) links.push(', ');
    links.push(h('a', { href: data.linkTo(m) }, data.nodes[m]!.name));
  });
  return h('p', { class: 'untraceable', id: 'untraced-downstream' }, `⚠ ${models.length} ${models.length === 1 ? 'model' : 'models'} could not be traced: `, ...links);
}

function neighbours(data: DocsData, index: number, actions: PanelActions): HTMLElement {
  const list = (ids: number[]) =>
    ids.length
      ? virtualList({ items: ids, rowHeight: TRACE_ROW, attrs: { class: 'neighbours' }, render: (i) => h('li', null, h('span', { class: 'dot' }), h('a', { href: data.linkTo(i) }, data.nodes[i]!.name), h('span', { class: 'muted' }, ` ${kindOf(data.nodes[i]!)}`)) }).element
      : h('p', { class: 'muted' }, 'none');
  const wrap = h(
    'div',
    { class: 'up-down' },
    h('div', null, h('h4', null, `Upstream (${data.nodes[index]!.parents.length})`), list(data.nodes[index]!.parents)),
    h('div', null, h('h4', null, `Downstream (${data.children[index]!.length})`), list(data.children[index]!)),
  );
  return section('Lineage', h('button', { class: 'focus-button', onclick: () => actions.focus(index) }, 'Focus on +' + data.nodes[index]!.name + '+'), wrap);
}

function kindOf(n: SiteNode): string {
  return n.type === 'model' ? n.mat : n.type;
}

function sqlSection(detail: SiteDetail): HTMLElement {
  const tabs: [string, string | undefined][] = [
    ['Compiled SQL', detail.compiled],
    ['Source', detail.raw],
  ];
  const body = h('div', { class: 'sql-body' });
  const bar = h('div', { class: 'tabs' });
  const show = (k: number) => {
    body.replaceChildren(sqlBlock(tabs[k]![1] ?? ''));
    bar.querySelectorAll('button').forEach((b, i) => b.classList.toggle('active', i === k));
  };
  tabs.forEach(([label, code], k) => {
    if (code !== undefined) bar.append(h('button', { onclick: () => show(k) }, label));
  });
  const wrap = section('SQL', bar, body);
  show(detail.compiled !== undefined ? 0 : 1);
  return wrap;
}

/** A macro found by search: its name, package, description and body. */
export function macroPanel(m: SiteMacro): HTMLElement {
  return h(
    'div',
    null,
    h('header', { class: 'panel-head' }, h('div', { class: 'panel-kind' }, chip(`macro · ${m.package}`, 'chip kind', '#7c3aed')), h('h2', { id: 'panel-title' }, m.name)),
    h('p', { class: m.description ? 'description' : 'description empty' }, m.description || 'No description.'),
    section('SQL', h('div', { class: 'sql-body' }, sqlBlock(m.sql))),
  );
}
