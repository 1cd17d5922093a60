/**
 * The dbt names a template sees: ref, source, config, this, model, is_incremental, execute, and the
 * run-wide var, env_var, target, run_started_at, invocation_id. One RenderContext serves a whole compile:
 * functions are created once, and `begin()` points them at the node being rendered (rendering is
 * synchronous, so one current node at a time), which keeps the 10,000-model path free of per-model setup.
 */
import { XformError, didYouMeanHint, type DiagnosticBag } from '../errors.js';
import { isSecretEnvName, SECRET_ENV_PREFIXES } from '../secrets.js';
import type { LoadedProject, NodeConfig } from '../project/types.js';
import { normalizeConfig, mergeConfig } from '../project/index.js';
import type { ExecutableNode, GraphNode, RelationRef, TestNode } from '../graph/types.js';
import { onTokenRead, pyFunction } from '../template/index.js';
import { PendingRelation, RelationValue, relationApi, type QuoteRelation, type RelationOptions, type RelationPath } from './relation.js';
import { columnApi, describedColumn } from './column.js';
import { introspectionGlobals, type IntrospectionSession } from './introspection.js';
import { locateCall, locateConfigArgument } from './source-lines.js';
import { isMicrobatch, upstreamEventTime } from './microbatch.js';

/**
 * parse: first render of every node; ref() returns tokens and records calls.
 * final: configs and names are known; ref() returns real relations.
 */
export type RenderMode = 'parse' | 'final';

export interface RenderTarget {
  node: ExecutableNode | TestNode;
  mode: RenderMode;
  isIncremental?: boolean;
  execute?: boolean;
  /** The live connection of a run's execute phase: run_query, statement and adapter.get_* ask it. */
  session?: IntrospectionSession;
  /**
   * What ref()/source()/this render as instead of real relations, and var/env overrides: unit tests (fixture
   * CTEs) and write-audit-publish (a model's staging relation).
   */
  overrides?: RenderOverrides;
  /** The batch a microbatch model is rendered for: refs and sources with event_time are filtered to it. */
  batch?: BatchRender;
  /** `--empty`: ref() and source() render as relations of zero rows (dbt's `limit 0` subquery). Default false. */
  empty?: boolean;
}

/** One microbatch batch as a render sees it. */
export interface BatchRender {
  /** dbt's batch id (`20260110`). */
  id: string;
  /** Window bounds as dbt prints a UTC datetime (`2026-01-10 00:00:00+00:00`). */
  start: string;
  end: string;
  /** The dialect's predicate keeping `column` within the window. */
  filter(column: string): string;
}

export interface RenderOverrides {
  /**
   * unique_id of a ref'd model/seed or of a source (or `this`) -> what to render instead: a bare SQL name
   * (a unit test's fixture CTE), or a relation, quoted by the dialect like any other (an audited model's
   * staging relation).
   */
  relations: ReadonlyMap<string, string | RelationRef>;
  vars?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface RelationResolver {
  /** Final relation of a ref (throws XformError for unknown/disabled refs). */
  resolveRef(name: string, pkg: string | undefined, from: ExecutableNode | TestNode): ExecutableNode;
  resolveSource(sourceName: string, table: string, from: ExecutableNode | TestNode): RelationRef & { unique_id?: string; event_time?: string };
  /** Relation of an executable node; for ephemeral nodes a CTE name. */
  relationOf(node: ExecutableNode): RelationRef | string;
}

/** What one render read of the run-wide inputs (for the partial-parse cache). */
export interface RenderReads {
  /** var() names and the JSON of the value each had (undefined: not defined). */
  vars: Map<string, string | undefined>;
  /** env_var() names and the value each had. */
  env: Map<string, string | undefined>;
}

export class RenderContext {
  private current: RenderTarget | undefined;
  /** When set, var() and env_var() calls are recorded here. */
  reads: RenderReads | null = null;
  /** Config given by the current node's own `config()` calls. */
  inFileConfig: NodeConfig = {};
  /** Set when a template read attributes of a pending relation: that node needs a second, final render. */
  needsFinalRender = false;
  /**
   * Set when the current render read something a run renders differently from a compile: `execute`,
   * `model` (its config is final only after compile), is_incremental(), config.get() or config.require().
   */
  readRunState = false;
  readonly tokenKeys: string[] = [];
  private readonly tokenIndex = new Map<string, number>();
  readonly globals: Record<string, unknown>;
  private readonly functions: Record<string, unknown>;

