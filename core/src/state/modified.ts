/**
 * What `state:modified` means, as in dbt-core (`same_contents` of each node type): a node is modified
 * when its body, its configs, its relation as configured, its persisted descriptions, its fqn or its
 * contract changed, or when a macro it calls (directly or through other macros) changed. Each part is also
 * a sub-selector (`state:modified.body` ...). Nothing compared depends on the machine or the target: the
 * body is compared with normalised line endings and the relation by its configured database/schema/alias,
 * not the target schema they resolve to, so production's state compares cleanly with a CI target.
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../compile/manifest.js';
import type { StateValue } from '../graph/selector-parse.js';
import type { ExecutableNode, GraphNode, MacroNode, SourceNode, TestNode } from '../graph/types.js';


/**
 * Configs that are not compared as configs: the relation keys (compared by `modified.relation`) and
 * those dbt excludes from config comparison (tags, group).
 */
const NOT_CONFIGS = new Set(['alias', 'schema', 'database', 'tags', 'group']);

type AnyNode = GraphNode;

/** Compares the current manifest with the state's; one instance per selection (it caches macro answers). */
export class StateComparison {
  private modifiedMacros?: Set<string>;
  private readonly macroVerdicts = new Map<string, boolean>();

  constructor(
    private readonly current: Pick<Manifest, 'macros'>,
    private readonly previous: Pick<Manifest, 'nodes' | 'sources' | 'macros'>,
  ) {}

  /** The state's version of a node (undefined: new). */
  previousOf(uniqueId: string): AnyNode | undefined {
    return (this.previous.nodes[uniqueId] ?? this.previous.sources[uniqueId]) as AnyNode | undefined;
  }

  matches(value: StateValue, node: AnyNode): boolean {
    const old = this.previousOf(node.unique_id);
    switch (value) {
      case 'new':
        return old === undefined;
      case 'old':
        return old !== undefined;
      case 'modified':
        return this.modified(old, node);
      case 'unmodified':
        return !this.modified(old, node);
      case 'modified.macros':
        return this.callsModifiedMacro(node.depends_on.macros);
      default:
        // The parts of `modified`: a new node is modified in each of them.
        if (old === undefined) return true;
        return !PARTS[value](old, node);
    }
  }

  private modified(old: AnyNode | undefined, node: AnyNode): boolean {
    if (old === undefined) return true;
    return !sameContents(old, node) || this.callsModifiedMacro(node.depends_on.macros);
  }

  /** Whether any of these macros, or a macro they call, differs from the state's. */
  private callsModifiedMacro(ids: readonly string[], visiting = new Set<string>()): boolean {
    this.modifiedMacros ??= changedMacros(this.current.macros, this.previous.macros ?? {});
    if (this.modifiedMacros.size === 0) return false;
    for (const id of ids) {
      const known = this.macroVerdicts.get(id);
      if (known !== undefined) {
        if (known) return true;
        continue;
      }
      if (visiting.has(id)) continue;
      visiting.add(id);
      const verdict = this.modifiedMacros.has(id) || this.callsModifiedMacro(this.current.macros[id]?.depends_on?.macros ?? [], visiting);
      this.macroVerdicts.set(id, verdict);
      if (verdict) return true;
    }
    return false;
  }
}

/** Macros whose SQL differs (line endings aside), and macros added or removed. */
export function changedMacros(current: Record<string, MacroNode>, previous: Record<string, MacroNode>): Set<string> {
  const out = new Set<string>();
  for (const [id, macro] of Object.entries(current)) {
    const old = previous[id];
    if (old === undefined || normalise(old.macro_sql) !== normalise(macro.macro_sql)) out.add(id);
  }
  for (const id of Object.keys(previous)) if (!(id in current)) out.add(id);
  return out;
}

type Part = Exclude<StateValue, 'new' | 'old' | 'modified' | 'unmodified' | 'modified.macros'>;

/** Each returns true when old and new are the SAME in that respect. */
const PARTS: Record<Part, (old: AnyNode, node: AnyNode) => boolean> = {
  'modified.body': sameBody,
  'modified.configs': sameConfig,
  'modified.relation': sameRelation,
  'modified.persisted_descriptions': samePersistedDescriptions,
  'modified.contract': sameContract,
};

