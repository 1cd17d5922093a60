/**
 * The BigQuery adapter against a local HTTP server speaking BigQuery's REST API (fake-bigquery.ts), with
 * the real @google-cloud/bigquery client pointed at it by `api_endpoint`: which jobs are sent and with
 * which settings, how results and errors are mapped, retries, cancellation, sessions for transactions,
 * seeds through load jobs, dry runs, the catalog, and that credentials never reach an error.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdapter, type BigQueryAdapter } from '@xform/adapter-bigquery';
import type { BigQueryTargetConfig } from '@xform/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { materialize, materializeSeed } from '../../../../core/src/materialize/index.js';
import { modelNode, seedNode, snapshotNode } from '../../conformance/helpers.js';
import { FakeBigQuery } from './fake-bigquery.js';

const TOKEN = 'ya29.test-access-token-never-shown';
let fake: FakeBigQuery;
let endpoint = '';
let dir = '';
const adapters: BigQueryAdapter[] = [];

function target(extra: Partial<BigQueryTargetConfig> = {}): BigQueryTargetConfig {
  return {
    type: 'bigquery',
    name: 'test',
    method: 'oauth-secrets',
    token: TOKEN,
    project: 'my-project',
    dataset: 'analytics',
    database: 'my-project',
    schema: 'analytics',
    threads: 2,
    location: 'EU',
    api_endpoint: endpoint,
    ...extra,
  };
}

async function adapter(extra: Partial<BigQueryTargetConfig> = {}): Promise<BigQueryAdapter> {
  const created = (await createAdapter(target(extra), { projectRoot: dir, retryDelayMs: 10 })) as BigQueryAdapter;
  adapters.push(created);
  return created;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xform-bq-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = new FakeBigQuery();
  endpoint = await fake.start();
});
afterEach(async () => {
  for (const a of adapters.splice(0)) await a.close();
  await fake.stop();
});

describe('bigquery adapter on a local REST endpoint', () => {
  it('sends a query job with the target settings and maps rows, types and job statistics', async () => {
    fake.answer(/select/u, {
      fields: [
        { name: 'id', type: 'INTEGER' },
        { name: 'big', type: 'INTEGER' },
        { name: 'amount', type: 'NUMERIC' },
        { name: 'day', type: 'DATE' },
        { name: 'at', type: 'TIMESTAMP' },
        { name: 'local', type: 'DATETIME' },
        { name: 'ok', type: 'BOOLEAN' },
        { name: 'tags', type: 'STRING', mode: 'REPEATED' },
        { name: 'note', type: 'STRING' },
      ],
      rows: [[7, '9007199254740993', '12.50', '2024-03-01', '1709294400000000', '2024-03-01T12:00:00', 'true', ['a', 'b'], null]],
      bytes: 2048,
      slotMs: 1234,
    });
    const bq = await adapter({ labels: { team: 'finance' }, maximum_bytes_billed: 1000000000, job_timeout_seconds: 300, priority: 'batch' });
    const result = await bq.withConnection((c) => c.execute('select * from orders', { label: 'model.shop.orders' }));

    expect(result.rows).toEqual([
      { id: 7, big: '9007199254740993', amount: 12.5, day: '2024-03-01', at: '2024-03-01T12:00:00Z', local: '2024-03-01T12:00:00', ok: true, tags: ['a', 'b'], note: null },
    ]);
    expect(result.columns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'big', type: 'INTEGER' },
      { name: 'amount', type: 'NUMERIC' },
      { name: 'day', type: 'DATE' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'local', type: 'DATETIME' },
      { name: 'ok', type: 'BOOLEAN' },
      { name: 'tags', type: 'ARRAY<STRING>' },
      { name: 'note', type: 'STRING' },
    ]);
    const [job] = fake.insertedJobs();
    expect(result.info).toMatchObject({ job_id: job!.jobId, location: 'EU', bytes_processed: 2048, slot_ms: 1234, statement_type: 'SELECT' });
    expect(job!.configuration).toMatchObject({
      query: {
        query: 'select * from orders',
        useLegacySql: false,
        maximumBytesBilled: '1000000000',
        priority: 'BATCH',
        defaultDataset: { projectId: 'my-project', datasetId: 'analytics' },
      },
      labels: { team: 'finance' },
      jobTimeoutMs: '300000',
    });
    const insert = fake.requests.find((r) => r.path === '/bigquery/v2/projects/my-project/jobs')!;
    expect(JSON.parse(insert.body).jobReference.location).toBe('EU');
    expect(insert.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('maps a failed job to XFORM_SQL_ERROR with the reason and the line and column, never the token', async () => {
    fake.answer(/selec /u, { error: { status: 400, reason: 'invalidQuery', message: 'Syntax error: Unexpected identifier "selec" at [2:1]' } });
    const bq = await adapter();
    const err = (await bq.withConnection((c) => c.execute('-- a model\nselec 1', { label: 'model.shop.bad' })).catch((e: unknown) => e)) as Record<string, unknown> & Error;
    expect(err).toMatchObject({
      code: 'XFORM_SQL_ERROR',
      message: 'Syntax error: Unexpected identifier "selec" at [2:1]',
      sqlState: 'invalidQuery',
      sqlPosition: { line: 2, column: 1 },
      hint: 'while running model.shop.bad on bigquery',
    });
    expect(fake.insertedJobs()).toHaveLength(1);
    expect(JSON.stringify({ message: err.message, hint: err.hint, sql: err.sql, stack: err.stack })).not.toContain(TOKEN);
  });

  it('reports rejected credentials as XFORM_CONNECTION_FAILED with a hint, without the token', async () => {
    fake.answer(/select/u, { error: { status: 401, reason: 'authError', message: 'Request had invalid authentication credentials. Expected OAuth 2 access token.' }, when: 'insert' });
    const bq = await adapter();
    const err = (await bq.withConnection((c) => c.execute('select 1 as ok', { label: 'debug' })).catch((e: unknown) => e)) as Error & { code: string; hint?: string };
    expect(err.code).toBe('XFORM_CONNECTION_FAILED');
    expect(err.message).toMatch(/^could not authenticate to BigQuery \(project my-project\): Request had invalid authentication credentials/u);
    expect(err.hint).toContain("check 'method' and the credentials");
    expect(JSON.stringify({ m: err.message, h: err.hint, s: err.stack })).not.toContain(TOKEN);
  });

  it('retries a job that failed transiently (rateLimitExceeded, 503) and stops after job_retries', async () => {
    let calls = 0;
    fake.answer(/count_me/u, () =>
      ++calls === 1 ? { error: { status: 403, reason: 'rateLimitExceeded', message: 'Exceeded rate limits: too many concurrent queries' } } : { fields: [{ name: 'n', type: 'INTEGER' }], rows: [[1]] },
    );
    const bq = await adapter({ job_retries: 2 });
    const ok = await bq.withConnection((c) => c.execute('select 1 as n -- count_me'));
    expect(ok.rows).toEqual([{ n: 1 }]);
    const jobs = fake.insertedJobs();
    expect(jobs).toHaveLength(2);
    expect(new Set(jobs.map((j) => j.jobId)).size).toBe(2);

    let inserts = 0;
    fake.answer(/unavailable_once/u, () =>
      ++inserts === 1 ? { error: { status: 503, reason: 'backendError', message: 'The service is currently unavailable.' }, when: 'insert' } : { fields: [{ name: 'n', type: 'INTEGER' }], rows: [[3]] },
    );
    expect((await bq.withConnection((c) => c.execute('select 3 as n -- unavailable_once'))).rows).toEqual([{ n: 3 }]);
    expect(fake.insertedJobs().filter((j) => j.query?.includes('unavailable_once'))).toHaveLength(2);

    // A job that failed with backendError (the HTTP status of the results call is 400: the job, not the request, failed).
    fake.answer(/always_busy/u, { error: { status: 400, reason: 'backendError', message: 'Backend error. Job aborted.' } });
    const err = await bq.withConnection((c) => c.execute('select 2 -- always_busy')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR', sqlState: 'backendError' });
    expect(fake.insertedJobs().filter((j) => j.query?.includes('always_busy'))).toHaveLength(3);
  });

  it('cancels the running job with jobs.cancel', async () => {
    fake.answer(/slow/u, { pending: true });
    const bq = await adapter();
    const connection = await bq.acquire();
    const running = connection.execute('select * from huge -- slow').catch((e: unknown) => e);
    while (!fake.requests.some((r) => r.path.includes('/queries/'))) await new Promise((r) => setTimeout(r, 10));
    await bq.cancelAll();
    const err = await running;
    bq.release(connection);
    const jobId = fake.insertedJobs()[0]!.jobId;
    expect(fake.requests.some((r) => r.method === 'POST' && r.path === `/bigquery/v2/projects/my-project/jobs/${jobId}/cancel`)).toBe(true);
    expect(err).toMatchObject({ code: 'XFORM_SQL_ERROR', message: expect.stringContaining('query cancelled') });
  });

  it('runs a transaction in a session: DDL before it, BEGIN before the first DML, COMMIT with the session id', async () => {
    fake.answer(/^merge/u, { dml: 4 });
    const bq = await adapter();
    const result = await bq.withConnection(async (c) => {
      await c.begin();
      await c.execute('alter table `analytics`.`t` add column `x` string');
      const merged = await c.execute('merge into `analytics`.`t` using `analytics`.`s` on false when not matched then insert row');
      await c.commit();
      return merged;
    });
    expect(result.rowsAffected).toBe(4);
    const jobs = fake.insertedJobs();
    expect(jobs.map((j) => j.query?.split(' ')[0])).toEqual(['alter', 'begin', 'merge', 'commit']);
    expect(jobs[0]!.configuration.query.connectionProperties).toBeUndefined();
    expect(jobs[1]!.configuration.query.createSession).toBe(true);
    expect(jobs[2]!.configuration.query.connectionProperties).toEqual([{ key: 'session_id', value: 'session-1' }]);
    expect(jobs[3]!.configuration.query.connectionProperties).toEqual([{ key: 'session_id', value: 'session-1' }]);

    // The next transaction on the same connection reuses the session; statements outside one do not use it.
    await bq.withConnection(async (c) => {
      await c.execute('select 1');
      await c.begin();
      await c.execute('delete from `analytics`.`t` where true');
      await c.rollback();
    });
    const later = fake.insertedJobs().slice(4);
    expect(later.map((j) => j.query?.split(' ')[0])).toEqual(['select', 'begin', 'delete', 'rollback']);
    expect(later[0]!.configuration.query.connectionProperties).toBeUndefined();
    expect(later[1]!.configuration.query.createSession).toBeUndefined();
    expect(later.slice(1).every((j) => j.configuration.query.connectionProperties?.[0]?.value === 'session-1')).toBe(true);
  });

  it('builds a table model without an audit with exactly one write: CREATE OR REPLACE of the final table', async () => {
    fake.answer(/create or replace table `my-project`.`analytics`.`orders`\npartition by/u, { ctas: { datasetId: 'analytics', tableId: 'orders', numRows: 3 } });
    const bq = await adapter();
    const node = { ...modelNode('analytics', 'orders', { materialized: 'table', partition_by: { field: 'day', data_type: 'date' } }), database: 'my-project' };
    const result = await bq.withConnection((connection) =>
      materialize({ adapter: bq, connection, node, fullRefresh: false, renderSql: () => 'select 1 as id, current_date() as day', renderHook: (s) => s }),
    );
    expect(result).toMatchObject({ status: 'success', rowsAffected: 3, message: 'CREATE TABLE (3 rows)' });
    expect(result.adapterResponse).toMatchObject({ job_id: expect.any(String), bytes_processed: 1024, statement_type: 'CREATE_TABLE_AS_SELECT' });
    const jobs = fake.insertedJobs().map((j) => j.query!);
    expect(jobs.map((q) => q.split('\n')[0])).toEqual(['create or replace table `my-project`.`analytics`.`orders`']);
    expect(jobs[0]).toContain('partition by `day`');
    expect(jobs[0]).toContain('select 1 as id, current_date() as day');
  });

  it('builds a table model with an audit through staging, published by CREATE OR REPLACE after the audit passed', async () => {
    fake.answer(/create or replace table `my-project`.`analytics`.`orders__xform_tmp`/u, { ctas: { datasetId: 'analytics', tableId: 'orders__xform_tmp', numRows: 3 } });
    fake.answer(/create or replace table `my-project`.`analytics`.`orders`\npartition by/u, { ctas: { datasetId: 'analytics', tableId: 'orders', numRows: 3 } });
    const bq = await adapter();
    const node = { ...modelNode('analytics', 'orders', { materialized: 'table', partition_by: { field: 'day', data_type: 'date' } }), database: 'my-project' };
    const audited: string[] = [];
    const audit = async (staging: { identifier: string }) => {
      audited.push(staging.identifier);
      return { ok: true };
    };
    await bq.withConnection((connection) =>
      materialize({ adapter: bq, connection, node, fullRefresh: false, renderSql: () => 'select 1 as id, current_date() as day', renderHook: (s) => s, audit }),
    );
    expect(audited).toEqual(['orders__xform_tmp']);
    expect(fake.insertedJobs().map((j) => j.query!.split('\n')[0])).toEqual([
      'create or replace table `my-project`.`analytics`.`orders__xform_tmp`',
      'create or replace table `my-project`.`analytics`.`orders`',
      'drop table if exists `my-project`.`analytics`.`orders__xform_tmp`',
    ]);
    expect(fake.insertedJobs()[1]!.query).toContain('partition by `day`');
  });

  it('applies a snapshot run in one session transaction holding only its UPDATE and INSERT', async () => {
    fake.tables.set('analytics.customers_history', { type: 'TABLE' });
    const column = (name: string, type: string) => [name, type, 'YES'];
    const data = [column('id', 'INT64'), column('tier', 'STRING'), column('updated_at', 'TIMESTAMP')];
    const meta = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'].map((n) => column(n, n === 'dbt_scd_id' ? 'STRING' : 'TIMESTAMP'));
    let described = 0;
    // The snapshot table is described first, then the empty table of the query.
    fake.answer(/INFORMATION_SCHEMA.COLUMNS/u, () => ({
      fields: [{ name: 'column_name', type: 'STRING' }, { name: 'data_type', type: 'STRING' }, { name: 'is_nullable', type: 'STRING' }],
      rows: described++ === 0 ? [...data, ...meta] : data,
    }));
    fake.answer(/^update /u, { dml: 1, statementType: 'UPDATE' });
    fake.answer(/^insert /u, { dml: 2, statementType: 'INSERT' });
    const bq = await adapter();
    const node = { ...snapshotNode('analytics', 'customers_history', { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' }), database: 'my-project' };
    const result = await bq.withConnection((connection) =>
      materialize({ adapter: bq, connection, node, fullRefresh: false, renderSql: () => 'select * from `raw`.`customers`', renderHook: (s) => s }),
    );
    expect(result).toMatchObject({ status: 'success', rowsAffected: 2, message: 'SNAPSHOT 2 inserted, 1 closed' });
    const jobs = fake.insertedJobs().filter((j) => !j.query?.includes('INFORMATION_SCHEMA'));
    // The empty table of the query (its column types), the change set, the key check; then the transaction.
    expect(jobs.map((j) => j.query!.split(/\s/u)[0])).toEqual(['create', 'drop', 'create', 'select', 'begin', 'update', 'insert', 'commit']);
    const begin = jobs.findIndex((j) => j.query!.startsWith('begin'));
    expect(jobs[begin]!.configuration.query.createSession).toBe(true);
    const inSession = (j: (typeof jobs)[number]) => j.configuration.query.connectionProperties?.[0]?.value === 'session-1';
    // BEGIN creates the session; only the UPDATE, the INSERT and the COMMIT run in it.
    expect(jobs.map(inSession)).toEqual([false, false, false, false, false, true, true, true]);
  });

  it('drops and recreates a table whose partitioning changed (BigQuery refuses to replace it)', async () => {
    let attempts = 0;
    fake.answer(/^create or replace table `my-project`.`analytics`.`orders`\n/u, () =>
      ++attempts === 1
        ? { error: { status: 400, reason: 'invalidQuery', message: 'Cannot replace a table with a different partitioning spec. Instead, DROP and CREATE the table.' } }
        : { ctas: { datasetId: 'analytics', tableId: 'orders', numRows: 2 } },
    );
    const bq = await adapter();
    const result = await bq.withConnection((c) =>
      c.execute('create or replace table `my-project`.`analytics`.`orders`\npartition by `day`\nas (\nselect * from `my-project`.`analytics`.`orders__xform_tmp`\n)'),
    );
    expect(result.rowsAffected).toBe(2);
    expect(fake.insertedJobs().map((j) => j.query!.split('\n')[0])).toEqual([
      'create or replace table `my-project`.`analytics`.`orders`',
      'drop table if exists `my-project`.`analytics`.`orders`',
      'create or replace table `my-project`.`analytics`.`orders`',
    ]);
  });

  it('loads a seed with a load job: the CSV uploaded as is, header skipped, appended to the staging table', async () => {
    await writeFile(path.join(dir, 'countries.csv'), 'code,name,population\nFR,France,68.4\nDE,"Germany, Federal Republic",84.5\n');
    const bq = await adapter();
    const node = seedNode('analytics', 'countries', 'countries.csv');
    const result = await bq.withConnection((connection) => materializeSeed({ adapter: bq, connection, node, projectRoot: dir, fullRefresh: false }));
    expect(result).toMatchObject({ status: 'success', rowsAffected: 2 });
    const [load] = fake.loads();
    expect(load!.csv).toContain('DE,"Germany, Federal Republic",84.5');
    expect(load!.load).toMatchObject({
      sourceFormat: 'CSV',
      skipLeadingRows: 1,
      fieldDelimiter: ',',
      writeDisposition: 'WRITE_APPEND',
      destinationTable: { projectId: 'my-project', datasetId: 'analytics', tableId: 'countries__xform_tmp' },
    });
    expect(fake.insertedJobs().map((j) => j.query!.split('\n')[0])).toEqual([
      'create table `analytics`.`countries__xform_tmp` (',
      'create or replace table `analytics`.`countries`',
      'drop table if exists `analytics`.`countries__xform_tmp`',
    ]);
    expect(fake.insertedJobs()[0]!.query).toContain('`population` float64');
  });

  it('validates SQL with dry-run jobs and reports the bytes they would process', async () => {
    fake.answer(/missing_table/u, { error: { status: 404, reason: 'notFound', message: 'Not found: Table my-project:analytics.missing_table was not found in location EU' }, when: 'insert' });
    fake.answer(/orders/u, { fields: [], rows: [], bytes: 5_000_000 });
    const bq = await adapter();
    expect(await bq.dryRun('select * from orders')).toEqual({ bytes_processed: 5_000_000, statement_type: 'SELECT' });
    expect(fake.insertedJobs()[0]).toMatchObject({ dryRun: true, query: 'select * from orders' });
    expect(fake.requests.some((r) => r.path.includes('/queries/'))).toBe(false);
    await expect(bq.dryRun('select * from missing_table', 'model.shop.x')).rejects.toMatchObject({ code: 'XFORM_SQL_ERROR', sqlState: 'notFound', message: expect.stringContaining('missing_table was not found') });
  });

  it('reads the catalog: tables.get for one relation, INFORMATION_SCHEMA for relations and columns', async () => {
    fake.tables.set('analytics.orders', { type: 'TABLE', numRows: 10 });
    fake.tables.set('analytics.orders_v', { type: 'VIEW' });
    fake.datasets = ['analytics', 'raw'];
    fake.answer(/`ghost`.INFORMATION_SCHEMA/u, { error: { status: 404, reason: 'notFound', message: 'Not found: Dataset my-project:ghost was not found in location EU' } });
    fake.answer(/INFORMATION_SCHEMA.TABLES/u, {
      fields: [{ name: 'table_name', type: 'STRING' }, { name: 'table_type', type: 'STRING' }],
      rows: [['orders', 'BASE TABLE'], ['orders_v', 'VIEW'], ['orders_mv', 'MATERIALIZED VIEW']],
    });
    fake.answer(/INFORMATION_SCHEMA.COLUMNS/u, {
      fields: [{ name: 'column_name', type: 'STRING' }, { name: 'data_type', type: 'STRING' }, { name: 'is_nullable', type: 'STRING' }],
      rows: [['id', 'INT64', 'NO'], ['note', 'STRING', 'YES']],
    });
    const bq = await adapter();
    expect(await bq.catalog.getRelation({ schema: 'analytics', identifier: 'orders' })).toMatchObject({ kind: 'table' });
    expect(await bq.catalog.getRelation({ schema: 'analytics', identifier: 'orders_v' })).toMatchObject({ kind: 'view' });
    expect(await bq.catalog.getRelation({ schema: 'analytics', identifier: 'nope' })).toBeUndefined();
    expect(await bq.catalog.listSchemas()).toEqual(['analytics', 'raw']);
    expect((await bq.catalog.listRelations('analytics')).map((r) => [r.identifier, r.kind])).toEqual([
      ['orders', 'table'],
      ['orders_v', 'view'],
      ['orders_mv', 'materialized_view'],
    ]);
    expect(await bq.catalog.listRelations('ghost')).toEqual([]);
    expect(await bq.catalog.getColumns({ schema: 'analytics', identifier: 'orders' })).toEqual([
      { name: 'id', dataType: 'INT64', nullable: false },
      { name: 'note', dataType: 'STRING', nullable: true },
    ]);
    const columnsJob = fake.insertedJobs().find((j) => j.query?.includes('COLUMNS'))!;
    expect(columnsJob.query).toContain('from `my-project`.`analytics`.INFORMATION_SCHEMA.COLUMNS');
    expect(columnsJob.configuration.query.queryParameters[0].parameterValue.value).toBe('orders');
    expect(await bq.catalog.getStats!({ schema: 'analytics', identifier: 'orders' })).toEqual({ rowCount: 10, bytes: 100 });
  });

  it('reports credential problems by key, never by value', async () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg-secret\n-----END PRIVATE KEY-----\n';
    const broken = `{"type": "service_account", "private_key": ${JSON.stringify(key)}`;
    const err = (await createAdapter(target({ method: 'service-account-json', keyfile_json: broken, token: undefined }), { projectRoot: dir }).catch((e: unknown) => e)) as Error & { code: string; hint?: string };
    expect(err).toMatchObject({ code: 'XFORM_PROFILE_INVALID', message: "target 'test' (bigquery): 'keyfile_json' is not valid JSON" });
    expect(JSON.stringify({ m: err.message, h: err.hint, s: err.stack })).not.toContain('MIIEvQIBADANBg');
    const missing = await createAdapter(target({ method: 'service-account', keyfile: 'keys/nope.json', token: undefined }), { projectRoot: dir }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'XFORM_PROFILE_INVALID', message: expect.stringContaining('keys/nope.json cannot be read') });
  });
});