  constructor(
    private readonly project: LoadedProject,
    private readonly quote: QuoteRelation,
    private readonly resolver: RelationResolver,
    private readonly diagnostics: DiagnosticBag,
    meta: { invocationId: string; runStartedAt: Date; env: Record<string, string | undefined>; quoteIdentifier?: (name: string) => string },
  ) {
    const target = project.target;
    const introspection = introspectionGlobals({
      session: () => (this.current?.execute === true ? this.current.session : undefined),
      makeRelation: (path, options) => this.makeRelation(path, options),
      makeColumn: (name, dataType) => describedColumn(target.type, name, dataType),
      quoteIdentifier: (name) => (meta.quoteIdentifier ? meta.quoteIdentifier(name) : `"${name.replaceAll('"', '""')}"`),
      adapterType: target.type,
    });
    this.globals = {
      ...introspection.names,
      adapter: introspection.adapter,
      var: pyFunction((args) => this.lookupVar(String(args[0]), args.length > 1, args[1])),
      env_var: pyFunction((args) => {
        const name = String(args[0]);
        if (isSecretEnvName(name)) {
          throw new XformError('XFORM_SECRET_ENV_VAR_NOT_ALLOWED', `secret environment variable '${name}' can be used only in profiles.yml`, {
            location: this.callLocation('env_var', name),
            hint: `variables named ${SECRET_ENV_PREFIXES.join('* or ')}* are never read elsewhere: their value would be written to compiled SQL and manifest.json; use a variable without the prefix if the value is not a secret`,
          });
        }
        const overridden = this.current?.overrides?.env;
        if (overridden && Object.hasOwn(overridden, name)) return overridden[name];
        const value = meta.env[name];
        this.reads?.env.set(name, value);
        if (value !== undefined) return value;
        if (args.length > 1) return args[1];
        throw new XformError('XFORM_ENV_VAR_NOT_FOUND', `environment variable '${name}' is not set and has no default`, {
          location: this.callLocation('env_var', name),
          hint: `set ${name}, or give a default: env_var('${name}', 'value')`,
        });
      }),
      target: {
        name: target.name,
        type: target.type,
        schema: target.schema,
        database: targetDatabase(target),
        threads: target.threads,
        profile_name: project.config.profile ?? project.config.name,
      },
      run_started_at: meta.runStartedAt,
      invocation_id: meta.invocationId,
      project_name: project.config.name,
      api: {
        Relation: relationApi((path, options) => this.makeRelation(path, options)),
        Column: columnApi(target.type),
      },
    };
    const configFn = pyFunction((args, kwargs) => {
      const given: Record<string, unknown> = { ...kwargs };
      for (const arg of args) if (arg && typeof arg === 'object') Object.assign(given, arg);
      const node = this.node();
      const location = (key: string) => locateConfigArgument(node.original_file_path, node.raw_code, key);
      // Unknown keys are reported once per node, on the first (parse) render; a typo fails the compile there,
      // unless the node is an installed package's (its author's to fix).
      const warnings = this.current?.mode === 'parse' ? this.diagnostics : undefined;
      const normalized = normalizeConfig(given, location, warnings, { typosAreErrors: node.package_name === this.project.config.name });
      this.inFileConfig = mergeConfig(this.inFileConfig, normalized);
      return '';
    });
    Object.assign(configFn as object, {
      get: pyFunction((args) => {
        this.readRunState = true;
        const key = String(args[0]);
        const value = this.effectiveConfig()[key];
        return value === undefined ? (args[1] ?? null) : value;
      }),
      require: pyFunction((args) => {
        this.readRunState = true;
        const key = String(args[0]);
        const value = this.effectiveConfig()[key];
        if (value === undefined) {
          throw new XformError('XFORM_CONFIG_REQUIRED', `config '${key}' is required by ${this.node().name}`, {
            location: { file: this.node().original_file_path },
          });
        }
        return value;
      }),
    });
    this.functions = {
      ref: pyFunction((args) => this.ref(relationArgs('ref', args))),
      source: pyFunction((args) => {
        const [sourceName, table] = relationArgs('source', args);
        return this.source(sourceName!, table!);
      }),
      config: configFn,
      is_incremental: pyFunction(() => {
        this.readRunState = true;
        return this.current?.isIncremental === true;
      }),
    };
  }

