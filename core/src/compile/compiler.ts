/**
 * Compiles a loaded project: renders every model, seed, snapshot and test once, resolves refs and sources
 * into a lineage graph, names every relation, inlines ephemeral models and produces the manifest. Every
 * problem of the project is collected and reported together. No warehouse connection is needed.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DiagnosticBag, XformError, didYouMeanHint, isXformError, type Diagnostic } from '../errors.js';
import { mergeConfig } from '../project/index.js';
import { MODEL_MATERIALIZATIONS } from '../project/node-config.js';
import type { LoadedProject, ProjectFile } from '../project/types.js';
import { LineageGraph, NodeIndex, checkLayerRules } from '../graph/index.js';
import type { ExecutableNode, ExposureNode, GraphNode, MacroNode, RelationRef, SourceNode, TestNode } from '../graph/types.js';
import { recordMacroCalls } from './macro-deps.js';
import { configCallArguments, recordUnrenderedConfig, type ConfigCallArguments } from './unrendered-config.js';
import { INTERNAL_PACKAGE, TemplateEngine, type CompiledTemplate, type LogFn } from '../template/index.js';
import type { Adapter, Connection, Dialect } from '../adapter/types.js';
import { IntrospectionSession } from './introspection.js';
import { INTROSPECTION_WORDS, projectEngine } from './project-engine.js';

import { buildGenericTests, type GenericTestRenderer } from '../quality/generic-tests.js';
import { buildUnitTests } from '../quality/unit-test-nodes.js';
import { renderDescriptions, type RenderedDescriptions } from './descriptions.js';
import { buildExposures } from './exposures.js';
import { buildSourceNodes, fileStem, newExecutableNode, newSingularTest, patchesByName } from './build-nodes.js';
import { EPHEMERAL_PREFIX, injectCtes, type Cte } from './ephemeral.js';
import type { Manifest } from './manifest.js';
import { TOKEN_PATTERN } from './relation.js';
import { locateCall, locateConfigValue } from './source-lines.js';
import { RenderContext, type BatchRender, type RelationResolver, type RenderOverrides } from './render-context.js';
import { checkMicrobatchInputs, isMicrobatch, keepModelAliases, microbatchConfig, upstreamEventTime } from './microbatch.js';
import type { HelperRender, RenderCache } from './render-cache.js';
import type { RenderShare } from './render-helpers.js';
import { pyFunction } from '../template/index.js';
import { nameRelations } from './naming.js';
import { checkRelationNames } from './relation-names.js';
import { collectSnapshots, type CollectedSnapshots } from './snapshots.js';
import { checkSnapshotConfig, withSnapshotDefaults } from './snapshot-config.js';
import { warnAboutAppends } from './append-warnings.js';
import { XFORM_CORE_VERSION } from '../version.js';
import { flat } from '../flat-string.js';
import { renderShape, tokensJson, Utf8Store, type PatchDraft, type PatchDraftModel, type SourceAnswer } from './patch-state.js';

export { MODEL_MATERIALIZATIONS };

/**
 * Names other than macros that a compile's render may look up and still give what a run's render gives:
 * the same values in both (run-wide values, pure helpers). Anything else a run may answer differently: the
 * warehouse (run_query, adapter...), the clock's modules, or effects a second render repeats (log).
 */
const RUN_INVARIANT_GLOBALS = new Set(['var', 'env_var', 'target', 'project_name', 'run_started_at', 'invocation_id', 'range', 'dict', 'namespace', 'list', 'zip', 'return']);

/** The template name holding `xform run-operation --args`. */
const OPERATION_ARGS = '__xform_operation_args';

export interface CompileOptions {
  /** Quoting and relation names of the target warehouse (adapter dialects are pure; no connection). */
  dialect: Pick<Dialect, 'name' | 'relationName' | 'quoteIdentifier' | 'identifierLimits'>;
  invocationId?: string;
  runStartedAt?: Date;
  /** Environment for env_var(); default process.env. */
  env?: Record<string, string | undefined>;
  /** Receives log(), print() and exceptions.warn() output from templates. Default: dropped. */
  log?: LogFn;
  /**
   * The partial-parse render cache: renders it holds that are still valid are reused, and it collects
   * this compile's renders for the next one (save it afterwards). Default: none, everything is rendered.
   */
  renderCache?: RenderCache;
  /** `--empty`: at run time ref() and source() render as zero-row relations (dbt's `limit 0` subquery). Default false. */
  empty?: boolean;
  /**
   * `--defer`: unique_id of an unselected node -> the state's relation that ref() to it renders as
   * (the node's own relation_name is unchanged). Default: none.
   */
  deferred?: ReadonlyMap<string, RelationRef>;
  /** Keep what patchDraft() needs (the compile command's, without --defer or --empty). Default false. */
  recordPatch?: boolean;
  /**
   * Let a node's compiled template go once it is rendered for the compile, for a caller that renders few nodes
   * afterwards (the compile command): a later render (renderForRun...) compiles it again. The templates of a
   * 10,000-model project were ~7 MB of its live heap, kept to the compile's peak memory. Default false.
   */
  releaseTemplates?: boolean;
  /**
   * Helper threads that render a share of the nodes (render-helpers.ts); used with a render cache only, which
   * takes their renders in. Default: none, this thread renders everything. end() is called when rendering is
   * over (the caller calls it too when the compile fails before).
   */
  share?: RenderShare;
}

