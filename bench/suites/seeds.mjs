/**
 * Seeds: an N-row CSV (integers, text with quoted commas, decimals, dates, booleans, some empty fields)
 * loaded by `xform seed`, against the database's native load of the same file:
 * - DuckDB: `create table ... as select * from read_csv(...)` (types sniffed) through the driver, timed
 *   around the statement;
 * - PostgreSQL: psql's `\copy ... from <file> csv header` into a table of the same columns, timed around
 *   the psql process (so it includes psql's start and connection, a few ms).
 * Each figure is the seed node's execution time (run_results.json) divided by the native load's time; the
 * row count afterwards proves every row arrived.
 */
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { duckdbExec } from '../lib/duckdb-exec.mjs';
import { duckdbProfile, writeTree } from '../lib/files.mjs';
import { CACHE_DIR } from '../lib/load-ts.mjs';
import { nodeSeconds, readRunResults, timeXform } from '../lib/measure.mjs';
import { psql, sharedPostgres } from '../lib/postgres.mjs';
import { median } from '../lib/stats.mjs';

const CITIES = ['Lisbon', 'Oslo', 'Kyoto', 'Lima', 'Accra', 'Perth', 'Quito', 'Turin'];

/** Writes the CSV once per size (it is deterministic); returns its path. */
async function writeCsv(file, rows) {
  const done = await stat(file).then((s) => s.size > 0, () => false);
  if (done) return;
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(`${file}.part`);
  out.write('id,customer,city,amount,ordered_on,paid,note\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const day = new Date(Date.UTC(2023, 0, 1) + (i % 730) * 86_400_000).toISOString().slice(0, 10);
    const note = i % 10 === 0 ? '"late, call first"' : i % 7 === 0 ? '' : `n${i % 1000}`;
    chunk += `${i},customer ${i % 50_000},${CITIES[i % CITIES.length]},${((i * 37) % 100_000) / 100},${day},${i % 3 === 0},${note}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  await rm(file, { force: true });
  await rename(`${file}.part`, file);
}

export async function seedsSuite({ rows, runs, record }) {
  const dir = path.join(CACHE_DIR, `seeds-${rows}`);
  const csvName = 'orders_export.csv';
  const csv = path.join(CACHE_DIR, 'data', `orders-${rows}.csv`);
  await writeCsv(csv, rows);
  await writeTree(dir, {
    'xform_project.yml': 'name: seeds\nversion: "1.0"\n',
    'profiles.yml': duckdbProfile('seeds', { dbFile: 'bench.duckdb' }),
  });
  await mkdir(path.join(dir, 'seeds'), { recursive: true });
  await copyFile(csv, path.join(dir, 'seeds', csvName));
  const db = path.join(dir, 'bench.duckdb');
  const nativeDb = path.join(dir, 'native.duckdb');
  const fresh = async (file) => {
    await rm(file, { force: true });
    await rm(`${file}.wal`, { force: true });
  };

  const xform = [];
  const xformWall = [];
  const native = [];
  for (let i = 0; i < runs; i++) {
    await fresh(db);
    const run = await timeXform(['seed'], { cwd: dir });
    xformWall.push(run.ms / 1000);
    xform.push(nodeSeconds(await readRunResults(dir), 'orders_export'));
    const check = await duckdbExec(db, ['select count(*)::bigint as n from main.orders_export'], { cwd: dir, scratch: dir });
    if (Number(check.rows[0].n) !== rows) throw new Error(`xform seed loaded ${check.rows[0].n} rows, expected ${rows}`);

    await fresh(nativeDb);
    const load = await duckdbExec(
      nativeDb,
      [`create table orders_export as select * from read_csv('${path.join(dir, 'seeds', csvName)}')`, 'select count(*)::bigint as n from orders_export'],
      { cwd: dir, scratch: dir },
    );
    if (Number(load.rows[1].n) !== rows) throw new Error(`read_csv loaded ${load.rows[1].n} rows, expected ${rows}`);
    native.push(load.statementMs[0] / 1000);
  }
  const label = `${rows.toLocaleString('en-US')}-row CSV into DuckDB`;
  record({ id: 'seeds.xform_wall', label: `seeds, ${label}: xform seed process`, unit: 's', samples: xformWall });
  record({ id: 'seeds.xform', label: `seeds, ${label}: xform seed node`, unit: 's', samples: xform });
  record({ id: 'seeds.native', label: `seeds, ${label}: read_csv`, unit: 's', samples: native });
  record({
    id: 'seeds.ratio',
    label: `seeds, ${label} (xform seed / native load)`,
    unit: 'x',
    samples: xform.map((x, i) => x / native[i]),
    value: median(xform) / median(native),
    target: 1.5,
    profile: {
      name: 'seeds.ratio',
      prepare: async () => {
        await fresh(db);
        return { args: ['seed'], cwd: dir };
      },
    },
  });
  await postgresSeeds({ rows, runs, record, csv, csvName });
}

async function postgresSeeds({ rows, runs, record, csv, csvName }) {
  const server = await sharedPostgres();
  const dir = path.join(CACHE_DIR, `seeds-pg-${rows}`);
  await writeTree(dir, {
    'xform_project.yml': 'name: seeds\nversion: "1.0"\n',
    'profiles.yml': server.profile('seeds', { threads: 4 }),
  });
  await mkdir(path.join(dir, 'seeds'), { recursive: true });
  await copyFile(csv, path.join(dir, 'seeds', csvName));
  const env = { XFORM_BENCH_PG_PASSWORD: server.password };
  const count = async (table) => Number((await psql(server, ['-At', '-c', `select count(*) from public.${table}`])).trim());

  const xform = [];
  const native = [];
  for (let i = 0; i < runs; i++) {
    await timeXform(['seed'], { cwd: dir, env });
    xform.push(nodeSeconds(await readRunResults(dir), 'orders_export'));
    const loaded = await count('orders_export');
    if (loaded !== rows) throw new Error(`xform seed loaded ${loaded} rows into PostgreSQL, expected ${rows}`);

    await psql(server, ['-c', 'drop table if exists public.native_orders', '-c', 'create table public.native_orders (like public.orders_export)']);
    const started = performance.now();
    await psql(server, ['-c', `\\copy public.native_orders from '${csv}' with (format csv, header true)`]);
    native.push((performance.now() - started) / 1000);
    const copied = await count('native_orders');
    if (copied !== rows) throw new Error(`\\copy loaded ${copied} rows, expected ${rows}`);
  }
  const label = `${rows.toLocaleString('en-US')}-row CSV into PostgreSQL`;
  record({ id: 'seeds.pg.xform', label: `seeds, ${label}: xform seed node`, unit: 's', samples: xform });
  record({ id: 'seeds.pg.native', label: `seeds, ${label}: psql \\copy`, unit: 's', samples: native });
  record({
    id: 'seeds.pg_ratio',
    label: `seeds, ${label} (xform seed / native COPY)`,
    unit: 'x',
    samples: xform.map((x, i) => x / native[i]),
    value: median(xform) / median(native),
    target: 1.5,
    profile: { name: 'seeds.pg_ratio', prepare: async () => ({ args: ['seed'], cwd: dir, env }) },
  });
}
