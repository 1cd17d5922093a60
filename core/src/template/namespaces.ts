/**
 * Macro namespaces as dbt builds them (dbt-core `context/macros.py`, MacroNamespace): every macro belongs
 * to a package — the root project, an installed package, or the internal `dbt` package that holds what
 * xform itself defines. A bare name is looked up in
 *   1. the "local" package: the package of the node being rendered (dbt's search package),
 *   2. the root project,
 *   3. package names, which evaluate to that package's namespace (`dbt_utils.star`, `my_project.x`),
 *   4. `dbt`, the internal namespace,
 *   5. the internal macros,
 * so root macros override internal ones (generic tests included) everywhere, and a package's macros win
 * only for that package's own nodes. Same-named macros of different packages coexist.
 *
 * One addition: a bare name that dbt would leave undefined inside a package macro falls back to that
 * macro's own package. dbt resolves generic tests' macros this way (MacroResolver, local package first), so
 * packages whose test macros call their helpers unprefixed keep working from root models.
 */
import { didYouMeanHint } from '../errors.js';
import { PY_GETATTR } from './runtime/callables.js';
import type { Macro } from './runtime/macro.js';
import { Undefined } from './runtime/values.js';

/** The package of everything xform defines itself, reachable as `dbt.` as in dbt. */
export const INTERNAL_PACKAGE = 'dbt';

/** `dbt_utils` in `dbt_utils.star(...)`: attribute access finds the package's macros. */
export class PackageNamespace {
  constructor(
    readonly packageName: string,
    private readonly namespaces: MacroNamespaces,
  ) {}

  [PY_GETATTR](name: string): unknown {
    const macro = this.namespaces.fromPackage(this.packageName, name);
    if (macro) return macro;
    const hint = didYouMeanHint(name, this.namespaces.namesIn(this.packageName));
    return new Undefined(`package '${this.packageName}' has no macro named '${name}'${hint ? ` (${hint})` : ''}`);
  }

  toString(): string {
    return `<namespace '${this.packageName}'>`;
  }
}

export class MacroNamespaces {
  private readonly packages = new Map<string, Map<string, Macro>>();
  private readonly views = new Map<string, PackageNamespace>();
  /**
   * While set, every name looked up is added: bare names as written, names looked up in a package as
   * `pkg.name` (also the local package's and the fallback package's probes of a bare name), so a caller
   * can tell which macros — and which absent ones a new macro would shadow — a render depended on.
   */
  lookups: Set<string> | null = null;
  /** The package of the node being rendered. */
  local: string;

  constructor(readonly root: string) {
    this.local = root;
    this.packages.set(root, new Map());
    this.packages.set(INTERNAL_PACKAGE, new Map());
  }

  /** Adds a macro; returns the macro it collides with in the same package, if any (nothing is added then). */
  add(packageName: string, macro: Macro): Macro | undefined {
    let pkg = this.packages.get(packageName);
    if (!pkg) this.packages.set(packageName, (pkg = new Map()));
    const existing = pkg.get(macro.name);
    if (existing) return existing;
    pkg.set(macro.name, macro);
    return undefined;
  }

  hasPackage(name: string): boolean {
    return this.packages.has(name);
  }

  /**
   * A bare name as a template or a macro of package `own` sees it: a macro, a package namespace, or
   * undefined when neither (the caller then tries its globals).
   */
  resolve(name: string, own?: string): Macro | PackageNamespace | undefined {
    this.lookups?.add(name);
    if (this.local !== this.root) {
      const local = this.probe(this.local, name);
      if (local) return local;
    }
    const found = this.packages.get(this.root)!.get(name) ?? this.namespaceOf(name) ?? this.packages.get(INTERNAL_PACKAGE)!.get(name);
    if (found) return found;
    if (own !== undefined && own !== this.local && own !== this.root && own !== INTERNAL_PACKAGE) return this.probe(own, name);
    return undefined;
  }

  /** dbt's `get_from_package(None, name)`: the macro a bare name finds, ignoring package namespaces. */
  find(name: string): Macro | undefined {
    const found = this.resolve(name);
    return found instanceof PackageNamespace ? undefined : found;
  }

  /** `pkg.name`: the macro `name` of package `pkg` (`dbt` for the internal ones). */
  fromPackage(pkg: string, name: string): Macro | undefined {
    return this.probe(pkg, name);
  }

  /** The macro a dotted or bare name stands for from the root project, without recording the lookup. */
  peek(qualified: string): Macro | undefined {
    const dot = qualified.indexOf('.');
    if (dot !== -1) return this.packages.get(qualified.slice(0, dot))?.get(qualified.slice(dot + 1));
    return this.packages.get(this.root)!.get(qualified) ?? this.packages.get(INTERNAL_PACKAGE)!.get(qualified);
  }

  /** Every macro name, bare, and every package name, for did-you-mean hints. */
  *names(): Iterable<string> {
    for (const [name, pkg] of this.packages) {
      if (name !== '') yield name;
      yield* pkg.keys();
    }
  }

  namesIn(pkg: string): Iterable<string> {
    return this.packages.get(pkg)?.keys() ?? [];
  }

  /** Runs `fn` with `pkg` as the package of the node being rendered. */
  withLocal<R>(pkg: string | undefined, fn: () => R): R {
    const saved = this.local;
    this.local = pkg ?? this.root;
    try {
      return fn();
    } finally {
      this.local = saved;
    }
  }

  private probe(pkg: string, name: string): Macro | undefined {
    this.lookups?.add(`${pkg}.${name}`);
    return this.packages.get(pkg)?.get(name);
  }

  private namespaceOf(name: string): PackageNamespace | undefined {
    if (!this.packages.has(name)) return undefined;
    let view = this.views.get(name);
    if (!view) this.views.set(name, (view = new PackageNamespace(name, this)));
    return view;
  }
}