export interface CompiledProject {
  project: LoadedProject;
  manifest: Manifest;
  graph: LineageGraph;
  /** Warnings (errors are thrown). */
  diagnostics: Diagnostic[];
  /** Renders a node's SQL for a run: is_incremental() as given, `execute` true, ephemeral CTEs inlined. */
  renderForRun(node: ExecutableNode, options: { isIncremental: boolean }): string;
  /**
   * renderForRun with a live connection: run_query, statement/load_result and adapter.get_* ask the
   * warehouse on `connection` (see introspection.ts for how a synchronous render gets async answers).
   */
  renderForExecution(node: ExecutableNode, options: { isIncremental: boolean; connection: Connection; adapter: Adapter; batch?: BatchRender }): Promise<string>;
  /**
   * Renders a model for a unit test: ref()/source()/this of the inputs in `overrides.relations` render as
   * those names (fixture CTEs), vars/env_vars and macros as overridden. No ephemeral CTEs are inlined: a
   * unit test gives every parent of its model.
   */
  renderUnitTest(node: ExecutableNode, options: UnitTestRenderOptions): string;
  /**
   * Renders a data test (generic or singular) again with ref()/source()/`model` of the nodes in
   * `relations` rendering as those relations, quoted like any other; ephemeral CTEs are inlined and
   * rendered the same way. Write-audit-publish points an audited model at its staging relation with it.
   * Everything else renders as in the compiled SQL.
   */
  renderTestForAudit(test: TestNode, options: { relations: ReadonlyMap<string, RelationRef> }): string;
  /**
   * A data test's SQL as it runs: rendered with `execute` true and introspection answered on `connection`
   * (dbt_utils' equality reads the columns of both relations), with `relations` overridden as in
   * renderTestForAudit (default: none).
   */
  renderTestForExecution(test: TestNode, options: { relations?: ReadonlyMap<string, RelationRef>; connection: Connection; adapter: Adapter }): Promise<string>;
  /**
   * Whether rendering the model or data test with `execute` true reads the warehouse (run_query, statement,
   * adapter.get_*): `xform compile` connects for those only. Cheap when nothing in the project introspects.
   */
  readsWarehouse(node: ExecutableNode | TestNode): boolean;
  /** Renders a hook (pre_hook/post_hook/on-run-*) in a node's context (or the project's when node is undefined). */
  renderHook(sql: string, node?: ExecutableNode): string;
  /** Compiles a one-off snippet (`xform compile --inline`) against the project. */
  compileInline(sql: string): string;
  /**
   * `xform run-operation`: calls a project or package macro (`name` or `package.name`) with keyword
   * `args`, run_query and statement answered on `connection`. What the macro renders is discarded, as in dbt.
   */
  runOperation(macro: string, args: Record<string, unknown>, options: { connection: Connection; adapter: Adapter }): Promise<void>;
  /** Fully qualified name of a relation in the target's dialect. */
  relationName(relation: RelationRef): string;
  /**
   * With `recordPatch`: the patch state of this compile (see patch-state.ts), or undefined without a render
   * cache. Once: the nodes it holds are not kept for a second call.
   */
  patchDraft(): PatchDraft | undefined;
}

export interface UnitTestRenderOptions {
  overrides: RenderOverrides;
  isIncremental: boolean;
  /** Macro name -> the value a call returns instead (dbt's `overrides: macros:`). */
  macros?: Record<string, unknown>;
}

export function compileProject(project: LoadedProject, options: CompileOptions): CompiledProject {
  return new Compiler(project, options).compile();
}

/**
 * A render helper thread's compile (render-helpers.ts): the project's nodes, none rendered until `render` is
 * called with a unique_id; it gives what the render cache kept of that node's parse render.
 */
export function helperRenderer(project: LoadedProject, options: CompileOptions & { renderCache: RenderCache }): (uniqueId: string) => HelperRender | undefined {
  return new Compiler(project, options).helperRenderer();
}

class Compiler implements RelationResolver {
  private readonly bag = new DiagnosticBag();
  private readonly index: NodeIndex;
  private readonly engine: TemplateEngine;
  private readonly ctx: RenderContext;
  private readonly templates = new Map<string, CompiledTemplate>();
  private readonly executables: ExecutableNode[] = [];
  private readonly singularTests: TestNode[] = [];
  private readonly sources: SourceNode[] = [];
  private readonly bodies = new Map<string, string>();
  /** unique_id -> the keyword arguments of the node's config() call, read from its template's syntax tree. */
  private readonly configCalls = new Map<string, ConfigCallArguments>();
  private readonly needsFinal = new Set<string>();
  /** With recordPatch: root-project model unique_id -> its file's absolute path. */
  private readonly files = new Map<string, string>();
  /** With recordPatch: root-project models before rendering (as JSON, in UTF-8) with their files. */
  private readonly preRender = new Map<string, { file: string; node: Uint8Array }>();
  private readonly preRenderBytes = new Utf8Store();
  /** With recordPatch: relation token key -> the text finalizeSql put in its place. */
  private readonly replacements = new Map<string, string>();
  /** Nodes whose compiled body a run's render would give again (see renderForRun). */
  private readonly runInvariant = new Set<string>();
  private genericRenderers = new Map<string, GenericTestRenderer>();
  private snapshots: CollectedSnapshots = { nodes: [], patches: new Map(), yaml: new Map() };
  private readonly quote = (r: RelationRef) => this.options.dialect.relationName(r);
  private readonly invocationId: string;
  private readonly runStartedAt: Date;
  /** While set, template log() lines are held here: an operation re-rendered per warehouse answer logs once. */
  private logPass: Parameters<LogFn>[] | undefined;

