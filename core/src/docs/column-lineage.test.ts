import { beforeAll, describe, expect, it } from 'vitest';
import { traceColumns, type LineageParse, type ResolvedRelation } from './column-lineage.js';
import { loadPostgresParser } from './pg-ast.js';
import { loadSqlparser } from './sqlparser-ast.js';

const relations: Record<string, ResolvedRelation> = {
  'main.orders': { uniqueId: 'model.shop.orders', columns: ['order_id', 'customer_id', 'amount', 'status'] },
  'main.customers': { uniqueId: 'model.shop.customers', columns: ['customer_id', 'name'] },
  'main.events': { uniqueId: 'model.shop.events' },
};
const resolve = (parts: string[]) => relations[parts.slice(-2).join('.')];
let pgParse: LineageParse;
let duckdbParse: LineageParse;
let snowflakeParse: LineageParse;
let bigqueryParse: LineageParse;
beforeAll(async () => {
  pgParse = await loadPostgresParser();
  duckdbParse = await loadSqlparser('duckdb');
  snowflakeParse = await loadSqlparser('snowflake');
  bigqueryParse = await loadSqlparser('bigquery');
});
const src = (node: string, column: string) => ({ node: `model.shop.${node}`, column });

describe.each([
  ['node-sql-parser', () => []],
  ['PostgreSQL parser (libpg-query)', () => [pgParse]],
  ['sqlparser-rs (DuckDB dialect)', () => [duckdbParse]],
])('traceColumns with %s', (_name, parsers: () => LineageParse[]) => {
  const trace = (sql: string) => traceColumns(sql, { resolve, parsers: parsers() });

  it('follows aliases, joins, expressions and aggregates to upstream columns', () => {
    const lineage = trace(`select o.order_id, c.name as customer_name, sum(o.amount * 2) as revenue, 'x' as tag
      from "main"."orders" o join "main"."customers" c on o.customer_id = c.customer_id group by 1, 2`);
    expect(lineage.error).toBeUndefined();
    expect(lineage.columns.order_id).toEqual({ kind: 'direct', sources: [src('orders', 'order_id')] });
    expect(lineage.columns.customer_name).toEqual({ kind: 'direct', sources: [src('customers', 'name')] });
    expect(lineage.columns.revenue).toEqual({ kind: 'derived', sources: [src('orders', 'amount')] });
    expect(lineage.columns.tag).toEqual({ kind: 'constant', sources: [] });
    expect(trace('select count(*) as n from main.orders').columns.n).toEqual({ kind: 'derived', sources: [] });
  });

  it('resolves CTEs, subqueries, star expansion and unions', () => {
    const lineage = trace(`with paid as (select order_id, amount as paid_amount from main.orders where status = 'paid')
      select p.*, s.n from paid p cross join (select count(*) as n, max(customer_id) as m from main.customers) s
      union all select order_id, amount, 0 from main.orders`);
    expect(Object.keys(lineage.columns)).toEqual(['order_id', 'paid_amount', 'n']);
    expect(lineage.columns.order_id!.sources).toEqual([src('orders', 'order_id')]);
    expect(lineage.columns.paid_amount).toEqual({ kind: 'derived', sources: [src('orders', 'amount')] });
    expect(lineage.columns.n!.untraceable).toBeUndefined();
  });

  it('reads an unqualified USING column from every joined relation', () => {
    const lineage = trace('select customer_id, name from main.orders join main.customers using (customer_id)');
    expect(lineage.columns.customer_id!.untraceable).toBeUndefined();
    expect(lineage.columns.customer_id!.sources).toEqual([src('orders', 'customer_id'), src('customers', 'customer_id')]);
    expect(lineage.columns.name!.sources).toEqual([src('customers', 'name')]);
  });

  it('marks what it cannot trace instead of guessing', () => {
    const ambiguous = trace('select customer_id from main.orders o join main.events e on true');
    expect(ambiguous.columns.customer_id!.untraceable).toMatch(/more than one relation/);
    const outside = trace('select x from other.thing');
    expect(outside.columns.x!.untraceable).toMatch(/other\.thing is not a ref or source of this model/);
    const star = trace('select * from main.events');
    expect(Object.values(star.columns)[0]!.untraceable).toMatch(/unknown shape/);
    const broken = trace('select from where (');
    expect(broken.error).toMatch(/could not read/);
  });
});

