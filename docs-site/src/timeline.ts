/** The last build as a Gantt chart: one row per thread, one bar per node, coloured by status. */
import type { DocsData } from './data.ts';
import { STATUS_COLORS } from './colors.ts';
import { formatCount, formatSeconds, h } from './dom.ts';

export function renderTimeline(root: HTMLElement, data: DocsData, open: (node: number) => void): void {
  root.replaceChildren();
  const run = data.graph.run;
  if (!run || !run.items.length) {
    root.append(h('div', { class: 'empty-state' }, h('h2', null, 'No build yet'), h('p', null, 'Run `xform build`, then `xform docs generate` again to see its timeline here.')));
    return;
  }
  const total = Math.max(1, run.items.reduce((m, it) => Math.max(m, it.end), 0));
  const threads = [...new Set(run.items.map((it) => it.thread))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const counts = new Map<string, number>();
  for (const it of run.items) counts.set(it.status, (counts.get(it.status) ?? 0) + 1);

  const ticks = h('div', { class: 'gantt-ticks' });
  const step = niceStep(total / 8);
  for (let t = 0; t <= total; t += step) {
    const tick = h('span', { class: 'tick' }, formatSeconds(t / 1000));
    tick.style.left = `${(t / total) * 100}%`;
    ticks.append(tick);
  }
  const rows = threads.map((thread) => {
    const track = h('div', { class: 'gantt-track' });
    for (const it of run.items) {
      if (it.thread !== thread) continue;
      const bar = h(
        it.node >= 0 ? 'button' : 'span',
        {
          class: `gantt-bar status-${it.status}`,
          title: `${it.name}: ${it.status}, ${formatSeconds((it.end - it.start) / 1000)}${it.rows !== undefined ? `, ${formatCount(it.rows)} rows` : ''}`,
          'data-name': it.name,
          onclick: it.node >= 0 ? () => open(it.node) : undefined,
        },
        h('span', { class: 'gantt-label' }, it.name),
      );
      bar.style.left = `${(it.start / total) * 100}%`;
      bar.style.width = `${Math.max(0.15, ((it.end - it.start) / total) * 100)}%`;
      bar.style.setProperty('--bar', STATUS_COLORS[it.status] ?? '#94a3b8');
      track.append(bar);
    }
    return h('div', { class: 'gantt-row' }, h('div', { class: 'gantt-thread' }, thread), track);
  });
  const slowest = [...run.items].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, 10);
  root.append(
    h(
      'div',
      { class: 'gantt-head' },
      h('h2', null, `Last ${run.command ?? 'run'}`),
      h('p', { class: 'muted' }, `${formatCount(run.items.length)} nodes on ${threads.length} thread${threads.length === 1 ? '' : 's'} in ${formatSeconds(run.elapsed)} · finished ${new Date(run.generatedAt).toLocaleString()}`),
      h('div', { class: 'gantt-legend' }, [...counts].map(([status, n]) => h('span', { class: 'legend-item' }, h('i', { class: `swatch status-${status}` }), `${status} ${formatCount(n)}`))),
    ),
    h('div', { class: 'gantt' }, h('div', { class: 'gantt-row axis' }, h('div', { class: 'gantt-thread' }), ticks), rows),
    h(
      'div',
      { class: 'slowest' },
      h('h3', null, 'Slowest'),
      h('ol', null, slowest.map((it) => h('li', null, it.node >= 0 ? h('a', { href: data.linkTo(it.node) }, it.name) : it.name, h('span', { class: 'muted' }, ` ${formatSeconds((it.end - it.start) / 1000)}`)))),
    ),
  );
  root.querySelectorAll<HTMLElement>('.swatch').forEach((s) => {
    const status = [...s.classList].find((c) => c.startsWith('status-'))?.slice(7) ?? '';
    s.style.background = STATUS_COLORS[status] ?? '#94a3b8';
  });
}

function niceStep(raw: number): number {
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}