  /** Starts rendering `target.node`; returns the per-render names for the template engine. */
  begin(target: RenderTarget): Record<string, unknown> {
    this.start(target);
    return this.names(target);
  }

  /**
   * begin() without the names: for a render that may call no template (a built-in test's SQL, written in
   * code). `names(target)` gives them afterwards when it does.
   */
  start(target: RenderTarget): void {
    this.current = target;
    this.inFileConfig = {};
    this.needsFinalRender = false;
    this.readRunState = false;
    onTokenRead(this.tokenRead);
  }

  /** A render read a relation token's text (template/runtime/relation-tokens.ts): it renders again with final names. */
  private readonly tokenRead = (): void => {
    this.needsFinalRender = true;
  };

  /** The per-render names of the render `start(target)` began. */
  names(target: RenderTarget): Record<string, unknown> {
    const node = target.node;
    const fixtureThis = target.overrides?.relations.get('this');
    const thisRelation =
      fixtureThis !== undefined
        ? this.overrideValue(fixtureThis)
        : target.mode === 'parse'
        ? this.pending(`this:${node.unique_id}`, () => this.provisionalOf(node))
        : node.resource_type === 'test'
          ? undefined
          : this.relationValue(node as ExecutableNode);
    const batch = target.batch;
    // dbt's batch context: model.batch.id / event_time_start / event_time_end (None outside a batch). The copy
    // is made when the render first reads `model`, which most never do (copying a node's fields took ~3 µs a
    // render); nothing reassigns a node's fields while it renders, so it holds what a copy made here would.
    let model: object | undefined;
    const modelValue = () =>
      (model ??= node.resource_type === 'model' ? { ...node, batch: batch ? { id: batch.id, event_time_start: batch.start, event_time_end: batch.end } : NO_BATCH } : node);
    const execute = target.execute === true;
    const context = this;
    const replace = (names: object, name: string, value: unknown) => Object.defineProperty(names, name, { value, writable: true, enumerable: true, configurable: true });
    // Accessors, so that a render reading them is noticed (readRunState); assignable like plain values.
    const names: Record<string, unknown> = {
      ...this.functions,
      this: thisRelation,
      get model() {
        context.readRunState = true;
        return modelValue();
      },
      set model(value: unknown) {
        replace(this, 'model', value);
      },
      get execute() {
        context.readRunState = true;
        return execute;
      },
      set execute(value: unknown) {
        replace(this, 'execute', value);
      },
    };
    return names;
  }

  private node(): ExecutableNode | TestNode {
    if (!this.current) throw new XformError('XFORM_INTERNAL', 'ref()/config() called outside of a render');
    return this.current.node;
  }

  private effectiveConfig(): NodeConfig {
    return mergeConfig(this.node().config, this.inFileConfig);
  }

  private callLocation(fn: string, arg: string) {
    const node = this.current?.node;
    if (!node) return undefined;
    return locateCall(node.original_file_path, node.raw_code, fn, arg);
  }

  /** The JSON of var `name` as templates see it now; undefined when it is not defined. */
  varJson(name: string): string | undefined {
    const found = this.findVar(name);
    return found === undefined ? undefined : (JSON.stringify(found.value) ?? 'undefined');
  }

  private findVar(name: string): { value: unknown } | undefined {
    const { cliVars, config } = this.project;
    const overridden = this.current?.overrides?.vars;
    if (overridden && Object.hasOwn(overridden, name)) return { value: overridden[name] };
    if (Object.hasOwn(cliVars, name)) return { value: cliVars[name] };
    // dbt's order for a package's node: the root project's vars (scoped to the package, then global), then the package's own.
    const pkg = this.current?.node.package_name ?? config.name;
    const own = pkg === config.name ? undefined : this.project.packages?.find((p) => p.name === pkg)?.config.vars;
    for (const vars of own ? [config.vars, own] : [config.vars]) {
      const scoped = vars[pkg];
      if (scoped && typeof scoped === 'object' && Object.hasOwn(scoped, name)) return { value: (scoped as Record<string, unknown>)[name] };
      if (Object.hasOwn(vars, name)) return { value: vars[name] };
    }
    return undefined;
  }

