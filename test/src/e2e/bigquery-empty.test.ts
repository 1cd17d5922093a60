/**
 * `xform run --empty` on BigQuery (local REST endpoint): the refs of the model's SQL sent to the warehouse
 * read dbt's zero-row subquery, and the statement parses as BigQuery SQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { FakeBigQuery } from '../adapters/bigquery/fake-bigquery.js';
import { parserReady, parseStatement } from '../adapters/cloud-sql/sql-parse.js';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const fake = new FakeBigQuery();
let root: string | undefined;
afterAll(async () => {
  await fake.stop();
  if (root) await removeProject(root);
});

describe('xform run --empty on BigQuery', () => {
  it('renders refs as (select * from x where false limit 0), which BigQuery parses', async () => {
    const endpoint = await fake.start();
    root = await writeProject({
      'profiles.yml': ['demo:', '  outputs:', '    dev:', '      type: bigquery', '      method: oauth-secrets', '      token: t', '      project: my-project', '      dataset: analytics', `      api_endpoint: ${endpoint}`, ''].join('\n'),
      'models/orders.sql': 'select 1 as id',
      'models/orders_v.sql': "select id from {{ ref('orders') }}",
    });
    const result = await runXform(['run', '--empty'], { cwd: root });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const view = fake.insertedJobs().map((j) => j.query ?? '').find((q) => q.includes('`orders_v`'));
    expect(view).toContain('select id from (select * from `my-project`.`analytics`.`orders` where false limit 0) _dbt_limit_subq_orders');
    await parserReady();
    expect(() => parseStatement(view!, 'bigquery')).not.toThrow();
  });
});