describe('traceColumns on SQL only PostgreSQL\'s parser reads', () => {
  it('traces through AT TIME ZONE and :: casts', () => {
    const sql = `select cast(cast(amount as timestamptz) at time zone 'UTC' as timestamp) as paid_at, order_id::int, count(*) as n from "main"."orders" group by 1, 2`;
    expect(traceColumns(sql, { resolve }).error).toMatch(/could not read/);
    const lineage = traceColumns(sql, { resolve, parsers: [pgParse] });
    expect(lineage.columns.paid_at).toEqual({ kind: 'derived', sources: [src('orders', 'amount')] });
    expect(lineage.columns.order_id).toEqual({ kind: 'derived', sources: [src('orders', 'order_id')] });
    expect(lineage.columns.n).toEqual({ kind: 'derived', sources: [] });
  });
});

describe('traceColumns with the warehouse dialect (sqlparser-rs)', () => {
  it('traces a DuckDB model using QUALIFY, * EXCLUDE and * REPLACE column by column', () => {
    const sql = `select * exclude (status) replace (amount * 100 as amount),
        row_number() over (partition by customer_id order by amount desc) as rn
      from "main"."orders" qualify rn = 1`;
    // The parsers the tracer had before read none of it: the whole model went untraced.
    expect(traceColumns(sql, { resolve, parsers: [pgParse] }).error).toMatch(/could not read/);
    const lineage = traceColumns(sql, { resolve, parsers: [duckdbParse] });
    expect(lineage.error).toBeUndefined();
    expect(Object.keys(lineage.columns)).toEqual(['order_id', 'customer_id', 'amount', 'rn']);
    expect(lineage.columns.order_id).toEqual({ kind: 'direct', sources: [src('orders', 'order_id')] });
    expect(lineage.columns.amount).toEqual({ kind: 'derived', sources: [src('orders', 'amount')] });
    expect(lineage.columns.rn).toEqual({ kind: 'derived', sources: [src('orders', 'customer_id'), src('orders', 'amount')] });
  });

  it('follows * EXCLUDE through a CTE and a qualified star', () => {
    const lineage = traceColumns(
      `with o as (select * from main.orders) select o.* exclude (amount, status), c.name from o join main.customers c using (customer_id)`,
      { resolve, parsers: [duckdbParse] },
    );
    expect(Object.keys(lineage.columns)).toEqual(['order_id', 'customer_id', 'name']);
    expect(lineage.columns.name!.sources).toEqual([src('customers', 'name')]);
  });

  it('marks only the columns a construct it does not follow feeds (Snowflake LATERAL FLATTEN), with the reason', () => {
    const lineage = traceColumns(
      `select o.order_id, o.amount * 2 as doubled, f.value as item from main.orders o, lateral flatten(input => o.status) f qualify row_number() over (partition by o.order_id order by o.amount) = 1`,
      { resolve, parsers: [snowflakeParse] },
    );
    expect(lineage.error).toBeUndefined();
    expect(lineage.columns.order_id).toEqual({ kind: 'direct', sources: [src('orders', 'order_id')] });
    expect(lineage.columns.doubled).toEqual({ kind: 'derived', sources: [src('orders', 'amount')] });
    expect(lineage.columns.item).toMatchObject({ untraceable: 'not traced: LATERAL FLATTEN' });
  });

  it('reads BigQuery * EXCEPT and backquoted names', () => {
    const lineage = traceColumns('select * except (status, amount) from `main`.`orders`', { resolve, parsers: [bigqueryParse] });
    expect(Object.keys(lineage.columns)).toEqual(['order_id', 'customer_id']);
    const whole = traceColumns('select o.name from `proj.main.customers` o', { resolve, parsers: [bigqueryParse] });
    expect(whole.columns.name).toEqual({ kind: 'direct', sources: [src('customers', 'name')] });
  });

  it("marks a DuckDB COLUMNS() expression, whose columns are chosen at run time", () => {
    const lineage = traceColumns("select order_id, max(columns('amount|status')) from main.orders group by 1", { resolve, parsers: [duckdbParse] });
    expect(lineage.columns.order_id).toEqual({ kind: 'direct', sources: [src('orders', 'order_id')] });
    expect(lineage.columns.column_2!.untraceable).toBe('not traced: COLUMNS()');
  });

  it('reads a struct field by its column, and never takes an outer alias for a struct', () => {
    const lineage = traceColumns('select status.code as code, (select max(o.amount) + c.name from main.orders o) as x from main.customers c join main.orders using (customer_id)', { resolve, parsers: [duckdbParse] });
    expect(lineage.columns.code).toEqual({ kind: 'direct', sources: [src('orders', 'status')] });
    expect(lineage.columns.x!.untraceable).toBe("'c.name' names no relation in scope");
  });

  it('keeps lambda parameters out of the sources', () => {
    const lineage = traceColumns('select list_transform([amount], x -> x + 1) as bumped from main.orders', { resolve, parsers: [duckdbParse] });
    expect(lineage.columns.bumped).toEqual({ kind: 'derived', sources: [src('orders', 'amount')] });
  });
});