  /** The index of the relation token for `key` (`ref:<pkg>:<name>` or `this:<unique_id>`), interned. */
  tokenIndexOf(key: string): number {
    let index = this.tokenIndex.get(key);
    if (index === undefined) {
      index = this.tokenKeys.length;
      this.tokenKeys.push(key);
      this.tokenIndex.set(key, index);
    }
    return index;
  }

  private lookupVar(name: string, hasDefault: boolean, fallback: unknown): unknown {
    const found = this.findVar(name);
    this.reads?.vars.set(name, found === undefined ? undefined : (JSON.stringify(found.value) ?? 'undefined'));
    if (found) return found.value;
    const { cliVars, config } = this.project;
    if (hasDefault) return fallback;
    const known = [...Object.keys(cliVars), ...Object.keys(config.vars)];
    throw new XformError('XFORM_VAR_NOT_FOUND', `var '${name}' is not defined and has no default`, {
      location: this.callLocation('var', name),
      hint: didYouMeanHint(name, known) ?? `define it under vars: in ${config.file}, pass --vars '{${name}: ...}', or give a default: var('${name}', ...)`,
    });
  }

  private ref(args: string[]): unknown {
    const node = this.node();
    const [pkg, name] = args.length >= 2 ? [args[0], args[1]!] : [undefined, args[0]!];
    if (this.current!.mode === 'parse') {
      node.refs.push(pkg === undefined ? { name } : { name, package: pkg });
      return this.pending(`ref:${pkg ?? ''}:${name}`, () => {
        const target = this.resolver.resolveRef(name, pkg, node);
        return this.provisionalOf(target);
      });
    }
    const target = this.resolver.resolveRef(name, pkg, node);
    return this.batchFiltered(this.limited(this.relationValue(target)), upstreamEventTime(target.config));
  }

  private limited(relation: RelationValue): RelationValue {
    return this.current?.empty === true ? relation.with({}, { limit: 0 }) : relation;
  }

  /** A microbatch batch's view of an upstream with event_time: filtered to the window (dbt's rule). */
  private batchFiltered(relation: RelationValue, eventTime: string | undefined): RelationValue {
    const batch = this.current?.batch;
    if (!batch || eventTime === undefined || !isMicrobatch(this.node())) return relation;
    return relation.with({}, { eventTimeFilter: batch.filter(eventTime) });
  }

  private source(sourceName: string, table: string): unknown {
    const node = this.node();
    if (this.current!.mode === 'parse' && !node.sources.some(([s, t]) => s === sourceName && t === table)) {
      node.sources.push([sourceName, table]);
    }
    try {
      const relation = this.resolver.resolveSource(sourceName, table, node);
      const value = (relation.unique_id === undefined ? undefined : this.overridden(relation.unique_id)) ?? this.makeRelation(relation);
      return this.batchFiltered(this.limited(value), relation.event_time);
    } catch (err) {
      // Keep rendering to find every problem in one compile; the error is reported once per call site.
      this.diagnostics.addError(err);
      return `__unknown_source__${sourceName}__${table}`;
    }
  }

  /** What the current render sees for a node: its override when it has one, else its own relation. */
  relationValue(node: ExecutableNode): RelationValue {
    const overridden = this.overridden(node.unique_id);
    if (overridden) return overridden;
    const relation = this.resolver.relationOf(node);
    return typeof relation === 'string' ? cteRelation(relation) : this.makeRelation(relation);
  }

  /**
   * A relation quoted by the target's dialect, with dbt's per-adapter defaults for what it reports:
   * dbt-snowflake's quote policy is false (xform's Snowflake dialect quotes only names that need it),
   * BigQuery quotes with backticks.
   */
  makeRelation(path: RelationPath, options: RelationOptions = {}): RelationValue {
    const type = this.project.target.type;
    return new RelationValue(path, this.quote, {
      quoteDefault: type !== 'snowflake',
      quoteCharacter: type === 'bigquery' ? '`' : '"',
      ...options,
    });
  }

