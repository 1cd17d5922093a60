/**
 * Running one unit test (dbt 1.8 style): the model is rendered with each `given:` input replaced by a CTE of
 * literal rows, run as a plain SELECT (nothing is created, no real table is read), and its rows are compared
 * with `expect:` as multisets over the expected columns. Fixture columns take the real upstream's types from
 * the catalog when that relation exists, else types inferred from the values; expected rows take the types of
 * the model's output, so both sides come back from the warehouse spelled the same way.
 */
import type { Adapter, Connection, Relation } from '../adapter/types.js';
import { stripTrailingSemicolons } from '../adapter/dialect-base.js';
import type { CompiledProject } from '../compile/compiler.js';
import { injectCtes, type Cte } from '../compile/ephemeral.js';
import { XformError, isXformError, type SourceLocation } from '../errors.js';
import type { ExecutableNode, TestNode, UnitTestInput } from '../graph/types.js';
import { nodeRelation } from '../materialize/relations.js';
import { alignRows, fixtureSql, inferColumns, type FixtureColumn } from './unit-fixtures.js';
import { diffRows, formatDiff, summarizeDiff, type UnitTestDiff } from './unit-diff.js';

export interface RunUnitTestOptions {
  compiled: CompiledProject;
  adapter: Adapter;
  connection: Connection;
  /** A node with `resource_type: 'unit_test'`. */
  test: TestNode;
}

export interface UnitTestOutcome {
  status: 'pass' | 'fail';
  /** `PASS`, or `FAIL <summary>` followed by the diff table, one line each. */
  message: string;
  /** Missing plus unexpected rows. */
  failures: number;
  diff?: UnitTestDiff;
  /** The SQL that was run for the actual rows (fixtures inlined). */
  sql: string;
}

const THIS_CTE = '__xform_given_this';