  constructor(
    private readonly project: LoadedProject,
    private readonly options: CompileOptions,
  ) {
    this.invocationId = options.invocationId ?? randomUUID();
    this.runStartedAt = options.runStartedAt ?? new Date();
    this.index = new NodeIndex(project.config.name);
    this.ctx = new RenderContext(project, this.quote, this, this.bag, {
      invocationId: this.invocationId,
      runStartedAt: this.runStartedAt,
      env: options.env ?? process.env,
      quoteIdentifier: (name) => options.dialect.quoteIdentifier(name),
    });
    this.engine = projectEngine(project, this.ctx, (message, level) => (this.logPass ? this.logPass.push([message, level]) : options.log?.(message, level)));
    for (const d of this.engine.diagnostics) this.bag.add(d);
    options.renderCache?.attach({
      engine: this.engine,
      ctx: this.ctx,
      env: options.env ?? process.env,
      sourceRelation: (source, table) => this.quote(this.index.resolveSource(source, table, { file: '' })),
    });
  }

  compile(): CompiledProject {
    const { project } = this;
    this.collectNodes();
    this.renderAll([...this.executables, ...this.singularTests]);
    this.finishConfigs();
    warnAboutAppends(this.executables, project.config.name, this.bag);
    nameRelations(project, this.executables, this.engine, this.ctx, this.bag);
    this.resolveDependencies();
    for (const node of this.executables) {
      if (!isMicrobatch(node) || node.config.enabled === false) continue;
      const inputs = node.depends_on.nodes.map((id) => this.index.get(id)).filter((n) => n !== undefined);
      checkMicrobatchInputs(node, inputs as { name: string; config: Record<string, unknown> }[], this.bag);
    }
    const generic = buildGenericTests({
      project,
      engine: this.engine,
      ctx: this.ctx,
      bag: this.bag,
      index: this.index,
      models: this.executables,
      sources: this.sources,
    });
    const genericTests = generic.tests;
    this.genericRenderers = generic.renderers;
    const described = renderDescriptions({ project, engine: this.engine, bag: this.bag, executables: this.executables, sources: this.sources, tests: genericTests });
    checkRelationNames({
      executables: this.executables,
      tests: [...this.singularTests, ...genericTests],
      targetSchema: project.target.schema,
      warehouse: this.options.dialect.name,
      limits: this.options.dialect.identifierLimits,
      bag: this.bag,
    });
    const unitTests = this.bag.hasErrors() ? [] : buildUnitTests({ project, index: this.index, bag: this.bag, executables: this.executables });
    this.finalizeSql();
    const enabled = (n: GraphNode) => n.config.enabled !== false;
    const tests = [...this.singularTests, ...genericTests, ...unitTests].filter(enabled);
    const graphNodes: GraphNode[] = [...this.executables.filter(enabled), ...this.sources, ...tests];
    let graph: LineageGraph | undefined;
    if (!this.bag.hasErrors()) {
      graph = LineageGraph.build(graphNodes);
      for (const d of graph.cycleDiagnostics()) this.bag.add(d);
      if (project.config.layerRules) {
        for (const d of checkLayerRules(graph, project.config.layers, project.config.layerRules)) this.bag.add(d);
      }
    }
    const exposures = buildExposures(project, this.index, described.exposures, this.bag);
    this.bag.throwIfErrors('XFORM_COMPILE_FAILED', 'compilation failed');
    const manifest = this.buildManifest(graph!, tests, described, exposures);
    return {
      project,
      manifest,
      graph: graph!,
      diagnostics: [...project.diagnostics, ...this.bag.warnings],
      renderForRun: (node, opts) => this.renderForRun(node, opts.isIncremental),
      renderForExecution: (node, opts) => {
        const session = new IntrospectionSession(opts.connection, opts.adapter);
        return session.render(node.original_file_path, () => this.renderForRun(node, opts.isIncremental, session, opts.batch));
      },
      readsWarehouse: (node) => this.readsWarehouse(node),
      renderUnitTest: (node, opts) => this.renderUnitTest(node, opts),
      renderTestForAudit: (test, opts) => this.renderTestForAudit(test, { relations: opts.relations }),
      renderTestForExecution: (test, opts) => {
        const session = new IntrospectionSession(opts.connection, opts.adapter);
        return session.render(test.original_file_path, () => this.renderTestForAudit(test, { relations: opts.relations ?? new Map() }, session));
      },
      renderHook: (sql, node) => this.renderHook(sql, node),
      compileInline: (sql) => this.compileInline(sql),
      runOperation: async (macro, args, opts) => {
        const template = this.operationTemplate(macro, args);
        const session = new IntrospectionSession(opts.connection, opts.adapter);
        try {
          await session.render('<run-operation>', () => {
            this.logPass = [];
            const names = { ...this.ctx.begin({ node: this.inlineNode(template), mode: 'final', execute: true, session }), [OPERATION_ARGS]: args };
            return this.engine.renderString('<run-operation>', template, names);
          });
        } finally {
          const lines = this.logPass ?? [];
          this.logPass = undefined;
          for (const [message, level] of lines) this.options.log?.(message, level);
        }
      },
      relationName: this.quote,
      patchDraft: () => this.patchDraft(),
    };
  }

