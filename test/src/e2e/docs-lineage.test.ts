/**
 * Column lineage in the docs site (Chromium) on a DuckDB project written the way the example project is:
 * seeds stand in for raw source tables (named in `-- depends_on:` comments, loaded into the source's
 * schema), a silver model uses QUALIFY and `* EXCLUDE`, one model reads a table function and one
 * samples its input with USING SAMPLE, which no parser reads.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_OUTPUT } from '../helpers/browser.js';
import { useDocsSite } from '../helpers/docs-site.js';
import type { ProjectFiles } from '../helpers/project.js';

const PROJECT: ProjectFiles = {
  'xform_project.yml': ['name: shop', 'version: "1"', 'seeds:', '  shop:', '    +schema: raw'].join('\n'),
  'seeds/raw_orders.csv': 'order_id,customer_id,amount,note,ordered_at\n1,10,10.5,a,2024-01-01\n2,10,20,b,2024-01-02\n3,11,5,c,2024-01-03\n',
  'models/_sources.yml': [
    'version: 2',
    'sources:',
    '  - name: raw',
    '    schema: main_raw',
    '    tables:',
    '      - name: orders',
    '        identifier: raw_orders',
  ].join('\n'),
  'models/latest_orders.sql': [
    "-- depends_on: {{ ref('raw_orders') }}",
    'select * exclude (note),',
    '    rank() over (partition by customer_id order by ordered_at) as order_rank',
    "from {{ source('raw', 'orders') }}",
    'qualify row_number() over (partition by customer_id order by ordered_at desc) = 1',
  ].join('\n'),
  'models/customer_revenue.sql': "select customer_id, sum(amount) as revenue from {{ ref('latest_orders') }} group by customer_id",
  'models/orders_twice.sql': "select o.order_id, o.amount, g.copy from {{ ref('latest_orders') }} o, generate_series(1, 2) g(copy)",
  'models/sampled_orders.sql': "select customer_id, amount * 2 as doubled from {{ ref('latest_orders') }} using sample 100%",
};

const site = useDocsSite(PROJECT);

const open = (hash?: string): Promise<Page> => site.open(hash);
const lineageOf = (page: Page, column: string) => page.textContent(`.column[data-column=${column}] .lineage`);

describe('xform docs generate', () => {
  it('names the model no parser reads and counts the columns it could not trace', () => {
    expect(site.generated.stderr).toContain('column lineage unavailable for 1 model(s) whose SQL the parser could not read: models/sampled_orders.sql');
    // sampled_orders' two columns and orders_twice.copy.
    expect(site.generated.stderr).toContain('column lineage: 3 column(s) of 2 model(s) not traced');
  });
});

describe('column lineage in the docs site', () => {
  it('traces every column of a model using QUALIFY and * EXCLUDE', async () => {
    const page = await open('#/model/latest_orders');
    await page.waitForSelector('#panel .columns');
    const panel = (await page.textContent('#panel'))!;
    expect(panel).not.toContain('column lineage unavailable');
    expect(await page.$$eval('.column .name', (els) => els.map((e) => e.textContent))).toEqual(['order_id', 'customer_id', 'amount', 'ordered_at', 'order_rank']);
    expect(await lineageOf(page, 'amount')).toBe('← orders.amount');
    expect(await lineageOf(page, 'order_rank')).toBe('ƒ← orders.customer_id, orders.ordered_at');
    expect(panel).not.toContain('not traced');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-lineage-qualify.png') });
    await page.close();
  });

  it('marks only the column a table function feeds, with the reason', async () => {
    const page = await open('#/model/orders_twice');
    await page.waitForSelector('#panel .columns');
    expect(await lineageOf(page, 'amount')).toBe('← latest_orders.amount');
    expect(await lineageOf(page, 'copy')).toBe('⚠ not traced: table function generate_series()');
    await page.close();
  });

  it("lists a source column's downstream columns and says how many models could not be traced", async () => {
    const page = await open('#/model/orders/amount');
    await page.waitForSelector('#downstream-columns');
    expect(await page.textContent('#panel-title')).toBe('orders');
    expect(await page.$$eval('#downstream-columns li', (lis) => lis.map((li) => li.textContent))).toEqual([
      'latest_orders.amount',
      'customer_revenue.revenue',
      'orders_twice.amount',
    ]);
    expect(await page.textContent('#untraced-downstream')).toBe('⚠ 2 models could not be traced: orders_twice, sampled_orders');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-lineage-source.png') });
    // The seed standing in for the source feeds no column: it is named in a `-- depends_on:` comment only.
    await page.goto(`${site.served.url}#/model/raw_orders/amount`);
    await page.waitForFunction(() => document.querySelector('#panel-title')?.textContent === 'raw_orders');
    await page.waitForSelector('#column-trace');
    expect(await page.textContent('#column-trace')).toContain('Downstream (0)');
    await page.close();
  });
});