function cteName(input: UnitTestInput, taken: Set<string>): string {
  const m = /^\s*(?:ref|source)\s*\((.*)\)\s*$/.exec(input.input);
  const base = input.node === 'this' ? 'this' : (m?.[1] ?? input.node).replace(/['"\s]/g, '').replace(/[^A-Za-z0-9_]+/g, '_');
  let name = `__xform_given_${base}`;
  for (let i = 2; taken.has(name); i++) name = `__xform_given_${base}_${i}`;
  taken.add(name);
  return name;
}

/** Runs a unit test. Setup problems (an unknown column, a model that fails to render) throw an XformError. */
export async function runUnitTest(options: RunUnitTestOptions): Promise<UnitTestOutcome> {
  const { compiled, adapter, connection, test } = options;
  const spec = test.unit_test;
  const location: SourceLocation = { file: test.original_file_path, ...(test.line === undefined ? {} : { line: test.line }) };
  const where = `unit test '${test.name}'`;
  const model = compiled.manifest.nodes[spec?.model ?? ''] as ExecutableNode | undefined;
  if (!spec || !model) throw new XformError('XFORM_INTERNAL', `${where}: no model to test`, { location });
  try {
    const dialect = adapter.dialect;
    const taken = new Set<string>([THIS_CTE]);
    const relations = new Map<string, string>([['this', THIS_CTE]]);
    const ctes: Cte[] = [];
    for (const input of spec.given) {
      const name = input.node === 'this' ? THIS_CTE : cteName(input, taken);
      relations.set(input.node, name);
      const { columns, fromCatalog } = await fixtureColumns(options, input, model);
      const rows = withHint(
        () => alignRows(input.rows, columns, `input ${input.input}`),
        fromCatalog ? `the columns come from its relation in the warehouse: if the model changed, build it again first` : undefined,
      );
      ctes.push({ name, sql: fixtureSql(dialect, columns, rows) });
    }
    const overrides = spec.overrides ?? {};
    const macros = overrides.macros ?? {};
    const rendered = compiled.renderUnitTest(model, {
      overrides: { relations, vars: overrides.vars, env: overrides.env_vars },
      isIncremental: macros.is_incremental === true,
      macros,
    });
    if (!spec.given.some((g) => g.node === 'this') && rendered.includes(THIS_CTE)) {
      throw new XformError('XFORM_UNIT_TEST_MISSING_INPUT', `${where}: model '${model.name}' reads {{ this }}, which has no rows under 'given:'`, {
        hint: 'add "- input: this" with the rows the existing table holds (rows: [] for an empty table)',
      });
    }
    const sql = stripTrailingSemicolons(injectCtes(rendered, ctes));

    const output = await connection.execute(dialect.limitZero(sql), { label: test.unique_id });
    const outputColumns: FixtureColumn[] = output.columns.map((c) => ({ name: c.name, type: castableType(c.type, dialect.stringType) }));
    const expectedRows = alignRows(spec.expect.rows, outputColumns, `the output of model '${model.name}'`);
    const keys = new Set(expectedRows.flatMap((r) => Object.keys(r)));
    const compared = keys.size === 0 ? outputColumns : outputColumns.filter((c) => keys.has(c.name));
    const list = compared.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
    const actual = await connection.execute(`select ${list} from (\n${sql}\n) as xform_actual`, { label: test.unique_id });
    const expected = await connection.execute(fixtureSql(dialect, compared, expectedRows), { label: test.unique_id });

    const diff = diffRows(compared.map((c) => c.name), actual.rows, expected.rows);
    const failures = diff.missing.length + diff.unexpected.length;
    if (failures === 0) return { status: 'pass', message: 'PASS', failures, sql };
    return { status: 'fail', message: [`FAIL ${summarizeDiff(diff)}`, ...formatDiff(diff)].join('\n'), failures, diff, sql };
  } catch (err) {
    if (isXformError(err) && err.location === undefined) {
      throw new XformError(err.code, err.message.startsWith(where) ? err.message : `${where}: ${err.message}`, { location, hint: err.hint, cause: err });
    }
    throw err;
  }
}

/** Types a query reports that cannot be cast to (`unknown` literals on PostgreSQL) become text. */
function castableType(type: string, stringType: string): string {
  return type === '' || /^unknown$/i.test(type) ? stringType : type;
}

/** The relation an input stands for, when it is a real one (ephemeral models have none). */
function inputRelation(compiled: CompiledProject, input: UnitTestInput, model: ExecutableNode): Relation | undefined {
  if (input.node === 'this') return model.config.materialized === 'ephemeral' ? undefined : nodeRelation(model);
  const source = compiled.manifest.sources[input.node];
  if (source) return source.database ? { database: source.database, schema: source.schema, identifier: source.identifier } : { schema: source.schema, identifier: source.identifier };
  const node = compiled.manifest.nodes[input.node] as ExecutableNode | undefined;
  if (!node || node.config.materialized === 'ephemeral') return undefined;
  return nodeRelation(node);
}

/** Runs fn; an XformError without a did-you-mean gets `hint` instead. */
function withHint<T>(fn: () => T, hint: string | undefined): T {
  try {
    return fn();
  } catch (err) {
    if (hint === undefined || !isXformError(err) || err.hint !== undefined) throw err;
    throw new XformError(err.code, err.message, { hint, cause: err });
  }
}

/** The catalog's columns of the real upstream when it exists (reading metadata only), else inferred ones. */
async function fixtureColumns(
  options: RunUnitTestOptions,
  input: UnitTestInput,
  model: ExecutableNode,
): Promise<{ columns: FixtureColumn[]; fromCatalog: boolean }> {
  const { adapter, compiled } = options;
  const relation = inputRelation(compiled, input, model);
  let catalog: FixtureColumn[] = [];
  if (relation) {
    try {
      catalog = (await adapter.catalog.getColumns(relation)).map((c) => ({ name: c.name, type: c.dataType }));
    } catch {
      catalog = [];
    }
  }
  if (catalog.length > 0) return { columns: catalog, fromCatalog: true };
  const inferred = inferColumns(adapter.dialect, input.rows, input.format);
  if (inferred.length === 0) {
    throw new XformError('XFORM_UNIT_TEST_NO_COLUMNS', `the columns of input ${input.input} are unknown: it has no rows and no relation in the warehouse`, {
      hint: `give at least one row (NULLs are fine), or build ${input.input} once so that its columns can be read from the catalog`,
    });
  }
  return { columns: inferred, fromCatalog: false };
}