  // ---- RelationResolver -------------------------------------------------------------------------

  resolveRef(name: string, pkg: string | undefined, from: ExecutableNode | TestNode): ExecutableNode {
    return this.index.resolveRef(name, pkg, this.callSite(from), from.package_name);
  }

  resolveSource(sourceName: string, table: string, from: ExecutableNode | TestNode): RelationRef & { unique_id: string; event_time?: string } {
    const node = this.index.resolveSource(sourceName, table, this.callSite(from), from.package_name);
    return { database: node.database, schema: node.schema, identifier: node.identifier, unique_id: node.unique_id, event_time: upstreamEventTime(node.config) };
  }

  /** A YAML snapshot's only call is its `relation:`; other nodes are located by file. */
  private callSite(from: ExecutableNode | TestNode) {
    return this.snapshots.yaml.get(from.unique_id)?.relationLocation ?? { file: from.original_file_path };
  }

  relationOf(node: ExecutableNode): RelationRef | string {
    return this.options.deferred?.get(node.unique_id) ?? this.ownRelationOf(node);
  }

  private ownRelationOf(node: ExecutableNode): RelationRef | string {
    if (node.config.materialized === 'ephemeral') return `${EPHEMERAL_PREFIX}${node.name}`;
    return { database: node.database, schema: node.schema, identifier: node.alias };
  }

  // ---- phases --------------------------------------------------------------------------------------

  /**
   * A source's database, schema and identifier may be templates, as in dbt:
   * `schema: "{{ target.schema }}_raw"`, `database: "{{ env_var('RAW_DB', 'raw') }}"`.
   */
  private renderSourceRelation(node: SourceNode): void {
    for (const key of ['database', 'schema', 'identifier'] as const) {
      const value = node[key];
      if (typeof value !== 'string' || (!value.includes('{{') && !value.includes('{%'))) continue;
      try {
        node[key] = this.engine.renderString(node.original_file_path, value, { ...this.ctx.globals }).trim();
      } catch (err) {
        // The template is one YAML value: point at its table in the YAML file, not at a line of the value.
        const location = { file: node.original_file_path, ...(node.line === undefined ? {} : { line: node.line }) };
        this.bag.addError(
          isXformError(err)
            ? new XformError(err.code, `${err.message} (in ${key} of source ${node.source_name}.${node.name})`, { location, hint: err.hint })
            : err,
          location,
        );
      }
    }
  }

  private collectNodes(): void {
    const { project } = this;
    const { config } = project;
    // A package's YAML describes only its own nodes: patches are looked up by package, then name.
    const patchesOf = (kind: 'models' | 'seeds') => {
      const byPackage = new Map<string | undefined, ReturnType<typeof patchesByName>>();
      for (const f of project.schemaFiles) {
        const map = byPackage.get(f.packageName) ?? new Map();
        for (const [name, patch] of patchesByName(f[kind])) map.set(name, patch);
        byPackage.set(f.packageName, map);
      }
      return { get: (file: ProjectFile, name: string) => byPackage.get(file.packageName)?.get(name) };
    };
    const modelPatches = patchesOf('models');
    const seedPatches = patchesOf('seeds');
    const add = (node: GraphNode) => {
      try {
        this.index.add(node);
      } catch (err) {
        this.bag.addError(err);
      }
    };
    for (const schemaFile of project.schemaFiles) {
      for (const source of schemaFile.sources) {
        for (const node of buildSourceNodes(project, source, schemaFile.path, schemaFile.packageName)) {
          this.renderSourceRelation(node);
          node.relation_name = this.quote(node);
          this.sources.push(node);
          add(node);
        }
      }
    }
    for (const file of project.seeds) {
      const name = fileStem(file.path);
      const node = newExecutableNode(project, file, 'seed', name, config.seeds, seedPatches.get(file, name));
      node.config = mergeConfig({ materialized: 'seed' }, node.config);
      this.executables.push(node);
      add(node);
    }
    for (const file of project.models) {
      const name = fileStem(file.path);
      const node = newExecutableNode(project, file, 'model', name, config.models, modelPatches.get(file, name));
      if (this.options.recordPatch && file.packageName === undefined) this.files.set(node.unique_id, file.absPath);
      this.executables.push(node);
      add(node);
    }
    this.snapshots = collectSnapshots(project, this.bag);
    for (const node of this.snapshots.nodes) {
      this.executables.push(node);
      add(node);
    }
    for (const file of project.tests) {
      const node = newSingularTest(project, file);
      this.singularTests.push(node);
      add(node);
    }
  }

