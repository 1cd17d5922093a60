/**
 * Turns the manifest, the catalog and the last run's results into the docs site's data: nodes in swimlanes
 * with their layout, tests, column lineage and a timeline of the last run. All the heavy work (layout,
 * lineage) happens here, once, so that the page only draws.
 */
import type { Manifest } from '../compile/manifest.js';
import type { ExecutableNode, SourceNode, TestNode } from '../graph/types.js';
import type { RunResultsFile } from '../run/run-results.js';
import type { CatalogEntry, CatalogFile } from './catalog.js';
import { traceColumns, type ColumnLineage, type LineageParse, type ModelLineage, type ResolvedRelation } from './column-lineage.js';
import { layeredLayout, topologicalOrder } from './layout.js';
import { MarkdownRenderer } from './markdown.js';
import type { SourcesJsonFile } from '../quality/sources-json.js';
import { relationResolver } from './relation-resolver.js';
import { buildSiteProject, descriptionHtml, freshnessResults, sourceFreshness } from './site-project.js';
import type { ColumnRef, SiteColumn, SiteDetail, SiteGraph, SiteLineage, SiteNode, SiteProject, SiteRun, SiteSearch, SiteTest } from './site-types.js';

export interface SiteData {
  graph: SiteGraph;
  /** Detail chunks, `graph.chunkSize` nodes each, in node order. */
  chunks: SiteDetail[][];
  lineage: SiteLineage;
  search: SiteSearch;
  /** The overview, macros and exposures (data/project.js). */
  project: SiteProject;
}

export interface BuildSiteDataOptions {
  catalog?: CatalogFile;
  runResults?: RunResultsFile;
  /** The last `xform source freshness` results (target/sources.json). */
  sourcesJson?: SourcesJsonFile;
  /** Nodes per detail chunk. Default 200. */
  chunkSize?: number;
  /** The warehouse's SQL parsers, best first (loadLineageParsers()). Default none: node-sql-parser alone. */
  parsers?: LineageParse[];
}

type DrawnNode = ExecutableNode | SourceNode;

const SQL_DIALECT: Record<string, string> = { bigquery: 'bigquery', snowflake: 'snowflake', mysql: 'mysql' };

const SNAPSHOT_COLUMNS = new Set(['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted']);

const SOURCES_LANE = 'sources & seeds';

function folderOf(node: DrawnNode): string {
  if (node.resource_type === 'source') return node.source_name;
  const parts = node.original_file_path.split('/');
  return parts.length > 2 ? parts.slice(1, -1).join('/') : parts[0] ?? '';
}

function ownerOf(node: DrawnNode): string | undefined {
  const owner = node.meta.owner ?? (node.config.meta as Record<string, unknown> | undefined)?.owner;
  return typeof owner === 'string' ? owner : undefined;
}

