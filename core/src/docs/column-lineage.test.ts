import { beforeAll, describe, expect, it } from 'vitest';
import { traceColumns, type ResolvedRelation } from './column-lineage.js';
import { loadPostgresParser } from './pg-ast.js';

const relations: Record<string, ResolvedRelation> = {
  'main.orders': { uniqueId: 'model.shop.orders', columns: ['order_id', 'customer_id', 'amount', 'status'] },
  'main.customers': { uniqueId: 'model.shop.customers', columns: ['customer_id', 'name'] },
  'main.events': { uniqueId: 'model.shop.events' },
};
const resolve = (parts: string[]) => relations[parts.slice(-2).join('.')];
let pgParse: (sql: string) => Record<string, unknown>;
beforeAll(async () => {
  pgParse = await loadPostgresParser();
});
const src = (node: string, column: string) => ({ node: `model.shop.${node}`, column });

describe.each([
  ['node-sql-parser', false],
  ['PostgreSQL parser (libpg-query)', true],
])('traceColumns with %s', (_name, usePg) => {
  const trace = (sql: string) => (usePg ? traceColumns(sql, { resolve, parse: pgParse }) : traceColumns(sql, { resolve }));

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

  it('marks what it cannot trace instead of guessing', () => {
    const ambiguous = trace('select customer_id from main.orders o join main.events e on true');
    expect(ambiguous.columns.customer_id!.untraceable).toMatch(/more than one relation/);
    const outside = trace('select x from other.thing');
    expect(outside.columns.x!.untraceable).toMatch(/other\.thing is not a relation of this project/);
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
    const lineage = traceColumns(sql, { resolve, parse: pgParse });
    expect(lineage.columns.paid_at).toEqual({ kind: 'derived', sources: [src('orders', 'amount')] });
    expect(lineage.columns.order_id).toEqual({ kind: 'derived', sources: [src('orders', 'order_id')] });
    expect(lineage.columns.n).toEqual({ kind: 'derived', sources: [] });
  });
});
