/**
 * The project fault-injection tests build, and how they read what it left in the warehouse. Every build
 * runs with `--vars {gen: G}`: each relation then holds exactly `10 + G` rows (the seed: 20), all with
 * `gen = G`. A relation is "fully old or fully new" when it holds one generation with that generation's
 * row count; anything else (mixed generations, a wrong count, a missing relation) is an anomaly.
 */
import { join } from 'node:path';
import { createAdapter as createDuckDB } from '@xform/adapter-duckdb';
import { createAdapter as createPostgres } from '@xform/adapter-postgres';
import type { Adapter } from '@xform/core';
import { postgresProfile, type PostgresServer } from '../postgres-server.js';

export type Warehouse = 'duckdb' | 'postgres';

/** Table-like relations (tables, incrementals, views) and the seed, in build order. */
export const TABLES = ['m_01', 'm_02', 'm_03', 'm_04', 'm_05', 'm_06', 'inc_merge', 'inc_delete'];
export const VIEWS = ['v_01', 'v_02'];
export const SEED = 'base';

const rowsOf = (gen: number): string => `select {{ var('gen', 1) }} as gen, g as id from generate_series(1, 10 + {{ var('gen', 1) }}) as t(g)`;

/** The project's files; `slowMs` adds a model that sleeps that long (PostgreSQL only) so builds overlap. */
export function faultProject(warehouse: Warehouse, options: { server?: PostgresServer; schema: string; slowMs?: number }): Record<string, string> {
  const profile =
    warehouse === 'postgres'
      ? postgresProfile(options.server!, { profile: 'faults', schema: options.schema, threads: 3 })
      : ['faults:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', '      path: target/warehouse.duckdb', `      schema: ${options.schema}`, '      threads: 3', ''].join('\n');
  const files: Record<string, string> = {
    'xform_project.yml': 'name: faults\nversion: "1.0"\n',
    'profiles.yml': profile,
    'seeds/base.csv': ['id,name', ...Array.from({ length: 20 }, (_, i) => `${i + 1},name ${i + 1}`)].join('\n') + '\n',
    'models/m_01.sql': `{{ config(materialized='table') }}\n${rowsOf(0)}`,
    'models/m_02.sql': `{{ config(materialized='table') }}\nselect gen, id from {{ ref('m_01') }}`,
    'models/m_03.sql': `{{ config(materialized='table') }}\nselect m.gen, m.id from {{ ref('m_02') }} m join {{ ref('base') }} b on b.id = 1`,
    'models/m_04.sql': `{{ config(materialized='table') }}\n${rowsOf(0)}`,
    'models/m_05.sql': `{{ config(materialized='table') }}\nselect gen, id from {{ ref('m_04') }}`,
    'models/m_06.sql': `{{ config(materialized='table') }}\nselect gen, id from {{ ref('m_05') }}`,
    'models/v_01.sql': `{{ config(materialized='view') }}\nselect gen, id from {{ ref('m_01') }}`,
    'models/v_02.sql': `{{ config(materialized='view') }}\nselect gen, id from {{ ref('m_06') }}`,
    'models/inc_merge.sql': `{{ config(materialized='incremental', unique_key='id') }}\n${rowsOf(0)}`,
    'models/inc_delete.sql': `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert') }}\n${rowsOf(0)}`,
    'models/schema.yml': 'version: 2\nmodels:\n  - name: m_02\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
  };
  if (options.slowMs !== undefined && warehouse === 'postgres') {
    files['models/slow.sql'] = `{{ config(materialized='table') }}\nselect pg_sleep(${options.slowMs / 1000}) is not null as slept`;
  }
  return files;
}

/** Opens the warehouse the project builds into (DuckDB: only while no build holds the file). */
export async function openWarehouse(warehouse: Warehouse, root: string, schema: string, server?: PostgresServer): Promise<Adapter> {
  if (warehouse === 'duckdb') {
    return createDuckDB({ type: 'duckdb', name: 'check', schema, threads: 1, path: join(root, 'target/warehouse.duckdb') }, { projectRoot: root });
  }
  const s = server!;
  return createPostgres(
    { type: 'postgres', name: 'check', schema, threads: 1, host: s.host, port: s.port, user: s.user, password: s.password, dbname: s.database },
    { projectRoot: root },
  );
}

/**
 * What is wrong with the relations of `schema`: each must hold one generation among `allowed` with its
 * row count (the seed: 20 rows); `requireGen` demands that generation; `leftovers: false` forbids staging
 * and backup relations.
 */
export async function anomalies(
  adapter: Adapter,
  schema: string,
  expect: { allowed: number[]; requireGen?: number; leftovers: boolean },
): Promise<string[]> {
  const found: string[] = [];
  const listed = await adapter.catalog.listRelations(schema);
  const names = new Set(listed.map((r) => r.identifier));
  if (!expect.leftovers) {
    for (const r of listed) if (/__xform_(tmp|backup)/u.test(r.identifier)) found.push(`leftover ${r.kind} ${r.identifier}`);
  }
  const q = (name: string) => adapter.dialect.relationName({ schema, identifier: name });
  await adapter.withConnection(async (c) => {
    if (!names.has(SEED)) found.push(`missing seed ${SEED}`);
    else {
      const n = Number((await c.execute(`select count(*) as n from ${q(SEED)}`)).rows[0]?.n);
      if (n !== 20) found.push(`seed ${SEED}: ${n} rows, expected 20`);
    }
    for (const name of [...TABLES, ...VIEWS]) {
      if (!names.has(name)) {
        found.push(`missing ${name}`);
        continue;
      }
      const { rows } = await c.execute(`select gen, count(*) as n from ${q(name)} group by gen order by gen`);
      const gens = rows.map((r) => ({ gen: Number(r.gen), n: Number(r.n) }));
      const only = gens.length === 1 ? gens[0]! : undefined;
      if (!only) found.push(`${name}: mixed generations ${JSON.stringify(gens)}`);
      else if (only.n !== 10 + only.gen) found.push(`${name}: generation ${only.gen} with ${only.n} rows, expected ${10 + only.gen}`);
      else if (!expect.allowed.includes(only.gen)) found.push(`${name}: generation ${only.gen}, expected one of ${expect.allowed.join(', ')}`);
      else if (expect.requireGen !== undefined && only.gen !== expect.requireGen) found.push(`${name}: generation ${only.gen}, expected ${expect.requireGen}`);
    }
  });
  return found;
}

/** Anomalies of a warehouse opened just for the check. */
export async function checkWarehouse(
  warehouse: Warehouse,
  root: string,
  schema: string,
  server: PostgresServer | undefined,
  expect: { allowed: number[]; requireGen?: number; leftovers: boolean },
): Promise<string[]> {
  const adapter = await openWarehouse(warehouse, root, schema, server);
  try {
    return await anomalies(adapter, schema, expect);
  } finally {
    await adapter.close();
  }
}

/** The seed from XFORM_FAULT_SEED (to replay a failure), else a fresh one; printed either way. */
export function faultSeed(label: string): number {
  const given = process.env.XFORM_FAULT_SEED;
  const seed = given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`${label}: seed ${seed} (replay with XFORM_FAULT_SEED=${seed})\n`);
  return seed;
}
