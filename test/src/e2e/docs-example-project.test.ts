/**
 * The docs site of example-project/ (the runnable medallion demo), built for real on DuckDB and served by
 * `xform docs serve`: its swimlanes, a gold model's panel and the column lineage of a gold metric back to
 * the raw seeds. Screenshots of the overview and of the lineage go to .test-output/.
 */
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveDocs, TEST_OUTPUT, type ServedDocs, openDocsPage } from '../helpers/browser.js';
import { runXform } from '../helpers/cli.js';
import { removeProject } from '../helpers/project.js';

const EXAMPLE = fileURLToPath(new URL('../../../example-project/', import.meta.url));

let root: string;
let served: ServedDocs;
let browser: Browser;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'xform-example-docs-'));
  await cp(EXAMPLE, root, { recursive: true, filter: (src) => !src.includes(`${path.sep}target`) });
  const build = await runXform(['build'], { cwd: root });
  expect(build.code, build.stdout + build.stderr).toBe(0);
  const docs = await runXform(['docs', 'generate'], { cwd: root });
  expect(docs.code, docs.stdout + docs.stderr).toBe(0);
  // Every model of the example parses: no model is left without column lineage.
  expect(docs.stderr).not.toContain('column lineage unavailable');
  served = await serveDocs(root);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (root) await removeProject(root);
});

const open = (hash = ''): Promise<Page> => openDocsPage(browser, `${served.url}${hash}`);

describe('the docs site of example-project', () => {
  it('draws every seed and model of the project in its layer', async () => {
    const manifest = JSON.parse(await readFile(path.join(root, 'target/manifest.json'), 'utf8')) as {
      nodes: Record<string, { name: string; resource_type: string }>;
    };
    const expected = Object.values(manifest.nodes)
      .filter((n) => n.resource_type === 'model' || n.resource_type === 'seed')
      .map((n) => n.name);
    const page = await open();
    const drawn = await page.$$eval('#graph-nodes li', (lis) => lis.map((li) => li.getAttribute('data-name')));
    expect(drawn).toEqual(expect.arrayContaining(expected));
    expect(expected).toContain('gld_daily_revenue');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-example-overview.png') });
    await page.close();
  });

  // Silver reads the raw tables through source(); the seeds standing in for them are named in `-- depends_on:`
  // comments only (they load first), so lineage ends at the sources, not at the seeds of the same relation.
  it("traces a gold metric's column lineage back to the raw sources", async () => {
    const page = await open('#/model/gld_daily_revenue/revenue');
    await page.waitForSelector('#upstream-columns li');
    const upstream = await page.$$eval('#upstream-columns li', (lis) => lis.map((li) => li.textContent));
    expect(upstream).toEqual(expect.arrayContaining(['slv_order_items.line_revenue', 'order_items.quantity', 'order_items.unit_price']));
    expect(upstream.filter((c) => c!.startsWith('raw_'))).toEqual([]);
    expect(await page.textContent('#panel-title')).toBe('gld_daily_revenue');
    const panel = (await page.textContent('#panel'))!;
    expect(panel).toContain('gold');
    expect(panel).toContain('success');
    const nodes = await page.$$eval('#graph-nodes li', (lis) => Object.fromEntries(lis.map((li) => [li.getAttribute('data-name'), li.getAttribute('data-state')])));
    expect(nodes.slv_order_items).toBe('column');
    expect(nodes.order_items).toBe('column');
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-example-gold-column-lineage.png') });
    await page.close();
  });

  it('shows the downstream columns of each of the six raw sources', async () => {
    const keys = { customers: 'customer_id', products: 'product_id', orders: 'order_id', order_items: 'order_item_id', payments: 'payment_id', web_events: 'event_id' };
    const page = await open();
    for (const [source, column] of Object.entries(keys)) {
      await page.goto(`${served.url}#/model/${source}/${column}`);
      await page.waitForFunction((s) => document.querySelector('#panel-title')?.textContent === s, source);
      await page.waitForSelector('#column-trace');
      const down = await page.$$eval('#downstream-columns li', (lis) => lis.map((li) => li.textContent));
      expect(down, `${source}.${column}`).toContain(`slv_${source}.${column}`);
    }
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-example-source-downstream.png') });
    await page.close();
  });
});
