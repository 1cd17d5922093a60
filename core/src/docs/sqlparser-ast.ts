/**
 * datafusion-sqlparser-rs (WebAssembly, `@guanmingchiu/sqlparser-ts`) as the column-lineage parser of the
 * warehouses whose SQL PostgreSQL's parser does not read: DuckDB (`QUALIFY`, `* EXCLUDE`, lambdas),
 * Snowflake (`LATERAL FLATTEN`, `* RENAME`), BigQuery (`* EXCEPT`, backticks, `UNNEST`). Its tree is converted
 * to the shape the tracer walks (see column-lineage.ts), like pg-ast.ts does for PostgreSQL's parser, so that
 * the scope rules live in one place. A FROM item it does not understand becomes opaque with the construct's
 * name, so only the columns that read it are marked untraceable.
 */
type Rs = Record<string, unknown>;
type Ast = Record<string, unknown>;

/** sqlparser-rs dialect names. */
export type SqlparserDialect = 'duckdb' | 'snowflake' | 'bigquery' | 'postgresql' | 'redshift' | 'mysql' | 'generic';

let loading: Promise<typeof import('@guanmingchiu/sqlparser-ts')> | undefined;

/**
 * Loads the WebAssembly parser once, on first use (about 50 ms; every command imports core, only docs needs
 * it), and returns a parse function giving the first query of the SQL in the tracer's shape.
 */
export async function loadSqlparser(dialect: SqlparserDialect): Promise<(sql: string) => Ast> {
  loading ??= import('@guanmingchiu/sqlparser-ts').then(async (module) => {
    await module.init();
    return module;
  });
  const { parse } = await loading;
  return (sql: string) => {
    const statements = parse(sql, dialect) as unknown as Rs[];
    const query = statements.map((s) => s.Query as Rs | undefined).find((q) => q !== undefined);
    if (!query) throw new Error('the compiled SQL holds no SELECT statement');
    return convertQuery(query);
  };
}

/** The identifier's text, from `{value}` or `{Identifier: {value}}` (an ObjectName part). */
function identText(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const n = node as Rs;
  if (typeof n.value === 'string') return n.value;
  if (n.Identifier) return identText(n.Identifier);
  return undefined;
}

/** The last part of an ObjectName (or of a list of them), e.g. `orders` of `main.orders`. */
function lastName(node: unknown): string | undefined {
  if (Array.isArray(node)) return lastName(node[node.length - 1]);
  return identText(node);
}

function names(node: unknown): string[] {
  return Array.isArray(node) ? node.map((p) => identText(p) ?? '') : [];
}

function convertQuery(query: Rs): Ast {
  const out = convertBody(query.body as Rs);
  const ctes = ((query.with as Rs | undefined)?.cte_tables as Rs[] | undefined)?.map((cte) => ({
    name: { value: identText((cte.alias as Rs).name) },
    stmt: { ast: convertQuery(cte.query as Rs) },
  }));
  if (ctes) out.with = [...ctes, ...((out.with as unknown[] | undefined) ?? [])];
  return out;
}

function convertBody(body: Rs): Ast {
  if (body.Select) return convertSelect(body.Select as Rs);
  if (body.Query) return convertQuery(body.Query as Rs);
  if (body.SetOperation) {
    const op = body.SetOperation as Rs;
    const left = convertBody(op.left as Rs);
    let tail = left;
    while (tail._next) tail = tail._next as Ast;
    tail._next = convertBody(op.right as Rs);
    return left;
  }
  // VALUES, TABLE t, INSERT ... RETURNING: no SELECT list to trace.
  return { type: 'select', from: [], columns: [] };
}

function convertSelect(select: Rs): Ast {
  const from: Ast[] = [];
  for (const item of (select.from as Rs[] | undefined) ?? []) from.push(...convertTableWithJoins(item));
  // Hive/Spark LATERAL VIEW explode(...): opaque like any table function.
  for (const view of (select.lateral_views as Rs[] | undefined) ?? []) from.push({ as: identText(view.lateral_view_name), opaque: 'not traced: LATERAL VIEW' });
  return { type: 'select', from, columns: ((select.projection as unknown[] | undefined) ?? []).map(convertProjection) };
}

