/**
 * The docs site: routes (`#/`, `#/all`, `#/group/<n>`, `#/focus/<name>/<depth>`, `#/model/<name>[/<column>]`,
 * `#/select/<selector>`, `#/timeline`, `#/overview`, `#/macro/<name or unique_id or number in data/search.js>`,
 * `#/exposure/<name>`).
 */
import { DocsData } from './data.ts';
import { colorOf, TYPE_COLORS } from './colors.ts';
import { $, h } from './dom.ts';
import { GraphCanvas, type Highlight } from './graph-canvas.ts';
import { findExposure, findMacro, renderExposurePanel, renderMacroPanel, renderOverviewPage } from './pages.ts';
import { macroPanel, renderPanel } from './panel.ts';
import { setupSearch } from './search.ts';
import { SiteSelector } from './selector.ts';
import { renderTimeline } from './timeline.ts';
import { fullView, overviewView, subsetView, type View } from './views.ts';

/** Above this many nodes the site opens on the grouped overview and opens models in focus views. */
const LARGE = 400;
/** Views with at most this many boxes are mirrored as a list for keyboard and screen-reader users. */
const LISTED = 2000;

function start(): void {
  performance.mark('xform-start');
  const graph = window.XFORM_DOCS_GRAPH;
  if (!graph) {
    document.body.replaceChildren(h('p', { class: 'fatal' }, 'data/graph.js is missing: run `xform docs generate` again.'));
    return;
  }
  const data = new DocsData(graph);
  const large = data.nodes.length > LARGE;
  document.title = `${graph.project} · xform docs`;
  $('project-name').textContent = graph.project;
  const stage = $('stage');
  const panel = $('panel');
  const timeline = $('timeline');
  const tooltip = $('tooltip');
  const list = h('ul', { id: 'graph-nodes', class: 'sr-only', 'aria-label': 'Nodes in this view' });
  stage.append(list);
  let viewKey = '';
  /** The last route without a selected node: closing the panel returns there. */
  let baseHash = large ? '#/' : '#/all';
  let route = { node: undefined as number | undefined, column: undefined as string | undefined };

  const canvas = new GraphCanvas($('graph') as HTMLCanvasElement, data, {
    onClick(box) {
      if (box.kind === 'group') location.hash = `#/group/${box.ref}`;
      else location.hash = data.linkTo(box.ref);
    },
    onHover(box, x, y) {
      if (!box) {
        tooltip.hidden = true;
        return;
      }
      const title = box.kind === 'group' ? data.graph.groups[box.ref]!.name : data.nodes[box.ref]!.name;
      const body = box.kind === 'group' ? 'Click to open this group' : data.nodes[box.ref]!.description;
      tooltip.replaceChildren(h('strong', null, title), body ? h('div', null, body.length > 180 ? `${body.slice(0, 180)}…` : body) : '');
      tooltip.hidden = false;
      const rect = stage.getBoundingClientRect();
      tooltip.style.left = `${Math.min(x - rect.left + 14, rect.width - 300)}px`;
      tooltip.style.top = `${y - rect.top + 14}px`;
    },
  });

  const mirror = (view: View, hl: Highlight) => {
    list.replaceChildren();
    if (view.boxes.length > LISTED) return;
    for (const b of view.boxes) {
      const name = b.kind === 'group' ? data.graph.groups[b.ref]!.name : data.nodes[b.ref]!.name;
      const state = b.kind === 'node' && hl.selected === b.ref ? 'selected' : b.kind === 'node' && hl.columns?.has(b.ref) ? 'column' : b.kind === 'node' && hl.related?.has(b.ref) ? 'related' : hl.related ? 'dim' : 'normal';
      list.append(
        h('li', { 'data-kind': b.kind, 'data-name': name, 'data-state': state, 'data-columns': b.kind === 'node' ? hl.columns?.get(b.ref)?.join(',') : undefined },
          h('a', { href: b.kind === 'group' ? `#/group/${b.ref}` : data.linkTo(b.ref) }, name)),
      );
    }
  };

  const page = $('page');
  const showView = (key: string, make: () => View, hl: Highlight) => {
    timeline.hidden = true;
    page.hidden = true;
    $('graph').hidden = false;
    $('toolbar').hidden = false;
    $('legend').hidden = false;
    if (key !== viewKey) {
      viewKey = key;
      const view = make();
      canvas.setView(view, hl);
      $('view-title').textContent = view.title;
    } else canvas.setHighlight(hl);
    mirror(canvas.currentView!, hl);
  };

  const closePanel = () => {
    panel.hidden = true;
    panel.replaceChildren();
  };

  const openPanel = (i: number, column: string | undefined) => {
    // Show the panel at once so that the canvas fits the graph to the room that is left.
    panel.hidden = false;
    const token = `${i}:${column ?? ''}`;
    panel.dataset.loading = token;
    void data.detail(i).then(
      (detail) => {
        if (panel.dataset.loading !== token) return;
        renderPanel(panel, data, i, detail, column, {
          selectColumn: (n, c) => (location.hash = c ? `${data.linkTo(n)}/${encodeURIComponent(c)}` : data.linkTo(n)),
          focus: (n) => (location.hash = `#/focus/${encodeURIComponent(data.nodes[n]!.name)}/2`),
          close: () => (location.hash = baseHash),
        });
        if (column) panel.querySelector('#column-trace')?.scrollIntoView({ block: 'nearest' });
        else panel.scrollTop = 0;
      },
      (err: Error) => {
        panel.hidden = false;
        panel.replaceChildren(h('p', { class: 'untraceable' }, err.message));
      },
    );
  };

  const lineageOf = (i: number): Set<number> => data.neighbourhood(i, Infinity, Infinity);

  const selectNode = (i: number, column: string | undefined) => {
    let hl: Highlight;
    let members: Set<number>;
    if (column) {
      const up = data.upstreamColumns(i, column);
      const down = data.downstreamColumnsOf(i, column);
      const columns = new Map<number, string[]>([[i, [column]]]);
      for (const e of [...up.values(), ...down.values()]) {
        const list = columns.get(e.node) ?? [];
        if (!list.includes(e.column)) list.push(e.column);
        columns.set(e.node, list);
      }
      members = new Set(columns.keys());
      hl = { selected: i, related: members, columns };
    } else {
      members = lineageOf(i);
      hl = { selected: i, related: members };
    }
    const current = canvas.currentView;
    const fits = current && !viewKey.startsWith('overview') && viewKey !== 'timeline' && [...members].every((m) => current.boxOfNode.has(m));
    if (fits) showView(viewKey, () => current, hl);
    else if (column) showView(`column:${i}:${column}`, () => subsetView(data, members, `Column lineage of ${data.nodes[i]!.name}.${column}`), hl);
    else if (!large) showView('all', () => fullView(data), hl);
    else {
      const near = data.neighbourhood(i, 2, 2);
      showView(`focus:${i}:2`, () => subsetView(data, near, `+${data.nodes[i]!.name}+ (depth 2)`), { selected: i, related: near });
    }
    // Fit the selected column and its nearest sources: a long lineage continues off screen, to pan to.
    if (column) canvas.fitNodes([i, ...[...data.upstreamColumns(i, column).values(), ...data.downstreamColumnsOf(i, column).values()].filter((e) => e.depth <= 2).map((e) => e.node)]);
    else canvas.centerOn(i);
    openPanel(i, column);
  };

  let selector: SiteSelector | undefined;
  const selectInput = $('select') as HTMLInputElement;
  const selectError = $('select-error');
  const showSelectError = (message: string | undefined) => {
    selectError.hidden = message === undefined;
    selectError.textContent = message ?? '';
    selectInput.setAttribute('aria-invalid', String(message !== undefined));
  };
  $('selector-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = selectInput.value.trim();
    location.hash = text ? `#/select/${encodeURIComponent(text)}` : large ? '#/' : '#/all';
  });
  /** The graph filtered by a dbt selector: only the selected nodes, laid out on their own. */
  const showSelection = (text: string) => {
    selectInput.value = text;
    let picked: Set<number> | undefined;
    try {
      selector ??= new SiteSelector(data.graph);
      picked = selector.select(text);
    } catch (err) {
      const e = err as Error & { hint?: string };
      showSelectError(e.hint ? `${e.message}\n${e.hint}` : e.message);
      // Keep what was on screen; a page opened on a bad selector shows the whole graph under the message.
      if (!canvas.currentView) showView(large ? 'overview' : 'all', () => (large ? overviewView(data) : fullView(data)), {});
      return;
    }
    showSelectError(undefined);
    const members = picked ?? new Set(data.nodes.map((_, i) => i));
    showView(`select:${text}`, () => subsetView(data, members, `${text}: ${members.size.toLocaleString('en-US')} node${members.size === 1 ? '' : 's'}`), {});
  };

  /** The overview page (`#/overview`, also behind a macro's panel), or an exposure's lineage with its panel. */
  const showProjectPage = (kind: string, key: string | undefined) => {
    const hash = location.hash;
    const fail = (err: Error) => {
      panel.hidden = false;
      panel.replaceChildren(h('p', { class: 'untraceable' }, err.message));
    };
    void data.project().then(async (project) => {
      if (location.hash !== hash) return;
      const close = () => (location.hash = kind === 'macro' ? '#/overview' : baseHash);
      if (kind === 'exposure') {
        const exposure = key === undefined ? undefined : findExposure(project, key);
        if (!exposure) return fail(new Error(`No exposure named “${key ?? ''}” in this project.`));
        const members = new Set<number>();
        for (const n of exposure.dependsOn) for (const m of data.neighbourhood(n, large ? 2 : Infinity, 0)) members.add(m);
        showView(`exposure:${exposure.id}`, () => subsetView(data, members, `Upstream of exposure ${exposure.name}`), { related: members });
        renderExposurePanel(panel, data, exposure, close);
        return;
      }
      viewKey = 'page';
      $('graph').hidden = true;
      $('toolbar').hidden = true;
      $('legend').hidden = true;
      timeline.hidden = true;
      list.replaceChildren();
      page.hidden = false;
      if (page.dataset.rendered !== 'overview') {
        renderOverviewPage(page, data, project);
        page.dataset.rendered = 'overview';
      }
      $('nav-project').classList.add('active');
      $('view-title').textContent = 'Project overview';
      if (kind === 'overview') {
        closePanel();
        baseHash = '#/overview';
        return;
      }
      // Search links a macro by its number in data/search.js; the overview by name or unique_id.
      const fromSearch = key !== undefined && /^\d+$/.test(key) ? (await data.searchData()).macros[Number(key)] : undefined;
      if (location.hash !== hash) return;
      const macro = fromSearch ? findMacro(project, `macro.${fromSearch.package}.${fromSearch.name}`) : key === undefined ? undefined : findMacro(project, key);
      if (macro) renderMacroPanel(panel, macro, close);
      else if (fromSearch) {
        // xform's own macros (built-in tests) have no page of their own: show what search knows.
        panel.hidden = false;
        panel.replaceChildren(macroPanel(fromSearch));
      } else return fail(new Error(`No macro named “${key ?? ''}” in this project.`));
      panel.scrollTop = 0;
    }, fail);
  };

  const onRoute = () => {
    const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
    const [kind, a, b] = parts;
    $('focus-controls').hidden = kind !== 'focus';
    document.querySelectorAll('.views a').forEach((el) => el.classList.remove('active'));
    if (kind === 'overview' || kind === 'macro' || kind === 'exposure') {
      showProjectPage(kind, a);
      return;
    }
    if (kind === 'timeline') {
      viewKey = 'timeline';
      page.hidden = true;
      $('graph').hidden = true;
      $('toolbar').hidden = true;
      $('legend').hidden = true;
      timeline.hidden = false;
      list.replaceChildren();
      closePanel();
      renderTimeline(timeline, data, (n) => (location.hash = data.linkTo(n)));
      $('nav-timeline').classList.add('active');
      $('view-title').textContent = 'Timeline of the last build';
      return;
    }
    if ((kind === 'model' || kind === 'focus') && a) {
      const i = data.find(a);
      if (i === undefined) {
        closePanel();
        panel.hidden = false;
        panel.append(h('p', { class: 'untraceable' }, `No node named “${a}” in this project.`));
        return;
      }
      if (kind === 'focus') {
        const depth = Math.max(1, Math.min(20, Number(b) || 2));
        $('depth-value').textContent = String(depth);
        const near = data.neighbourhood(i, depth, depth);
        showView(`focus:${i}:${depth}`, () => subsetView(data, near, `+${data.nodes[i]!.name}+ (depth ${depth}, ${near.size} nodes)`), { selected: i, related: near });
        openPanel(i, undefined);
        return;
      }
      if (b === undefined) selectNode(i, undefined);
      else {
        const hash = location.hash;
        void data.lineageReady().then(
          () => location.hash === hash && selectNode(i, b),
          (err: Error) => {
            panel.hidden = false;
            panel.replaceChildren(h('p', { class: 'untraceable' }, err.message));
          },
        );
      }
      return;
    }
    closePanel();
    baseHash = location.hash || '#/';
    if (kind !== 'select') showSelectError(undefined);
    if (kind === 'select') {
      showSelection(parts.slice(1).join('/'));
      return;
    }
    if (kind === 'group' && a !== undefined && data.graph.groups[Number(a)]) {
      const g = Number(a);
      const members = new Set<number>();
      data.nodes.forEach((n, k) => n.group === g && members.add(k));
      showView(`group:${g}`, () => subsetView(data, members, `${data.graph.groups[g]!.name} (${members.size} nodes)`), {});
      return;
    }
    if (kind === 'all' || !large) {
      $('nav-all').classList.add('active');
      showView('all', () => fullView(data), {});
      return;
    }
    $('nav-overview').classList.add('active');
    showView('overview', () => overviewView(data), {});
  };

  $('zoom-in').addEventListener('click', () => canvas.zoom(1.25));
  $('zoom-out').addEventListener('click', () => canvas.zoom(0.8));
  $('fit').addEventListener('click', () => canvas.fit());
  const depthBy = (d: number) => {
    const m = /^#\/focus\/([^/]+)\/?(\d*)/.exec(location.hash);
    if (m) location.hash = `#/focus/${m[1]}/${Math.max(1, (Number(m[2]) || 2) + d)}`;
  };
  $('depth-minus').addEventListener('click', () => depthBy(-1));
  $('depth-plus').addEventListener('click', () => depthBy(1));
  window.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden && document.activeElement?.id !== 'search') location.hash = baseHash;
  });
  if (!large) $('nav-overview').hidden = true;
  if (!data.graph.run) $('nav-timeline').classList.add('muted');

  const mats = [...new Set(data.nodes.map((n) => n.mat))].sort((x, y) => Object.keys(TYPE_COLORS).indexOf(x) - Object.keys(TYPE_COLORS).indexOf(y));
  $('legend').append(
    ...mats.map((m) => {
      const sw = h('i', { class: 'swatch' });
      sw.style.background = colorOf(m);
      return h('span', { class: 'legend-item' }, sw, m);
    }),
    h('span', { class: 'legend-item' }, h('b', { class: 'badge-ok' }, '✓3'), 'tests'),
  );

  setupSearch($('search') as HTMLInputElement, $('search-results'), data, (hit) => {
    if (hit.macro !== undefined) location.hash = `#/macro/${hit.macro}`;
    else location.hash = hit.column ? `${data.linkTo(hit.node)}/${encodeURIComponent(hit.column)}` : data.linkTo(hit.node);
  });
  // A small automation surface (used by the browser tests): where a node's box is on screen.
  (window as unknown as { xformDocs: unknown }).xformDocs = {
    locate: (name: string) => canvas.screenPosition(data.find(name) ?? -1),
    /** What the last frame drew (level of detail, boxes, edges, arrowheads, labels, clusters) and its time. */
    drawStats: () => canvas.stats,
    zoomTo: (scale: number, gx: number, gy: number) => canvas.zoomTo(scale, gx, gy),
    panBy: (dx: number, dy: number) => canvas.panBy(dx, dy),
    transform: () => canvas.transform,
  };
  window.addEventListener('hashchange', onRoute);
  onRoute();
  performance.mark('xform-ready');
  document.body.dataset.ready = 'true';
  // Column lineage is only needed once a column is picked: load it after the page is interactive.
  setTimeout(() => void data.lineageReady().catch(() => undefined), 50);
}

start();