  /** The parse render of every node, a share of them done by helper threads when the options have some. */
  private renderAll(nodes: (ExecutableNode | TestNode)[]): void {
    const cache = this.options.renderCache;
    const share = cache && this.options.share;
    if (!share) {
      for (const node of nodes) this.renderParse(node);
      return;
    }
    try {
      share.begin(nodes.map((n) => n.unique_id));
      nodes.forEach((node, i) => {
        if (!share.claim(i)) {
          const render = share.result(i);
          if (render) cache.adopt(node.unique_id, render);
        }
        this.renderParse(node);
      });
    } finally {
      share.end();
    }
  }

  helperRenderer(): (uniqueId: string) => HelperRender | undefined {
    this.collectNodes();
    const nodes = new Map<string, ExecutableNode | TestNode>();
    for (const node of [...this.executables, ...this.singularTests]) nodes.set(node.unique_id, node);
    return (uniqueId) => {
      const node = nodes.get(uniqueId);
      if (!node || node.resource_type === 'seed') return undefined;
      this.renderParse(node);
      return this.options.renderCache!.helperRender(uniqueId);
    };
  }

  private templateFor(node: ExecutableNode | TestNode): CompiledTemplate {
    let template = this.templates.get(node.unique_id);
    if (!template) {
      template = this.engine.compile(node.original_file_path, node.raw_code, node.package_name, (ast) => {
        this.configCalls.set(node.unique_id, configCallArguments(node.raw_code, ast));
      });
      this.templates.set(node.unique_id, template);
    }
    return template;
  }

  private renderParse(node: ExecutableNode | TestNode): void {
    if (node.resource_type === 'seed') return;
    const cache = this.options.renderCache;
    // The node as its template sees it (`model`): the render cache's key, and the patch state's node.
    const file = this.files.get(node.unique_id);
    let json: string | Uint8Array | undefined = cache || file ? JSON.stringify(node) : undefined;
    if (file && json !== undefined) {
      // Hashed from the bytes kept: the string is garbage at once.
      json = this.preRenderBytes.add(json);
      this.preRender.set(node.unique_id, { file, node: json });
    }
    const reused = cache?.reuse(node, json);
    if (reused) {
      this.bodies.set(node.unique_id, reused.sql);
      this.configCalls.set(node.unique_id, reused.configCall);
      node.config = mergeConfig(node.config, reused.config);
      if (reused.runInvariant) this.runInvariant.add(node.unique_id);
      return;
    }
    const lookups = new Set<string>();
    this.engine.trackLookups(lookups);
    const recording = cache?.record(node, lookups, json);
    const diagnostics = this.bag.items.length;
    let sql: string | undefined;
    try {
      const template = this.templateFor(node);
      const names = this.ctx.begin({ node, mode: 'parse' });
      sql = this.engine.render(template, names);
      this.bodies.set(node.unique_id, sql);
      // A final render (finalizeSql) still needs it.
      if (this.options.releaseTemplates && !this.ctx.needsFinalRender) this.templates.delete(node.unique_id);
    } catch (err) {
      this.bag.addError(err, { file: node.original_file_path });
    } finally {
      this.engine.trackLookups(null);
      recording?.stop();
    }
    const inFileConfig = this.ctx.inFileConfig;
    node.config = mergeConfig(node.config, inFileConfig);
    if (this.ctx.needsFinalRender) this.needsFinal.add(node.unique_id);
    const runInvariant = sql !== undefined && !this.ctx.needsFinalRender && !this.ctx.readRunState && [...lookups].every((name) => this.isRunInvariantName(name));
    if (runInvariant) this.runInvariant.add(node.unique_id);
    if (sql !== undefined) {
      recording?.keep({
        sql,
        config: inFileConfig,
        configCall: this.configCalls.get(node.unique_id) ?? [],
        diagnosticsAdded: this.bag.items.length > diagnostics,
        needsFinal: this.ctx.needsFinalRender,
        runInvariant,
      });
    }
  }

  /**
   * A name looked up outside the render's own context that answers a run as it answered compile: a macro
   * (what it looks up in turn is tracked too) or one of RUN_INVARIANT_GLOBALS not shadowed by a macro.
   */
  private isRunInvariantName(name: string): boolean {
    return this.engine.macroSource(name) !== undefined || RUN_INVARIANT_GLOBALS.has(name);
  }

  private finishConfigs(): void {
    const { layers } = this.project.config;
    for (const node of [...this.executables, ...this.singularTests]) {
      const config = node.config;
      if (node.resource_type === 'model') {
        config.materialized ??= 'view';
        if (!(MODEL_MATERIALIZATIONS as readonly string[]).includes(config.materialized)) {
          this.bag.error(
            'XFORM_UNKNOWN_MATERIALIZATION',
            `model '${node.name}' has materialized='${config.materialized}', expected one of ${MODEL_MATERIALIZATIONS.join(', ')}`,
            locateConfigValue(node.original_file_path, node.raw_code, 'materialized', config.materialized),
            didYouMeanHint(config.materialized, MODEL_MATERIALIZATIONS),
          );
        }
      }
      if (node.resource_type === 'model' && config.incremental_strategy === 'microbatch') {
        try {
          microbatchConfig(node as ExecutableNode);
        } catch (err) {
          this.bag.addError(err);
        }
      }
      if (node.resource_type === 'snapshot' && config.enabled !== false) {
        const errors = this.bag.errors.length;
        checkSnapshotConfig(node as ExecutableNode, this.snapshots.patches.get(node.unique_id), this.bag);
        if (this.bag.errors.length === errors) node.config = withSnapshotDefaults(node.config);
      }
      if (node.resource_type === 'test') config.severity ??= 'error';
      node.tags = [...(config.tags ?? [])];
      node.meta = { ...(config.meta ?? {}) };
      if (typeof config.layer === 'string') {
        node.layer = config.layer;
        if (!layers.includes(config.layer)) {
          this.bag.error(
            'XFORM_UNKNOWN_LAYER',
            `${node.resource_type} '${node.name}' is in layer '${config.layer}', which is not one of the project's layers (${layers.join(', ')})`,
            { file: node.original_file_path, line: 1 },
            didYouMeanHint(config.layer, layers) ?? `add it to layers: in ${this.project.config.file}`,
          );
        }
      }
    }
  }

