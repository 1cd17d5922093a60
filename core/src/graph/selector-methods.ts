/**
 * What each selector method matches, before graph operators (`+`, `@`) are applied. Each method is a
 * predicate on one node, so an atom costs one pass over the nodes; an exact bare name (the common case
 * on the command line) is looked up in a name index instead.
 */
import { XformError } from '../errors.js';
import { explicitLayer } from './describe.js';
import { fnmatch, hasWildcard } from './glob.js';
import type { LineageGraph } from './lineage-graph.js';
import type { SelectorAtom } from './selector-parse.js';
import type { GraphNode } from './types.js';

export interface MatchContext {
  /** The root project's name, for `package:this`. */
  projectName?: string;
  /**
   * `state:`, `result:` and `source_status:` given `--state`: the predicate for a method and value.
   * Default: none, and those methods are XFORM_STATE_REQUIRED.
   */
  stateMethods?: StateMethods;
}

export type Predicate = (node: GraphNode) => boolean;
export type StateMethods = (method: 'state' | 'result' | 'source_status', value: string) => Predicate;

/**
 * Exact bare name -> ids, answering the `name` method without a scan: the name, the fqn's last part and
 * the fqn's first part (the package, which dbt's fqn method selects whole).
 */
const nameIndexes = new WeakMap<LineageGraph, Map<string, Set<string>>>();

/** Ids of the nodes the atom's method and value match (graph operators not applied). */
export function matchAtom(graph: LineageGraph, atom: SelectorAtom, ctx: MatchContext): Set<string> {
  const value = atom.value;
  if (atom.method === 'name' && !hasWildcard(value) && !value.includes('.')) {
    return new Set(nameIndex(graph).get(value));
  }
  const predicate = predicateFor(atom, ctx);
  const out = new Set<string>();
  for (const node of graph.nodes()) if (predicate(node)) out.add(node.unique_id);
  return out;
}

function nameIndex(graph: LineageGraph): Map<string, Set<string>> {
  let index = nameIndexes.get(graph);
  if (index === undefined) {
    const built = new Map<string, Set<string>>();
    const add = (key: string | undefined, id: string): void => {
      if (key === undefined) return;
      const ids = built.get(key);
      if (ids === undefined) built.set(key, new Set([id]));
      else ids.add(id);
    };
    for (const node of graph.nodes()) {
      add(node.name, node.unique_id);
      add(node.fqn[node.fqn.length - 1], node.unique_id);
      add(node.fqn[0]?.split('.')[0], node.unique_id);
    }
    nameIndexes.set(graph, (index = built));
  }
  return index;
}

/** What an atom's method and value match, as a predicate on one node (the docs site runs it on its own data). */
export function predicateFor(atom: SelectorAtom, ctx: MatchContext): Predicate {
  const value = atom.value;
  switch (atom.method) {
    case 'name':
      // dbt's default method is fqn, which also matches the bare name; a glob on the name is xform's addition.
      return (node) => fnmatch(node.name, value) || fqnMatches(node.fqn, value);
    case 'fqn':
      return (node) => fqnMatches(node.fqn, value);
    case 'tag':
      return (node) => node.tags.some((t) => fnmatch(t, value)) || (node.config.tags ?? []).some((t) => fnmatch(t, value));
    case 'path':
      return pathPredicate(value);
    case 'layer':
      return (node) => {
        const layer = explicitLayer(node);
        return layer !== undefined && fnmatch(layer, value);
      };
    case 'config':
      return configPredicate(atom.configKey!, value);
    case 'source':
      return sourcePredicate(value);
    case 'resource_type':
      return (node) => node.resource_type === value;
    case 'package': {
      const pkg = value === 'this' && ctx.projectName !== undefined ? ctx.projectName : value;
      return (node) => fnmatch(node.package_name, pkg);
    }
    case 'test_type':
      return testTypePredicate(value);
    case 'test_name':
      return (node) => {
        if (node.resource_type !== 'test' || node.test_metadata === undefined) return false;
        const { name, namespace } = node.test_metadata;
        return fnmatch(name, value) || (namespace !== undefined && fnmatch(`${namespace}.${name}`, value));
      };
    case 'state':
    case 'result':
    case 'source_status':
      if (ctx.stateMethods === undefined) {
        throw new XformError('XFORM_STATE_REQUIRED', `'${atom.raw}' compares with a previous run, but no --state was given`, {
          hint: `add --state <dir> with the target/ folder of that run, e.g. --state prod-artifacts`,
        });
      }
      return ctx.stateMethods(atom.method, value);
    case 'file':
      return (node) => {
        const base = node.original_file_path.slice(node.original_file_path.lastIndexOf('/') + 1);
        const dot = base.lastIndexOf('.');
        return fnmatch(base, value) || (dot > 0 && base.slice(0, dot) === value);
      };
  }
}

