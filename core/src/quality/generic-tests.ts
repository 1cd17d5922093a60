/**
 * Generic tests declared in schema YAML (`tests:` / `data_tests:` on models, seeds, snapshots, sources and
 * their columns) become test nodes: a call of the `test_<name>` macro with the attached relation as `model`,
 * the column as `column_name` and the YAML arguments. Names and ids are dbt's (see test-names.ts):
 * `not_null_orders_order_id`, `test.shop.not_null_orders_order_id.cf6c17daed`.
 */
import { hash as hashText } from 'node:crypto';
import path from 'node:path';
import { XformError, didYouMeanHint, type DiagnosticBag } from '../errors.js';
import { flat } from '../flat-string.js';
import { mergeConfig, resolveFolderConfig, TEST_CONFIG_KEYS } from '../project/index.js';
import type { ColumnTestDef, LoadedProject, NodePatch } from '../project/types.js';
import type { ExecutableNode, GraphNode, SourceNode, TestNode } from '../graph/types.js';
import type { NodeIndex } from '../graph/index.js';
import type { TemplateEngine } from '../template/index.js';
import type { RenderContext, RenderOverrides, RenderTarget } from '../compile/render-context.js';
import type { IntrospectionSession } from '../compile/introspection.js';
import { TestArgumentRenderer, needsRendering } from './test-arguments.js';
import { modelArgument, synthesizeTestNames, testIdHash } from './test-names.js';
import { builtinTestSql, type BuiltinTestSql } from './builtin-test-sql.js';

export interface GenericTestInput {
  project: LoadedProject;
  engine: TemplateEngine;
  ctx: RenderContext;
  bag: DiagnosticBag;
  index: NodeIndex;
  models: readonly ExecutableNode[];
  sources: readonly SourceNode[];
}

const REF_OR_SOURCE = /^\s*(ref|source)\s*\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)\s*$/;

function sha(text: string): string {
  return hashText('sha256', text, 'hex');
}

/** A test's fqn, as dbt's: the package, the schema file's folders below its top folder, the name. */
/**
 * dbt's fqn of a generic test: its package, the folders of the YAML file below the resource path, its name.
 * `packagePath` is an installed package's folder (`dbt_packages/<pkg>`), which its files' paths start with.
 */
function testFqn(pkg: string, file: string, name: string, packagePath?: string): string[] {
  const own = packagePath !== undefined && file.startsWith(`${packagePath}/`) ? file.slice(packagePath.length + 1) : file;
  return [pkg, ...own.split('/').slice(1, -1), name];
}

class SubqueryRelation {
  constructor(
    private readonly relation: string,
    private readonly where: string,
  ) {}

  toString(): string {
    return `(select * from ${this.relation} where ${this.where}) xform_subquery`;
  }
}

/**
 * A generic test's SQL, rendered again: with relations overridden (write-audit-publish reads staging), and at
 * run time with `execute` true and the node's introspection session (dbt renders tests with a connection).
 */
export type GenericTestRenderer = (overrides?: RenderOverrides, session?: IntrospectionSession) => string;

export interface GenericTests {
  tests: TestNode[];
  /** unique_id -> how that test renders. */
  renderers: Map<string, GenericTestRenderer>;
}

export function buildGenericTests(input: GenericTestInput): GenericTests {
  const { project, bag } = input;
  const tests: TestNode[] = [];
  const renderers = new Map<string, GenericTestRenderer>();
  const byKind = new Map<string, ExecutableNode>();
  // A package's YAML tests only its own nodes, even when the root has a node of the same name.
  for (const node of input.models) byKind.set(`${node.resource_type}:${node.package_name}:${node.name}`, node);
  const calls = new Map<string, SharedCall>();
  const builders = new Map<string, BuiltinTestSql | undefined>();
  const sourcesById = new Map(input.sources.map((s) => [s.unique_id, s]));
  const testMacros = input.engine.macros.filter((m) => m.name.startsWith('test_')).map((m) => m.name.slice(5));

  const seen = new Map<string, ColumnTestDef>();
  const make = (def: ColumnTestDef, attached: GraphNode, column: string | undefined, file: string) => {
    try {
      const node = buildOne(input, def, attached, column, file, { calls, builders }, testMacros, renderers);
      if (!node) return;
      // dbt refuses two tests of one name on one column too: selectors and stored failures could not tell them apart.
      const key = `${attached.unique_id}|${column ?? ''}|${node.name}`;
      const first = seen.get(key);
      if (first) {
        const at = first.location.line === undefined ? first.location.file : `${first.location.file}:${first.location.line}`;
        bag.error('XFORM_DUPLICATE_TEST', `two tests are named '${node.name}' (the first at ${at})`, def.location, "give one of them its own name with 'name:' (they differ only in config, or their arguments read alike)");
        return;
      }
      seen.set(key, def);
      tests.push(node);
    } catch (err) {
      bag.addError(err, def.location);
    }
  };

  const fromPatch = (patch: NodePatch, kind: 'model' | 'seed' | 'snapshot', file: string, pkg: string) => {
    const node = byKind.get(`${kind}:${pkg}:${patch.name}`);
    if (!node || node.config.enabled === false) return;
    for (const def of patch.tests) make(def, node, undefined, file);
    for (const column of patch.columns) for (const def of column.tests) make(def, node, column.name, file);
  };

  for (const schemaFile of project.schemaFiles) {
    const pkg = schemaFile.packageName ?? project.config.name;
    for (const patch of schemaFile.models) fromPatch(patch, 'model', schemaFile.path, pkg);
    for (const patch of schemaFile.seeds) fromPatch(patch, 'seed', schemaFile.path, pkg);
    for (const patch of schemaFile.snapshots) fromPatch(patch, 'snapshot', schemaFile.path, pkg);
    for (const source of schemaFile.sources) {
      for (const table of source.tables) {
        const node = sourcesById.get(`source.${pkg}.${source.name}.${table.name}`);
        if (!node) continue;
        for (const def of table.tests) make(def, node, undefined, schemaFile.path);
        for (const column of table.columns) for (const def of column.tests) make(def, node, column.name, schemaFile.path);
      }
    }
  }
  return { tests, renderers };
}