  private resolveDependencies(): void {
    for (const node of [...this.executables, ...this.singularTests]) {
      const deps = new Set<string>();
      for (const ref of node.refs) {
        try {
          deps.add(this.index.resolveRef(ref.name, ref.package, this.refLocation(node, ref.name)).unique_id);
        } catch (err) {
          this.bag.addError(err);
        }
      }
      for (const [source, table] of node.sources) {
        try {
          deps.add(this.index.resolveSource(source, table, this.refLocation(node, table, 'source')).unique_id);
        } catch {
          // Already reported while rendering.
        }
      }
      node.depends_on.nodes = [...deps];
    }
  }

  private refLocation(node: ExecutableNode | TestNode, name: string, fn = 'ref') {
    const yaml = this.snapshots.yaml.get(node.unique_id);
    if (yaml) return yaml.relationLocation;
    return locateCall(node.original_file_path, node.raw_code, fn, name);
  }

  /** Swaps relation tokens for final names, re-renders nodes that needed final relations, inlines ephemerals. */
  private finalizeSql(): void {
    if (this.bag.hasErrors()) return;
    const replacements = this.ctx.tokenKeys.map((key) => this.tokenReplacement(key));
    if (this.options.recordPatch) this.ctx.tokenKeys.forEach((key, i) => this.replacements.set(key, replacements[i]!));
    for (const node of [...this.executables, ...this.singularTests]) {
      let body = this.bodies.get(node.unique_id);
      if (body === undefined) continue;
      if (this.needsFinal.has(node.unique_id)) {
        try {
          body = this.engine.render(this.templateFor(node), this.ctx.begin({ node, mode: 'final' }));
        } catch (err) {
          this.bag.addError(err, { file: node.original_file_path });
          continue;
        }
      }
      this.bodies.set(node.unique_id, body!.replace(TOKEN_PATTERN, (_, i: string) => replacements[Number(i)]!));
    }
    for (const node of [...this.executables, ...this.singularTests]) {
      const body = this.bodies.get(node.unique_id);
      if (body === undefined) continue;
      node.compiled_code = injectCtes(body, this.ephemeralCtes(node));
      node.compiled_path = flat(path.posix.join('compiled', this.snapshots.yaml.get(node.unique_id)?.sqlPath ?? node.original_file_path));
      if (node.resource_type !== 'test') {
        const rel = this.ownRelationOf(node as ExecutableNode);
        (node as ExecutableNode).relation_name = typeof rel === 'string' ? undefined : this.quote(rel);
      }
    }
  }

  private tokenReplacement(key: string): string {
    const [kind, a, b] = key.split(':') as [string, string, string];
    try {
      const node =
        kind === 'this'
          ? (this.index.get(key.slice(5)) as ExecutableNode)
          : this.index.resolveRef(b, a === '' ? undefined : a, { file: '' });
      const rel = this.relationOf(node);
      return typeof rel === 'string' ? rel : this.quote(rel);
    } catch {
      return `__unresolved__${b ?? a}`;
    }
  }

  /**
   * CTEs for every ephemeral model reachable through ephemeral refs, dependencies first: their compiled
   * bodies, or rendered again with `overrides` when given.
   */
  private ephemeralCtes(node: ExecutableNode | TestNode, overrides?: RenderOverrides): Cte[] {
    const ctes: Cte[] = [];
    const seen = new Set<string>();
    const visit = (n: ExecutableNode | TestNode) => {
      for (const dep of n.depends_on.nodes) {
        const parent = this.index.get(dep);
        if (!parent || parent.resource_type !== 'model' || parent.config.materialized !== 'ephemeral') continue;
        if (seen.has(dep)) continue;
        seen.add(dep);
        visit(parent as ExecutableNode);
        const sql = overrides
          ? this.engine.render(this.templateFor(parent as ExecutableNode), this.ctx.begin({ node: parent as ExecutableNode, mode: 'final', overrides }))
          : (this.bodies.get(dep) ?? '');
        ctes.push({ name: `${EPHEMERAL_PREFIX}${parent.name}`, sql });
      }
    };
    visit(node);
    return ctes;
  }

