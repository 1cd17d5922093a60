/**
 * The template engine the compile layer uses: compiles every macro file once, compiles templates once, and
 * renders them any number of times. Per-render names (ref, this, config...) sit in one swappable slot that
 * templates and macros read through `env.resolve`, so a render creates no environment and re-exports no
 * macros, and a macro called from model A sees A's names (dbt semantics).
 *
 * Name lookup order: per-render context, then macros, then `globals`, then the builtins.
 */
import { XformError, didYouMeanHint, type Diagnostic } from '../errors.js';
import { generate } from './compiler/codegen.js';
import { dbtGlobals, type LogFn } from './dbt/dbt-globals.js';
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

export interface MacroFile {
  path: string;
  contents: string;
  /** The package the macros belong to (its project name); undefined for the root project. */
  packageName?: string;
}

export interface TemplateEngineOptions {
  /** Macro files (macros/**.sql and tests/generic/**.sql). Every macro is callable from every template
   *  without import, and from other macros. */
  macroFiles: MacroFile[];
  /** Adapter type for adapter.dispatch(): `duckdb`, `postgres`, ... */
  adapterType: string;
  /** Values visible to every template and macro (dbt globals that never change between models, e.g.
   *  `target`, `run_started_at`, `invocation_id`, `var`, `env_var`). Default: none. */
  globals?: Record<string, unknown>;
  /** Receives `log()`, `print()` and `exceptions.warn()` messages. Default: they are dropped. */
  log?: LogFn;
}

/** A compiled template; render it with `TemplateEngine.render`. */
export interface CompiledTemplate {
  readonly path: string;
  /** @internal */
  readonly run: () => string;
}

export interface MacroInfo {
  /** `generate_schema_name`, or `test_not_null` for a `{% test not_null %}` block. */
  name: string;
  path: string;
  line: number;
  arguments: string[];
  /** The arguments without a default value. */
  required: string[];
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

/** The source text of a macro block, from the prepared source's lines. */
function sliceSpan(lines: string[], node: Extract<TemplateAst['body'][number], { kind: 'macro' }>): string {
  const { startLine, startCol, endLine, endCol } = node.span;
  if (startLine === endLine) return lines[startLine]!.slice(startCol, endCol);
  return [lines[startLine]!.slice(startCol), ...lines.slice(startLine + 1, endLine), lines[endLine]!.slice(0, endCol)].join('\n');
}

/**
 * The macro registry. While `lookups` is set, every name looked up is added to it — a hit or a miss, from
 * a template or from adapter.dispatch — so a caller can tell which macros (and which absent ones, that a
 * new macro would shadow) one render depended on.
 */
class MacroRegistry extends Map<string, Macro> {
  lookups: Set<string> | null = null;

  override get(name: string): Macro | undefined {
    this.lookups?.add(name);
    return super.get(name);
  }