function convertTableWithJoins(twj: Rs): Ast[] {
  const joins = (twj.joins as Rs[] | undefined) ?? [];
  const out = [twj.relation as Rs, ...joins.map((j) => j.relation as Rs)].flatMap(convertFactor);
  // JOIN ... USING (k): an unqualified k reads the joined relations' k.
  for (const join of joins) {
    const constraint = Object.values((join.join_operator ?? {}) as Rs)[0] as Rs | undefined;
    if (Array.isArray(constraint?.Using)) out.push({ using: (constraint.Using as unknown[]).map(lastName).filter((u): u is string => u !== undefined), usingOnly: true });
  }
  return out;
}

function aliasOf(factor: Rs): string | undefined {
  return identText((factor.alias as Rs | undefined)?.name);
}

function convertFactor(relation: Rs): Ast[] {
  const [kind, value] = Object.entries(relation)[0] ?? ['unknown', {}];
  const factor = (value ?? {}) as Rs;
  if (kind === 'Table') {
    // BigQuery reads `project.dataset.table` in one pair of backquotes as three parts.
    const parts = (factor.name as Rs[]).flatMap((p) => {
      const ident = (p.Identifier ?? p) as Rs;
      const text = identText(ident) ?? '';
      return ident.quote_style === '`' ? text.split('.') : [text];
    });
    const alias = aliasOf(factor);
    // `read_csv('x.csv')`, `generate_series(1, 3)`: a table function, not a relation.
    if (factor.args) return [{ as: alias ?? parts[parts.length - 1], opaque: `not traced: table function ${parts.join('.')}()` }];
    const table = parts[parts.length - 1];
    const qualifiers = parts.slice(0, -1);
    return [{ table, schema: qualifiers[qualifiers.length - 1], db: qualifiers[qualifiers.length - 2], as: alias }];
  }
  if (kind === 'Derived') return [{ expr: { ast: convertQuery(factor.subquery as Rs) }, as: aliasOf(factor) }];
  if (kind === 'NestedJoin') {
    const inner = convertTableWithJoins(factor.table_with_joins as Rs);
    return aliasOf(factor) ? [{ as: aliasOf(factor), opaque: 'not traced: an aliased parenthesised join' }] : inner;
  }
  const label: Record<string, string> = {
    Function: `${factor.lateral ? 'LATERAL ' : ''}${(lastName(factor.name) ?? 'function').toUpperCase()}`,
    UNNEST: 'UNNEST',
    TableFunction: 'TABLE()',
    Pivot: 'PIVOT',
    Unpivot: 'UNPIVOT',
    MatchRecognize: 'MATCH_RECOGNIZE',
    JsonTable: 'JSON_TABLE',
  };
  return [{ as: aliasOf(factor), opaque: `not traced: ${label[kind] ?? kind}` }];
}

function convertProjection(item: unknown): Ast {
  if (!item || typeof item !== 'object') return { expr: { type: 'unknown' } };
  const p = item as Rs;
  if (p.UnnamedExpr) {
    const expr = p.UnnamedExpr as Rs;
    return { expr: convertExpr(expr, new Set()), as: impliedName(expr) };
  }
  if (p.ExprWithAlias) {
    const e = p.ExprWithAlias as Rs;
    return { expr: convertExpr(e.expr, new Set()), as: identText(e.alias) };
  }
  if (p.Wildcard) return { expr: { type: 'column_ref', column: '*' }, ...starOptions(p.Wildcard as Rs) };
  if (p.QualifiedWildcard) {
    const [target, options] = p.QualifiedWildcard as [Rs, Rs];
    const table = target.ObjectName ? lastName(target.ObjectName) : undefined;
    return { expr: { type: 'column_ref', table, column: '*' }, ...starOptions(options) };
  }
  return { expr: { type: 'unknown' } };
}