  private renderForRun(node: ExecutableNode, isIncremental: boolean, session?: IntrospectionSession, batch?: BatchRender): string {
    const empty = this.options.empty === true;
    // A compile render that read nothing a run answers differently (execute, is_incremental(), model, the
    // warehouse...) and no relation attribute is what this render would give: its body is used as it is.
    // Batches and --empty change what ref() and source() render, so those always render.
    const compiledBody = batch === undefined && !empty && this.runInvariant.has(node.unique_id) ? this.bodies.get(node.unique_id) : undefined;
    if (compiledBody !== undefined) return injectCtes(compiledBody, this.ephemeralCtes(node));
    const names = this.ctx.begin({ node, mode: 'final', isIncremental, execute: true, session, batch, empty });
    const rendered = this.engine.render(this.templateFor(node), names);
    const body = batch === undefined && !empty ? rendered : keepModelAliases(rendered);
    return injectCtes(body, this.ephemeralCtes(node));
  }

  private renderUnitTest(node: ExecutableNode, options: UnitTestRenderOptions): string {
    const names = this.ctx.begin({ node, mode: 'final', isIncremental: options.isIncremental, execute: true, overrides: options.overrides });
    for (const [macro, value] of Object.entries(options.macros ?? {})) {
      if (macro !== 'is_incremental') names[macro] = pyFunction(() => value);
    }
    return this.engine.render(this.templateFor(node), names);
  }

  /** Renders like compile did (mode final, `execute` false), so only the overridden relations differ. */
  private introspectingMacros: boolean | undefined;

  private readsWarehouse(node: ExecutableNode | TestNode): boolean {
    // Only templates that can reach introspection are rendered again: the root's or a package's macros that
    // name it (dbt_utils), or the node's own text. dbt's internal library is not counted: a node that calls
    // date_spine names it.
    if (!this.macrosIntrospect() && !INTROSPECTION_WORDS.test(node.raw_code ?? '')) return false;
    if (node.resource_type === 'test') {
      return IntrospectionSession.asksWarehouse((s) => this.renderTestForAudit(node as TestNode, { relations: new Map() }, s));
    }
    if (node.resource_type !== 'model' || node.config.materialized === 'ephemeral') return false;
    return IntrospectionSession.asksWarehouse((s) => this.renderForRun(node as ExecutableNode, false, s));
  }

  private macrosIntrospect(): boolean {
    this.introspectingMacros ??= this.engine.macros.some((m) => m.packageName !== INTERNAL_PACKAGE && INTROSPECTION_WORDS.test(m.sql));
    return this.introspectingMacros;
  }

  private patchDraft(): PatchDraft | undefined {
    const { project } = this;
    const cache = this.options.renderCache;
    if (!this.options.recordPatch || !cache) return undefined;
    const macros = project.macros.map(({ path: file, absPath, rootDir, packageName }) => ({ path: file, absPath, rootDir, ...(packageName === undefined ? {} : { packageName }) }));
    return { macros, models: this.patchModels(cache) };
  }

  /**
   * The draft's models, each made as the writer asks for it, so that the 10,000 of a large project are never
   * held at once. The nodes' JSON lives on in the draft only: once every model has been asked for, the
   * compiler lets it go.
   */
  private *patchModels(cache: RenderCache): Generator<PatchDraftModel> {
    const ephemeral = (id: string) => {
      const parent = this.index.get(id);
      return parent?.resource_type === 'model' && parent.config.materialized === 'ephemeral';
    };
    for (const node of this.executables) {
      const pre = this.preRender.get(node.unique_id);
      if (!pre || node.config.enabled === false || node.config.materialized === 'ephemeral' || node.compiled_code === undefined) continue;
      const kept = cache.kept(node.unique_id);
      if (!kept || node.depends_on.nodes.some(ephemeral)) continue;
      const thisKey = `this:${node.unique_id}`;
      // `this` is the node's own relation (no --defer when recording a patch), named in finalizeSql.
      const tokens: [string, string][] = [[thisKey, node.relation_name ?? this.tokenReplacement(thisKey)]];
      for (const r of node.refs) {
        const key = `ref:${r.package ?? ''}:${r.name}`;
        tokens.push([key, this.replacements.get(key) ?? this.tokenReplacement(key)]);
      }
      const sources: Record<string, SourceAnswer> = {};
      for (const [source, table] of node.sources) sources[`${source}:${table}`] = this.resolveSource(source, table, node);
      yield { file: pre.file, model: { id: node.unique_id, shape: renderShape(kept), tokens: tokensJson(tokens), sources }, node: pre.node };
    }
    this.preRender.clear();
  }

  private renderTestForAudit(test: TestNode, overrides: RenderOverrides, session?: IntrospectionSession): string {
    let body: string;
    if (test.test_metadata) {
      const render = this.genericRenderers.get(test.unique_id);
      if (!render) throw new XformError('XFORM_INTERNAL', `no generic test '${test.unique_id}' in this compile`);
      body = render(overrides, session);
    } else {
      const execution = session ? { execute: true, session } : {};
      body = this.engine.render(this.templateFor(test), this.ctx.begin({ node: test, mode: 'final', overrides, ...execution }));
    }
    return injectCtes(body, this.ephemeralCtes(test, overrides));
  }

  private renderHook(sql: string, node?: ExecutableNode): string {
    const host = node ?? this.inlineNode(sql);
    const names = this.ctx.begin({ node: host, mode: 'final', execute: true });
    return this.engine.renderString(node ? `${node.original_file_path} (hook)` : this.project.config.file, sql, names, node?.package_name);
  }

