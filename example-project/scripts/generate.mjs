#!/usr/bin/env node
/**
 * Writes the example project's raw data (seeds/raw_*.csv) at a scale factor, deterministically: the same
 * --scale and --seed always give byte-identical files. Scale 1 is what the repository holds
 * (~16,000 rows); --scale 100 gives ~1.6 million rows for benchmarks.
 *
 *   node scripts/generate.mjs [--scale N] [--seed S] [--out DIR]
 *
 * The raw data has the problems real raw data has, on purpose:
 *   - duplicated web events (same event_id, delivered again later),
 *   - late-arriving events (event time days before load time),
 *   - NULLs (missing e-mails, categories, payment methods, anonymous sessions),
 *   - mixed time zones (UTC `Z`, +02:00, -05:00 offsets; load times always UTC),
 *   - inconsistent spellings (status 'Completed', region 'north america'),
 *   - cancelled orders, failed payments, order items with a product id that does not exist,
 *   - customers exported twice (an older and a newer version of the row).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('usage: node scripts/generate.mjs [--scale N] [--seed S] [--out DIR]\n');
  process.exit(0);
}
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!Number.isInteger(scale) || scale < 1) fail(`--scale expects a whole number of at least 1, got '${values.scale}'`);
if (!Number.isInteger(seed)) fail(`--seed expects a whole number, got '${values.seed}'`);
const outDir = path.resolve(values.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'seeds'));

function fail(message) {
  process.stderr.write(`generate.mjs: ${message}\n`);
  process.exit(2);
}

/** mulberry32: a small, fast, seedable PRNG — deterministic across platforms and Node versions. */
function rng(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(seed);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (list) => list[Math.floor(rand() * list.length)];
const chance = (p) => rand() < p;

// ---- time ------------------------------------------------------------------------------------------
const DAY = 86_400_000;
const MINUTE = 60_000;
const START = Date.UTC(2024, 0, 1);
const DAYS = 91; // 2024-01-01 .. 2024-03-31
const pad = (n) => String(n).padStart(2, '0');
/** `ms` (UTC) written as local time at `offsetHours`, in the style real exports mix. */
function stamp(ms, offsetHours, style) {
  const d = new Date(ms + offsetHours * 3_600_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (offsetHours === 0 && style === 'z') return `${date}T${time}Z`;
  const sign = offsetHours < 0 ? '-' : '+';
  const off = `${sign}${pad(Math.abs(offsetHours))}:00`;
  return style === 't' ? `${date}T${time}${off}` : `${date} ${time}${off}`;
}
const utc = (ms) => stamp(ms, 0, 'z');
/** A source system's clock: most write UTC, a shop front in Berlin writes +01:00/+02:00, one in New York -05:00. */
function mixedStamp(ms) {
  const r = rand();
  if (r < 0.5) return stamp(ms, 0, 'z');
  if (r < 0.8) return stamp(ms, 2, ' ');
  return stamp(ms, -5, 't');
}

// ---- CSV -------------------------------------------------------------------------------------------
function csvValue(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}
function writeCsv(name, columns, rows) {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvValue(row[c])).join(','));
  writeFileSync(path.join(outDir, `${name}.csv`), `${lines.join('\n')}\n`);
  return rows.length;
}

// ---- dimensions ------------------------------------------------------------------------------------
const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Edsger', 'Margaret', 'Donald', 'Barbara', 'Linus', 'Frances', 'Tim', 'Radia', 'Ken', 'Sophie', 'John', 'Hedy', 'Dennis', 'Joan', 'Niklaus', 'Karen'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Dijkstra', 'Hamilton', 'Knuth', 'Liskov', 'Torvalds', 'Allen', 'Berners-Lee', 'Perlman', 'Thompson', 'Wilson', 'McCarthy', 'Lamarr', 'Ritchie', "O'Neil", 'Wirth', 'Spärck Jones'];
/** Region as written by three different systems; silver conforms them to AMER / EMEA / APAC. */
const REGIONS = [
  ['AMER', ['North America', 'north america', 'NA', 'Americas']],
  ['EMEA', ['Europe', 'EMEA', 'europe ', 'Middle East']],
  ['APAC', ['Asia Pacific', 'APAC', 'apac', 'Oceania']],
];
const CATEGORIES = ['Books', 'Electronics', 'Garden', 'Kitchen', 'Toys', 'Sports'];