/** The name a warehouse gives an unaliased column: a column's own name; anything else has no portable name. */
function impliedName(expr: Rs): string | undefined {
  if (expr.Identifier) return identText(expr.Identifier);
  if (expr.CompoundIdentifier) return lastName(expr.CompoundIdentifier);
  return undefined;
}

/** `* EXCLUDE (...)`, `* EXCEPT (...)`, `* REPLACE (expr AS col)`, `* RENAME (a AS b)`, `* ILIKE '...'`. */
function starOptions(options: Rs | undefined): Ast {
  if (!options) return {};
  const out: Ast = {};
  const exclude: string[] = [];
  const ex = options.opt_exclude as Rs | undefined;
  if (ex?.Single) exclude.push(lastName(ex.Single) ?? '');
  if (Array.isArray(ex?.Multiple)) for (const n of ex.Multiple as unknown[]) exclude.push(lastName(n) ?? '');
  const except = options.opt_except as Rs | undefined;
  if (except) {
    exclude.push(identText(except.first_element) ?? '');
    for (const n of (except.additional_elements as unknown[] | undefined) ?? []) exclude.push(identText(n) ?? '');
  }
  if (exclude.length) out.exclude = exclude;
  const replace = (options.opt_replace as Rs | undefined)?.items as Rs[] | undefined;
  if (replace) out.replace = replace.map((r) => ({ name: identText(r.column_name), expr: convertExpr(r.expr, new Set()) }));
  const rename = options.opt_rename as Rs | undefined;
  if (rename) {
    const items = (rename.Single ? [rename.Single] : ((rename.Multiple as unknown[] | undefined) ?? [])) as Rs[];
    out.rename = items.map((r) => ({ from: identText(r.ident), to: identText(r.alias) }));
  }
  if (options.opt_ilike) out.unsupported = 'not traced: * ILIKE';
  return out;
}

/** Keys whose content is never a column: names of functions and types, literals, positions. */
const SKIP = new Set(['name', 'data_type', 'Value', 'span', 'alias', 'format', 'kind', 'op', 'parameters', 'uses_odbc_syntax', 'quote_style']);

/**
 * An expression with column references as `column_ref` and subqueries as `{ast}`, the rest kept as plain
 * objects for the tracer to walk. `bound` holds lambda parameters, which are not columns.
 */
function convertExpr(node: unknown, bound: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => convertExpr(n, bound));
  if (!node || typeof node !== 'object') return node;
  const rs = node as Rs;
  if (rs.Identifier && typeof (rs.Identifier as Rs).value === 'string') {
    const column = identText(rs.Identifier)!;
    return bound.has(column.toLowerCase()) ? {} : { type: 'column_ref', column };
  }
  if (Array.isArray(rs.CompoundIdentifier)) {
    const path = names(rs.CompoundIdentifier);
    if (bound.has(path[0]!.toLowerCase())) return {};
    return { type: 'column_ref', table: path[path.length - 2], column: path[path.length - 1], path };
  }
  // DuckDB's COLUMNS('regex') expands to columns chosen by name at run time.
  if (rs.Function && lastName((rs.Function as Rs).name)?.toLowerCase() === 'columns') return { type: 'untraceable', reason: 'not traced: COLUMNS()' };
  if (rs.Unnamed === 'Wildcard' || rs.Unnamed && (rs.Unnamed as Rs).QualifiedWildcard) return { type: 'star' };
  if (rs.Lambda) {
    const lambda = rs.Lambda as Rs;
    const inner = new Set(bound);
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        const name = identText(node);
        if (name !== undefined) inner.add(name.toLowerCase());
        else Object.values(node).forEach(collect);
      }
    };
    collect(lambda.params);
    return { lambda: convertExpr(lambda.body, inner) };
  }
  const out: Ast = {};
  for (const [k, v] of Object.entries(rs)) {
    if (SKIP.has(k) || !v || typeof v !== 'object') continue;
    out[k] = k === 'subquery' || k === 'Subquery' ? { ast: convertQuery(v as Rs) } : convertExpr(v, bound);
  }
  return out;
}