  /** The current render's override for `uniqueId` (a model, seed or source), if any. */
  overridden(uniqueId: string): RelationValue | undefined {
    const override = this.current?.overrides?.relations.get(uniqueId);
    return override === undefined ? undefined : this.overrideValue(override);
  }

  private overrideValue(override: string | RelationRef): RelationValue {
    return typeof override === 'string' ? fixtureRelation(override) : this.makeRelation(override);
  }

  /** Best current guess of a node's relation (final once the node has been rendered and named). */
  private provisionalOf(node: ExecutableNode | TestNode): RelationRef {
    if (node.resource_type === 'test') return { schema: this.project.target.schema, identifier: node.name };
    const relation = this.resolver.relationOf(node as ExecutableNode);
    return typeof relation === 'string' ? { schema: '', identifier: relation } : relation;
  }

  private pending(key: string, provisional: () => RelationRef): PendingRelation {
    const index = this.tokenIndexOf(key);
    return new PendingRelation(index, () => this.makeRelation(provisional()), () => {
      this.needsFinalRender = true;
    });
  }
}

export type AnyRenderable = GraphNode;

/** model.batch when not rendering a batch (compile, dbt's parse): every field None. */
const NO_BATCH = Object.freeze({ id: null, event_time_start: null, event_time_end: null });

const RELATION_CALLS = {
  ref: { min: 1, max: 2, needs: 'a model name', example: "ref('stg_orders') or ref('package', 'stg_orders')" },
  source: { min: 2, max: 2, needs: 'a source name and a table name', example: "source('shop', 'orders')" },
};

/**
 * The names given to ref() / source(), checked: without this a missing one renders as the text
 * 'undefined' and is reported as an unknown model of that name. Thrown without a location, so that the
 * template engine places it at the call's file and line.
 */
function relationArgs(fn: keyof typeof RELATION_CALLS, args: unknown[]): string[] {
  const spec = RELATION_CALLS[fn];
  const given = args.filter((a) => a !== undefined && a !== null);
  if (given.length < spec.min || args.length > spec.max || given.length !== args.length) {
    const got = args.length === 0 ? 'no argument' : args.map((a) => (a === undefined || a === null ? 'an undefined value' : JSON.stringify(a))).join(', ');
    throw new XformError('XFORM_RELATION_CALL_INVALID', `${fn}() needs ${spec.needs}, got ${got}`, { hint: `write ${spec.example}` });
  }
  const bad = given.find((a) => typeof a !== 'string' || a.trim() === '');
  if (bad !== undefined) {
    throw new XformError('XFORM_RELATION_CALL_INVALID', `${fn}() expects names as text, got ${JSON.stringify(bad)}`, { hint: `write ${spec.example}` });
  }
  return given as string[];
}

const bare: QuoteRelation = (r) => r.identifier;

/** A relation that renders as a bare name (a unit test's fixture CTE). */
function fixtureRelation(name: string): RelationValue {
  return new RelationValue({ identifier: name }, bare);
}

/** An ephemeral model's CTE, as dbt's create_ephemeral_from: type cte, the identifier alone, unquoted. */
function cteRelation(name: string): RelationValue {
  return new RelationValue({ identifier: name }, bare, { type: 'cte', include: { database: false, schema: false }, quote: { identifier: false } });
}

/**
 * `target.database` as dbt's adapters report it. DuckDB names the attached database after its file (dbt-duckdb:
 * `path: target/shop.duckdb` -> `shop`, `:memory:` -> `memory`); packages build `<database>.information_schema`
 * from it.
 */
function targetDatabase(target: LoadedProject['target']): string | undefined {
  if (target.database !== undefined || target.type !== 'duckdb') return target.database;
  const file = target.path.split(/[\\/]/).pop() ?? '';
  if (file === '' || file.startsWith(':memory:')) return 'memory';
  return file.replace(/\.[^.]*$/, '');
}
