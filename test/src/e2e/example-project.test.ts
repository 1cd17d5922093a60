/**
 * The example project (example-project/) end to end on the embedded DuckDB: it builds with every test
 * green, a second build changes nothing, and a late-arriving batch changes exactly the gold rows it should.
 */
import { execFileSync } from 'node:child_process';
import { appendFile, cp, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '@xform/adapter-duckdb';
import { runXform } from '../helpers/cli.js';
import { removeProject } from '../helpers/project.js';

const EXAMPLE = fileURLToPath(new URL('../../../example-project', import.meta.url));
const GOLD = ['gld_daily_revenue', 'gld_customer_ltv', 'gld_conversion_funnel'] as const;
const KEYS: Record<(typeof GOLD)[number], string[]> = {
  gld_daily_revenue: ['order_date', 'category', 'region'],
  gld_customer_ltv: ['customer_id'],
  gld_conversion_funnel: ['session_date'],
};

type Row = Record<string, unknown>;
let root: string;
const roots: string[] = [];

async function query(sql: string): Promise<Row[]> {
  const adapter = await createAdapter({ type: 'duckdb', name: 'dev', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 }, { projectRoot: root });
  try {
    return (await adapter.withConnection((c) => c.execute(sql))).rows;
  } finally {
    await adapter.close();
  }
}

/** Every table and view the build made (raw + models), each as sorted JSON rows. The audit schema, which
 * store_failures appends to on every run by design, is left out. */
async function snapshotAll(): Promise<Map<string, string[]>> {
  const relations = await query(
    "select table_schema || '.' || table_name as name from information_schema.tables where table_schema in ('main', 'main_raw') order by 1",
  );
  const out = new Map<string, string[]>();
  for (const { name } of relations) {
    const rows = await query(`select * from ${String(name)}`);
    out.set(String(name), rows.map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

async function goldByKey(table: (typeof GOLD)[number]): Promise<Map<string, Row>> {
  const rows = await query(`select * from main.${table}`);
  return new Map(rows.map((r) => [KEYS[table].map((k) => String(r[k])).join('|'), r]));
}

/** The keys of rows that were added, removed or changed between two snapshots of one table. */
function changedKeys(before: Map<string, Row>, after: Map<string, Row>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k))).sort();
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'xform-example-'));
  roots.push(root);
  await cp(EXAMPLE, root, { recursive: true, filter: (src) => !/[/\\](target|node_modules)$/.test(src) });
});
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