/**
 * dbt's fqn matching: the bare last part matches; otherwise the dotted selector is a prefix of the
 * (dot-flattened) fqn, and from the first part with a wildcard on, the rest is one fnmatch.
 */
export function fqnMatches(fqn: string[], selector: string): boolean {
  if (fqn.length === 0) return false;
  if (fqn[fqn.length - 1] === selector) return true;
  const flat = fqn.flatMap((part) => part.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (hasWildcard(part)) return fnmatch(flat.slice(i).join('.'), parts.slice(i).join('.'));
    if (flat[i] !== part) return false;
  }
  return true;
}

/** A file or a folder prefix, relative to the project root; with wildcards, the file or any of its folders may match. */
function pathPredicate(raw: string): Predicate {
  const value = raw.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (value === '' || value === '.') return () => true;
  if (!hasWildcard(value)) {
    const folder = `${value}/`;
    return (node) => node.original_file_path === value || node.original_file_path.startsWith(folder);
  }
  return (node) => {
    const file = node.original_file_path;
    if (fnmatch(file, value)) return true;
    for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) {
      if (fnmatch(file.slice(0, i), value)) return true;
    }
    return false;
  };
}

function configPredicate(key: string[], value: string): Predicate {
  const matches = (v: unknown): boolean => {
    if (typeof v === 'string') return fnmatch(v, value);
    if (typeof v === 'boolean' || typeof v === 'number') return String(v).toLowerCase() === value.toLowerCase();
    return false;
  };
  return (node) => {
    let current: unknown = node.config;
    for (const k of key) {
      if (typeof current !== 'object' || current === null) return false;
      current = (current as Record<string, unknown>)[k];
    }
    return Array.isArray(current) ? current.some(matches) : matches(current);
  };
}

/** `source:shop`, `source:shop.orders` or `source:package.shop.orders`; wildcards allowed in each part. */
function sourcePredicate(value: string): Predicate {
  const parts = value.split('.');
  return (node) => {
    if (node.resource_type !== 'source') return false;
    if (parts.length === 1) return fnmatch(node.source_name, parts[0]!);
    if (parts.length === 2) return fnmatch(node.source_name, parts[0]!) && fnmatch(node.name, parts[1]!);
    return (
      fnmatch(node.package_name, parts[0]!) &&
      fnmatch(node.source_name, parts[1]!) &&
      fnmatch(node.name, parts.slice(2).join('.'))
    );
  };
}

function testTypePredicate(value: string): Predicate {
  switch (value) {
    case 'generic':
    case 'schema':
      return (node) => node.resource_type === 'test' && node.test_metadata !== undefined;
    case 'singular':
      return (node) => node.resource_type === 'test' && node.test_metadata === undefined;
    case 'data':
      // dbt 1.8: every data test (generic and singular), as opposed to unit tests.
      return (node) => node.resource_type === 'test';
    default:
      return (node) => node.resource_type === 'unit_test';
  }
}
