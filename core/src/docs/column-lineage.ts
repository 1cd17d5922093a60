/**
 * Column-level lineage: for each output column of a compiled model, the upstream (node, column) pairs it is
 * computed from. The compiled SQL is parsed by the warehouse's own grammar (sqlparser-ast.ts, pg-ast.ts; node-sql-parser
 * last), converted to one tree shape; scopes (CTEs, subqueries, joins, aliases, `*` with EXCLUDE/REPLACE/RENAME,
 * set operations) are resolved on it. Whatever cannot be resolved with certainty (a relation that is not a ref
 * or source of the model, an ambiguous unqualified column, `*` over a relation of unknown shape, a construct
 * such as LATERAL FLATTEN) marks only the columns that read it as untraceable, with the reason; only a parse
 * failure leaves the whole model untraced.
 */
import { createRequire } from 'node:module';
import type { Parser } from 'node-sql-parser';

export interface ColumnSource {
  /** unique_id of the upstream node. */
  node: string;
  column: string;
}

export interface ColumnLineage {
  /** `direct`: the column is an upstream column passed through; `derived`: computed from its sources; `constant`: reads no column. */
  kind: 'direct' | 'derived' | 'constant';
  sources: ColumnSource[];
  /** Set when the column cannot be (fully) traced: why. Sources found so far are still listed. */
  untraceable?: string;
}

export interface ModelLineage {
  /** By output column name, in select order. */
  columns: Record<string, ColumnLineage>;
  /** Set when the SQL could not be parsed (then `columns` is empty). */
  error?: string;
}

/** A relation of the project as the SQL names it. */
export interface ResolvedRelation {
  uniqueId: string;
  /** Its columns as the warehouse spells them, when known (catalog, else schema YAML). */
  columns?: string[];
}

/** Parses SQL into the tree the tracer walks (see sqlparser-ast.ts and pg-ast.ts); throws when it cannot. */
export type LineageParse = (sql: string) => Record<string, unknown>;

export interface TraceOptions {
  /**
   * Finds the project node a relation name refers to: parts are the name's parts, lower-cased, e.g.
   * ['main', 'orders']. Undefined: the name is not a ref or source of the model (`reason` says why, if set).
   */
  resolve: (parts: string[]) => ResolvedRelation | { reason: string } | undefined;
  /** node-sql-parser dialect, for the last-resort parser. Default 'postgresql'. */
  database?: string;
  /**
   * The warehouse's parsers, tried in order before node-sql-parser (loadLineageParsers). Default none:
   * node-sql-parser alone.
   */
  parsers?: LineageParse[];
}

interface Lin {
  sources: Map<string, ColumnSource>;
  derived: boolean;
  /** Reads whole rows (`count(*)`) rather than columns. */
  readsRows?: boolean;
  untraceable?: string;
}

/** A relation in scope: a project node, a CTE/subquery (with its own lineage), or something opaque. */
type ScopeItem =
  | { kind: 'node'; rel: ResolvedRelation; lower?: Map<string, string> }
  | { kind: 'derived'; table: Derived }
  | { kind: 'opaque'; reason: string };

interface Derived {
  names: string[];
  cols: Map<string, Lin>;
}

type Ast = Record<string, unknown>;

/**
 * Loaded on first use: the parser takes about half a second to load, and every command imports this
 * module through the package index, while only docs need it.
 */
let parser: Parser | undefined;
function sqlParser(): Parser {
  if (!parser) {
    const { Parser: ParserClass } = createRequire(import.meta.url)('node-sql-parser') as typeof import('node-sql-parser');
    parser = new ParserClass();
  }
  return parser;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Ast;
    if (typeof v.value === 'string') return v.value;
    if (v.expr) return text(v.expr);
  }
  return undefined;
}

function newLin(): Lin {
  return { sources: new Map(), derived: false };
}

function merge(into: Lin, from: Lin): void {
  for (const [k, s] of from.sources) into.sources.set(k, s);
  if (from.derived) into.derived = true;
  if (from.readsRows) into.readsRows = true;
  if (from.untraceable && !into.untraceable) into.untraceable = from.untraceable;
}

function lowerColumns(item: { rel: ResolvedRelation; lower?: Map<string, string> }): Map<string, string> | undefined {
  if (!item.rel.columns) return undefined;
  item.lower ??= new Map(item.rel.columns.map((c) => [c.toLowerCase(), c]));
  return item.lower;
}

