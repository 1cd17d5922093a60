/**
 * The template engine the compile layer uses: compiles every macro file once, compiles templates once, and
 * renders them any number of times. Per-render names (ref, this, config...) sit in one swappable slot that
 * templates and macros read through `env.resolve`, so a render creates no environment and re-exports no
 * macros, and a macro called from model A sees A's names (dbt semantics).
 *
 * Name lookup order: per-render context, then macros (by package, see namespaces.ts), then `globals`, then
 * the builtins.
 */
import { XformError, didYouMeanHint, type Diagnostic } from '../errors.js';
import { generate } from './compiler/codegen.js';
import { columnTypesApi } from './dbt/column-types.js';
import { DISPATCH_LOOKUP, dbtGlobals, describeDispatch, type DbtGlobalsOptions, type DispatchEntry, type LogFn } from './dbt/dbt-globals.js';
import { GLOBAL_MACRO_FILES } from './dbt/macros/index.js';
import { flat } from '../flat-string.js';
import { INTERNAL_PACKAGE, MacroNamespaces } from './namespaces.js';
import { toRenderError } from './render-errors.js';
import { BUILTIN_GLOBALS } from './runtime/builtins.js';
import { PY_CALL, toJs } from './runtime/callables.js';
import { FILTERS } from './runtime/filters.js';
import { Macro } from './runtime/macro.js';
import { rt } from './runtime/rt.js';
import { TESTS } from './runtime/tests.js';
import { hasOwn, isDict, undef } from './runtime/values.js';
import type { TemplateAst } from './syntax/ast.js';
import { parseTemplate } from './syntax/parser.js';
import { prepareSource } from './syntax/source.js';
import { prebuiltMacroFile, type MacroOutline } from './prebuilt.js';

export interface MacroFile {
  path: string;
  contents: string;
  /** The package the file's macros belong to. Default: the root project (`rootPackage`). */
  packageName?: string;
}

export interface TemplateEngineOptions {
  /** Macro files (macros/**.sql and tests/generic/**.sql). Every macro is callable from every template
   *  without import, and from other macros. */
  macroFiles: MacroFile[];
  /** Adapter type for adapter.dispatch(): `duckdb`, `postgres`, ... */
  adapterType: string;
  /** The root project's name: its macros override internal ones, and `<name>.macro()` reaches them.
   *  Default: '' (a root without a name). */
  rootPackage?: string;
  /** The project's `dispatch:` config: the packages adapter.dispatch() searches per macro namespace.
   *  Default: none ([root project, namespace] for installed namespaces, as in dbt). */
  dispatch?: DispatchEntry[];
  /** Values visible to every template and macro (dbt globals that never change between models, e.g.
   *  `target`, `run_started_at`, `invocation_id`, `var`, `env_var`). Default: none. */
  globals?: Record<string, unknown>;
  /** Receives `log()`, `print()` and `exceptions.warn()` messages. Default: they are dropped. */
  log?: LogFn;
}

/** A compiled template; render it with `TemplateEngine.render`. */
export interface CompiledTemplate {
  readonly path: string;
  /** The package of the node the template belongs to: its macros come first. Default: the root project. */
  readonly packageName?: string;
  /** @internal */
  readonly run: () => string;
}

export interface MacroInfo {
  /** `generate_schema_name`, or `test_not_null` for a `{% test not_null %}` block. */
  name: string;
  /** The package it belongs to: the root project's name, an installed package's, or `dbt` (internal). */
  packageName: string;
  path: string;
  line: number;
  arguments: string[];
  /** The arguments without a default value. */
  required: string[];
  /** Whether it reads `kwargs`, and so takes keyword arguments it does not name. */
  catchKwargs: boolean;
  /** The macro's source, from `{% macro` to `{% endmacro %}`. */
  sql: string;
}

interface RenderEnv {
  ctx: Record<string, unknown> | null;
  resolve: (name: string) => unknown;
}

type Factory = (
  rtArg: typeof rt,
  env: RenderEnv,
  filters: typeof FILTERS,
  tests: typeof TESTS,
  consts: readonly string[],
) => () => unknown;

