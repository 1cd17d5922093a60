/**
 * `xform run` on BigQuery through the real CLI, the client pointed at a local server speaking BigQuery's
 * REST API: the dataset is created in the target's location, a table is built in staging and replaced
 * atomically, a view in place, and the run log and run_results.json show each node's bytes and job id.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBigQuery } from '../adapters/bigquery/fake-bigquery.js';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const roots: string[] = [];
let fake: FakeBigQuery;

beforeEach(async () => {
  fake = new FakeBigQuery();
});
afterEach(async () => {
  await fake.stop();
});
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

describe('xform run on BigQuery (local REST endpoint)', () => {
  it('creates the dataset, builds a table and a view, and reports bytes processed per node', async () => {
    const endpoint = await fake.start();
    fake.answer(/create or replace table `my-project`.`analytics`.`orders__xform_tmp_[0-9a-f]{6}`/u, { ctas: { datasetId: 'analytics', tableId: 'orders__xform_tmp', numRows: 3 } });
    fake.answer(/create or replace table `my-project`.`analytics`.`orders`\n/u, { ctas: { datasetId: 'analytics', tableId: 'orders', numRows: 3 } });
    const root = await writeProject({
      'profiles.yml': [
        'demo:',
        '  outputs:',
        '    dev:',
        '      type: bigquery',
        '      method: oauth-secrets',
        "      token: \"{{ env_var('BQ_TOKEN') }}\"",
        '      project: my-project',
        '      dataset: analytics',
        '      location: EU',
        '      labels: {team: finance}',
        `      api_endpoint: ${endpoint}`,
        '',
      ].join('\n'),
      'models/orders.sql': "{{ config(materialized='table', partition_by={'field': 'day', 'data_type': 'date'}) }}\nselect 1 as id, current_date() as day",
      'models/orders_v.sql': "select * from {{ ref('orders') }}",
    });
    roots.push(root);
    const result = await runXform(['run'], { cwd: root, env: { BQ_TOKEN: 'ya29.run-token' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/OK\s+table\s+analytics\.orders 3 rows 1\.0 KB processed in/u);
    expect(result.stdout).toMatch(/OK\s+view\s+analytics\.orders_v/u);
    expect(result.stdout).not.toContain('ya29.run-token');

    const queries = fake.insertedJobs().map((j) => j.query ?? '');
    expect(queries[0]).toBe("create schema if not exists `my-project`.`analytics` options(location='EU')");
    expect(queries).toContain('create or replace view `my-project`.`analytics`.`orders_v` as (\nselect * from `my-project`.`analytics`.`orders`\n)');
    expect(queries.find((q) => q.startsWith('create or replace table `my-project`.`analytics`.`orders`\n'))).toContain('partition by `day`');
    expect(fake.insertedJobs().every((j) => j.labels?.team === 'finance')).toBe(true);

    const runResults = JSON.parse(await readFile(path.join(root, 'target/run_results.json'), 'utf8')) as { results: { unique_id: string; adapter_response: Record<string, unknown> }[] };
    const orders = runResults.results.find((r) => r.unique_id === 'model.demo.orders')!;
    expect(orders.adapter_response).toMatchObject({ bytes_processed: 1024, job_id: expect.any(String), statement_type: 'CREATE_TABLE_AS_SELECT', rows_affected: 3 });
  });
});
