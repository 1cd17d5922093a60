/**
 * dbt's global macros through `xform build` on DuckDB and on PostgreSQL: one model written with a dozen of
 * them (dateadd, datediff, date_trunc, split_part, hash, safe_cast, listagg, concat, type_string, last_day,
 * any_value, bool_or) builds on both and gives the same rows, which are checked value by value.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { createAdapter } from '@xform/adapter-duckdb';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { postgresProfile, withPostgres } from '../postgres-server.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

const FILES = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'seeds/raw_orders.csv': [
    'customer,email,ordered_at,amount,status,is_gift',
    'a,ann@x.com,2024-01-15,10,placed,true',
    'a,ann@x.com,2024-02-29,5,shipped,false',
    'b,bob@y.org,2024-03-10,7,returned,false',
  ].join('\n'),
  'models/customer_orders.sql': `
with src as (
    select customer, email, cast(ordered_at as date) as ordered_at, cast(amount as {{ type_string() }}) as amount_text,
        status, cast(is_gift as boolean) as is_gift
    from {{ ref('raw_orders') }}
)
select
    customer,
    {{ dbt.concat(['customer', "'-'", 'cast(count(*) as ' ~ type_string() ~ ')']) }} as label,
    {{ listagg('status', "'|'", 'order by status') }} as statuses,
    {{ any_value(split_part('email', "'@'", 2)) }} as domain,
    {{ bool_or('is_gift') }} as any_gift,
    cast(sum({{ safe_cast('amount_text', 'integer') }}) as integer) as total,
    cast(cast(min({{ date_trunc('month', 'ordered_at') }}) as date) as {{ type_string() }}) as first_month,
    cast(max({{ last_day('ordered_at', 'month') }}) as {{ type_string() }}) as last_month_end,
    cast(cast(max({{ dateadd('day', 7, 'ordered_at') }}) as date) as {{ type_string() }}) as week_after_last,
    cast({{ datediff('min(ordered_at)', 'max(ordered_at)', 'day') }} as integer) as span_days,
    max({{ hash('email') }}) as email_hash
from src
group by customer
`,
};

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const EXPECTED = [
  {
    customer: 'a',
    label: 'a-2',
    statuses: 'placed|shipped',
    domain: 'x.com',
    any_gift: true,
    total: 15,
    first_month: '2024-01-01',
    last_month_end: '2024-02-29',
    week_after_last: '2024-03-07',
    span_days: 45,
    email_hash: md5('ann@x.com'),
  },
  {
    customer: 'b',
    label: 'b-1',
    statuses: 'returned',
    domain: 'y.org',
    any_gift: false,
    total: 7,
    first_month: '2024-03-01',
    last_month_end: '2024-03-31',
    week_after_last: '2024-03-17',
    span_days: 0,
    email_hash: md5('bob@y.org'),
  },
];

const QUERY = (schema: string) => `select * from ${schema}.customer_orders order by customer`;

describe("dbt's global macros in a model", () => {
  it('build on DuckDB and give the rows dbt-duckdb gives', async () => {
    const root = await writeProject(FILES);
    roots.push(root);
    const build = await runXform(['build'], { cwd: root });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const adapter = await createAdapter(
      { type: 'duckdb', name: 'dev', path: path.join(root, 'target/xform.duckdb'), schema: 'main', threads: 1 },
      { projectRoot: root },
    );
    try {
      const { rows } = await adapter.withConnection((c) => c.execute(QUERY('main')));
      expect(rows).toEqual(EXPECTED);
    } finally {
      await adapter.close();
    }
  });

  describe('on PostgreSQL', () => {
    const server = withPostgres();

    it('build on PostgreSQL and give the rows dbt-postgres gives', async () => {
      const pgServer = server();
      const root = await writeProject({
        ...FILES,
        'profiles.yml': postgresProfile(pgServer, { schema: 'macros', threads: 2, passwordEnv: 'SHOP_PG_PASSWORD' }),
      });
      roots.push(root);
      const build = await runXform(['build'], { cwd: root, env: { SHOP_PG_PASSWORD: pgServer.password } });
      expect(build.code, build.stdout + build.stderr).toBe(0);
      const client = new pg.Client({ connectionString: pgServer.url });
      await client.connect();
      try {
        const { rows } = await client.query(QUERY('macros'));
        expect(rows).toEqual(EXPECTED);
      } finally {
        await client.end();
      }
    });
  });
});