describe('example-project on the embedded DuckDB', () => {
  it('builds every layer with all tests green', async () => {
    const build = await runXform(['build'], { cwd: root, timeoutMs: 300_000 });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toMatch(/Done: \d+ ok, 0 error, 0 failed tests, 0 warn, 0 skipped/);
    expect(build.stderr).not.toContain('warning');
    for (const layer of ['OK\\s+seed\\s+main_raw\\.raw_web_events', 'OK\\s+incremental\\s+main\\.slv_web_events', 'OK\\s+table\\s+main\\.gld_conversion_funnel']) {
      expect(build.stdout).toMatch(new RegExp(layer));
    }
    expect(build.stdout).toMatch(/PASS\s+test\s+assert_gold_revenue_matches_silver/);

    // Silver removed what is wrong with the raw data.
    const raw = await query('select count(*) as deliveries, count(distinct event_id) as events from main_raw.raw_web_events');
    const silver = await query('select count(*) as n from main.slv_web_events');
    expect(raw[0]!.deliveries).toBeGreaterThan(Number(raw[0]!.events));
    expect(silver[0]!.n).toBe(raw[0]!.events);
    const customers = await query('select count(*) as rows, count(distinct customer_id) as ids from main_raw.raw_customers');
    expect(await query('select count(*) as n from main.slv_customers')).toEqual([{ n: customers[0]!.ids }]);
    expect(customers[0]!.rows).toBeGreaterThan(Number(customers[0]!.ids));
    expect(await query("select distinct region from main.slv_customers order by 1")).toEqual([{ region: 'AMER' }, { region: 'APAC' }, { region: 'EMEA' }]);
    expect(await query("select distinct status from main.slv_orders order by 1")).toEqual(
      ['cancelled', 'completed', 'placed', 'shipped'].map((status) => ({ status })),
    );
    // The quarantine holds the lines silver rejected, and nothing is lost between raw and silver.
    const reasons = await query('select reject_reason, count(*) as n from main.slv_order_items_quarantine group by 1 order by 1');
    expect(reasons.map((r) => r.reject_reason)).toEqual(['non_positive_quantity', 'unknown_product']);
    const lines = await query(
      'select (select count(*) from main_raw.raw_order_items) as raw, (select count(*) from main.slv_order_items) as kept, (select count(*) from main.slv_order_items_quarantine) as quarantined',
    );
    expect(Number(lines[0]!.kept) + Number(lines[0]!.quarantined)).toBe(lines[0]!.raw);
    // The bronze tests tolerate these lines (warn_if/error_if) and store them (store_failures) in the audit schema.
    const [audited] = await query('select count(distinct order_item_id) as n from main_raw_audit.raw_order_items_unknown_product');
    const [unknown] = await query("select count(*) as n from main.slv_order_items_quarantine where reject_reason = 'unknown_product'");
    expect(audited!.n).toBe(unknown!.n);
    expect(Number(unknown!.n)).toBeGreaterThan(0);
    const [zero] = await query('select count(*) as n, min(quantity) as q from main_raw_audit.raw_order_items_bad_quantity');
    expect(zero).toMatchObject({ q: 0 });
    expect(Number(zero!.n)).toBeGreaterThan(0);
    // A -05:00 order placed late in the evening belongs to the next UTC day.
    const tz = await query("select ordered_at, order_date from main.slv_orders where order_id = 1");
    expect(tz).toEqual([{ ordered_at: '2024-01-04T16:12:00', order_date: '2024-01-04' }]);
    for (const table of GOLD) expect((await query(`select count(*) as n from main.${table}`))[0]!.n).toBeGreaterThan(10);
  });

  it('changes nothing on a second build', async () => {
    const before = await snapshotAll();
    expect(before.size).toBeGreaterThan(15);
    const again = await runXform(['build'], { cwd: root, timeoutMs: 300_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const after = await snapshotAll();
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, rows] of before) expect(after.get(name), name).toEqual(rows);
  });

  it('a late-arriving batch updates exactly the affected gold rows', async () => {
    const before = new Map(await Promise.all(GOLD.map(async (t) => [t, await goldByKey(t)] as const)));
    const [product] = await query('select product_id, category, cast(list_price as double) as price from main.slv_products where product_id = 3');
    const [customer] = await query('select customer_id, region from main.slv_customers where customer_id = 7');
    const seeds = path.join(root, 'seeds');
    const rawEvents = (await readFile(path.join(seeds, 'raw_web_events.csv'), 'utf8')).trim().split('\n');
    const [newest] = await query('select event_id from main.slv_web_events order by event_at desc, event_id limit 1');
    const [oldest] = await query('select event_id from main.slv_web_events order by event_at, event_id limit 1');
    const rawLine = (id: unknown) => rawEvents.find((l) => l.startsWith(`${String(id)},`))!;

    // Late web events: a whole session on 2024-03-30 (event time, Berlin clock) loaded on 2024-04-02, and
    // the tracker delivering two existing events once more: the newest one (inside the look-back window) and
    // the oldest one (outside it, so the incremental model does not re-read it).
    const late = [
      ['e900000001', 'page_view', '', '2024-03-30 10:00:00+02:00'],
      ['e900000002', 'product_view', '3', '2024-03-30 10:02:00+02:00'],
      ['e900000003', 'add_to_cart', '3', '2024-03-30 10:04:00+02:00'],
      ['e900000004', 'checkout', '3', '2024-03-30 10:06:00+02:00'],
      ['e900000005', 'purchase', '3', '2024-03-30 10:07:00+02:00'],
    ].map(([id, type, productId, at]) => `${id},s90000000,7,${type},${productId},${at},2024-04-02T09:00:00Z`);
    const redelivered = [newest, oldest].map((e) => rawLine(e!.event_id).replace(/,[^,]+$/, ',2024-04-02T09:00:00Z'));
    await appendFile(path.join(seeds, 'raw_web_events.csv'), `${[...late, ...redelivered].join('\n')}\n`);
    // A late order: placed 2024-03-15 23:30 in New York (2024-03-16 04:30 UTC), loaded three days later.
    await appendFile(path.join(seeds, 'raw_orders.csv'), '900001,7,Completed,2024-03-15T23:30:00-05:00,2024-03-19T08:00:00Z\n');
    await appendFile(path.join(seeds, 'raw_order_items.csv'), `900001,900001,3,2,${product!.price}\n900002,900001,3,1,${product!.price}\n`);

    // Customer 7 changes e-mail: slv_customers keeps the newest, the snapshot keeps both versions.
    const history = "select email, dbt_valid_to is null as current from main.slv_customer_history where customer_id = 7 order by dbt_valid_from";
    expect(await query(history)).toEqual([{ email: 'alan.lovelace.7@example.com', current: true }]);
    await appendFile(path.join(seeds, 'raw_customers.csv'), '7,Alan,Lovelace,alan@lovelace.example,europe ,2023-07-09T09:41:00-05:00,2024-03-20T10:00:00Z\n');

    const build = await runXform(['build'], { cwd: root, timeoutMs: 300_000 });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toMatch(/0 error, 0 failed tests/);
    expect(await query(history)).toEqual([
      { email: 'alan.lovelace.7@example.com', current: false },
      { email: 'alan@lovelace.example', current: true },
    ]);
    expect(await query('select count(*) as n from main.slv_customer_history where dbt_valid_to is not null')).toEqual([{ n: 1 }]);
    const after = new Map(await Promise.all(GOLD.map(async (t) => [t, await goldByKey(t)] as const)));

    const revenueKey = `2024-03-16|${String(product!.category)}|${String(customer!.region)}`;
    expect(changedKeys(before.get('gld_daily_revenue')!, after.get('gld_daily_revenue')!)).toEqual([revenueKey]);
    expect(changedKeys(before.get('gld_customer_ltv')!, after.get('gld_customer_ltv')!)).toEqual(['7']);
    expect(changedKeys(before.get('gld_conversion_funnel')!, after.get('gld_conversion_funnel')!)).toEqual(['2024-03-30']);

    const price = Number(product!.price);
    const day = (m: Map<string, Row> | undefined) => m?.get(revenueKey) ?? { orders: 0, units: 0, revenue: 0 };
    const oldDay = day(before.get('gld_daily_revenue'));
    const newDay = day(after.get('gld_daily_revenue'));
    expect(newDay.orders).toBe(Number(oldDay.orders) + 1);
    expect(newDay.units).toBe(Number(oldDay.units) + 3);
    expect(Number(newDay.revenue)).toBeCloseTo(Number(oldDay.revenue) + 3 * price, 2);
    const oldLtv = before.get('gld_customer_ltv')!.get('7')!;
    const newLtv = after.get('gld_customer_ltv')!.get('7')!;
    expect(newLtv.orders).toBe(Number(oldLtv.orders) + 1);
    expect(Number(newLtv.lifetime_revenue)).toBeCloseTo(Number(oldLtv.lifetime_revenue) + 3 * price, 2);
    const oldFunnel = before.get('gld_conversion_funnel')!.get('2024-03-30')!;
    const newFunnel = after.get('gld_conversion_funnel')!.get('2024-03-30')!;
    for (const step of ['sessions', 'product_view_sessions', 'add_to_cart_sessions', 'checkout_sessions', 'purchase_sessions']) {
      expect(newFunnel[step], step).toBe(Number(oldFunnel[step]) + 1);
    }
    // The redelivered events were merged, not duplicated; only the one inside the window was re-read.
    const delivery = async (id: unknown) =>
      query(`select count(*) as n, max(loaded_at) > '2024-04-01' as reloaded from main.slv_web_events where event_id = '${String(id)}'`);
    expect(await delivery(newest!.event_id)).toEqual([{ n: 1, reloaded: true }]);
    expect(await delivery(oldest!.event_id)).toEqual([{ n: 1, reloaded: false }]);

    // slv_product_views (microbatch, monthly): a normal build redoes only the current month and the one
    // before, so the late March 2024 view waits for a backfill of March, which adds exactly it; running the
    // same backfill again changes nothing.
    const lateView = "select count(*) as n from main.slv_product_views where event_id = 'e900000002'";
    expect(await query(lateView)).toEqual([{ n: 0 }]);
    const march = ['build', '--select', 'slv_product_views', '--event-time-start', '2024-03-01', '--event-time-end', '2024-04-01'];
    const viewsBefore = await query('select count(*) as n from main.slv_product_views');
    const backfill = await runXform(march, { cwd: root, timeoutMs: 300_000 });
    expect(backfill.code, backfill.stdout + backfill.stderr).toBe(0);
    expect(backfill.stdout).toMatch(/slv_product_views batch 1\/1 2024-03 OK \d+ rows/);
    expect(await query(lateView)).toEqual([{ n: 1 }]);
    expect(await query('select count(*) as n from main.slv_product_views')).toEqual([{ n: Number(viewsBefore[0]!.n) + 1 }]);
    const views = await query('select * from main.slv_product_views order by event_id');
    expect((await runXform(march, { cwd: root, timeoutMs: 300_000 })).code).toBe(0);
    expect(await query('select * from main.slv_product_views order by event_id')).toEqual(views);
  });
});