function sameContents(old: AnyNode, node: AnyNode): boolean {
  if (node.resource_type === 'source') {
    const o = old as SourceNode;
    return (
      sameRelation(old, node) &&
      sameFqn(old, node) &&
      sameConfig(old, node) &&
      stable(o.freshness ?? null) === stable(node.freshness ?? null) &&
      (o.loaded_at_field ?? null) === (node.loaded_at_field ?? null)
    );
  }
  if (node.resource_type === 'unit_test') {
    return stable((old as TestNode).unit_test ?? null) === stable(node.unit_test ?? null) && sameConfig(old, node) && sameFqn(old, node);
  }
  // dbt compares generic tests by config and fqn only: their SQL comes from the test macro.
  if (node.resource_type === 'test' && node.test_metadata !== undefined) {
    return sameConfig(old, node) && sameFqn(old, node) && stable((old as TestNode).test_metadata?.kwargs ?? null) === stable(node.test_metadata.kwargs);
  }
  return sameBody(old, node) && sameConfig(old, node) && samePersistedDescriptions(old, node) && sameFqn(old, node) && sameRelation(old, node) && sameContract(old, node);
}

function sameBody(old: AnyNode, node: AnyNode): boolean {
  if (node.resource_type === 'source') return true;
  const o = old as ExecutableNode | TestNode;
  if (node.resource_type === 'seed') return o.checksum?.checksum === node.checksum.checksum;
  return normalise(o.raw_code ?? '') === normalise(node.raw_code);
}

function sameConfig(old: AnyNode, node: AnyNode): boolean {
  return stable(comparedConfig(unrendered(old))) === stable(comparedConfig(unrendered(node)));
}

/** dbt compares configs as written in the project file (see compile/unrendered-config.ts). */
function unrendered(node: AnyNode): Record<string, unknown> {
  return (node as ExecutableNode).unrendered_config ?? node.config ?? {};
}

function comparedConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key, value]) => !NOT_CONFIGS.has(key) && value !== undefined));
}

/** The relation as configured (not as resolved against a target, so a CI schema is not a change). */
function sameRelation(old: AnyNode, node: AnyNode): boolean {
  if (node.resource_type === 'source') {
    const o = old as SourceNode;
    return o.schema === node.schema && o.identifier === node.identifier && (o.database ?? null) === (node.database ?? null);
  }
  const [before, now] = [unrendered(old), unrendered(node)];
  return ['database', 'schema', 'alias'].every((key) => (before[key] ?? null) === (now[key] ?? null));
}

function samePersistedDescriptions(old: AnyNode, node: AnyNode): boolean {
  const persist = node.config.persist_docs ?? {};
  if (persist.relation === true && (old.description ?? '') !== node.description) return false;
  if (persist.columns === true) {
    const descriptions = (n: AnyNode) => stable(Object.fromEntries(Object.entries(n.columns ?? {}).map(([k, c]) => [k, c.description ?? ''])));
    if (descriptions(old) !== descriptions(node)) return false;
  }
  return true;
}

function sameFqn(old: AnyNode, node: AnyNode): boolean {
  return (old.fqn ?? []).join('.') === node.fqn.join('.');
}

/** Only an enforced contract counts: its columns, their types and constraints, and the materialization. */
function sameContract(old: AnyNode, node: AnyNode): boolean {
  if (node.resource_type !== 'model') return true;
  const checksum = contractChecksum(node);
  const before = contractChecksum(old);
  return checksum === before;
}

export function contractChecksum(node: AnyNode): string | undefined {
  const contract = node.config?.contract as { enforced?: boolean } | undefined;
  if (contract?.enforced !== true) return undefined;
  const columns = Object.values(node.columns ?? {})
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => `|${c.name}${c.data_type ?? ''}${stable(c.constraints ?? [])}`)
    .join('');
  const model = `${node.config.materialized ?? ''}${stable((node as { constraints?: unknown }).constraints ?? [])}`;
  return createHash('sha256').update(columns + model).digest('hex');
}

function normalise(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** JSON with object keys sorted, so that key order never reads as a change. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