/** What the built-in tests' required arguments hold, for the message when one is missing. */
const ARGUMENT_HINTS: Record<string, string> = {
  'accepted_values.values': "the list of accepted values, e.g. values: ['placed', 'shipped']",
  'relationships.to': "the parent relation, e.g. to: ref('customers')",
  'relationships.field': 'the column of the parent relation, e.g. field: id',
  'expression_is_true.expression': "a SQL condition every row must meet, e.g. expression: 'amount >= 0'",
  'unique_combination_of_columns.combination_of_columns': 'the list of columns, e.g. combination_of_columns: [order_id, line]',
  'recency.field': 'the timestamp column, e.g. field: loaded_at',
  'recency.datepart': 'the unit of interval, e.g. datepart: day',
  'recency.interval': 'how many dateparts old the newest row may be, e.g. interval: 1',
};

/**
 * A test macro called without one of its required arguments would render broken SQL (`not in ()`) that
 * only the warehouse rejects, far from the YAML that caused it: report it at the test's YAML line instead.
 */
function checkArguments(engine: TemplateEngine, macro: string, pkg: string, def: ColumnTestDef, attached: GraphNode, column: string | undefined, args: Record<string, unknown>): void {
  const info = engine.macroInfoOf(macro, pkg);
  if (!info) return;
  const testName = info.name.slice('test_'.length);
  const on = `${column === undefined ? '' : `column '${column}' of `}${attached.resource_type} '${attached.name}'`;
  for (const required of info.required) {
    if (required === 'model' || (required === 'column_name' && column !== undefined)) continue;
    if (args[required] !== undefined && args[required] !== null) continue;
    if (required === 'column_name') {
      throw new XformError('XFORM_TEST_ARGUMENT_MISSING', `test '${testName}' on ${on} needs a column: declare it under a column's tests (or give column_name)`, {
        location: def.location,
      });
    }
    const unknown = Object.keys(args).filter((k) => !info.arguments.includes(k));
    const typo = unknown.find((k) => didYouMeanHint(k, [required]) !== undefined);
    const expected = ARGUMENT_HINTS[`${testName}.${required}`];
    const hint = typo !== undefined ? `did you mean '${required}:' instead of '${typo}:'?` : expected ? `give ${expected}` : `give '${required}:' in the test's arguments`;
    throw new XformError('XFORM_TEST_ARGUMENT_MISSING', `test '${testName}' on ${on} is missing its required argument '${required}'`, {
      location: def.location,
      hint,
    });
  }
  // An argument the macro does not take fails its render anyway (as in dbt); say so at the YAML line, with
  // the argument or test config key (`severty: warn` beside the arguments) it is probably a typo of.
  const extra = info.catchKwargs ? [] : Object.keys(args).filter((k) => !info.arguments.includes(k));
  if (extra.length > 0) {
    const own = info.arguments.filter((a) => a !== 'model' && a !== 'column_name');
    const hint = didYouMeanHint(extra[0]!, [...own, ...TEST_CONFIG_KEYS]) ?? (own.length > 0 ? `its arguments: ${own.join(', ')}` : `it takes no arguments; its config keys: ${TEST_CONFIG_KEYS.join(', ')}`);
    throw new XformError('XFORM_TEST_ARGUMENT_UNKNOWN', `test '${testName}' on ${on} has no argument '${extra[0]}'`, { location: def.location, hint });
  }
  if (testName === 'accepted_values' && Array.isArray(args.values) && args.values.length === 0) {
    throw new XformError('XFORM_TEST_ARGUMENT_MISSING', `test 'accepted_values' on ${on} has an empty 'values' list`, {
      location: def.location,
      hint: `give ${ARGUMENT_HINTS['accepted_values.values']}`,
    });
  }
}