/**
 * Built internal macro files by path and contents, shared by every engine of the process: dbt's global
 * macros are parsed and compiled once, not once per `xform compile` of a watch session or test.
 */
const internalBuilds = new Map<string, { outline: MacroOutline[]; factory: Factory; consts: readonly string[] }>();

/** The source text of a macro block, from the prepared source's lines. */
function sliceSpan(lines: string[], span: MacroOutline['span']): string {
  const { startLine, startCol, endLine, endCol } = span;
  if (startLine === endLine) return lines[startLine]!.slice(startCol, endCol);
  return [lines[startLine]!.slice(startCol), ...lines.slice(startLine + 1, endLine), lines[endLine]!.slice(0, endCol)].join('\n');
}

/** Forgets the internal macro files compiled in this process, as a new process would start (tests). */
export function forgetInternalBuilds(): void {
  internalBuilds.clear();
}

/** What loading a macro file needs of each `{% macro %}` block, in order. */
function macroOutline(ast: TemplateAst): MacroOutline[] {
  return ast.body.flatMap((s) =>
    s.kind === 'macro'
      ? [{ line: s.line, col: s.col, params: s.params.map((p) => p.name), required: s.params.filter((p) => p.default === null).map((p) => p.name), span: s.span }]
      : [],
  );
}

/**
 * A macro file compiled as the engine compiles it: the generated code, its constants and its macros'
 * outline (core/scripts/prebuild-macros.mjs stores dbt's internal files this way at build time).
 */
export function compileMacroFile(path: string, source: string): { code: string; consts: readonly string[]; outline: MacroOutline[] } {
  const ast = parseTemplate(source, path);
  const { code, consts } = generate(ast, { file: path, macroFile: true });
  return { code, consts, outline: macroOutline(ast) };
}

