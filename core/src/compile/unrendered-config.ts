/**
 * `unrendered_config`, as dbt compares it for `state:modified` (state_modified_compare_more_unrendered_values,
 * dbt's default): a config value set through Jinja counts as written, not as rendered, wherever it is set —
 * the project file (`+materialized: "{{ 'table' if target.name == 'prod' else 'view' }}"`), a schema YAML
 * `config:`, or the model's `config()` call (`materialized=var('m')`, compared by its syntax tree). A
 * target-, var- or env-dependent value is then no change between production and a CI target.
 */
import { hasJinja } from '../project/config-render.js';
import { resolveFolderConfig } from '../project/index.js';
import type { LoadedProject, NodeConfig, NodePatch } from '../project/types.js';
import type { ExecutableNode } from '../graph/types.js';
import type { TemplateAst } from '../template/syntax/ast.js';
import { patchesByName } from './build-nodes.js';

type Kind = 'models' | 'seeds' | 'snapshots';
/** A source's value for a key: written through Jinja (kept as written), or a literal (the rendered value stands). */
type Written = { unrendered: unknown } | 'literal';

/**
 * The keyword arguments of a template's first `config()` call, in order: null for a literal (the rendered
 * value stands), else the call's syntax tree as JSON. Kept with a cached render, so that a compile reusing
 * the render needs no parse.
 */
export type ConfigCallArguments = [key: string, unrendered: string | null][];

/**
 * Sets `unrendered_config` on the root project's models, seeds and snapshots. `configCallOf` gives a node's
 * configCallArguments (undefined when its template did not parse: its compile fails anyway).
 */
export function recordUnrenderedConfig(nodes: Iterable<ExecutableNode>, project: LoadedProject, configCallOf: (node: ExecutableNode) => ConfigCallArguments | undefined): void {
  const patches = new Map<Kind, Map<string, NodePatch>>();
  for (const kind of ['models', 'seeds', 'snapshots'] as const) {
    const map = new Map<string, NodePatch>();
    for (const file of project.schemaFiles) for (const [name, patch] of patchesByName(file[kind] ?? [])) map.set(name, patch);
    patches.set(kind, map);
  }
  for (const node of nodes) {
    // Package nodes also take their own project's folder config; only the root project's is kept unrendered.
    if (node.package_name !== project.config.name) continue;
    const kind = `${node.resource_type}s` as Kind;
    const written = new Map<string, Written>();
    const folder = project.config.unrenderedConfig?.[kind];
    if (folder !== undefined) addJinjaValues(written, resolveFolderConfig(folder, node.fqn));
    const patch = patches.get(kind)?.get(node.name);
    if (patch !== undefined) addJinjaValues(written, patch.unrenderedConfig ?? patch.config);
    if (node.resource_type !== 'seed') {
      for (const [key, value] of configCallOf(node) ?? []) written.set(key, value === null ? 'literal' : { unrendered: value });
    }
    const unrendered: Record<string, unknown> = {};
    for (const [key, value] of written) if (value !== 'literal') unrendered[key] = value.unrendered;
    if (Object.keys(unrendered).length > 0) node.unrendered_config = { ...node.config, ...unrendered };
  }
}

function addJinjaValues(written: Map<string, Written>, config: NodeConfig): void {
  for (const [key, value] of Object.entries(config)) {
    written.set(key, typeof value === 'string' && hasJinja(value) ? { unrendered: value } : 'literal');
  }
}

/** configCallArguments of the template `source` parsed as `ast`. */
export function configCallArguments(source: string, ast: TemplateAst): ConfigCallArguments {
  // Only a call written `config(` is looked for, as before the tree was shared: the same calls count.
  if (!source.includes('config(')) return [];
  return (findConfigCall(ast)?.kwargs ?? []).map(([key, expr]) => [key, isLiteral(expr) ? null : withoutPositions(expr)]);
}

function findConfigCall(value: unknown): { kwargs: [string, unknown][] } | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findConfigCall(item);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const node = value as { kind?: string; fn?: { kind?: string; name?: string }; kwargs?: [string, unknown][] };
  if (node.kind === 'call' && node.fn?.kind === 'name' && node.fn.name === 'config') return { kwargs: node.kwargs ?? [] };
  // for-in, not Object.values: no array per syntax node (the tree is plain object literals).
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    const found = findConfigCall(child);
    if (found) return found;
  }
  return undefined;
}

function isLiteral(expr: unknown): boolean {
  const node = expr as { kind: string; items?: unknown[]; pairs?: [unknown, unknown][] };
  if (node.kind === 'const') return true;
  if (node.kind === 'list' || node.kind === 'tuple') return (node.items ?? []).every(isLiteral);
  if (node.kind === 'dict') return (node.pairs ?? []).every(([k, v]) => isLiteral(k) && isLiteral(v));
  return false;
}

/** The syntax tree without line/column, so that moving the call is no change. */
function withoutPositions(expr: unknown): string {
  return JSON.stringify(expr, (key, v: unknown) => (key === 'line' || key === 'col' ? undefined : v));
}