function macroId(engine: TemplateEngine, macro: string, pkg: string): string {
  const info = engine.macroInfoOf(macro, pkg)!;
  return `macro.${info.packageName}.${info.name}`;
}

/** A test shape's call of its macro (the tests' raw_code), and that call compiled. */
interface SharedCall {
  call: string;
  template: ReturnType<TemplateEngine['compile']>;
}

function buildOne(
  input: GenericTestInput,
  def: ColumnTestDef,
  attached: GraphNode,
  column: string | undefined,
  file: string,
  shared: { calls: Map<string, SharedCall>; builders: Map<string, BuiltinTestSql | undefined> },
  testMacros: string[],
  renderers: Map<string, GenericTestRenderer>,
): TestNode | undefined {
  const { project, engine, ctx, index } = input;
  const pkg = attached.package_name;
  const dot = def.name.lastIndexOf('.');
  const namespace = dot === -1 ? undefined : def.name.slice(0, dot);
  const testName = dot === -1 ? def.name : def.name.slice(dot + 1);
  // `dbt_utils.expression_is_true` calls that package's test macro; a bare name finds the root's first.
  const macro = `${namespace === undefined ? '' : `${namespace}.`}test_${testName}`;
  if (!engine.hasMacro(macro, pkg)) {
    throw new XformError('XFORM_TEST_NOT_FOUND', `unknown test '${def.name}' on ${attached.resource_type} '${attached.name}'`, {
      location: def.location,
      hint: didYouMeanHint(testName, testMacros) ?? `define it with {% test ${testName}(model, column_name) %} ... {% endtest %}`,
    });
  }
  const customName = def.customName;
  const args: Record<string, unknown> = { ...def.args };
  checkArguments(engine, macro, pkg, def, attached, column, args);
  const onSource = attached.resource_type === 'source';
  const targetName = onSource ? `${(attached as SourceNode).source_name}_${attached.name}` : attached.name;
  const kwargs = column === undefined ? { ...args } : { ...args, column_name: column };
  const typeName = onSource ? `source_${testName}` : testName;
  const names = customName === undefined ? synthesizeTestNames(namespace ? `${namespace}_${typeName}` : typeName, targetName, kwargs) : { name: customName, shortName: customName };
  const name = flat(names.name);
  const model = modelArgument(onSource ? { kind: 'source', source: (attached as SourceNode).source_name, table: attached.name } : { kind: 'ref', name: attached.name });
  const idHash = testIdHash(name, { name: testName, ...(namespace ? { namespace } : {}), kwargs: { ...kwargs, model } });
  const fqn = testFqn(pkg, file, name, project.packages?.find((p) => p.name === pkg)?.path);
  // Like dbt, a shortened name becomes the default alias: it names the table of stored failures.
  const nameConfig = names.shortName === name ? {} : { alias: names.shortName };
  // Precedence as in dbt: the default severity, `tests:` folder config, config() in the test macro (applied
  // once the macro has rendered, below), then the test's own YAML config, which dbt calls after the macro.
  const projectConfig = mergeConfig({ severity: 'error' }, resolveFolderConfig(project.config.tests, fqn));
  const yamlConfig = mergeConfig(nameConfig, def.config);
  const config = mergeConfig(projectConfig, yamlConfig);
  if (config.enabled === false) return undefined;
  const hash = sha(`${file}|${attached.unique_id}|${column ?? ''}|${def.name}|${JSON.stringify(args)}|${JSON.stringify(def.config)}`).slice(0, 10);

  const deps = new Set<string>([attached.unique_id]);
  const refs: TestNode['refs'] = [];
  const sources: [string, string][] = [];
  const node: TestNode = {
    unique_id: flat(`test.${pkg}.${name}.${idHash}`),
    resource_type: 'test',
    name,
    package_name: pkg,
    original_file_path: file,
    line: def.location.line,
    fqn,
    description: def.description ?? '',
    tags: [...(config.tags ?? [])],
    meta: { ...(config.meta ?? {}) },
    config,
    columns: {},
    depends_on: { nodes: [], macros: [macroId(engine, macro, pkg)] },
    raw_code: '',
    test_metadata: { name: testName, namespace, kwargs: { ...args, ...(column ? { column_name: column } : {}) } },
    column_name: column,
    attached_node: attached.unique_id,
    compiled_path: flat(path.posix.join('compiled', path.posix.dirname(file), `${names.shortName}.sql`)),
    checksum: { name: 'sha256', checksum: hash },
    refs,
    sources,
  };

  // Arguments written as ref('x') / source('a', 'b') are relations, and dependencies of the test.
  const values: Record<string, unknown> = {};
  const relationArgs = new Map<string, GraphNode>();
  for (const [key, value] of Object.entries(args)) {
    const m = typeof value === 'string' ? REF_OR_SOURCE.exec(value) : null;
    if (!m) {
      values[key] = value;
      continue;
    }
    const loc = def.location;
    if (m[1] === 'ref') {
      const [refPkg, refName] = m[5] !== undefined ? [m[3], m[5]] : [undefined, m[3]!];
      const target = index.resolveRef(refName, refPkg, loc);
      refs.push(refPkg ? { name: refName, package: refPkg } : { name: refName });
      deps.add(target.unique_id);
      relationArgs.set(key, target);
    } else {
      if (m[5] === undefined) {
        throw new XformError('XFORM_BAD_TEST_ARGUMENT', `source() in test argument '${key}' needs a source and a table name`, { location: loc });
      }
      const target = index.resolveSource(m[3]!, m[5], loc);
      sources.push([m[3]!, m[5]]);
      deps.add(target.unique_id);
      relationArgs.set(key, target);
    }
  }
  node.depends_on.nodes = [...deps];

  const keys = [...Object.keys(values), ...relationArgs.keys()].sort();
  const shape = `${macro}|${column ? 'c' : ''}|${keys.join(',')}`;
  let sharedCall = shared.calls.get(shape);
  if (!sharedCall) {
    const call = flat(`{{ ${macro}(model=__xform_model${column ? ', column_name=__xform_column' : ''}${keys.map((k) => `, ${k}=__xform_args[${JSON.stringify(k)}]`).join('')}) }}`);
    sharedCall = { call, template: engine.compile(`${file} (test ${def.name})`, call, node.package_name) };
    shared.calls.set(shape, sharedCall);
  }
  // One string for every test of the shape (15,000 tests: a few dozen calls).
  node.raw_code = sharedCall.call;
  const template = sharedCall.template;
  const builderKey = `${pkg}|${macro}`;
  if (!shared.builders.has(builderKey)) shared.builders.set(builderKey, builtinTestSql(engine, project.target.type, macro, pkg));
  const builder = shared.builders.get(builderKey);
  const argRenderer = needsRendering(values) ? new TestArgumentRenderer(engine, `${file} (test ${def.name})`, node.package_name) : undefined;
  const render = (overrides?: RenderOverrides, session?: IntrospectionSession): string => {
    const target: RenderTarget = { node, mode: 'final', ...(overrides ? { overrides } : {}), ...(session ? { execute: true, session } : {}) };
    ctx.start(target);
    // The template's names only when a template renders: most tests are built-in ones, whose SQL is written in code.
    let names: Record<string, unknown> | undefined;
    const namesOf = () => (names ??= ctx.names(target));
    // After start(), so that relations resolve through this render's overrides.
    // Relations, not their names: dbt passes `model` and ref()/source() arguments as Relation objects, and
    // packages' tests check that (dbt_utils' equality reads their columns).
    const relationOf = (n: GraphNode): unknown =>
      n.resource_type === 'source' ? (ctx.overridden(n.unique_id) ?? ctx.makeRelation(n as SourceNode)) : ctx.relationValue(n as ExecutableNode);
    const argValues: Record<string, unknown> = argRenderer ? (argRenderer.render(values, namesOf()) as Record<string, unknown>) : { ...values };
    for (const [key, target] of relationArgs) argValues[key] = relationOf(target);
    const modelRelation = relationOf(attached);
    const where = node.config.where;
    const model = typeof where === 'string' && where.trim() !== '' ? new SubqueryRelation(String(modelRelation), where) : modelRelation;
    // The compile's own render of a common built-in test; renders for audits and runs go through the macro.
    const built = overrides === undefined && session === undefined ? builder?.(model, column, argValues) : undefined;
    if (built !== undefined) return flat(built);
    return engine.render(template, { ...namesOf(), __xform_model: model, __xform_column: column, __xform_args: argValues });
  };
  node.compiled_code = render();
  if (Object.keys(ctx.inFileConfig).length > 0) {
    const final = mergeConfig(mergeConfig(projectConfig, ctx.inFileConfig), yamlConfig);
    if (final.enabled === false) return undefined;
    const whereBefore = node.config.where;
    node.config = final;
    node.tags = [...(final.tags ?? [])];
    node.meta = { ...(final.meta ?? {}) };
    // The macro's config(where=...) filters the model the macro itself reads: render once more with it.
    if (final.where !== whereBefore) node.compiled_code = render();
  }
  renderers.set(node.unique_id, render);
  return node;
}
