/**
 * Graph nodes. Field names follow dbt's manifest.json (snake_case) so that the manifest is these objects
 * serialised as they are, and so that tools that read dbt manifests find familiar keys.
 */
import type { ColumnDef, FreshnessConfig, NodeConfig } from '../project/types.js';

export type ResourceType = 'model' | 'seed' | 'source' | 'test' | 'snapshot' | 'unit_test';

/** A fully qualified warehouse relation. */
export interface RelationRef {
  database?: string;
  schema: string;
  identifier: string;
}

export interface NodeBase {
  /** e.g. `model.shop.stg_orders`, `seed.shop.raw_customers`, `source.shop.raw.orders`, `test.shop.not_null_orders_id.1a2b3c4d5e`. */
  unique_id: string;
  resource_type: ResourceType;
  name: string;
  package_name: string;
  /** File the node comes from, relative to the project root (schema YAML for sources and generic tests). */
  original_file_path: string;
  /** 1-based line of the definition inside original_file_path, where known. */
  line?: number;
  /** Path parts used by folder config and `path:`/fqn selection, e.g. ['shop', 'staging', 'stg_orders']. */
  fqn: string[];
  description: string;
  tags: string[];
  meta: Record<string, unknown>;
  config: NodeConfig;
  layer?: string;
  columns: Record<string, ColumnDef>;
  /** Upstream unique_ids (nodes) and macro unique_ids it calls. */
  depends_on: { nodes: string[]; macros: string[] };
}

/** model, seed, snapshot: nodes that become relations in the warehouse. */
export interface ExecutableNode extends NodeBase {
  resource_type: 'model' | 'seed' | 'snapshot';
  raw_code: string;
  compiled_code?: string;
  /** Path of the compiled SQL relative to the target folder (e.g. `compiled/models/stg_orders.sql`). */
  compiled_path?: string;
  checksum: { name: 'sha256'; checksum: string };
  /**
   * The config with the keys xform_project.yml/dbt_project.yml sets through Jinja as written (unrendered),
   * as dbt compares for `state:modified`; absent when no such key applies (then it is `config`).
   */
  unrendered_config?: Record<string, unknown>;
  database?: string;
  schema: string;
  alias: string;
  /** Quoted, fully qualified name as the warehouse sees it. */
  relation_name?: string;
  /** `ref()` calls as written: [name] or [package, name]. */
  refs: { name: string; package?: string }[];
  /** `source()` calls as written: [source, table]. */
  sources: [string, string][];
}

export interface SourceNode extends NodeBase {
  resource_type: 'source';
  source_name: string;
  database?: string;
  schema: string;
  identifier: string;
  relation_name: string;
  loaded_at_field?: string;
  freshness?: FreshnessConfig | null;
  source_description: string;
}

export interface TestNode extends NodeBase {
  resource_type: 'test' | 'unit_test';
  raw_code: string;
  compiled_code?: string;
  /** For generic tests: the test name, kwargs and the node/column it is attached to. */
  test_metadata?: { name: string; namespace?: string; kwargs: Record<string, unknown> };
  column_name?: string;
  /** unique_id of the node the test is attached to (generic tests). */
  attached_node?: string;
  /** Path of the compiled SQL under target (e.g. `compiled/tests/assert_positive.sql`). */
  compiled_path?: string;
  checksum: { name: 'sha256'; checksum: string };
  refs: { name: string; package?: string }[];
  sources: [string, string][];
  /** Unit tests (`resource_type: unit_test`): the model under test, its fixture inputs and expected rows. */
  unit_test?: UnitTestSpec;
}

/** One `given:` input of a unit test, resolved. */
export interface UnitTestInput {
  /** As written: `ref('stg_orders')`, `source('shop', 'orders')`, `this`. */
  input: string;
  /** unique_id of the node it stands for, or `this` (the model's own relation, for incremental runs). */
  node: string;
  /** Fixture rows; a column left out of a row is NULL. */
  rows: Record<string, unknown>[];
  /** `csv` when the rows were CSV text (every cell a string; types are then read from the text). */
  format?: 'dict' | 'csv';
}

export interface UnitTestSpec {
  /** unique_id of the model under test. */
  model: string;
  given: UnitTestInput[];
  expect: { rows: Record<string, unknown>[] };
  overrides?: { vars?: Record<string, unknown>; macros?: Record<string, unknown>; env_vars?: Record<string, unknown> };
}

export type GraphNode = ExecutableNode | SourceNode | TestNode;

export interface MacroNode {
  unique_id: string;
  name: string;
  package_name: string;
  original_file_path: string;
  line: number;
  /** Argument names, in order. */
  arguments: string[];
  macro_sql: string;
  description: string;
  /** Descriptions of arguments from `macros:` in schema YAML, by argument name; absent when none is described. */
  argument_descriptions?: Record<string, string>;
  /** Macros this macro calls (unique_ids), as dbt records them; `state:modified` follows them. */
  depends_on: { macros: string[] };
}

/** An exposure (`exposures:` in schema YAML): a dashboard, notebook... downstream of the project, as in dbt. */
export interface ExposureNode {
  /** `exposure.<package>.<name>`. */
  unique_id: string;
  resource_type: 'exposure';
  name: string;
  label?: string;
  package_name: string;
  original_file_path: string;
  line?: number;
  type: 'dashboard' | 'notebook' | 'analysis' | 'ml' | 'application';
  owner: { name?: string; email?: string };
  maturity?: 'low' | 'medium' | 'high';
  url?: string;
  description: string;
  tags: string[];
  meta: Record<string, unknown>;
  /** The nodes it reads (unique_ids), from its `depends_on:` refs and sources. */
  depends_on: { nodes: string[] };
}