  private inlineNode(sql: string): ExecutableNode {
    const pkg = this.project.config.name;
    return {
      unique_id: `model.${pkg}.inline_query`,
      resource_type: 'model',
      name: 'inline_query',
      package_name: pkg,
      original_file_path: '<inline>',
      fqn: [pkg, 'inline_query'],
      description: '',
      tags: [],
      meta: {},
      config: { materialized: 'view' },
      columns: {},
      depends_on: { nodes: [], macros: [] },
      raw_code: sql,
      checksum: { name: 'sha256', checksum: '' },
      schema: this.project.target.schema,
      alias: 'inline_query',
      refs: [],
      sources: [],
    };
  }

  /** `{% do macro(k=args['k'], ...) %}`, after checking that the macro exists and the argument names are names. */
  private operationTemplate(macro: string, args: Record<string, unknown>): string {
    const dot = macro.indexOf('.');
    const [pkg, name] = dot < 0 ? [undefined, macro] : [macro.slice(0, dot), macro.slice(dot + 1)];
    const callable = this.engine.macros.filter((m) => m.packageName !== INTERNAL_PACKAGE || pkg === 'dbt');
    if (!callable.some((m) => m.name === name && (pkg === undefined || m.packageName === pkg || (pkg === 'dbt' && m.packageName === INTERNAL_PACKAGE)))) {
      const known = [...new Set(callable.filter((m) => m.packageName !== INTERNAL_PACKAGE).map((m) => (m.packageName === this.project.config.name ? m.name : `${m.packageName}.${m.name}`)))];
      throw new XformError('XFORM_MACRO_NOT_FOUND', `no macro named '${macro}' in the project or its packages`, {
        hint: didYouMeanHint(macro, known) ?? (known.length > 0 ? `macros: ${known.slice(0, 10).join(', ')}` : 'macros live in .sql files under macros/'),
      });
    }
    const kwargs = Object.keys(args).map((key) => {
      if (!/^[A-Za-z_]\w*$/.test(key)) throw new XformError('XFORM_BAD_ARGUMENT', `--args: '${key}' is not a macro argument name`, { hint: 'argument names are letters, digits and _' });
      return `${key}=${OPERATION_ARGS}[${JSON.stringify(key)}]`;
    });
    return `{% do ${macro}(${kwargs.join(', ')}) %}`;
  }

  private compileInline(sql: string): string {
    const node = this.inlineNode(sql);
    const names = this.ctx.begin({ node, mode: 'final' });
    const body = this.engine.renderString('<inline>', sql, names);
    const deps = new Set<string>();
    const parse = this.ctx.begin({ node, mode: 'parse' });
    this.engine.renderString('<inline>', sql, parse);
    for (const ref of node.refs) deps.add(this.index.resolveRef(ref.name, ref.package, { file: '<inline>' }).unique_id);
    node.depends_on.nodes = [...deps];
    return injectCtes(body, this.ephemeralCtes(node));
  }

  private buildManifest(graph: LineageGraph, tests: TestNode[], described: RenderedDescriptions, exposures: Record<string, ExposureNode>): Manifest {
    const { project } = this;
    const nodes: Manifest['nodes'] = {};
    const disabled: Manifest['disabled'] = {};
    for (const node of [...this.executables, ...tests, ...this.singularTests]) {
      (node.config.enabled === false ? disabled : nodes)[node.unique_id] = node;
    }
    const sources: Manifest['sources'] = {};
    for (const s of this.sources) sources[s.unique_id] = s;
    const macros: Record<string, MacroNode> = {};
    for (const m of this.engine.macros) {
      const pkg = m.packageName;
      const id = `macro.${pkg}.${m.name}`;
      macros[id] = {
        unique_id: id,
        name: m.name,
        package_name: pkg,
        original_file_path: m.path,
        line: m.line,
        arguments: m.arguments,
        macro_sql: m.sql,
        description: pkg === project.config.name ? (described.macros.get(m.name) ?? '') : '',
        ...argumentDescriptions(pkg === project.config.name ? m.arguments : [], m.name, described.macroArguments),
        depends_on: { macros: [] },
      };
    }
    recordMacroCalls(Object.values(nodes), Object.values(macros), project.config.name);
    recordUnrenderedConfig(this.executables, project, (node) => this.configCalls.get(node.unique_id));
    return {
      metadata: {
        xform_version: XFORM_CORE_VERSION,
        generated_at: new Date().toISOString(),
        invocation_id: this.invocationId,
        project_name: project.config.name,
        adapter_type: project.target.type,
        target_name: project.target.name,
      },
      nodes,
      sources,
      macros,
      docs: described.docs,
      exposures,
      disabled,
      parent_map: graph.parentMap(),
      child_map: graph.childMap(),
      layers: project.config.layers,
    };
  }
}

/** `argument_descriptions` of a macro from `macros:` in schema YAML, when any of its arguments is described. */
function argumentDescriptions(args: readonly string[], macro: string, described: Map<string, string>): { argument_descriptions?: Record<string, string> } {
  const found = args.flatMap((a) => {
    const text = described.get(`${macro}.${a}`);
    return text ? [[a, text] as const] : [];
  });
  return found.length ? { argument_descriptions: Object.fromEntries(found) } : {};
}
