/**
 * The last build as a Gantt chart: one row per node, in start order, with its bar on a time axis that spans
 * the run from its first start to its last end (the duration the header states). Zoom with the buttons or
 * Ctrl/⌘ + wheel (plain wheel over the axis), filter by resource type, and the critical path (the chain of
 * dependencies that decided when the run ended) is outlined or shown alone. Only rows in view are built,
 * so a run of thousands of nodes stays legible and light.
 */
import { criticalPath } from '../../core/src/docs/critical-path.ts';
import type { SiteRunItem } from '../../core/src/docs/site-types.ts';
import type { DocsData } from './data.ts';
import { STATUS_COLORS } from './colors.ts';
import { formatCount, formatSeconds, h } from './dom.ts';

const ROW = 24;
/** Width of the names column, which stays in view when the chart scrolls sideways. */
const NAMES = 240;
const MAX_ZOOM = 512;
/** Rows drawn beyond each edge of the view. */
const OVERSCAN = 8;

export function renderTimeline(root: HTMLElement, data: DocsData, open: (node: number) => void): void {
  root.replaceChildren();
  const run = data.graph.run;
  if (!run || !run.items.length) {
    root.append(h('div', { class: 'empty-state' }, h('h2', null, 'No build yet'), h('p', null, 'Run `xform build`, then `xform docs generate` again to see its timeline here.')));
    return;
  }
  const items = run.items;
  // The axis and the header both measure the nodes' span: first start (0) to last end.
  const span = Math.max(1, items.reduce((m, it) => Math.max(m, it.end), 0));
  const threads = new Set(items.map((it) => it.thread)).size;
  const critical = criticalPath(items);
  const onPath = new Set(critical);
  const types = [...new Set(items.map((it) => it.type ?? 'model'))].sort();
  const shownTypes = new Set(types);
  let pathOnly = false;
  let zoom = 1;
  let rows: number[] = [];

  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.status, (counts.get(it.status) ?? 0) + 1);
  const elapsedNote = run.elapsed * 1000 > span + 500 ? ` (the whole command took ${formatSeconds(run.elapsed)})` : '';
  const pathSeconds = critical.length ? (items[critical.at(-1)!]!.end - items[critical[0]!]!.start) / 1000 : 0;

  const zoomLabel = h('span', { class: 'zoom-value' }, '1×');
  const shown = h('span', { class: 'muted timeline-shown' });
  const filters = types.map((type) =>
    h('label', { class: 'filter' }, h('input', { type: 'checkbox', checked: true, 'data-type': type, onchange: (e: Event) => {
      if ((e.target as HTMLInputElement).checked) shownTypes.add(type);
      else shownTypes.delete(type);
      refilter();
    } }), ` ${type} (${formatCount(items.filter((it) => (it.type ?? 'model') === type).length)})`),
  );
  const controls = h(
    'div',
    { class: 'timeline-controls' },
    h('span', { class: 'zoom-buttons' },
      h('button', { id: 'timeline-zoom-out', title: 'Zoom out', onclick: () => setZoom(zoom / 2) }, '−'),
      zoomLabel,
      h('button', { id: 'timeline-zoom-in', title: 'Zoom in (Ctrl + wheel)', onclick: () => setZoom(zoom * 2) }, '+'),
      h('button', { id: 'timeline-fit', title: 'Fit the whole run', onclick: () => setZoom(1) }, 'Fit'),
    ),
    h('span', { class: 'filters' }, filters),
    h('label', { class: 'filter critical-toggle' }, h('input', { type: 'checkbox', id: 'critical-only', onchange: (e: Event) => {
      pathOnly = (e.target as HTMLInputElement).checked;
      refilter();
    } }), ` critical path only (${critical.length} node${critical.length === 1 ? '' : 's'}, ${formatSeconds(pathSeconds)})`),
    shown,
  );

  const axis = h('div', { class: 'gantt-axis' });
  const body = h('div', { class: 'gantt-body' });
  const scroller = h('div', { class: 'gantt-scroll', tabindex: 0, 'aria-label': 'Timeline rows' }, axis, body);
  const slowest = [...items].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, 10);
  root.append(
    h(
      'div',
      { class: 'gantt-head' },
      h('h2', null, `Last ${run.command ?? 'run'}`),
      h('p', { class: 'muted', id: 'timeline-summary' }, `${formatCount(items.length)} nodes on ${threads} thread${threads === 1 ? '' : 's'} in `, h('strong', { id: 'timeline-duration' }, formatSeconds(span / 1000)), `${elapsedNote} · finished ${new Date(run.generatedAt).toLocaleString()}`),
      h('div', { class: 'gantt-legend' }, [...counts].map(([status, n]) => {
        const sw = h('i', { class: `swatch status-${status}` });
        sw.style.background = STATUS_COLORS[status] ?? '#94a3b8';
        return h('span', { class: 'legend-item' }, sw, `${status} ${formatCount(n)}`);
      }), h('span', { class: 'legend-item' }, h('i', { class: 'swatch critical-swatch' }), 'critical path')),
      controls,
    ),
    scroller,
    h(
      'div',
      { class: 'slowest' },
      h('h3', null, 'Slowest'),
      h('ol', null, slowest.map((it) => h('li', null, it.node >= 0 ? h('a', { href: data.linkTo(it.node) }, it.name) : it.name, h('span', { class: 'muted' }, ` ${formatSeconds((it.end - it.start) / 1000)}`)))),
    ),
  );

  const trackWidth = () => Math.max(200, (scroller.clientWidth || 1000) - NAMES - 24) * zoom;
  const x = (ms: number) => NAMES + (ms / span) * trackWidth();

  const bar = (k: number, it: SiteRunItem): HTMLElement => {
    const left = x(it.start);
    const width = Math.max(2, x(it.end) - left);
    const el = h(
      it.node >= 0 ? 'button' : 'span',
      {
        class: `gantt-bar status-${it.status}${onPath.has(k) ? ' critical' : ''}`,
        title: `${it.name} (${it.type ?? 'model'}, ${it.thread}): ${it.status}, ${formatSeconds((it.end - it.start) / 1000)}${it.rows !== undefined ? `, ${formatCount(it.rows)} rows` : ''}`,
        'data-name': it.name,
        onclick: it.node >= 0 ? () => open(it.node) : undefined,
      },
    );
    el.style.left = `${left}px`;
    el.style.width = `${width}px`;
    el.style.setProperty('--bar', STATUS_COLORS[it.status] ?? '#94a3b8');
    const label = h('span', { class: 'gantt-label', title: it.name }, h('span', { class: 'gantt-name' }, it.name), h('span', { class: 'muted' }, ` ${formatSeconds((it.end - it.start) / 1000)}`));
    label.style.width = `${NAMES}px`;
    return h('div', { class: 'gantt-row', 'data-index': k }, label, el);
  };

  let drawn = '';
  const draw = (force = false) => {
    const top = Math.max(0, scroller.scrollTop - axis.offsetHeight);
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    const key = `${first}:${last}:${zoom}`;
    if (key === drawn && !force) return;
    drawn = key;
    const els: HTMLElement[] = [];
    for (let r = first; r < last; r++) {
      const el = bar(rows[r]!, items[rows[r]!]!);
      el.style.top = `${r * ROW}px`;
      els.push(el);
    }
    body.replaceChildren(...els);
  };

  const drawAxis = () => {
    const width = trackWidth();
    const step = niceStep(span / Math.max(1, width / 110));
    const ticks: HTMLElement[] = [];
    const from = Math.max(0, Math.floor(((scroller.scrollLeft / width) * span) / step) * step);
    const to = Math.min(span, ((scroller.scrollLeft + scroller.clientWidth) / width) * span + step);
    for (let t = from; t <= to && t <= span - step / 3; t += step) {
      const tick = h('span', { class: t === 0 ? 'tick tick-start' : 'tick' }, formatSeconds(t / 1000));
      tick.style.left = `${x(t)}px`;
      ticks.push(tick);
    }
    // The last tick is the run's end: the same figure the header gives.
    const end = h('span', { class: 'tick tick-end', id: 'timeline-axis-end' }, formatSeconds(span / 1000));
    end.style.left = `${x(span)}px`;
    ticks.push(end);
    const corner = h('span', { class: 'gantt-corner' }, 'node');
    corner.style.width = `${NAMES}px`;
    axis.replaceChildren(corner, ...ticks);
    axis.style.width = body.style.width = `${width + NAMES + 24}px`;
  };

  const refilter = () => {
    rows = [];
    items.forEach((it, k) => {
      if (shownTypes.has(it.type ?? 'model') && (!pathOnly || onPath.has(k))) rows.push(k);
    });
    body.style.height = `${rows.length * ROW}px`;
    shown.textContent = `${formatCount(rows.length)} of ${formatCount(items.length)} shown`;
    drawAxis();
    draw(true);
  };

  const setZoom = (next: number, anchorPx?: number) => {
    const z = Math.min(MAX_ZOOM, Math.max(1, next));
    if (z === zoom) return;
    // Keep the moment under the pointer (or the centre) where it is.
    const anchor = anchorPx ?? scroller.clientWidth / 2;
    const at = (scroller.scrollLeft + anchor - NAMES) / trackWidth();
    zoom = z;
    zoomLabel.textContent = `${z}×`;
    drawAxis();
    scroller.scrollLeft = at * trackWidth() + NAMES - anchor;
    draw(true);
    drawAxis();
  };

  scroller.addEventListener('scroll', () => {
    draw();
    drawAxis();
  }, { passive: true });
  scroller.addEventListener('wheel', (e) => {
    if (!(e.ctrlKey || e.metaKey || axis.contains(e.target as Node))) return;
    e.preventDefault();
    setZoom(e.deltaY < 0 ? zoom * 2 : zoom / 2, e.clientX - scroller.getBoundingClientRect().left);
  }, { passive: false });
  refilter();
  // The scroller's size is known once the timeline is shown.
  requestAnimationFrame(() => refilter());
}

function niceStep(raw: number): number {
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}