export function buildSiteData(manifest: Manifest, options: BuildSiteDataOptions = {}): SiteData {
  const chunkSize = options.chunkSize ?? 200;
  const md = new MarkdownRenderer();
  const lastFreshness = freshnessResults(options.sourcesJson);
  const drawn: DrawnNode[] = [];
  const tests: TestNode[] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type === 'test' || node.resource_type === 'unit_test') tests.push(node as TestNode);
    else drawn.push(node as ExecutableNode);
  }
  drawn.push(...Object.values(manifest.sources));

  // Lanes: sources and seeds first, then the project's layers in order, then models without a layer.
  const lanes = [SOURCES_LANE, ...manifest.layers];
  const layerLanes = new Set<number>();
  const laneOf = (node: DrawnNode): number => {
    const layer = node.layer ?? node.config.layer;
    // Sources and seeds sit on the left, in their layer's lane when they declare one (bronze, usually).
    if ((node.resource_type === 'source' || node.resource_type === 'seed') && (!layer || !manifest.layers.includes(layer))) return 0;
    const name = layer ?? (manifest.layers.length ? 'other models' : 'models');
    let i = lanes.indexOf(name);
    if (i < 0) i = lanes.push(name) - 1;
    if (layer) layerLanes.add(i);
    return i;
  };
  const withLane = drawn.map((node) => ({ node, lane: laneOf(node), folder: folderOf(node) }));
  withLane.sort((a, b) => a.lane - b.lane || (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0) || (a.node.name < b.node.name ? -1 : 1));
  const index = new Map<string, number>(withLane.map((w, i) => [w.node.unique_id, i]));

  const groups: SiteGraph['groups'] = [];
  const groupIndex = new Map<string, number>();
  const groupOf = (lane: number, folder: string) => {
    const k = `${lane}\u0000${folder}`;
    let g = groupIndex.get(k);
    if (g === undefined) {
      g = groups.push({ name: folder || lanes[lane]!, lane, folder }) - 1;
      groupIndex.set(k, g);
    }
    return g;
  };

  const catalogEntry = (id: string): CatalogEntry | undefined => options.catalog?.nodes[id] ?? options.catalog?.sources[id];

  // Column names: the warehouse's first (in its order), then documented columns it does not hold.
  const columnNames = withLane.map(({ node }) => {
    const names = Object.values(catalogEntry(node.unique_id)?.columns ?? {}).sort((a, b) => a.index - b.index).map((c) => c.name);
    const lower = new Set(names.map((n) => n.toLowerCase()));
    for (const c of Object.values(node.columns)) if (!lower.has(c.name.toLowerCase())) names.push(c.name);
    return names;
  });

  const relationOf: (ResolvedRelation | undefined)[] = [];
  withLane.forEach(({ node }, i) => {
    if (node.config.materialized === 'ephemeral') return;
    relationOf[i] = {
      uniqueId: node.unique_id,
      ...(catalogEntry(node.unique_id) || Object.keys(node.columns).length ? { columns: columnNames[i] } : {}),
    };
  });
  const sqlDialect = SQL_DIALECT[manifest.metadata.adapter_type] ?? 'postgresql';

  const parents = withLane.map(({ node }) => {
    const ps: number[] = [];
    for (const p of node.depends_on.nodes) {
      const i = index.get(p);
      if (i !== undefined) ps.push(i);
    }
    return ps;
  });

  /** The nodes whose relations a model's SQL may name: itself (`this`), its parents, and through an ephemeral parent (inlined as a CTE), that one's parents. */
  const readable = (i: number): number[] => {
    const out = new Set<number>([i]);
    const stack = [...parents[i]!];
    while (stack.length) {
      const k = stack.pop()!;
      if (out.has(k)) continue;
      out.add(k);
      if (withLane[k]!.node.config.materialized === 'ephemeral') stack.push(...parents[k]!);
    }
    return [...out];
  };

  // Trace in DAG order: a model the warehouse has not described yet takes its columns from its own SELECT
  // list, so that models reading it (even with `*`) can be traced through it.
  const lineages: (ModelLineage | undefined)[] = new Array(withLane.length);
  for (const i of topologicalOrder(parents)) {
    const { node } = withLane[i]!;
    if (node.resource_type !== 'model' && node.resource_type !== 'snapshot') continue;
    if (!node.compiled_code) {
      lineages[i] = { columns: {}, error: 'not compiled' };
      continue;
    }
    const resolve = relationResolver(node, readable(i).map((k) => ({ node: withLane[k]!.node, rel: relationOf[k] })));
    const lineage = traceColumns(node.compiled_code, { resolve, database: sqlDialect, parsers: options.parsers });
    lineages[i] = lineage;
    if (catalogEntry(node.unique_id) || lineage.error) continue;
    const names = columnNames[i]!;
    const known = new Set(names.map((n) => n.toLowerCase()));
    const outputs = Object.keys(lineage.columns).filter((c) => !c.endsWith('*'));
    // SELECT order first, then documented columns the SELECT does not name.
    const merged = [...outputs, ...names.filter((n) => !outputs.some((o) => o.toLowerCase() === n.toLowerCase()))];
    if (outputs.every((o) => known.has(o.toLowerCase())) && merged.length === names.length) continue;
    names.splice(0, names.length, ...merged);
    const rel = relationOf[i];
    if (rel && !rel.columns) rel.columns = names;
  }

  // Tests, per node they are attached to, with their last status.
  const runById = new Map((options.runResults?.results ?? []).map((r) => [r.unique_id, r]));
  const testsOf = new Map<string, SiteTest[]>();
  /** Full test names (`unique_orders_order_id`) per node, for search. */
  const testNamesOf = new Map<string, string[]>();
  for (const test of tests) {
    const targets = test.attached_node ? [test.attached_node] : test.depends_on.nodes;
    const run = runById.get(test.unique_id);
    const entry: SiteTest = {
      name: test.test_metadata?.name ?? test.name,
      ...descriptionHtml(md, test.description),
      ...(test.column_name ? { column: test.column_name } : {}),
      ...(run ? { status: run.status } : {}),
      ...(run?.failures != null ? { failures: run.failures } : {}),
    };
    for (const t of targets) {
      testNamesOf.set(t, [...(testNamesOf.get(t) ?? []), test.name]);
      let list = testsOf.get(t);
      if (!list) testsOf.set(t, (list = []));
      list.push(entry);
    }
  }

  const groupIds = withLane.map(({ lane, folder }) => groupOf(lane, folder));
  // A folder of thousands of models reading one source would be one column thousands of rows tall: wrap it.
  const maxRows = Math.max(40, Math.ceil(Math.sqrt(withLane.length * 4)));
  const layout = layeredLayout({ lanes: withLane.map((w) => w.lane), parents, groups: groupIds }, { maxRows });

  const toRefs = (sources: { node: string; column: string }[]): ColumnRef[] =>
    sources.flatMap((s) => {
      const i = index.get(s.node);
      return i === undefined ? [] : [[i, s.column] as ColumnRef];
    });

  const nodes: SiteNode[] = [];
  const chunks: SiteDetail[][] = [];
  const siteLineage: SiteLineage = [];
  const search: SiteSearch = {
    sql: [],
    tests: [],
    macros: Object.values(manifest.macros ?? {}).map((m) => ({ name: m.name, package: m.package_name, description: md.render(m.description).text, sql: m.macro_sql })),
  };
  withLane.forEach(({ node, lane, folder }, i) => {
    const lineage = lineages[i];
    const names = columnNames[i]!;
    const nodeTests = testsOf.get(node.unique_id) ?? [];
    const run = runById.get(node.unique_id);
    const entry = catalogEntry(node.unique_id);
    const byLower = lineageByColumn(lineage, entry);
    siteLineage.push(names.map((name) => {
      const l = lineage ? byLower.get(name.toLowerCase()) : undefined;
      return l ? toRefs(l.sources) : null;
    }));
    // Columns that exist but could not be traced: a documented column the warehouse does not hold is not one,
    // nor a snapshot's dbt_valid_from... (they come from the snapshot itself, not from its SELECT).
    const untraced = !lineage
      ? 0
      : lineage.error
        ? names.length
        : names.filter((name) => {
            const l = byLower.get(name.toLowerCase());
            if (l) return l.untraceable !== undefined;
            return entry?.columns[name] !== undefined && !(node.resource_type === 'snapshot' && SNAPSHOT_COLUMNS.has(name.toLowerCase()));
          }).length;
    const docOf = (name: string) => md.render((node.columns[name] ?? Object.values(node.columns).find((c) => c.name.toLowerCase() === name.toLowerCase()))?.description ?? '').text;
    const columnDocs = names.map(docOf);
    const failed = nodeTests.filter((t) => t.status === 'fail' || t.status === 'error').length;
    const raw = node.resource_type === 'source' ? '' : node.raw_code ?? '';
    const compiled = node.resource_type === 'source' ? '' : node.compiled_code ?? '';
    search.sql.push(compiled && compiled !== raw ? `${compiled}\n${raw}` : raw);
    search.tests.push(testNamesOf.get(node.unique_id) ?? []);
    nodes.push({
      id: node.unique_id,
      name: node.name,
      type: node.resource_type,
      mat: node.resource_type === 'model' || node.resource_type === 'snapshot' ? String(node.config.materialized ?? 'view') : node.resource_type,
      lane,
      group: groupIds[i]!,
      path: node.original_file_path,
      x: Math.round(layout.x[i]!),
      y: Math.round(layout.y[i]!),
      parents: parents[i]!,
      tests: nodeTests.length,
      testsFailed: failed,
      ...(untraced ? { untraced } : {}),
      ...(run ? { status: run.status } : {}),
      description: md.render(node.description).text,
      tags: node.tags,
      columns: names,
      ...(columnDocs.some((d) => d) ? { columnDocs } : {}),
      chunk: Math.floor(i / chunkSize),
      slot: i % chunkSize,
    });
    const columns: SiteColumn[] = names.map((name) => {
      const doc = node.columns[name] ?? Object.values(node.columns).find((c) => c.name.toLowerCase() === name.toLowerCase());
      const cat = entry?.columns[name];
      const l = byLower.get(name.toLowerCase());
      const description = doc?.description || cat?.comment || '';
      return {
        name,
        ...(cat?.type ?? doc?.data_type ? { type: cat?.type ?? doc?.data_type } : {}),
        description: md.render(description).text,
        ...descriptionHtml(md, description),
        tests: [...(doc?.tests.map((t) => t.name) ?? []), ...nodeTests.filter((t) => t.column?.toLowerCase() === name.toLowerCase() && !doc?.tests.some((d) => d.name === t.name)).map((t) => t.name)],
        ...(l ? { lineage: { kind: l.kind, sources: toRefs(l.sources), ...(l.untraceable ? { untraceable: l.untraceable } : {}) } } : {}),
      };
    });
    const freshness = node.resource_type === 'source' ? sourceFreshness(node, lastFreshness.get(node.unique_id)) : undefined;
    const detail: SiteDetail = {
      path: node.original_file_path,
      ...descriptionHtml(md, node.description),
      ...(node.resource_type === 'source' ? { source: { name: node.source_name, ...descriptionHtml(md, node.source_description) } } : {}),
      ...(freshness ? { freshness } : {}),
      ...(node.relation_name ? { relation: node.relation_name } : {}),
      ...(node.layer ?? node.config.layer ? { layer: node.layer ?? node.config.layer } : {}),
      meta: { ...((node.config.meta as Record<string, unknown> | undefined) ?? {}), ...node.meta },
      ...(ownerOf(node) ? { owner: ownerOf(node) } : {}),
      ...(node.resource_type !== 'source' && node.resource_type !== 'seed' ? { raw: node.raw_code } : {}),
      ...(node.resource_type !== 'source' && node.compiled_code ? { compiled: node.compiled_code } : {}),
      columns,
      tests: nodeTests,
      stats: { rowCount: entry?.stats.row_count, bytes: entry?.stats.bytes, kind: entry?.metadata.type },
      ...(run ? { run: { status: run.status, seconds: run.execution_time, ...(run.rows_affected != null ? { rows: run.rows_affected } : {}), ...(run.message ? { message: run.message } : {}) } } : {}),
      ...(lineage?.error ? { lineageError: lineage.error } : {}),
    };
    (chunks[Math.floor(i / chunkSize)] ??= []).push(detail);
  });

  return {
    graph: {
      project: manifest.metadata.project_name,
      generatedAt: new Date().toISOString(),
      adapter: manifest.metadata.adapter_type,
      lanes,
      laneBoxes: layout.lanes,
      bands: layout.bands ?? [],
      laneIsLayer: lanes.map((_, i) => layerLanes.has(i)),
      width: layout.width,
      height: layout.height,
      groups,
      nodes,
      chunkSize,
      chunks: chunks.length,
      hasCatalog: options.catalog !== undefined,
      ...(options.runResults ? { run: buildRun(options.runResults, index, manifest) } : {}),
    },
    chunks,
    lineage: siteLineage,
    search,
    project: buildSiteProject(manifest, index, md),
  };
}