class Tracer {
  /** Columns joined with USING, per FROM list (keyed by its `order` array). */
  private readonly usingOf = new WeakMap<ScopeItem[], Set<string>>();

  constructor(private readonly options: TraceOptions) {}

  select(stmt: Ast, outerCtes: Map<string, Derived>): Derived {
    let ctes = outerCtes;
    if (Array.isArray(stmt.with)) {
      ctes = new Map(outerCtes);
      for (const cte of stmt.with as Ast[]) {
        const name = text(cte.name)?.toLowerCase();
        const body = cte.stmt as Ast | undefined;
        const inner = body && (body.ast as Ast | undefined) ? (body.ast as Ast) : body;
        if (!name || !inner) continue;
        ctes.set(name, this.select(inner, ctes));
      }
    }
    const first = this.simpleSelect(stmt, ctes);
    // UNION / INTERSECT / EXCEPT: the n-th column of every branch feeds the n-th output column.
    let next = stmt._next as Ast | undefined;
    while (next) {
      const branch = this.simpleSelect(next, ctes);
      first.names.forEach((name, i) => {
        const other = branch.names[i];
        const lin = first.cols.get(name.toLowerCase());
        if (!lin) return;
        if (other === undefined) lin.untraceable ??= 'set operation branches have different column counts';
        else {
          const from = branch.cols.get(other.toLowerCase());
          if (from) merge(lin, from);
        }
        lin.derived = true;
      });
      next = next._next as Ast | undefined;
    }
    return first;
  }

  private simpleSelect(stmt: Ast, ctes: Map<string, Derived>): Derived {
    const scope = new Map<string, ScopeItem>();
    const order: ScopeItem[] = [];
    const using = new Set<string>();
    for (const from of (Array.isArray(stmt.from) ? stmt.from : []) as Ast[]) {
      // `using` on a joined table (node-sql-parser), or alone after the join (the converters).
      if (Array.isArray(from.using)) for (const u of from.using as unknown[]) using.add((text(u) ?? '').toLowerCase());
      if (from.usingOnly) continue;
      const { alias, item } = this.fromItem(from, ctes);
      if (alias) scope.set(alias.toLowerCase(), item);
      order.push(item);
    }
    this.usingOf.set(order, using);
    const out: Derived = { names: [], cols: new Map() };
    const add = (name: string, lin: Lin) => {
      if (out.cols.has(name.toLowerCase())) return;
      out.names.push(name);
      out.cols.set(name.toLowerCase(), lin);
    };
    const columns = stmt.columns;
    if (!Array.isArray(columns)) return out;
    columns.forEach((col: Ast, i) => {
      const expr = col.expr as Ast | undefined;
      if (!expr) return;
      if (expr.type === 'column_ref' && text(expr.column) === '*') {
        const qualifier = text(expr.table)?.toLowerCase();
        const items = qualifier ? [scope.get(qualifier)] : order;
        const expanded: [string, Lin][] = [];
        for (const item of items) this.expandStar(item, qualifier, (name, lin) => expanded.push([name, lin]));
        this.starModifiers(col, expanded, scope, order, ctes, add);
        return;
      }
      const name = text(col.as) ?? (expr.type === 'column_ref' ? text(expr.column) : undefined) ?? `column_${i + 1}`;
      const lin = newLin();
      this.walk(expr, scope, order, ctes, lin);
      lin.derived = expr.type !== 'column_ref' || lin.derived;
      add(name, lin);
    });
    return out;
  }

  /** `* EXCLUDE (a)` / `EXCEPT`, `* REPLACE (expr AS a)`, `* RENAME (a AS b)` applied to an expanded `*`. */
  private starModifiers(col: Ast, expanded: [string, Lin][], scope: Map<string, ScopeItem>, order: ScopeItem[], ctes: Map<string, Derived>, add: (name: string, lin: Lin) => void): void {
    const exclude = new Set(((col.exclude as string[] | undefined) ?? []).map((n) => n.toLowerCase()));
    const replace = new Map(((col.replace as { name?: string; expr: unknown }[] | undefined) ?? []).map((r) => [(r.name ?? '').toLowerCase(), r.expr]));
    const rename = new Map(((col.rename as { from?: string; to?: string }[] | undefined) ?? []).map((r) => [(r.from ?? '').toLowerCase(), r.to ?? '']));
    for (const [name, lin] of expanded) {
      const lower = name.toLowerCase();
      if (exclude.has(lower)) continue;
      if (typeof col.unsupported === 'string') lin.untraceable ??= col.unsupported;
      if (replace.has(lower)) {
        const replaced = newLin();
        this.walk(replace.get(lower), scope, order, ctes, replaced);
        replaced.derived = true;
        add(name, replaced);
      } else add(rename.get(lower) || name, lin);
    }
  }

