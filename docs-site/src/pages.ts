/**
 * Pages beside the graph: the project overview (`#/overview`: the `__overview__` docs block or counts,
 * then the exposures and macros), a macro's panel (`#/macro/<name>`), an exposure's panel
 * (`#/exposure/<name>`), and the source section of a source table's panel (freshness rules, last check).
 */
import type { SiteDetail, SiteExposure, SiteFreshnessRule, SiteMacroDoc, SiteProject } from '../../core/src/docs/site-types.ts';
import { STATUS_COLORS } from './colors.ts';
import type { DocsData } from './data.ts';
import { formatCount, h } from './dom.ts';
import { markdownBlock } from './markdown.ts';
import { chip, fact, section } from './panel.ts';
import { sqlBlock } from './sql.ts';

/** `#/macro/<name>` when the name is unique among the macros, else by unique_id. */
export function macroLink(project: SiteProject, m: SiteMacroDoc): string {
  const unique = project.macros.filter((x) => x.name === m.name).length === 1;
  return `#/macro/${encodeURIComponent(unique ? m.name : m.id)}`;
}

export function exposureLink(e: SiteExposure): string {
  return `#/exposure/${encodeURIComponent(e.name)}`;
}

export function findMacro(project: SiteProject, key: string): SiteMacroDoc | undefined {
  return project.macros.find((m) => m.id === key) ?? project.macros.find((m) => m.name === key && m.package === project.macros[0]?.package) ?? project.macros.find((m) => m.name === key);
}

