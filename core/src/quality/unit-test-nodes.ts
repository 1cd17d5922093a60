/**
 * `unit_tests:` entries of schema YAML become graph nodes (`resource_type: unit_test`,
 * `unit_test.<project>.<model>.<name>`) that depend on the model they test, so that selecting a model
 * selects its unit tests. Every input is resolved here, at compile time: an unknown model, an input that
 * names nothing, or a parent of the model left without fixture rows is reported at its YAML line — a unit
 * test never falls back to reading a real table.
 */
import { createHash } from 'node:crypto';
import { didYouMeanHint, isXformError, type DiagnosticBag, type SourceLocation } from '../errors.js';
import { mergeConfig, resolveFolderConfig } from '../project/index.js';
import type { LoadedProject, UnitTestDef } from '../project/types.js';
import type { NodeIndex } from '../graph/index.js';
import type { ExecutableNode, TestNode, UnitTestInput } from '../graph/types.js';

const INVALID = 'XFORM_UNIT_TEST_INVALID';
const CALL = /^\s*(ref|source)\s*\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)\s*$/;

export interface UnitTestBuildInput {
  project: LoadedProject;
  index: NodeIndex;
  bag: DiagnosticBag;
  /** Every model, seed and snapshot, with resolved dependencies. */
  executables: readonly ExecutableNode[];
}

/** How a parent of the model is written in `given:` (for messages). */
function inputText(parent: ExecutableNode | { resource_type: 'source'; source_name: string; name: string }): string {
  return parent.resource_type === 'source' ? `source('${parent.source_name}', '${parent.name}')` : `ref('${parent.name}')`;
}

export function buildUnitTests(input: UnitTestBuildInput): TestNode[] {
  const { project, bag } = input;
  const models = new Map<string, ExecutableNode>();
  for (const node of input.executables) if (node.resource_type === 'model') models.set(node.name, node);
  const out: TestNode[] = [];
  // Duplicates are reported while loading (project/cross-checks.ts).
  for (const file of project.schemaFiles) {
    for (const def of file.unitTests) {
      const node = buildOne(input, def, file.path, models);
      if (node) out.push(node);
    }
  }
  return out;
}

function buildOne(input: UnitTestBuildInput, def: UnitTestDef, file: string, models: Map<string, ExecutableNode>): TestNode | undefined {
  const { project, index, bag } = input;
  const pkg = project.config.name;
  const where = `unit test '${def.name}' in ${file}`;
  const model = models.get(def.model);
  if (!model) {
    bag.error('XFORM_UNIT_TEST_MODEL_NOT_FOUND', `${where} tests model '${def.model}', which does not exist`, def.location, didYouMeanHint(def.model, models.keys()));
    return undefined;
  }
  const config = mergeConfig(resolveFolderConfig(project.config.tests, [pkg, model.name, def.name]), def.config);
  if (config.enabled === false || model.config.enabled === false) return undefined;
  const errors = bag.errors.length;

  const given: UnitTestInput[] = [];
  for (const g of def.given) {
    if (g.fixture !== undefined) {
      bag.error(INVALID, `${where}: fixture files are not supported; write the rows of ${g.input} inline under 'rows:'`, def.location);
      continue;
    }
    const id = resolveInput(index, g.input, def.location, where, bag);
    if (id === undefined) continue;
    if (given.some((x) => x.node === id)) {
      bag.error(INVALID, `${where} gives ${g.input} twice`, def.location);
      continue;
    }
    given.push({ input: g.input, node: id, rows: g.rows ?? [], ...(g.format === 'csv' ? { format: 'csv' as const } : {}) });
  }
  if (def.expect.rows === undefined) {
    bag.error(INVALID, `${where} has no 'expect: rows:' (write 'rows: []' to expect no rows)`, def.location);
  }
  // Every parent must be given: a unit test never reads a real table.
  const givenIds = new Set(given.map((g) => g.node));
  for (const parentId of model.depends_on.nodes) {
    if (givenIds.has(parentId)) continue;
    const parent = index.get(parentId);
    const text = parent ? inputText(parent as ExecutableNode) : parentId;
    bag.error(
      'XFORM_UNIT_TEST_MISSING_INPUT',
      `${where}: model '${model.name}' reads ${text}, which has no rows under 'given:'`,
      def.location,
      `add "- input: ${text.replace(/"/g, '\\"')}" with its rows (rows: [] for an empty input)`,
    );
  }
  for (const g of given) {
    if (g.node !== 'this' && !model.depends_on.nodes.includes(g.node)) {
      bag.warning('XFORM_UNIT_TEST_UNUSED_INPUT', `${where}: model '${model.name}' does not read ${g.input}; its rows are ignored`, def.location);
    }
  }
  if (bag.errors.length > errors) return undefined;

  const spec = JSON.stringify({ model: model.unique_id, given, expect: def.expect.rows, overrides: def.overrides ?? null });
  const checksum = createHash('sha256').update(spec).digest('hex');
  const node: TestNode = {
    unique_id: `unit_test.${pkg}.${model.name}.${def.name}`,
    resource_type: 'unit_test',
    name: def.name,
    package_name: pkg,
    original_file_path: file,
    line: def.location.line,
    fqn: [...model.fqn, def.name],
    description: def.description,
    tags: [...(config.tags ?? [])],
    meta: { ...(config.meta ?? {}) },
    config,
    columns: {},
    depends_on: { nodes: [model.unique_id], macros: [] },
    raw_code: '',
    checksum: { name: 'sha256', checksum },
    refs: [],
    sources: [],
    attached_node: model.unique_id,
    unit_test: { model: model.unique_id, given, expect: { rows: def.expect.rows ?? [] } },
  };
  if (def.overrides) node.unit_test!.overrides = def.overrides;
  return node;
}

/** `ref('m')`, `ref('pkg', 'm')`, `source('s', 't')` or `this` -> the unique_id it names (or 'this'). */
function resolveInput(index: NodeIndex, text: string, location: SourceLocation, where: string, bag: DiagnosticBag): string | undefined {
  if (text.trim() === 'this') return 'this';
  const m = CALL.exec(text);
  if (!m) {
    bag.error(INVALID, `${where}: input '${text}' must be "ref('model')", "source('source', 'table')" or "this"`, location);
    return undefined;
  }
  try {
    if (m[1] === 'ref') {
      const [refPkg, name] = m[5] !== undefined ? [m[3], m[5]] : [undefined, m[3]!];
      return index.resolveRef(name, refPkg, location).unique_id;
    }
    if (m[5] === undefined) {
      bag.error(INVALID, `${where}: input '${text}' needs a source and a table name, e.g. source('shop', 'orders')`, location);
      return undefined;
    }
    return index.resolveSource(m[3]!, m[5], location).unique_id;
  } catch (err) {
    if (!isXformError(err)) throw err;
    bag.addError(err, location);
    return undefined;
  }
}
