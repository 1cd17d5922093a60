/**
 * Runs one data test: counts its failing rows with fail_calc/limit, decides pass/warn/fail from severity,
 * warn_if and error_if, and, when asked (store_failures), quarantines the failing rows by appending them to
 * `<schema>_audit.<test name>` with the run id, the test name and the time, so nothing a test rejected is lost.
 */
import type { Adapter, Connection, Relation } from '../adapter/types.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import { materialize } from '../materialize/materialize.js';
import { failuresQuery, limitedFailures, testVerdict } from './thresholds.js';

export { AUDIT_SCHEMA_SUFFIX, auditRelation } from './audit-relation.js';

export interface StoreFailuresOptions {
  /** The run's invocation id, written to every stored row. */
  invocationId: string;
  /** When the run stored them (UTC). */
  storedAt: Date;
}

export interface RunDataTestOptions {
  adapter: Adapter;
  connection: Connection;
  test: TestNode;
  /** Failing-rows SQL to run instead of the compiled one (write-audit-publish reads the staging relation). */
  sql?: string;
  /** Quarantine failing rows to `relation` (see auditRelation). */
  store?: StoreFailuresOptions & { relation: Relation };
  signal?: AbortSignal;
  /** `--warn-error`: a warning verdict is a failure. Default false. */
  warnError?: boolean;
}

export interface DataTestOutcome {
  status: 'pass' | 'warn' | 'fail';
  message: string;
  failures: number;
  /** Rows appended to the audit table. */
  stored?: number;
}

export async function runDataTest(options: RunDataTestOptions): Promise<DataTestOutcome> {
  const { connection, test } = options;
  const sql = options.sql ?? test.compiled_code ?? '';
  const result = await connection.execute(failuresQuery(sql, test.config), { label: test.unique_id });
  const row = result.rows[0] ?? {};
  const failures = Number(row['failures'] ?? Object.values(row)[0] ?? 0);
  const verdict = testVerdict(failures, test.config, { warnError: options.warnError === true });
  const outcome: DataTestOutcome = { ...verdict, failures };
  if (options.store && failures > 0) {
    outcome.stored = await storeFailures(options, sql);
    outcome.message += `, stored in ${options.adapter.dialect.relationName(options.store.relation)}`;
  }
  return outcome;
}

function utcTimestampLiteral(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Appends the failing rows through core's incremental materialization (append, append_new_columns): the rows
 * are staged first and appended in one transaction, and new columns of the failing rows are added on the way.
 */
async function storeFailures(options: RunDataTestOptions, sql: string): Promise<number> {
  const { adapter, connection, test } = options;
  const store = options.store!;
  const q = (s: string) => adapter.dialect.quoteString(s);
  const select = [
    `select ${q(store.invocationId)} as xform_invocation_id,`,
    `       ${q(test.name)} as xform_test_name,`,
    `       cast(${q(utcTimestampLiteral(store.storedAt))} as timestamp) as xform_stored_at,`,
    `       xform_failures.*`,
    `from (\n${limitedFailures(sql, test.config)}\n) xform_failures`,
  ].join('\n');
  const node: ExecutableNode = {
    unique_id: `${test.unique_id}.store_failures`,
    resource_type: 'model',
    name: test.name,
    package_name: test.package_name,
    original_file_path: test.original_file_path,
    ...(test.line === undefined ? {} : { line: test.line }),
    fqn: test.fqn,
    description: `failing rows of ${test.name}`,
    tags: [],
    meta: {},
    config: { materialized: 'incremental', incremental_strategy: 'append', on_schema_change: 'append_new_columns' },
    columns: {},
    depends_on: { nodes: [], macros: [] },
    raw_code: '',
    checksum: test.checksum,
    ...(store.relation.database ? { database: store.relation.database } : {}),
    schema: store.relation.schema,
    alias: store.relation.identifier,
    refs: [],
    sources: [],
  };
  const result = await materialize({
    adapter,
    connection,
    node,
    fullRefresh: false,
    renderSql: () => select,
    renderHook: (s) => s,
    signal: options.signal,
  });
  return result.rowsAffected ?? 0;
}