  private expandStar(item: ScopeItem | undefined, qualifier: string | undefined, add: (name: string, lin: Lin) => void): void {
    if (!item) {
      add(`${qualifier ?? ''}.*`, { sources: new Map(), derived: false, untraceable: `'${qualifier}.*' names no relation in scope` });
    } else if (item.kind === 'derived') {
      for (const name of item.table.names) add(name, { ...item.table.cols.get(name.toLowerCase())!, sources: new Map(item.table.cols.get(name.toLowerCase())!.sources) });
    } else if (item.kind === 'node' && item.rel.columns) {
      for (const name of item.rel.columns) {
        add(name, { sources: new Map([[`${item.rel.uniqueId}\u0000${name}`, { node: item.rel.uniqueId, column: name }]]), derived: false });
      }
    } else {
      const reason = item.kind === 'opaque' ? item.reason : `the columns of ${item.rel.uniqueId} are unknown (build it, then generate the docs again)`;
      add(`${qualifier ?? ''}*`, { sources: new Map(), derived: false, untraceable: `'*' over a relation of unknown shape: ${reason}` });
    }
  }

  private fromItem(from: Ast, ctes: Map<string, Derived>): { alias?: string; item: ScopeItem } {
    const alias = text(from.as);
    const expr = from.expr as Ast | undefined;
    if (expr && expr.ast) return { alias, item: { kind: 'derived', table: this.select(expr.ast as Ast, ctes) } };
    if (typeof from.table === 'string') {
      const table = from.table;
      const qualifiers = [from.db, from.schema].filter((p): p is string => typeof p === 'string' && p.length > 0);
      if (qualifiers.length === 0) {
        const cte = ctes.get(table.toLowerCase());
        if (cte) return { alias: alias ?? table, item: { kind: 'derived', table: cte } };
      }
      const parts = [...qualifiers, table].map((p) => p.toLowerCase());
      const rel = this.options.resolve(parts);
      const item: ScopeItem =
        rel && 'uniqueId' in rel ? { kind: 'node', rel } : { kind: 'opaque', reason: rel?.reason ?? `${parts.join('.')} is not a ref or source of this model` };
      return { alias: alias ?? table, item };
    }
    if (typeof from.opaque === 'string') return { alias, item: { kind: 'opaque', reason: from.opaque } };
    return { alias, item: { kind: 'opaque', reason: 'not traced: a table function or VALUES list' } };
  }