export class TemplateEngine {
  readonly macros: MacroInfo[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly namespaces: MacroNamespaces;
  private readonly macroInfo = new Map<Macro, MacroInfo>();
  private readonly globals: Record<string, unknown>;
  private readonly dbtOptions: DbtGlobalsOptions;
  /** Holds the per-render context; templates of the root project and of node packages resolve through it. */
  private readonly env: RenderEnv;
  /** Resolvers for the code of each package's macros (a bare name may fall back to the macro's package). */
  private readonly packageEnvs = new Map<string, RenderEnv>();
  /** Compiled factories by generated code: templates of the same shape share one (see codegen `consts`). */
  private readonly factories = new Map<string, Factory>();

  constructor(options: TemplateEngineOptions) {
    const namespaces = new MacroNamespaces(options.rootPackage ?? '');
    this.namespaces = namespaces;
    this.dbtOptions = { adapterType: options.adapterType, macros: namespaces, dispatch: options.dispatch, log: options.log };
    const dbt = dbtGlobals(this.dbtOptions);
    const given = options.globals ?? {};
    // Defaults the global macros read: `api` covers Column type names, `flags` the command-line switches
    // (off unless the caller gives `flags`); a fuller `api` or real `flags` given replaces them.
    const defaults = { api: columnTypesApi(options.adapterType), flags: { FULL_REFRESH: false, STORE_FAILURES: false, EMPTY: false } };
    this.globals = { ...BUILTIN_GLOBALS, ...defaults, ...dbt, ...given };
    // A caller-supplied `adapter` object (quote, get_columns_in_relation...) keeps `adapter.dispatch`.
    if (isDict(given.adapter) && !hasOwn(given.adapter, 'dispatch')) {
      this.globals.adapter = { ...given.adapter, dispatch: (dbt.adapter as { dispatch: unknown }).dispatch };
    }
    this.env = this.makeEnv(undefined);
    for (const file of [...GLOBAL_MACRO_FILES, ...options.macroFiles]) this.loadMacroFile(file);
  }

  private makeEnv(own: string | undefined): RenderEnv {
    const globals = this.globals;
    const namespaces = this.namespaces;
    const shared = () => this.env;
    return {
      ctx: null,
      resolve: (name) => {
        const ctx = shared().ctx;
        if (ctx !== null && hasOwn(ctx, name)) return ctx[name];
        const macro = namespaces.resolve(name, own);
        if (macro !== undefined) return macro;
        if (hasOwn(globals, name)) return globals[name];
        return undef(name);
      },
    };
  }

  private envFor(packageName: string): RenderEnv {
    let env = this.packageEnvs.get(packageName);
    if (!env) this.packageEnvs.set(packageName, (env = this.makeEnv(packageName)));
    return env;
  }

  private build(path: string, source: string, env: RenderEnv, macroFile: boolean, shared = false, inspect?: (ast: TemplateAst) => void): { outline: MacroOutline[]; run: () => unknown } {
    const key = `${path}\0${source}`;
    const built = shared ? (internalBuilds.get(key) ?? this.prebuilt(key, path, source)) : undefined;
    if (built) return { outline: built.outline, run: built.factory(rt, env, FILTERS, TESTS, built.consts) };
    const ast = parseTemplate(source, path);
    inspect?.(ast);
    const { code, consts } = generate(ast, { file: path, macroFile });
    const factory = this.factoryOf(code, path);
    const outline = macroFile ? macroOutline(ast) : [];
    if (shared) internalBuilds.set(key, { outline, factory, consts });
    return { outline, run: factory(rt, env, FILTERS, TESTS, consts) };
  }

  /** An internal macro file as the build compiled it (prebuilt.ts), kept like one compiled here. */
  private prebuilt(key: string, path: string, source: string): { outline: MacroOutline[]; factory: Factory; consts: readonly string[] } | undefined {
    const found = prebuiltMacroFile(path, source);
    if (!found) return undefined;
    const built = { outline: found.outline, factory: this.factoryOf(found.code, path), consts: found.consts };
    internalBuilds.set(key, built);
    return built;
  }

  private factoryOf(code: string, path: string): Factory {
    let factory = this.factories.get(code);
    if (factory === undefined) {
      try {
        factory = new Function('rt', 'env', 'F', 'T', 'K', code) as Factory;
      } catch (err) {
        throw new XformError('XFORM_INTERNAL', `could not compile template: ${(err as Error).message}`, { location: { file: path }, cause: err });
      }
      this.factories.set(code, factory);
    }
    return factory;
  }

  private loadMacroFile(file: MacroFile): void {
    const pkg = file.packageName ?? this.namespaces.root;
    let built: { outline: MacroOutline[]; run: () => unknown };
    try {
      built = this.build(file.path, file.contents, this.envFor(pkg), true, pkg === INTERNAL_PACKAGE);
    } catch (err) {
      this.diagnostics.push(toRenderError(err, file.path, () => []).toDiagnostic());
      return;
    }
    const defined = built.run() as Macro[];
    const lines = prepareSource(file.contents).split('\n');
    defined.forEach((macro, i) => {
      const node = built.outline[i]!;
      const clash = this.namespaces.add(pkg, macro);
      if (clash) {
        const existing = this.macroInfo.get(clash)!;
        const where = pkg === this.namespaces.root ? '' : ` in package '${pkg}'`;
        this.diagnostics.push({
          severity: 'error',
          code: 'XFORM_MACRO_DUPLICATE',
          message: `macro '${macro.name}' is defined twice${where}: in ${existing.path}:${existing.line} and in ${file.path}:${node.line}`,
          location: { file: file.path, line: node.line, column: node.col },
          hint: 'rename or remove one of them',
        });
        return;
      }
      const info: MacroInfo = {
        name: macro.name,
        packageName: pkg,
        path: file.path,
        line: node.line,
        arguments: node.params,
        required: node.required,
        catchKwargs: macro.catch_kwargs,
        sql: sliceSpan(lines, node.span),
      };
      this.macroInfo.set(macro, info);
      this.macros.push(info);
    });
  }

  /**
   * Compiles a template once. `packageName` is the package of the node it belongs to (default: the root
   * project). `inspect` sees the syntax tree before code is generated from it, so that a caller that needs
   * to read the template (its `config()` call) does not parse it again. Throws XformError
   * XFORM_TEMPLATE_SYNTAX (or XFORM_TEMPLATE_UNSUPPORTED).
   */
  compile(path: string, source: string, packageName?: string, inspect?: (ast: TemplateAst) => void): CompiledTemplate {
    const { run } = this.build(path, source, this.env, false, false, inspect);
    return { path, packageName, run: run as () => string };
  }

  /** Renders a compiled template with per-render names. Throws XformError with the failing file and line. */
  render(template: CompiledTemplate, context: Record<string, unknown>): string {
    // A template's output is a tree of its pieces until flattened (flat-string.ts); nodes keep theirs.
    return flat(this.namespaces.withLocal(template.packageName, () => this.withContext(context, template.path, template.run)));
  }

  renderString(path: string, source: string, context: Record<string, unknown>, packageName?: string): string {
    return this.render(this.compile(path, source, packageName), context);
  }

  /**
   * Calls a macro by name (`name`, or `package.name`) with positional arguments, as a node of
   * `packageName` (default: the root project) would; returns its `return()` value (as plain JavaScript:
   * numbers, arrays, objects; Undefined becomes `undefined`) or its rendered text.
   */
  callMacro(name: string, args: unknown[], context: Record<string, unknown>, packageName?: string): unknown {
    return this.namespaces.withLocal(packageName, () => {
      const macro = this.lookup(name);
      if (!macro) {
        throw new XformError('XFORM_MACRO_NOT_FOUND', `macro '${name}' is not defined`, {
          hint: didYouMeanHint(name.slice(name.indexOf('.') + 1), this.namespaces.names()),
        });
      }
      return toJs(this.withContext(context, macro.meta.file, () => macro[PY_CALL](args, null)));
    });
  }

  /**
   * What is known of the macro `name` (`package.name`, or a bare name as a node of `packageName` sees it;
   * default: the root project, whose own macros come before the internal ones): its package, file, line
   * and arguments; undefined when there is none.
   */
  macroInfoOf(name: string, packageName?: string): MacroInfo | undefined {
    const macro = packageName === undefined ? this.namespaces.peek(name) : this.namespaces.withLocal(packageName, () => this.lookup(name));
    return macro && this.macroInfo.get(macro);
  }

  /** Whether `name` (`package.name`, or bare as a node of `packageName` sees it) is a macro; records the lookup. */
  hasMacro(name: string, packageName?: string): boolean {
    return this.namespaces.withLocal(packageName, () => this.lookup(name)) !== undefined;
  }

  /** Whether a package of that name has macros or is the root project or `dbt`. */
  hasPackage(name: string): boolean {
    return this.namespaces.hasPackage(name);
  }

  /**
   * Records into `names` every name that renders resolve outside their per-render context (macros,
   * globals, builtins, unknown names; `pkg.name` for names looked up in a package) until called again
   * with null.
   */
  trackLookups(names: Set<string> | null): void {
    this.namespaces.lookups = names;
  }

  /**
   * The source of the macro `name` (`package.name`, or bare as the root project sees it), from
   * `{% macro %}` to `{% endmacro %}`, or undefined when there is none.
   */
  macroSource(name: string): string | undefined {
    return this.macroInfoOf(name)?.sql;
  }

  /**
   * What a name recorded by trackLookups stands for now, for comparing renders: a macro's source, the
   * adapter prefixes and search order of a dispatch (`dispatch:<namespace>`), or undefined.
   */
  lookupSource(name: string): string | undefined {
    if (name.startsWith(DISPATCH_LOOKUP)) return describeDispatch(this.dbtOptions, name);
    return this.macroSource(name);
  }

  private lookup(name: string): Macro | undefined {
    const dot = name.indexOf('.');
    if (dot === -1) return this.namespaces.find(name);
    return this.namespaces.fromPackage(name.slice(0, dot), name.slice(dot + 1));
  }

  private withContext<R>(context: Record<string, unknown>, file: string, fn: () => R): R {
    const saved = this.env.ctx;
    this.env.ctx = context;
    try {
      return fn();
    } catch (err) {
      throw toRenderError(err, file, () => this.knownNames(context));
    } finally {
      this.env.ctx = saved;
    }
  }

  private *knownNames(context: Record<string, unknown>): Iterable<string> {
    yield* Object.keys(context);
    yield* this.namespaces.names();
    yield* Object.keys(this.globals);
  }
}