export function findExposure(project: SiteProject, key: string): SiteExposure | undefined {
  return project.exposures.find((e) => e.name === key || e.id === key);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function renderOverviewPage(page: HTMLElement, data: DocsData, project: SiteProject): void {
  const count = (type: string) => data.nodes.filter((n) => n.type === type).length;
  const tests = data.nodes.reduce((sum, n) => sum + n.tests, 0);
  const stats: [string, number][] = [
    ['models', count('model')],
    ['sources', count('source')],
    ['seeds', count('seed')],
    ['snapshots', count('snapshot')],
    ['tests', tests],
    ['exposures', project.exposures.length],
    ['macros', project.macros.length],
    ['docs blocks', project.docs],
  ];
  const intro =
    markdownBlock(project.overviewHtml, 'overview-doc') ??
    h('div', { class: 'overview-doc default' }, h('h1', null, data.graph.project), h('p', { class: 'muted' }, `A ${data.graph.adapter} project documented by xform. Pick a node in the graph, search for a model or column, or browse the macros and exposures below. Write a {% docs __overview__ %} block in a .md file to replace this text.`));
  const exposures = project.exposures.length
    ? h('ul', { class: 'page-list' }, project.exposures.map((e) => h('li', null, h('a', { href: exposureLink(e) }, e.label ?? e.name), ' ', chip(e.type), e.owner.name || e.owner.email ? h('span', { class: 'muted' }, ` owned by ${e.owner.name ?? e.owner.email}`) : '')))
    : h('p', { class: 'muted' }, 'No exposures. Declare dashboards and other consumers under exposures: in schema YAML.');
  const macros = project.macros.length
    ? h('ul', { class: 'page-list' }, project.macros.map((m) => h('li', null, h('a', { href: macroLink(project, m), class: 'mono' }, m.name), h('span', { class: 'muted' }, `(${m.arguments.map((a) => a.name).join(', ')}) · ${m.package}`))))
    : h('p', { class: 'muted' }, 'No macros.');
  page.replaceChildren(
    h('div', { class: 'page-body' },
      intro,
      h('div', { class: 'stats' }, stats.map(([name, n]) => h('div', { class: 'stat', 'data-stat': name }, h('b', null, formatCount(n)), h('span', null, name)))),
      h('h2', { id: 'exposures' }, `Exposures (${project.exposures.length})`),
      exposures,
      h('h2', { id: 'macros' }, `Macros (${project.macros.length})`),
      macros,
    ),
  );
}

function panelHead(kind: string, title: string, subtitle: string | undefined, close: () => void): HTMLElement {
  return h(
    'header',
    { class: 'panel-head' },
    h('div', { class: 'panel-kind' }, chip(kind, 'chip kind', '#475569')),
    h('h2', { id: 'panel-title' }, title),
    subtitle ? h('div', { class: 'relation' }, subtitle) : null,
    h('button', { class: 'close', title: 'Close (Esc)', 'aria-label': 'Close', onclick: () => close() }, '×'),
  );
}

const noDescription = () => h('p', { class: 'description empty' }, 'No description.');

export function renderMacroPanel(panel: HTMLElement, macro: SiteMacroDoc, close: () => void): void {
  panel.hidden = false;
  panel.dataset.node = macro.id;
  const args = macro.arguments.length
    ? h('ul', { class: 'columns macro-args' }, macro.arguments.map((a) => h('li', { class: 'column', 'data-argument': a.name }, h('span', { class: 'column-name' }, h('span', { class: 'name' }, a.name)), markdownBlock(a.descriptionHtml, 'column-desc'))))
    : h('p', { class: 'muted' }, 'No arguments.');
  panel.replaceChildren(
    panelHead('macro', macro.name, macro.id, close),
    markdownBlock(macro.descriptionHtml, 'description') ?? noDescription(),
    h('dl', { class: 'facts' }, fact('Package', macro.package), fact('File', `${macro.path}:${macro.line}`)),
    section(`Arguments (${macro.arguments.length})`, args),
    section('SQL', sqlBlock(macro.sql)),
  );
}

export function renderExposurePanel(panel: HTMLElement, data: DocsData, exposure: SiteExposure, close: () => void): void {
  panel.hidden = false;
  panel.dataset.node = exposure.id;
  const owner = exposure.owner.name && exposure.owner.email ? `${exposure.owner.name} <${exposure.owner.email}>` : exposure.owner.name ?? exposure.owner.email;
  const url = exposure.url
    ? exposure.urlIsLink
      ? h('a', { href: exposure.url, target: '_blank', rel: 'noopener noreferrer', id: 'exposure-url' }, exposure.url)
      : h('span', { id: 'exposure-url' }, exposure.url)
    : undefined;
  const deps = exposure.dependsOn.length
    ? h('ul', { class: 'neighbours', id: 'exposure-depends-on' }, exposure.dependsOn.map((i) => h('li', null, h('span', { class: 'dot' }), h('a', { href: data.linkTo(i) }, data.nodes[i]!.name), h('span', { class: 'muted' }, ` ${data.nodes[i]!.type}`))))
    : h('p', { class: 'muted' }, 'none');
  panel.replaceChildren(
    panelHead(`exposure · ${exposure.type}`, exposure.label ?? exposure.name, exposure.label ? exposure.name : undefined, close),
    markdownBlock(exposure.descriptionHtml, 'description') ?? noDescription(),
    h('dl', { class: 'facts' }, fact('Type', exposure.type), fact('Maturity', exposure.maturity), fact('Owner', owner), fact('URL', url), fact('File', exposure.line ? `${exposure.path}:${exposure.line}` : exposure.path), exposure.tags.length ? fact('Tags', h('span', null, exposure.tags.map((t) => chip(t, 'chip tag')))) : null),
    section(`Depends on (${exposure.dependsOn.length})`, deps),
  );
}

function rule(r: SiteFreshnessRule | undefined): string | undefined {
  return r ? `${r.count} ${r.period}${r.count === 1 ? '' : 's'}` : undefined;
}

/** `3d 4h`, `2h 5m`, `12m 3s`, `40s` (as `xform source freshness` prints ages). */
function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [d, hr, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A source table's source, its freshness rules and the last freshness check. */
export function sourceSection(detail: SiteDetail): HTMLElement {
  const f = detail.freshness;
  const last = f?.last;
  const hasRules = Boolean(f?.warnAfter || f?.errorAfter);
  const lastCheck = last
    ? h(
        'dl',
        { class: 'facts freshness-last', id: 'freshness-last' },
        fact('Status', chip(last.status, 'chip status', STATUS_COLORS[last.status] ?? '#dc2626')),
        fact('Newest row', last.maxLoadedAt ?? (last.error ? undefined : 'no rows')),
        fact('Age', last.ageSeconds !== null ? `${formatAge(last.ageSeconds)} (at ${last.snapshottedAt ?? last.checkedAt})` : undefined),
        fact('Error', last.error),
        fact('Checked', last.checkedAt),
      )
    : h('p', { class: 'muted', id: 'freshness-last' }, hasRules ? 'Not checked yet: run `xform source freshness`.' : '');
  return h(
    'section',
    { class: 'panel-section', id: 'freshness' },
    h('h3', null, 'Source & freshness'),
    h('dl', { class: 'facts' }, fact('Source', detail.source?.name)),
    markdownBlock(detail.source?.descriptionHtml, 'source-desc'),
    h('dl', { class: 'facts' }, fact('Loaded at', f?.loadedAtField ? h('code', null, f.loadedAtField) : undefined), fact('Warn after', rule(f?.warnAfter)), fact('Error after', rule(f?.errorAfter)), fact('Filter', f?.filter ? h('code', null, f.filter) : undefined)),
    hasRules ? null : h('p', { class: 'muted' }, 'No freshness rules (warn_after / error_after with a loaded_at_field).'),
    lastCheck,
  );
}