describe('example-project/scripts/generate.mjs', () => {
  it('writes the committed seeds byte for byte at scale 1, and more rows at a larger scale', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'xform-generate-'));
    roots.push(out);
    const script = path.join(EXAMPLE, 'scripts/generate.mjs');
    execFileSync(process.execPath, [script, '--scale', '1', '--out', path.join(out, 'one')]);
    const files = (await readdir(path.join(EXAMPLE, 'seeds'))).filter((f) => f.endsWith('.csv')).sort();
    expect(files).toEqual(['raw_customers.csv', 'raw_order_items.csv', 'raw_orders.csv', 'raw_payments.csv', 'raw_products.csv', 'raw_web_events.csv']);
    for (const file of files) {
      expect(await readFile(path.join(out, 'one', file), 'utf8'), file).toBe(await readFile(path.join(EXAMPLE, 'seeds', file), 'utf8'));
    }
    const printed = execFileSync(process.execPath, [script, '--scale', '3', '--out', path.join(out, 'three')], { encoding: 'utf8' });
    expect(printed).toMatch(/raw_web_events 30\d{3}/);
    const lines = (await readFile(path.join(out, 'three', 'raw_orders.csv'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3001);
    const bad = (() => {
      try {
        execFileSync(process.execPath, [script, '--scale', 'lots'], { stdio: 'pipe' });
        return '';
      } catch (err) {
        return String((err as { stderr: Buffer }).stderr);
      }
    })();
    expect(bad).toContain("--scale expects a whole number of at least 1, got 'lots'");
  });
});