function buildRun(file: RunResultsFile, index: Map<string, number>, manifest: Manifest): SiteRun {
  const timed = file.results.flatMap((r) => {
    const t = r.timing.find((x) => x.name === 'execute') ?? r.timing[0];
    if (!t?.started_at || !t.completed_at) return [];
    return [{ r, start: Date.parse(t.started_at), end: Date.parse(t.completed_at) }];
  });
  const origin = timed.reduce((m, t) => Math.min(m, t.start), Infinity);
  const nameOf = (id: string) => manifest.nodes[id]?.name ?? manifest.sources[id]?.name ?? id;
  timed.sort((a, b) => a.start - b.start);
  const position = new Map(timed.map((t, k) => [t.r.unique_id, k]));
  const depsOf = (id: string) => (manifest.nodes[id]?.depends_on.nodes ?? []).flatMap((d) => (position.has(d) ? [position.get(d)!] : []));
  return {
    generatedAt: file.metadata.generated_at,
    elapsed: file.elapsed_time,
    ...(typeof file.args.which === 'string' ? { command: file.args.which } : {}),
    items: timed.map(({ r, start, end }) => ({
        node: index.get(r.unique_id) ?? -1,
        name: nameOf(r.unique_id),
        start: start - origin,
        end: end - origin,
        thread: r.thread_id ?? 'main',
        status: r.status,
        ...(r.rows_affected != null ? { rows: r.rows_affected } : {}),
        type: manifest.nodes[r.unique_id]?.resource_type ?? manifest.sources[r.unique_id]?.resource_type ?? r.unique_id.split('.')[0] ?? 'model',
        deps: depsOf(r.unique_id),
      })),
  };
}

/**
 * A model's traced columns by lower-cased name. The warehouse names an unaliased expression its own way
 * (DuckDB: `count_star()`, `(amount * 2)`), so when the SELECT has exactly the warehouse's columns and every
 * output the warehouse knows by name sits at the same position, the n-th output is the n-th warehouse column.
 */
function lineageByColumn(lineage: ModelLineage | undefined, entry: CatalogEntry | undefined): Map<string, ColumnLineage> {
  const outputs = Object.entries(lineage?.columns ?? {});
  const byName = new Map(outputs.map(([k, v]) => [k.toLowerCase(), v]));
  const warehouse = Object.values(entry?.columns ?? {}).sort((a, b) => a.index - b.index).map((c) => c.name.toLowerCase());
  if (warehouse.length === 0 || warehouse.length !== outputs.length || outputs.some(([n]) => n.endsWith('*'))) return byName;
  const known = new Set(warehouse);
  if (outputs.some(([n], k) => known.has(n.toLowerCase()) && warehouse[k] !== n.toLowerCase())) return byName;
  return new Map(warehouse.map((c, k) => [c, outputs[k]![1]]));
}
