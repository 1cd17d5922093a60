/**
 * The real PostgreSQL parser (libpg-query, WebAssembly) for column lineage. DuckDB's SQL grammar derives
 * from PostgreSQL's, so this parser reads what both warehouses accept (`AT TIME ZONE`, `::` casts, window
 * clauses...). Its parse tree is converted to the shape the lineage tracer walks (node-sql-parser's), so
 * that the scope rules live in one place.
 */
type Pg = Record<string, unknown>;
type Ast = Record<string, unknown>;

let loading: Promise<typeof import('libpg-query')> | undefined;

/**
 * Loads the WebAssembly parser once (on first use: every command imports core, only docs needs it); returns
 * a parse function giving a SELECT in the tracer's shape.
 */
export async function loadPostgresParser(): Promise<(sql: string) => Ast> {
  loading ??= import('libpg-query').then(async (module) => {
    await module.loadModule();
    return module;
  });
  const { parseSync } = await loading;
  return (sql: string) => {
    const result = parseSync(sql) as { stmts?: { stmt?: Pg }[] };
    const select = result.stmts?.map((s) => s.stmt?.SelectStmt as Pg | undefined).find((s) => s !== undefined);
    if (!select) throw new Error('the compiled SQL holds no SELECT statement');
    return convertSelect(select);
  };
}

const str = (node: unknown): string | undefined => ((node as Pg | undefined)?.String as { sval?: string } | undefined)?.sval;

function convertSelect(stmt: Pg): Ast {
  const withClause = stmt.withClause as { ctes?: Pg[] } | undefined;
  const ctes = withClause?.ctes?.map((c) => {
    const cte = c.CommonTableExpr as Pg;
    const query = (cte.ctequery as Pg).SelectStmt as Pg | undefined;
    return { name: { value: cte.ctename }, stmt: { ast: query ? convertSelect(query) : { type: 'select', columns: [] } } };
  });
  if (stmt.op && stmt.op !== 'SETOP_NONE') {
    const left = convertSelect(stmt.larg as Pg);
    let tail = left;
    while (tail._next) tail = tail._next as Ast;
    tail._next = convertSelect(stmt.rarg as Pg);
    if (ctes) left.with = [...ctes, ...((left.with as unknown[]) ?? [])];
    return left;
  }
  const out: Ast = {
    type: 'select',
    from: ((stmt.fromClause as Pg[] | undefined) ?? []).flatMap(convertFrom),
    columns: ((stmt.targetList as Pg[] | undefined) ?? []).map((t) => convertTarget(t.ResTarget as Pg)),
  };
  if (ctes) out.with = ctes;
  return out;
}

function convertFrom(item: Pg): Ast[] {
  if (item.RangeVar) {
    const r = item.RangeVar as Pg;
    return [{ table: r.relname, schema: r.schemaname, db: r.catalogname, as: (r.alias as Pg | undefined)?.aliasname }];
  }
  if (item.JoinExpr) {
    const j = item.JoinExpr as Pg;
    const using = ((j.usingClause as Pg[] | undefined) ?? []).map(str).filter((u): u is string => u !== undefined);
    return [...convertFrom(j.larg as Pg), ...convertFrom(j.rarg as Pg), ...(using.length ? [{ using, usingOnly: true }] : [])];
  }
  if (item.RangeSubselect) {
    const r = item.RangeSubselect as Pg;
    const query = (r.subquery as Pg).SelectStmt as Pg;
    return [{ expr: { ast: convertSelect(query) }, as: (r.alias as Pg | undefined)?.aliasname }];
  }
  // Table functions, VALUES, LATERAL...: opaque to lineage.
  const alias = (Object.values(item)[0] as Pg | undefined)?.alias as Pg | undefined;
  return [{ as: alias?.aliasname }];
}

function convertTarget(target: Pg): Ast {
  const val = target.val as Pg;
  const ref = val.ColumnRef as { fields: Pg[] } | undefined;
  if (ref && ref.fields[ref.fields.length - 1]?.A_Star) {
    return { expr: { type: 'column_ref', table: ref.fields.length > 1 ? str(ref.fields[ref.fields.length - 2]) : undefined, column: '*' } };
  }
  return { expr: convertExpr(val), as: (target.name as string | undefined) ?? impliedName(val) };
}

/** The name PostgreSQL gives an unnamed output column: a column's own name, a function's name. */
function impliedName(val: Pg): string | undefined {
  if (val.ColumnRef) return undefined;
  if (val.TypeCast) return impliedName((val.TypeCast as Pg).arg as Pg) ?? (((val.TypeCast as Pg).arg as Pg).ColumnRef ? str(last(((val.TypeCast as Pg).arg as Pg).ColumnRef as Pg)) : undefined);
  if (val.FuncCall) return str(last(val.FuncCall as Pg, 'funcname'));
  return undefined;
}

function last(node: Pg, key = 'fields'): unknown {
  const list = node[key] as unknown[] | undefined;
  return list?.[list.length - 1];
}

function convertExpr(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertExpr);
  if (!node || typeof node !== 'object') return node;
  const pg = node as Pg;
  if (pg.ColumnRef) {
    const fields = (pg.ColumnRef as { fields: Pg[] }).fields;
    if (fields[fields.length - 1]?.A_Star) return { type: 'star' };
    return { type: 'column_ref', table: fields.length > 1 ? str(fields[fields.length - 2]) : undefined, column: str(fields[fields.length - 1]) };
  }
  if (pg.FuncCall) {
    const f = pg.FuncCall as Pg;
    return { fn: { args: convertExpr(f.args), over: convertExpr(f.over), filter: convertExpr(f.agg_filter), star: f.agg_star ? { type: 'star' } : undefined } };
  }
  if (pg.SubLink) {
    const s = pg.SubLink as Pg;
    return { sub: { test: convertExpr(s.testexpr), query: { ast: convertSelect((s.subselect as Pg).SelectStmt as Pg) } } };
  }
  const out: Ast = {};
  for (const [k, v] of Object.entries(pg)) if (v && typeof v === 'object') out[k] = convertExpr(v);
  return out;
}