  /** Collects every column reference of an expression (including scalar subqueries) into `lin`. */
  private walk(node: unknown, scope: Map<string, ScopeItem>, order: ScopeItem[], ctes: Map<string, Derived>, lin: Lin): void {
    if (Array.isArray(node)) {
      for (const n of node) this.walk(n, scope, order, ctes, lin);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const ast = node as Ast;
    if (ast.type === 'column_ref') {
      this.resolveRef(ast, scope, order, lin);
      return;
    }
    if (ast.type === 'star') {
      lin.readsRows = true;
      return;
    }
    if (ast.type === 'untraceable') {
      lin.untraceable ??= String(ast.reason);
      return;
    }
    if (ast.ast && typeof ast.ast === 'object') {
      const sub = this.select(ast.ast as Ast, ctes);
      for (const l of sub.cols.values()) merge(lin, l);
      lin.derived = true;
      return;
    }
    if (ast.type === 'select') {
      const sub = this.select(ast, ctes);
      for (const l of sub.cols.values()) merge(lin, l);
      lin.derived = true;
      return;
    }
    for (const [k, v] of Object.entries(ast)) {
      if (k === 'loc') continue;
      if (v && typeof v === 'object') this.walk(v, scope, order, ctes, lin);
    }
  }

  private resolveRef(ref: Ast, scope: Map<string, ScopeItem>, order: ScopeItem[], lin: Lin): void {
    let column = text(ref.column);
    if (!column) return;
    if (column === '*') {
      // count(*) and friends: computed from rows, not from a column.
      lin.readsRows = true;
      return;
    }
    let qualifier = text(ref.table)?.toLowerCase();
    const path = ref.path as string[] | undefined;
    if (path && path.length > 2 && scope.has(path[0]!.toLowerCase())) {
      // alias.struct_column.field
      qualifier = path[0]!.toLowerCase();
      column = path[1]!;
    } else if (path && qualifier && !scope.has(qualifier) && path.length === 2 && order.filter((it) => this.has(it, path[0]!) === true).length === 1) {
      // struct_column.field, unqualified: only when exactly one relation in scope is known to hold that column
      // (else it may be an outer query's alias, which this scope cannot see).
      qualifier = undefined;
      column = path[0]!;
    }
    let item: ScopeItem | undefined;
    if (qualifier) {
      item = scope.get(qualifier);
      if (!item) {
        lin.untraceable ??= `'${qualifier}.${column}' names no relation in scope`;
        return;
      }
    } else if (order.length === 1) {
      item = order[0];
    } else {
      const having = order.filter((it) => this.has(it, column) !== false);
      const sure = having.filter((it) => this.has(it, column) === true);
      if (sure.length === 1 && having.length === 1) item = sure[0];
      else if (this.usingOf.get(order)?.has(column.toLowerCase()) && sure.length > 0) {
        // A USING column is the join's key: it reads the key of every joined relation that has it.
        for (const it of sure) this.read(it, column, lin);
        return;
      } else {
        lin.untraceable ??= order.length === 0 ? `'${column}' reads no relation` : `'${column}' is not qualified and more than one relation in scope may hold it`;
        return;
      }
    }
    if (item) this.read(item, column, lin);
  }

  private read(item: ScopeItem, column: string, lin: Lin): void {
    if (item.kind === 'opaque') {
      lin.untraceable ??= item.reason;
    } else if (item.kind === 'derived') {
      const from = item.table.cols.get(column.toLowerCase());
      if (from) merge(lin, from);
      else lin.untraceable ??= `'${column}' is not a column of the subquery or CTE it reads`;
    } else {
      const spelled = lowerColumns(item)?.get(column.toLowerCase()) ?? column;
      lin.sources.set(`${item.rel.uniqueId}\u0000${spelled}`, { node: item.rel.uniqueId, column: spelled });
    }
  }

  /** true / false when the item's columns are known, undefined when not. */
  private has(item: ScopeItem, column: string): boolean | undefined {
    if (item.kind === 'derived') return item.table.cols.has(column.toLowerCase());
    if (item.kind === 'node') return lowerColumns(item)?.has(column.toLowerCase());
    return undefined;
  }
}

/** Parses one compiled model's SQL and traces each of its output columns to upstream columns. */
export function traceColumns(sql: string, options: TraceOptions): ModelLineage {
  const parsers: (() => Ast)[] = [
    ...(options.parsers ?? []).map((parse) => () => parse(sql)),
    () => {
      const parsed = sqlParser().astify(sql, { database: options.database ?? 'postgresql' });
      const found = ((Array.isArray(parsed) ? parsed : [parsed]) as unknown as Ast[]).find((s) => s && s.type === 'select');
      if (!found) throw new Error('the compiled SQL holds no SELECT statement');
      return found;
    },
  ];
  let derived: Derived | undefined;
  let firstError: string | undefined;
  for (const parse of parsers) {
    try {
      // A tree of a shape the tracer does not expect fails like a parse error: the next parser may do better.
      derived = new Tracer(options).select(parse(), new Map());
      break;
    } catch (err) {
      firstError ??= err instanceof Error ? err.message.split('\n')[0]! : String(err);
    }
  }
  if (!derived) return { columns: {}, error: `the SQL parser could not read this model: ${firstError}` };
  const columns: Record<string, ColumnLineage> = {};
  for (const name of derived.names) {
    const lin = derived.cols.get(name.toLowerCase())!;
    const sources = [...lin.sources.values()];
    columns[name] = {
      kind: sources.length === 0 && !lin.untraceable && !lin.readsRows ? 'constant' : lin.derived ? 'derived' : 'direct',
      sources,
      ...(lin.untraceable ? { untraceable: lin.untraceable } : {}),
    };
  }
  return { columns };
}