const nCustomers = 200 * scale;
const customers = [];
for (let id = 1; id <= nCustomers; id++) {
  const first = pick(FIRST);
  const last = pick(LAST);
  const [, spellings] = pick(REGIONS);
  const signedUp = START - int(1, 365) * DAY + int(0, DAY / MINUTE - 1) * MINUTE;
  const emailUser = `${first}.${last}.${id}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
  const email = chance(0.06) ? null : chance(0.1) ? ` ${emailUser.toUpperCase()}@Example.com` : `${emailUser}@example.com`;
  const row = { customer_id: id, first_name: first, last_name: last, email, region: pick(spellings), signed_up_at: mixedStamp(signedUp), updated_at: utc(signedUp + DAY) };
  customers.push(row);
  // The back office exported some customers twice: an old row, and a newer one with a corrected e-mail.
  if (chance(0.04)) customers.push({ ...row, email: `${emailUser}@example.org`, updated_at: utc(START + int(0, DAYS - 1) * DAY) });
}

const nProducts = 40 + 10 * scale;
const products = [];
for (let id = 1; id <= nProducts; id++) {
  const category = chance(0.05) ? null : pick(CATEGORIES);
  products.push({ product_id: id, product_name: `${category ?? 'Misc'} item ${id}`, category, list_price: (int(199, 19999) / 100).toFixed(2) });
}
const UNKNOWN_PRODUCT = 9000 + nProducts; // never in raw_products

// ---- facts -----------------------------------------------------------------------------------------
const STATUSES = ['completed', 'completed', 'completed', 'shipped', 'placed', 'cancelled', 'Completed', 'SHIPPED'];
const METHODS = ['card', 'card', 'paypal', 'bank_transfer', 'gift_card'];
const orders = [];
const items = [];
const payments = [];
let itemId = 0;
let paymentId = 0;
const nOrders = 1000 * scale;
for (let id = 1; id <= nOrders; id++) {
  const customer = int(1, nCustomers);
  const at = START + int(0, DAYS - 1) * DAY + int(0, DAY / MINUTE - 1) * MINUTE;
  const status = pick(STATUSES);
  const loaded = at + (chance(0.05) ? int(1, 3) * DAY : int(5, 120) * MINUTE);
  orders.push({ order_id: id, customer_id: customer, status, ordered_at: mixedStamp(at), _loaded_at: utc(loaded) });
  let total = 0;
  for (let n = int(1, 4); n > 0; n--) {
    itemId++;
    const known = !chance(0.006);
    const product = known ? products[int(0, nProducts - 1)] : undefined;
    const quantity = chance(0.003) ? 0 : int(1, 3);
    const unitPrice = product ? product.list_price : (int(199, 4999) / 100).toFixed(2);
    total += quantity * Number(unitPrice);
    items.push({ order_item_id: itemId, order_id: id, product_id: product?.product_id ?? UNKNOWN_PRODUCT, quantity, unit_price: unitPrice });
  }
  if (status.toLowerCase() === 'cancelled' || status === 'placed') continue;
  if (chance(0.03)) {
    paymentId++;
    payments.push({ payment_id: paymentId, order_id: id, method: pick(METHODS), amount: total.toFixed(2), status: 'failed', paid_at: mixedStamp(at + 2 * MINUTE) });
  }
  paymentId++;
  payments.push({ payment_id: paymentId, order_id: id, method: chance(0.04) ? null : pick(METHODS), amount: total.toFixed(2), status: 'success', paid_at: mixedStamp(at + 5 * MINUTE) });
}

const EVENT_TYPES = ['page_view', 'product_view', 'add_to_cart', 'checkout', 'purchase'];
const events = [];
let eventId = 0;
let sessionId = 0;
const nEvents = 10_000 * scale;
while (eventId < nEvents) {
  sessionId++;
  const customer = chance(0.35) ? null : int(1, nCustomers);
  let at = START + int(0, DAYS - 1) * DAY + int(0, DAY / MINUTE - 1) * MINUTE;
  // A session walks down the funnel and stops at some step.
  const depth = rand() < 0.45 ? 1 : rand() < 0.5 ? 2 : rand() < 0.5 ? 3 : rand() < 0.6 ? 4 : 5;
  for (let step = 0; step < depth && eventId < nEvents; step++) {
    for (let views = step === 1 ? int(1, 3) : 1; views > 0 && eventId < nEvents; views--) {
      eventId++;
      at += int(1, 6) * MINUTE;
      const type = EVENT_TYPES[step];
      const product = type === 'page_view' ? null : products[int(0, nProducts - 1)].product_id;
      const late = chance(0.03);
      const loaded = at + (late ? int(1, 2) * DAY + int(0, 600) * MINUTE : int(1, 30) * MINUTE);
      const event = { event_id: `e${String(eventId).padStart(9, '0')}`, session_id: `s${String(sessionId).padStart(8, '0')}`, customer_id: customer, event_type: type, product_id: product, event_ts: mixedStamp(at), _loaded_at: utc(loaded) };
      events.push(event);
      // At-least-once delivery: the tracker sometimes sends an event again.
      if (chance(0.02)) events.push({ ...event, _loaded_at: utc(loaded + int(1, 90) * MINUTE) });
    }
  }
}

mkdirSync(outDir, { recursive: true });
const counts = {
  raw_customers: writeCsv('raw_customers', ['customer_id', 'first_name', 'last_name', 'email', 'region', 'signed_up_at', 'updated_at'], customers),
  raw_products: writeCsv('raw_products', ['product_id', 'product_name', 'category', 'list_price'], products),
  raw_orders: writeCsv('raw_orders', ['order_id', 'customer_id', 'status', 'ordered_at', '_loaded_at'], orders),
  raw_order_items: writeCsv('raw_order_items', ['order_item_id', 'order_id', 'product_id', 'quantity', 'unit_price'], items),
  raw_payments: writeCsv('raw_payments', ['payment_id', 'order_id', 'method', 'amount', 'status', 'paid_at'], payments),
  raw_web_events: writeCsv('raw_web_events', ['event_id', 'session_id', 'customer_id', 'event_type', 'product_id', 'event_ts', '_loaded_at'], events),
};
const total = Object.values(counts).reduce((a, b) => a + b, 0);
process.stdout.write(`wrote ${total} rows at scale ${scale} (seed ${seed}) to ${path.relative(process.cwd(), outDir) || '.'}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
