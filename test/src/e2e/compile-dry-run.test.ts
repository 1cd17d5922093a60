/**
 * `xform compile --dry-run` driven through the real CLI, with a BigQuery target whose api_endpoint is a
 * local server speaking BigQuery's REST API: one dry-run job per model (ephemeral ones inlined), the bytes
 * each would process, failures named by file, exit code 1 on failure; a target without dry runs says so.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBigQuery } from '../adapters/bigquery/fake-bigquery.js';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const TOKEN = 'ya29.dry-run-token';
const roots: string[] = [];
let fake: FakeBigQuery;
let endpoint = '';

beforeEach(async () => {
  fake = new FakeBigQuery();
  endpoint = await fake.start();
});
afterEach(async () => {
  await fake.stop();
});
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function bigQueryProject(): Promise<string> {
  const root = await writeProject({
    'profiles.yml': [
      'demo:',
      '  target: dev',
      '  outputs:',
      '    dev:',
      '      type: bigquery',
      '      method: oauth-secrets',
      "      token: \"{{ env_var('BQ_TOKEN') }}\"",
      '      project: my-project',
      '      dataset: analytics',
      `      api_endpoint: ${endpoint}`,
      '',
    ].join('\n'),
    'models/orders.sql': 'select 1 as id, current_date() as day',
    'models/daily.sql': "{{ config(materialized='table') }}\nselect day, count(*) as n from {{ ref('orders') }} group by day",
    'models/helper.sql': "{{ config(materialized='ephemeral') }}\nselect 2 as id",
    'models/uses_helper.sql': "select * from {{ ref('helper') }}",
    'models/broken.sql': 'select nope from {{ ref(\'orders\') }}',
    'models/bad_partition.sql': "{{ config(materialized='table', partition_by={'field': 'day', 'data_type': 'dat'}) }}\nselect current_date() as day",
  });
  roots.push(root);
  return root;
}

describe('xform compile --dry-run', () => {
  it('sends one dry-run job per model and reports bytes per model and failures by file', async () => {
    fake.answer(/select nope/u, { error: { status: 400, reason: 'invalidQuery', message: 'Unrecognized name: nope at [1:8]' }, when: 'insert' });
    fake.answer(/count\(\*\)/u, { fields: [], rows: [], bytes: 2_500_000 });
    fake.answer(/select 2 as id/u, { fields: [], rows: [], bytes: 0 });
    fake.answer(/select 1 as id/u, { fields: [], rows: [], bytes: 1500 });
    const root = await bigQueryProject();
    const result = await runXform(['compile', '--dry-run'], { cwd: root, env: { BQ_TOKEN: TOKEN } });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Dry run of 5 models on bigquery (target dev)');
    expect(result.stdout).toMatch(/OK\s+model\.demo\.orders\s+1\.5 KB/u);
    expect(result.stdout).toMatch(/OK\s+model\.demo\.daily\s+2\.5 MB/u);
    expect(result.stdout).toMatch(/OK\s+model\.demo\.uses_helper\s+0 B/u);
    expect(result.stdout).toMatch(/ERROR\s+model\.demo\.broken\s+models\/broken\.sql: Unrecognized name: nope at \[1:8\]/u);
    expect(result.stdout).toMatch(/ERROR\s+model\.demo\.bad_partition\s+models\/bad_partition\.sql: partition_by\.data_type must be one of date, timestamp, datetime, int64, got 'dat'/u);
    expect(result.stdout).toContain('Dry run failed: 3 ok, 2 failed; 2.5 MB would be processed');
    expect(result.stdout + result.stderr).not.toContain(TOKEN);

    const jobs = fake.insertedJobs();
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.dryRun === true)).toBe(true);
    expect(jobs.map((j) => j.query).find((q) => q?.includes('select 2 as id'))).toMatch(/with .*helper/isu);
    expect(jobs.map((j) => j.query).find((q) => q?.includes('count(*)'))).toContain('`my-project`.`analytics`.`orders`');
    expect(fake.requests.some((r) => r.path.includes('/queries/'))).toBe(false);
  });

  it('passes with exit code 0 when every model validates, and honours --select', async () => {
    const root = await bigQueryProject();
    const result = await runXform(['compile', '--dry-run', '--select', 'orders'], { cwd: root, env: { BQ_TOKEN: TOKEN } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run of 1 model on bigquery');
    expect(result.stdout).toContain('Dry run passed: 1 ok, 0 failed');
    expect(fake.insertedJobs()).toHaveLength(1);
  });

  it('says plainly when the target cannot dry-run', async () => {
    const root = await writeProject({ 'models/a.sql': 'select 1 as id' });
    roots.push(root);
    const result = await runXform(['compile', '--dry-run'], { cwd: root });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the duckdb adapter cannot validate queries without running them');
    expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/mu);
  });
});
