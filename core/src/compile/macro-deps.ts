/**
 * `depends_on.macros`: the macros a node's (or a macro's) template calls, found in its Jinja blocks as
 * dbt's parser records them, so that `state:modified` can tell a node whose macro changed. Calls are read
 * from the text, not from a render: a macro called only on one branch of an `if` still counts, as in dbt.
 */
import type { MacroNode } from '../graph/types.js';
import { INTERNAL_PACKAGE } from '../template/index.js';

const JINJA_BLOCK = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const CALL = /(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\s*\(/g;
/** `adapter.dispatch('name', 'namespace')` (or `macro_namespace='namespace'`). */
const DISPATCH = /adapter\.dispatch\(\s*['"](\w+)['"]\s*(?:,\s*(?:macro_namespace\s*=\s*)?['"](\w+)['"])?/g;
/** `{% call name(...) %}` and `{% macro name(...) %}`: the first calls, the second defines. */
const DEFINITION = /\{%-?\s*macro\s+([A-Za-z_]\w*)/g;

const NO_NAMES: ReadonlySet<string> = new Set();

export interface MacroResolver {
  /** unique_ids of the macros `text` calls, from a template of package `ownPackage`. */
  callsIn(text: string, ownPackage: string): string[];
}

/**
 * Resolves a bare name the way a call finds it: the caller's package, then the root project, then dbt's
 * internal macros, then any package; `pkg.name` names its package.
 */
export function macroResolver(macros: Iterable<Pick<MacroNode, 'unique_id' | 'name' | 'package_name'>>, rootPackage: string, internalPackage: string): MacroResolver {
  const byName = new Map<string, Map<string, string>>();
  /** `default__star`, `duckdb__star` ... by the dispatched name (`star`). */
  const implementations = new Map<string, Pick<MacroNode, 'unique_id' | 'package_name'>[]>();
  for (const m of macros) {
    let packages = byName.get(m.name);
    if (packages === undefined) byName.set(m.name, (packages = new Map()));
    packages.set(m.package_name, m.unique_id);
    const sep = m.name.indexOf('__');
    if (sep > 0) {
      const base = m.name.slice(sep + 2);
      implementations.set(base, [...(implementations.get(base) ?? []), m]);
    }
  }
  /** Every adapter's implementation a dispatch can reach: the namespace's (or the caller's), and the root project's overrides. */
  const dispatched = (name: string, namespace: string | undefined, ownPackage: string): string[] => {
    const packages = new Set(namespace === undefined ? [ownPackage, rootPackage, internalPackage] : [namespace, rootPackage]);
    return (implementations.get(name) ?? []).filter((m) => packages.has(m.package_name)).map((m) => m.unique_id);
  };
  const resolve = (call: string, ownPackage: string): string | undefined => {
    const dot = call.indexOf('.');
    if (dot !== -1) return byName.get(call.slice(dot + 1))?.get(call.slice(0, dot));
    const packages = byName.get(call);
    if (packages === undefined) return undefined;
    return packages.get(ownPackage) ?? packages.get(rootPackage) ?? packages.get(internalPackage) ?? packages.values().next().value;
  };
  return {
    callsIn(text, ownPackage) {
      // The literal words the patterns need are looked for first: most texts define no macro and dispatch none.
      const defined = text.includes('macro') ? new Set([...text.matchAll(DEFINITION)].map((m) => m[1]!)) : NO_NAMES;
      const out = new Set<string>();
      for (const block of text.match(JINJA_BLOCK) ?? []) {
        for (const m of block.matchAll(CALL)) {
          const name = m[1]!;
          if (defined.has(name) && /\{%-?\s*macro\s/.test(block)) continue;
          const id = resolve(name, ownPackage);
          if (id !== undefined) out.add(id);
        }
        if (!block.includes('adapter.dispatch(')) continue;
        for (const m of block.matchAll(DISPATCH)) for (const id of dispatched(m[1]!, m[2], ownPackage)) out.add(id);
      }
      return [...out].sort();
    },
  };
}

/** Fills `depends_on.macros` of every node with a template and of every macro. */
export function recordMacroCalls(nodes: Iterable<{ raw_code?: string; package_name: string; depends_on: { macros: string[] } }>, macros: MacroNode[], rootPackage: string): void {
  const resolver = macroResolver(macros, rootPackage, INTERNAL_PACKAGE);
  // Generic tests of one kind share their template text (`{{ test_not_null(model=...) }}`): scan each text once.
  const scanned = new Map<string, Map<string, string[]>>();
  const callsIn = (text: string, pkg: string): string[] => {
    let byText = scanned.get(pkg);
    if (byText === undefined) scanned.set(pkg, (byText = new Map()));
    let calls = byText.get(text);
    if (calls === undefined) byText.set(text, (calls = resolver.callsIn(text, pkg)));
    return calls;
  };
  for (const node of nodes) {
    if (!node.raw_code) continue;
    const calls = callsIn(node.raw_code, node.package_name);
    node.depends_on.macros = node.depends_on.macros.length === 0 ? [...calls] : [...new Set([...node.depends_on.macros, ...calls])].sort();
  }
  for (const macro of macros) {
    macro.depends_on.macros = resolver.callsIn(macro.macro_sql, macro.package_name).filter((id) => id !== macro.unique_id);
  }
}
