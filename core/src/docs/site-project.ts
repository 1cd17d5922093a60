/**
 * The docs site's pages beside the graph: the overview (`__overview__` docs block), macros and exposures,
 * and a source table's freshness rules with the last `xform source freshness` result.
 */
import type { Manifest } from '../compile/manifest.js';
import type { SourceNode } from '../graph/types.js';
import type { SourcesJsonFile } from '../quality/sources-json.js';
import { INTERNAL_PACKAGE } from '../template/namespaces.js';
import { isSafeUrl, type MarkdownRenderer } from './markdown.js';
import type { SiteFreshness, SiteProject } from './site-types.js';

/** `{ descriptionHtml }` to spread into site data, or nothing when there is no description. */
export function descriptionHtml(md: MarkdownRenderer, text: string | undefined): { descriptionHtml?: string } {
  const html = text ? md.html(text) : '';
  return html ? { descriptionHtml: html } : {};
}

/** @param index node index in the site's graph, by unique_id. */
export function buildSiteProject(manifest: Manifest, index: Map<string, number>, md: MarkdownRenderer): SiteProject {
  const docs = Object.values(manifest.docs ?? {});
  const overview = docs.find((d) => d.name === '__overview__' && d.package_name === manifest.metadata.project_name) ?? docs.find((d) => d.name === '__overview__');
  const macros = Object.values(manifest.macros)
    .filter((m) => m.package_name !== INTERNAL_PACKAGE)
    .sort((a, b) => (a.package_name === manifest.metadata.project_name ? 0 : 1) - (b.package_name === manifest.metadata.project_name ? 0 : 1) || a.package_name.localeCompare(b.package_name) || a.name.localeCompare(b.name))
    .map((m) => ({
      id: m.unique_id,
      name: m.name,
      package: m.package_name,
      path: m.original_file_path,
      line: m.line,
      arguments: m.arguments.map((a) => ({ name: a, ...descriptionHtml(md, m.argument_descriptions?.[a]) })),
      ...descriptionHtml(md, m.description),
      sql: m.macro_sql,
    }));
  const exposures = Object.values(manifest.exposures ?? {})
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => ({
      id: e.unique_id,
      name: e.name,
      ...(e.label ? { label: e.label } : {}),
      type: e.type,
      ...(e.maturity ? { maturity: e.maturity } : {}),
      owner: e.owner,
      ...(e.url ? { url: e.url, urlIsLink: isSafeUrl(e.url) && /^(https?|mailto):/i.test(e.url.trim()) } : {}),
      ...descriptionHtml(md, e.description),
      dependsOn: e.depends_on.nodes.flatMap((id) => {
        const i = index.get(id);
        return i === undefined ? [] : [i];
      }),
      path: e.original_file_path,
      ...(e.line === undefined ? {} : { line: e.line }),
      tags: e.tags,
    }));
  return { ...(overview ? { overviewHtml: md.html(overview.block_contents) } : {}), docs: docs.length, macros, exposures };
}

interface FreshnessEntry {
  unique_id?: string;
  status?: string;
  max_loaded_at?: string | null;
  snapshotted_at?: string | null;
  max_loaded_at_time_ago_in_s?: number | null;
  error?: string;
}

/** Last freshness result per source table, from sources.json. */
export function freshnessResults(file: SourcesJsonFile | undefined): Map<string, NonNullable<SiteFreshness['last']>> {
  const out = new Map<string, NonNullable<SiteFreshness['last']>>();
  for (const r of (file?.results ?? []) as FreshnessEntry[]) {
    if (typeof r.unique_id !== 'string' || typeof r.status !== 'string') continue;
    out.set(r.unique_id, {
      status: r.status,
      maxLoadedAt: r.max_loaded_at ?? null,
      snapshottedAt: r.snapshotted_at ?? null,
      ageSeconds: r.max_loaded_at_time_ago_in_s ?? null,
      checkedAt: file!.metadata.generated_at,
      ...(r.error ? { error: r.error } : {}),
    });
  }
  return out;
}

/** A source table's freshness rules and last result; undefined when it has neither. */
export function sourceFreshness(node: SourceNode, last: NonNullable<SiteFreshness['last']> | undefined): SiteFreshness | undefined {
  const f = node.freshness;
  const out: SiteFreshness = {
    ...(node.loaded_at_field ? { loadedAtField: node.loaded_at_field } : {}),
    ...(f?.warn_after ? { warnAfter: { count: f.warn_after.count, period: f.warn_after.period } } : {}),
    ...(f?.error_after ? { errorAfter: { count: f.error_after.count, period: f.error_after.period } } : {}),
    ...(f?.filter ? { filter: f.filter } : {}),
    ...(last ? { last } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}
