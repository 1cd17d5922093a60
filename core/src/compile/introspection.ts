/**
 * dbt's run-time introspection in templates: run_query, {% call statement %} + load_result, and the
 * warehouse-reading `adapter` methods (get_columns_in_relation, get_relation, load_relation,
 * get_missing_columns), plus adapter.quote/type which need no warehouse.
 *
 * Rendering is synchronous and queries are async. Design: render, and when a template asks for an answer
 * not known yet, record the question and abort the render; the caller runs the question on the node's own
 * connection, keeps the answer, and renders again, until a render completes (at most MAX_PASSES). This
 * keeps the template engine synchronous and single-threaded (no worker thread per node, no synchronous
 * driver path) at the cost of re-rendering up to once per query. Answers are keyed by the exact question,
 * so every query runs once per node even across passes, and in the order the template asks them.
 *
 * Without a session (parse/compile, `execute` false, or a run without a connection) every method answers
 * what dbt answers while parsing: run_query and load_result none, no columns, no relation.
 */
import type { Adapter, Connection, QueryResult } from '../adapter/types.js';
import { isXformError, XformError } from '../errors.js';

const joinHint = (a: string | undefined, b: string) => (a ? `${a}; ${b}` : b);
import { pyFunction, PY_CALL, tuple, type PyCallable } from '../template/index.js';
import type { ColumnValue } from './column.js';
import { RelationValue } from './relation.js';

/** At most this many renders of one node: a template asking more queries than this is not supported. */
export const MAX_PASSES = 100;

type Question = (connection: Connection, adapter: Adapter) => Promise<unknown>;

/** Aborts a render pass: the answer to a question is not known yet (never reaches the user). */
class AnswerPending extends Error {
  constructor() {
    super('introspection query pending');
  }
}

/** agate's Column as dbt templates use it: `.name`, `.values()`. */
export class TableColumn {
  constructor(
    readonly name: string,
    private readonly cells: unknown[],
  ) {}

  values(): unknown[] {
    return this.cells;
  }
}

/** BigInts (DuckDB) and the like as templates print them. */
function cell(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value ?? null;
}

/**
 * agate's MappedSequence methods on a row or the column list: `keys()`, `values()`, `items()` (dbt_utils'
 * get_query_results_as_dict iterates `table.columns.items()`). A column named like a method keeps its name.
 */
function mapped(seq: unknown[], names: string[]): void {
  const methods: Record<string, () => unknown> = {
    keys: () => [...names],
    values: () => [...seq],
    items: () => names.map((n, i) => tuple([n, seq[i]])),
  };
  for (const [name, fn] of Object.entries(methods)) {
    if (!Object.hasOwn(seq, name)) Object.defineProperty(seq, name, { value: fn, enumerable: false });
  }
}

/** An agate-like table: `.columns` (by position and name), `.rows` (each by position and name), `.column_names`. */
export function agateTable(result: QueryResult): Record<string, unknown> {
  const names = result.columns.map((c) => c.name);
  const rows = result.rows.map((r) => {
    const row: unknown[] = names.map((n) => cell(r[n]));
    names.forEach((n, i) => Object.defineProperty(row, n, { value: row[i], enumerable: false }));
    return row;
  });
  const columns: TableColumn[] = names.map((n, i) => new TableColumn(n, rows.map((row) => row[i])));
  names.forEach((n, i) => Object.defineProperty(columns, n, { value: columns[i], enumerable: false }));
  for (const row of rows) mapped(row, names);
  mapped(columns, names);
  return { columns, rows, column_names: names, column_types: result.columns.map((c) => c.type) };
}

/** One node's render session with a live connection: answers known so far, and the question pending. */
export class IntrospectionSession {
  private readonly answers = new Map<string, unknown>();
  private pending: { key: string; question: Question } | undefined;
  /** load_result() names of the current pass. */
  readonly results = new Map<string, unknown>();

  constructor(
    readonly connection: Connection,
    readonly adapter: Adapter,
  ) {}

  /**
   * Whether `render` asks the warehouse anything when `execute` is true: rendered once against a session that
   * knows no answer (nothing runs). `xform compile` connects only for the nodes that do.
   */
  static asksWarehouse(render: (session: IntrospectionSession) => string): boolean {
    const probe = new IntrospectionSession(undefined as unknown as Connection, undefined as unknown as Adapter);
    try {
      render(probe);
      return false;
    } catch {
      // The template engine wraps what a render throws: the question left pending is what tells.
      return probe.pending !== undefined;
    }
  }

  ask(key: string, question: Question): unknown {
    if (this.answers.has(key)) return this.answers.get(key);
    this.pending = { key, question };
    throw new AnswerPending();
  }