  override has(name: string): boolean {
    this.lookups?.add(name);
    return super.has(name);
  }
}

export class TemplateEngine {
  readonly macros: MacroInfo[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly registry = new MacroRegistry();
  private readonly macroInfo = new Map<string, MacroInfo>();
  private readonly globals: Record<string, unknown>;
  private readonly env: RenderEnv;
  /** Compiled factories by generated code: templates of the same shape share one (see codegen `consts`). */
  private readonly factories = new Map<string, Factory>();

  constructor(options: TemplateEngineOptions) {
    const registry = this.registry;
    const dbt = dbtGlobals({ adapterType: options.adapterType, macros: registry, log: options.log });
    const given = options.globals ?? {};
    this.globals = { ...BUILTIN_GLOBALS, ...dbt, ...given };
    // A caller-supplied `adapter` object (quote, get_columns_in_relation...) keeps `adapter.dispatch`.
    if (isDict(given.adapter) && !hasOwn(given.adapter, 'dispatch')) {
      this.globals.adapter = { ...given.adapter, dispatch: (dbt.adapter as { dispatch: unknown }).dispatch };
    }
    const globals = this.globals;
    const env: RenderEnv = {
      ctx: null,
      resolve: (name) => {
        const ctx = env.ctx;
        if (ctx !== null && hasOwn(ctx, name)) return ctx[name];
        const macro = registry.get(name);
        if (macro !== undefined) return macro;
        if (hasOwn(globals, name)) return globals[name];
        return undef(name);
      },
    };
    this.env = env;
    for (const file of options.macroFiles) this.loadMacroFile(file);
  }

  private build(path: string, source: string, macroFile: boolean): { ast: TemplateAst; run: () => unknown } {
    const ast = parseTemplate(source, path);
    const { code, consts } = generate(ast, { file: path, macroFile });
    let factory = this.factories.get(code);
    if (factory === undefined) {
      try {
        factory = new Function('rt', 'env', 'F', 'T', 'K', code) as Factory;
      } catch (err) {
        throw new XformError('XFORM_INTERNAL', `could not compile template: ${(err as Error).message}`, { location: { file: path }, cause: err });
      }
      this.factories.set(code, factory);
    }
    return { ast, run: factory(rt, this.env, FILTERS, TESTS, consts) };
  }

  private loadMacroFile(file: MacroFile): void {
    let built: { ast: TemplateAst; run: () => unknown };
    try {
      built = this.build(file.path, file.contents, true);
    } catch (err) {
      this.diagnostics.push(toRenderError(err, file.path, () => []).toDiagnostic());
      return;
    }
    const defined = built.run() as Macro[];
    const nodes = built.ast.body.filter((s): s is Extract<typeof s, { kind: 'macro' }> => s.kind === 'macro');
    const lines = prepareSource(file.contents).split('\n');
    defined.forEach((macro, i) => {
      const node = nodes[i]!;
      const existing = this.macroInfo.get(macro.name);
      if (existing) {
        this.diagnostics.push({
          severity: 'error',
          code: 'XFORM_MACRO_DUPLICATE',
          message: `macro '${macro.name}' is defined twice: in ${existing.path}:${existing.line} and in ${file.path}:${node.line}`,
          location: { file: file.path, line: node.line, column: node.col },
          hint: 'rename or remove one of them',
        });
        return;
      }
      const info: MacroInfo = {
        name: macro.name,
        path: file.path,
        line: node.line,
        arguments: node.params.map((p) => p.name),
        required: node.params.filter((p) => p.default === null).map((p) => p.name),
        sql: sliceSpan(lines, node),
      };
      this.registry.set(macro.name, macro);
      this.macroInfo.set(macro.name, info);
      this.macros.push(info);
    });
  }

  /** Compiles a template once. Throws XformError XFORM_TEMPLATE_SYNTAX (or XFORM_TEMPLATE_UNSUPPORTED). */
  compile(path: string, source: string): CompiledTemplate {
    const { run } = this.build(path, source, false);
    return { path, run: run as () => string };
  }

  /** Renders a compiled template with per-render names. Throws XformError with the failing file and line. */
  render(template: CompiledTemplate, context: Record<string, unknown>): string {
    return this.withContext(context, template.path, template.run);
  }

  renderString(path: string, source: string, context: Record<string, unknown>): string {
    return this.render(this.compile(path, source), context);
  }

  /**
   * Calls a macro by name with positional arguments; returns its `return()` value (as plain JavaScript:
   * numbers, arrays, objects; Undefined becomes `undefined`) or its rendered text.
   */
  callMacro(name: string, args: unknown[], context: Record<string, unknown>): unknown {
    const macro = this.registry.get(name);
    if (!macro) {
      throw new XformError('XFORM_MACRO_NOT_FOUND', `macro '${name}' is not defined`, {
        hint: didYouMeanHint(name, this.registry.keys()),
      });
    }
    return toJs(this.withContext(context, macro.meta.file, () => macro[PY_CALL](args, null)));
  }

  /** What is known of the macro `name` (its file, line and arguments), or undefined when there is none. */
  macroInfoOf(name: string): MacroInfo | undefined {
    return this.macroInfo.get(name);
  }

  hasMacro(name: string): boolean {
    return this.registry.has(name);
  }

  /**
   * Records into `names` every name that renders resolve outside their per-render context (macros,
   * globals, builtins, unknown names) until called again with null.
   */
  trackLookups(names: Set<string> | null): void {
    this.registry.lookups = names;
  }

  /** The source of the macro `name` (`{% macro %}` to `{% endmacro %}`), or undefined when there is none. */
  macroSource(name: string): string | undefined {
    return this.macroInfo.get(name)?.sql;
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
    yield* this.registry.keys();
    yield* Object.keys(this.globals);
  }
}
