/**
 * The data the docs site reads, written by `xform docs generate`. The graph (everything needed to draw,
 * search and trace columns) loads with the page; each node's details (SQL, column docs, tests, run) sit in
 * chunks that load when a node is opened. Pure types: the site's bundle imports them too.
 */

export type SiteNodeType = 'model' | 'seed' | 'source' | 'snapshot';

/** An upstream column: [node index, column name]. */
export type ColumnRef = [number, string];

export interface SiteNode {
  id: string;
  name: string;
  type: SiteNodeType;
  /** Materialization for models/snapshots (`view`, `table`, `incremental`, `ephemeral`...), else the type. */
  mat: string;
  lane: number;
  group: number;
  /** File the node is defined in, relative to the project root (for `path:` selectors). */
  path: string;
  /** Top-left corner in the full graph. */
  x: number;
  y: number;
  parents: number[];
  /** Tests attached to the node, and how many of them failed or errored in the last run. */
  tests: number;
  testsFailed: number;
  /** How many of its columns column lineage could not (fully) trace, when any (models and snapshots). */
  untraced?: number;
  /** Last run status (success, error, skipped...), if it ran. */
  status?: string;
  description: string;
  tags: string[];
  /** Column names: the warehouse's, then documented ones the warehouse does not have. */
  columns: string[];
  /** Column descriptions aligned with `columns` (for search), when any column is described. */
  columnDocs?: string[];
  /** Detail chunk holding this node's details, and its position in it. */
  chunk: number;
  slot: number;
}

/**
 * Column lineage of every node (aligned with `SiteGraph.nodes`), then per column (aligned with
 * `SiteNode.columns`): the upstream columns it derives from, or null when not traced. Written to its own
 * file (data/lineage.js), which the page loads once it is interactive.
 */
export type SiteLineage = (ColumnRef[] | null)[][];

export interface SiteGroup {
  name: string;
  lane: number;
  /** Folder (models/seeds) or source name. */
  folder: string;
}

export interface SiteRunItem {
  node: number;
  name: string;
  /** Milliseconds since the run's first start. */
  start: number;
  end: number;
  thread: string;
  status: string;
  rows?: number;
  /** Resource type: model, seed, snapshot, test, unit_test... (the timeline filters by it). */
  type: string;
  /** Items of this run that this one depends on (indexes into `SiteRun.items`): the critical path follows them. */
  deps: number[];
}

export interface SiteRun {
  generatedAt: string;
  elapsed: number;
  command?: string;
  items: SiteRunItem[];
}

export interface SiteGraph {
  project: string;
  generatedAt: string;
  adapter: string;
  /** Lane names, left to right. */
  lanes: string[];
  laneBoxes: { lane: number; x0: number; x1: number }[];
  /** Whether each lane is a layer (for `layer:` selectors); the sources lane and the lane of models without one are not. */
  laneIsLayer: boolean[];
  /** Box of each group (folder) in each lane of the full graph: the clusters drawn when zoomed out. */
  bands: { group: number; lane: number; x0: number; y0: number; x1: number; y1: number }[];
  width: number;
  height: number;
  groups: SiteGroup[];
  nodes: SiteNode[];
  chunkSize: number;
  chunks: number;
  hasCatalog: boolean;
  run?: SiteRun;
}

export interface SiteColumnLineage {
  kind: 'direct' | 'derived' | 'constant';
  sources: ColumnRef[];
  untraceable?: string;
}

export interface SiteColumn {
  name: string;
  type?: string;
  description: string;
  /** The description as sanitised HTML (Markdown rendered), when there is one. */
  descriptionHtml?: string;
  tests: string[];
  lineage?: SiteColumnLineage;
}

export interface SiteTest {
  name: string;
  /** The test's description as sanitised HTML, when it has one. */
  descriptionHtml?: string;
  column?: string;
  status?: string;
  failures?: number;
}

export interface SiteDetail {
  path: string;
  /** The description as sanitised HTML (Markdown rendered); absent when there is none. */
  descriptionHtml?: string;
  /** For a source table: its source's name and description. */
  source?: { name: string; descriptionHtml?: string };
  /** For a source table: its freshness rules and the last check. */
  freshness?: SiteFreshness;
  relation?: string;
  layer?: string;
  meta: Record<string, unknown>;
  owner?: string;
  raw?: string;
  compiled?: string;
  columns: SiteColumn[];
  tests: SiteTest[];
  stats: { rowCount?: number; bytes?: number; kind?: string };
  run?: { status: string; seconds: number; rows?: number; message?: string };
  /** Why column lineage is missing for the whole model (parse failure...). */
  lineageError?: string;
}

export interface SiteMacro {
  name: string;
  package: string;
  description: string;
  sql: string;
}

/**
 * What search needs beyond the graph, written to data/search.js and loaded once the page is interactive:
 * each node's SQL (compiled, then raw when it differs) and test names, aligned with `SiteGraph.nodes`, and
 * the project's macros.
 */
export interface SiteSearch {
  sql: string[];
  tests: string[][];
  macros: SiteMacro[];
}

export interface SiteFreshnessRule {
  count: number;
  period: string;
}

/** A source table's freshness rules, and the last `xform source freshness` result (target/sources.json). */
export interface SiteFreshness {
  loadedAtField?: string;
  warnAfter?: SiteFreshnessRule;
  errorAfter?: SiteFreshnessRule;
  filter?: string;
  last?: {
    status: string;
    maxLoadedAt: string | null;
    snapshottedAt: string | null;
    ageSeconds: number | null;
    /** When sources.json was written. */
    checkedAt: string;
    error?: string;
  };
}

/** A macro's page: where it is, its arguments with their descriptions, its description and SQL. */
export interface SiteMacroDoc {
  id: string;
  name: string;
  package: string;
  path: string;
  line: number;
  arguments: { name: string; descriptionHtml?: string }[];
  descriptionHtml?: string;
  sql: string;
}

export interface SiteExposure {
  id: string;
  name: string;
  label?: string;
  type: string;
  maturity?: string;
  owner: { name?: string; email?: string };
  url?: string;
  /** Whether `url` may be a link (http, https, mailto): otherwise it is shown as text. */
  urlIsLink?: boolean;
  descriptionHtml?: string;
  /** Nodes it reads, as indexes into `SiteGraph.nodes`. */
  dependsOn: number[];
  path: string;
  line?: number;
  tags: string[];
}

/**
 * What the project documents besides its nodes: the overview page, macros and exposures. Written to
 * data/project.js, which the page loads when one of these pages is opened.
 */
export interface SiteProject {
  /** The `__overview__` docs block as sanitised HTML, when the project has one. */
  overviewHtml?: string;
  docs: number;
  macros: SiteMacroDoc[];
  exposures: SiteExposure[];
}
