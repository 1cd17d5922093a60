/**
 * A microbatch project on a real warehouse, for the end-to-end and fault tests: a source `raw.events` with
 * event_time, the microbatch model `stg_events` (one batch per day) reading it, and a downstream table
 * `daily`. The warehouse is driven directly to seed events and to read tables back as checksums.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createAdapter } from '@xform/adapter-duckdb';
import { writeProject } from '../helpers/project.js';
import { postgresProfile, type PostgresServer } from '../postgres-server.js';

export interface Warehouse {
  name: 'duckdb' | 'postgres';
  /** The schema models are built in. */
  schema: string;
  profile: string;
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
}

export function duckdbWarehouse(root: string): Warehouse {
  const file = path.join(root, 'target', 'mb.duckdb');
  // One process at a time may open a DuckDB file: open, run, close, so the CLI can open it next.
  const withDb = async <T>(fn: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> => {
    const adapter = await createAdapter({ type: 'duckdb', name: 'check', path: file, schema: 'main', threads: 1 }, { projectRoot: root });
    try {
      return await adapter.withConnection((c) => fn(async (sql) => (await c.execute(sql)).rows));
    } finally {
      await adapter.close();
    }
  };
  return {
    name: 'duckdb',
    schema: 'main',
    profile: ['mb:', '  target: dev', '  outputs:', '    dev: {type: duckdb, path: target/mb.duckdb}', ''].join('\n'),
    exec: (sql) => withDb(async (run) => void (await run(sql))),
    rows: (sql) => withDb((run) => run(sql)),
  };
}

export function postgresWarehouse(server: PostgresServer, schema: string): Warehouse {
  const withClient = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    schema,
    profile: postgresProfile(server, { profile: 'mb', schema }),
    exec: (sql) => withClient(async (c) => void (await c.query(sql))),
    rows: (sql) => withClient(async (c) => (await c.query(sql)).rows as Record<string, unknown>[]),
  };
}

export interface MicrobatchProjectOptions {
  /** `begin` of stg_events, e.g. 2026-01-01. */
  begin: string;
  lookback?: number;
  /** The raw schema's name (distinct per test on a shared PostgreSQL server). */
  rawSchema: string;
}

/** The project files; the warehouse's profile is written by `createMicrobatchProject`. */
export function microbatchFiles(options: MicrobatchProjectOptions): Record<string, string> {
  return {
    'xform_project.yml': 'name: mb\nversion: "1"\n',
    'models/sources.yml': [
      'version: 2',
      'sources:',
      '  - name: raw',
      `    schema: ${options.rawSchema}`,
      '    tables:',
      '      - name: events',
      '        config:',
      '          event_time: occurred_at',
      '',
    ].join('\n'),
    'models/stg_events.sql': [
      `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='occurred_at', batch_size='day', begin='${options.begin}', lookback=${options.lookback ?? 1}) }}`,
      "select id, occurred_at, cast(payload as integer) as amount from {{ source('raw', 'events') }}",
      '',
    ].join('\n'),
    'models/daily.sql': [
      "{{ config(materialized='table') }}",
      "select cast(occurred_at as date) as day, count(*) as n, sum(amount) as total from {{ ref('stg_events') }} group by 1",
      '',
    ].join('\n'),
  };
}

export async function createMicrobatchProject(makeWarehouse: (root: string) => Warehouse, options: MicrobatchProjectOptions): Promise<{ root: string; warehouse: Warehouse }> {
  const root = await writeProject({});
  const warehouse = makeWarehouse(root);
  await writeProject({ ...microbatchFiles(options), 'profiles.yml': warehouse.profile }, root);
  await mkdir(path.join(root, 'target'), { recursive: true });
  await warehouse.exec(`create schema if not exists ${options.rawSchema}`);
  await warehouse.exec(`create table ${options.rawSchema}.events (id integer, occurred_at timestamp, payload varchar(20))`);
  return { root, warehouse };
}

export interface RawEvent {
  id: number;
  /** `2026-01-03 09:00:00` (UTC). */
  at: string;
  payload: string;
}

export async function insertEvents(warehouse: Warehouse, rawSchema: string, events: RawEvent[]): Promise<void> {
  if (events.length === 0) return;
  const values = events.map((e) => `(${e.id}, timestamp '${e.at}', '${e.payload.replaceAll("'", "''")}')`).join(', ');
  await warehouse.exec(`insert into ${rawSchema}.events values ${values}`);
}

/** Three events a day from `first` for `days` days, at 01:00, 09:00 and 23:59:59; ids from `firstId`. */
export function dailyEvents(first: Date, days: number, firstId = 1): RawEvent[] {
  const out: RawEvent[] = [];
  let id = firstId;
  for (let d = 0; d < days; d++) {
    const day = new Date(first.getTime() + d * 86_400_000).toISOString().slice(0, 10);
    for (const time of ['01:00:00', '09:00:00', '23:59:59']) out.push({ id: id++, at: `${day} ${time}`, payload: String(id % 50) });
  }
  return out;
}

export interface Checksum {
  rows: number;
  /** sha256 of every row's canonical JSON, sorted: independent of row order. */
  hash: string;
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return String(value);
  if (value !== null && typeof value === 'object' && 'toString' in value && !Array.isArray(value)) return String(value);
  return value;
}

export async function checksum(warehouse: Warehouse, table: string): Promise<Checksum> {
  const rows = await warehouse.rows(`select * from ${warehouse.schema}.${table}`);
  const lines = rows
    .map((row) => JSON.stringify(Object.keys(row).sort().map((k) => [k, canonical(row[k])])))
    .sort();
  return { rows: rows.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex') };
}

/** Checksums of every table the project builds. */
export async function checksums(warehouse: Warehouse): Promise<Record<string, Checksum>> {
  return { stg_events: await checksum(warehouse, 'stg_events'), daily: await checksum(warehouse, 'daily') };
}