  /**
   * Renders until a pass completes, running each question asked on the way. `render` is called once per
   * pass; an error of a pass that asked nothing new is the template's own and is thrown as is.
   */
  async render(file: string, render: () => string): Promise<string> {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      this.pending = undefined;
      this.results.clear();
      try {
        return render();
      } catch (err) {
        const pending = this.pending as { key: string; question: Question } | undefined;
        if (pending === undefined) throw err;
        let answer: unknown;
        try {
          answer = await pending.question(this.connection, this.adapter);
        } catch (failed) {
          if (!isXformError(failed) || failed.location) throw failed;
          throw new XformError(failed.code, failed.message, { location: { file }, hint: joinHint(failed.hint, 'asked at run time by run_query, statement or adapter.get_*'), cause: failed });
        }
        this.answers.set(pending.key, answer);
      }
    }
    throw new XformError('XFORM_INTROSPECTION_LIMIT', `the template asked the warehouse more than ${MAX_PASSES - 1} questions`, {
      location: { file },
      hint: 'run_query, statement and adapter.get_* calls each count once; compute more in one query',
    });
  }
}

export interface IntrospectionHost {
  /** The current render's session, or undefined (parse time, compile without a warehouse). */
  session(): IntrospectionSession | undefined;
  makeRelation(path: { database?: string | null; schema?: string | null; identifier?: string | null }, options?: { type?: string | null }): RelationValue;
  makeColumn(name: string, dataType: string): ColumnValue;
  quoteIdentifier(name: string): string;
  adapterType: string;
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

function kw(args: unknown[], kwargs: Record<string, unknown> | null, i: number, name: string): unknown {
  return kwargs && Object.hasOwn(kwargs, name) ? kwargs[name] : args[i];
}

function relationParts(value: unknown): { database?: string; schema: string; identifier: string } {
  if (value instanceof RelationValue) return { database: value.database, schema: value.schema ?? '', identifier: value.identifier ?? '' };
  const v = value as Record<string, unknown> | null;
  if (v && typeof v === 'object' && 'identifier' in v) return { database: v.database as string | undefined, schema: str(v.schema), identifier: str(v.identifier) };
  throw new XformError('XFORM_TEMPLATE_ERROR', `expected a relation (ref(), source(), api.Relation.create(...)), got ${String(value)}`);
}

/** The template names of run-time introspection; each reads `host.session()` when called. */
export function introspectionGlobals(host: IntrospectionHost): { names: Record<string, unknown>; adapter: Record<string, unknown> } {
  const runQuery = (sql: string): unknown => {
    const s = host.session();
    if (!s) return null;
    return s.ask(`query:${sql}`, async (connection) => agateTable(await connection.execute(sql)));
  };
  const columnsOf = (relation: unknown): ColumnValue[] => {
    const s = host.session();
    if (!s) return [];
    const parts = relationParts(relation);
    const found = s.ask(`columns:${JSON.stringify(parts)}`, async (_c, adapter) => {
      const exists = await adapter.catalog.getRelation(parts);
      return exists ? await adapter.catalog.getColumns(parts) : [];
    }) as { name: string; dataType: string }[];
    return found.map((c) => host.makeColumn(c.name, c.dataType));
  };
  const getRelation = (database: unknown, schema: unknown, identifier: unknown): unknown => {
    const s = host.session();
    if (!s) return null;
    const parts = { database: database === null || database === undefined ? undefined : String(database), schema: str(schema), identifier: str(identifier) };
    const found = s.ask(`relation:${JSON.stringify(parts)}`, async (_c, adapter) => (await adapter.catalog.getRelation(parts)) ?? null) as { database?: string; schema: string; identifier: string; kind: string } | null;
    return found ? host.makeRelation(found, { type: found.kind }) : null;
  };
  const adapter = {
    type: pyFunction(() => host.adapterType),
    quote: pyFunction((args) => host.quoteIdentifier(String(args[0]))),
    get_columns_in_relation: pyFunction((args, kwargs) => columnsOf(kw(args, kwargs, 0, 'relation'))),
    get_relation: pyFunction((args, kwargs) => getRelation(kw(args, kwargs, 0, 'database'), kw(args, kwargs, 1, 'schema'), kw(args, kwargs, 2, 'identifier'))),
    get_missing_columns: pyFunction((args, kwargs) => {
      const to = new Set(columnsOf(kw(args, kwargs, 1, 'to_relation')).map((c) => c.name.toLowerCase()));
      return columnsOf(kw(args, kwargs, 0, 'from_relation')).filter((c) => !to.has(c.name.toLowerCase()));
    }),
  };
  const names = {
    run_query: pyFunction((args, kwargs) => runQuery(str(kw(args, kwargs, 0, 'sql')))),
    load_relation: pyFunction((args, kwargs) => {
      const parts = relationParts(kw(args, kwargs, 0, 'relation'));
      return getRelation(parts.database, parts.schema, parts.identifier);
    }),
    statement: pyFunction((args, kwargs) => {
      const s = host.session();
      const name = str(kw(args, kwargs, 0, 'name') ?? 'statement');
      const fetch = kwargs?.fetch_result === true;
      if (!s) return '';
      const caller = kwargs?.caller as PyCallable | undefined;
      const sql = caller ? String(caller[PY_CALL]([], null)) : '';
      const table = s.ask(`statement:${sql}`, async (connection) => agateTable(await connection.execute(sql))) as { rows: unknown[][] };
      s.results.set(name, {
        response: { _message: 'OK', rows_affected: table.rows.length, code: 'OK' },
        data: fetch ? table.rows : [],
        table: fetch ? table : null,
      });
      return '';
    }),
    load_result: pyFunction((args) => host.session()?.results.get(str(args[0])) ?? null),
  };
  return { names, adapter };
}
