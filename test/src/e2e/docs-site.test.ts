/**
 * `xform docs generate` + `xform docs serve`, and the site itself in Debian's Chromium: the graph, the side
 * panel, search, column lineage, XSS safety, deep links with back/forward, file:// and the timeline.
 * Screenshots land in .test-output/ for people to look at.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_OUTPUT } from '../helpers/browser.js';
import { runXform } from '../helpers/cli.js';
import { useDocsSite } from '../helpers/docs-site.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { DOCS_PROJECT, XSS_DOC_BLOCK } from '../fixtures/docs-project.js';

const site = useDocsSite(DOCS_PROJECT);

const open = (hash?: string): Promise<Page> => site.open(hash);

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(TEST_OUTPUT, `docs-${name}.png`) });

const graphNodes = (page: Page) => page.$$eval('#graph-nodes li', (lis) => lis.map((li) => ({ name: li.getAttribute('data-name'), state: li.getAttribute('data-state'), columns: li.getAttribute('data-columns') })));

describe('xform docs generate', () => {
  it('writes catalog.json with columns, types and row counts from the warehouse, and a self-contained site', async () => {
    const catalog = JSON.parse(await readFile(path.join(site.root, 'target/catalog.json'), 'utf8')) as {
      nodes: Record<string, { columns: Record<string, { type: string }>; stats: { row_count?: number } }>;
    };
    const slv = catalog.nodes['model.shop.slv_orders']!;
    expect(Object.keys(slv.columns)).toEqual(['order_id', 'customer_id', 'amount_eur', 'country']);
    expect(slv.columns.country!.type).toBe('VARCHAR');
    expect(slv.stats.row_count).toBe(3);
    expect(catalog.nodes['seed.shop.raw_orders']!.stats.row_count).toBe(4);
    const html = await readFile(path.join(site.root, 'target/docs/index.html'), 'utf8');
    // Nothing is fetched from elsewhere: every script and stylesheet is a relative path.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    await expect(readFile(path.join(site.root, 'target/docs/app.js'), 'utf8')).resolves.toContain('xformDocs');
  });
});

describe('xform docs generate without a reachable warehouse', () => {
  it('still writes the site from the project files, says why the catalog is empty and never prints the password', async () => {
    const project = await writeProject({
      ...DOCS_PROJECT,
      'profiles.yml': ['shop:', '  target: dev', '  outputs:', '    dev:', '      type: postgres', '      host: 127.0.0.1', '      port: 1', '      user: u', '      password: s3cret-pw', '      dbname: d', '      schema: a'].join('\n'),
    });
    try {
      const res = await runXform(['docs', 'generate'], { cwd: project });
      expect(res.code, res.stdout + res.stderr).toBe(0);
      expect(res.stderr).toContain('the warehouse could not be read');
      expect(res.stderr).toContain('ECONNREFUSED');
      expect(res.stdout + res.stderr).not.toContain('s3cret-pw');
      await expect(readFile(path.join(project, 'target/docs/index.html'), 'utf8')).resolves.toContain('app.js');
    } finally {
      await removeProject(project);
    }
  });
});

describe('xform docs serve', () => {
  it('binds to loopback, prints the URL and serves nothing outside target/docs', async () => {
    expect(site.served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(site.served.url)).status).toBe(200);
    for (const evil of ['../catalog.json', '%2e%2e/catalog.json', '..%2fcatalog.json', 'data/..%2f..%2fcatalog.json', '%2e%2e%2f%2e%2e%2fxform_project.yml']) {
      const res = await fetch(`${site.served.url}${evil}`);
      expect(res.status, evil).toBe(404);
    }
    // fetch() normalises plain ../ itself; a raw request line must be refused too.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${site.served.url}`, { path: '/../catalog.json' }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });

  it('explains what to do when the site was never generated', async () => {
    const empty = await writeProject({ 'models/a.sql': 'select 1 as x' });
    try {
      const res = await runXform(['docs', 'serve', '--port', '0'], { cwd: empty });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('XFORM_DOCS_NOT_GENERATED');
      expect(res.stderr).toContain('xform docs generate');
      expect(res.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await removeProject(empty);
    }
  });
});

describe('the docs site in Chromium', () => {
  it('draws every node of the project in its swimlane', async () => {
    const page = await open();
    const nodes = await graphNodes(page);
    expect(nodes.map((n) => n.name).sort()).toEqual(['brz_customers', 'brz_orders', 'gld_revenue_by_country', 'raw_customers', 'raw_orders', 'slv_orders']);
    await expect(page.textContent('#legend')).resolves.toContain('table');
    await shot(page, 'overview');
    await page.close();
  });

  it('opens the side panel of the node that was clicked', async () => {
    const page = await open();
    const where = await page.evaluate(() => (window as unknown as { xformDocs: { locate(n: string): { x: number; y: number } | undefined } }).xformDocs.locate('slv_orders'));
    expect(where).toBeDefined();
    await page.mouse.click(where!.x, where!.y);
    await page.waitForSelector('#panel:not([hidden]) #panel-title');
    expect(await page.textContent('#panel-title')).toBe('slv_orders');
    const panel = (await page.textContent('#panel'))!;
    expect(panel).toContain('Orders that were not cancelled');
    expect(panel).toContain('data-platform');
    expect(panel).toContain('success');
    expect(panel).toContain('not_null');
    expect(panel).toMatch(/Upstream \(2\)/);
    expect(await page.$$eval('.column .name', (els) => els.map((e) => e.textContent))).toEqual(['order_id', 'customer_id', 'amount_eur', 'country']);
    expect(await page.textContent('.column[data-column=country] .type')).toBe('varchar');
    // Compiled SQL is highlighted and names the upstream relations.
    expect(await page.$$eval('pre.sql .hljs-keyword', (els) => els.length)).toBeGreaterThan(3);
    expect(await page.textContent('pre.sql')).toContain('brz_customers');
    expect(page.url()).toMatch(/#\/model\/slv_orders$/);
    await shot(page, 'panel');
    await page.close();
  });

  it('finds a column from the search box as you type', async () => {
    const page = await open();
    await page.keyboard.press('/');
    await page.keyboard.type('amount_e');
    await page.waitForSelector('.search-results .result');
    const first = await page.textContent('.search-results .result');
    expect(first).toContain('slv_orders');
    expect(first).toContain('.amount_eur');
    await shot(page, 'search');
    // Column descriptions are searched too.
    await page.fill('#search', 'sum of the order');
    await page.waitForFunction(() => document.querySelector('.search-results .result')?.textContent?.includes('.revenue'));
    expect(await page.textContent('.search-results .result')).toContain('gld_revenue_by_country');
    await page.fill('#search', 'amount_e');
    await page.waitForSelector('.search-results .result');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.column.selected');
    expect(page.url()).toMatch(/#\/model\/slv_orders\/amount_eur$/);
    await page.close();
  });

  it("highlights a gold column's upstream columns through every layer", async () => {
    const page = await open('#/model/gld_revenue_by_country/revenue');
    await page.waitForSelector('#upstream-columns');
    expect(await page.$$eval('#upstream-columns li', (lis) => lis.map((li) => li.textContent))).toEqual([
      'slv_orders.amount_eur',
      'brz_orders.amount',
      'raw_orders.amount',
    ]);
    const nodes = Object.fromEntries((await graphNodes(page)).map((n) => [n.name, n]));
    expect(nodes.gld_revenue_by_country!.state).toBe('selected');
    expect(nodes.slv_orders).toMatchObject({ state: 'column', columns: 'amount_eur' });
    expect(nodes.raw_orders).toMatchObject({ state: 'column', columns: 'amount' });
    // Customers feed the country, not the revenue: they are not part of this column's lineage.
    expect(nodes.raw_customers).toBeUndefined();
    await shot(page, 'column-lineage');
    // The country comes from the customers through the join.
    await page.click('.column[data-column=country] .column-name');
    await page.waitForFunction(() => location.hash.endsWith('/country'));
    await page.waitForSelector('#upstream-columns');
    expect(await page.$$eval('#upstream-columns li', (lis) => lis.map((li) => li.textContent))).toEqual([
      'slv_orders.country',
      'brz_customers.country',
      'raw_customers.country',
    ]);
    await page.close();
  });

  it('shows a description holding markup as inert text', async () => {
    const page = await open('#/model/gld_revenue_by_country');
    await page.waitForSelector('#panel .description');
    expect(await page.textContent('#panel .description')).toContain('<script>window.__xss=2</script>');
    // A description rendered from a docs block ({{ doc(...) }}) is Markdown; its raw HTML stays text.
    expect(await page.textContent('.column[data-column=orders] .column-desc strong')).toBe('Orders');
    expect(await page.textContent('.column[data-column=orders] .column-desc')).toBe(XSS_DOC_BLOCK.replace('**Orders**', 'Orders'));
    await page.mouse.move(10, 300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.$$('#panel img, #panel script')).toHaveLength(0);
    await page.close();
  });

  it('shows a default overview with counts when the project has no __overview__ docs block', async () => {
    const page = await open('#/overview');
    await page.waitForSelector('#page .overview-doc.default h1');
    expect(await page.textContent('#page .overview-doc h1')).toBe('shop');
    const stats = await page.$$eval('#page .stat', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-stat'), e.querySelector('b')!.textContent])));
    expect(stats).toMatchObject({ models: '4', seeds: '2', sources: '0', tests: '3', exposures: '0', 'docs blocks': '1' });
    await page.close();
  });

  it('follows deep links and the site.browser history', async () => {
    const page = await open('#/model/brz_orders');
    await page.waitForSelector('#panel-title');
    expect(await page.textContent('#panel-title')).toBe('brz_orders');
    await page.click('.neighbours a:text-is("slv_orders")');
    await page.waitForFunction(() => document.querySelector('#panel-title')?.textContent === 'slv_orders');
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('#panel-title')?.textContent === 'brz_orders');
    await page.goForward();
    await page.waitForFunction(() => document.querySelector('#panel-title')?.textContent === 'slv_orders');
    // Esc closes the panel and returns to the graph it was opened from.
    await page.keyboard.press('Escape');
    await page.waitForSelector('#panel', { state: 'hidden' });
    expect(page.url()).toMatch(/#\/all$/);
    await page.goto(`${site.served.url}#/model/no_such_model`);
    await page.waitForSelector('#panel:not([hidden])');
    expect(await page.textContent('#panel')).toContain('No node named');
    await page.close();
  });

  it('focuses on +model+ with an adjustable depth', async () => {
    const page = await open('#/focus/slv_orders/1');
    await page.waitForSelector('#panel-title');
    expect((await graphNodes(page)).map((n) => n.name).sort()).toEqual(['brz_customers', 'brz_orders', 'gld_revenue_by_country', 'slv_orders']);
    await page.click('#depth-plus');
    await page.waitForFunction(() => location.hash === '#/focus/slv_orders/2');
    expect(await graphNodes(page)).toHaveLength(6);
    await page.close();
  });

  it('shows the timeline of the last build', async () => {
    const page = await open('#/timeline');
    await page.waitForSelector('.gantt-bar');
    const bars = await page.$$eval('.gantt-bar', (els) => els.map((e) => e.getAttribute('data-name')));
    expect(bars).toEqual(expect.arrayContaining(['raw_orders', 'slv_orders', 'gld_revenue_by_country', 'unique_slv_orders_order_id']));
    await shot(page, 'timeline');
    await page.close();
  });

  it('works opened straight from disk (file://)', async () => {
    const page = await site.browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${pathToFileURL(path.join(site.root, 'target/docs/index.html')).href}#/model/slv_orders`);
    await page.waitForSelector('#panel-title');
    expect(await page.textContent('#panel-title')).toBe('slv_orders');
    expect(await graphNodes(page)).toHaveLength(6);
    expect(errors).toEqual([]);
    await page.close();
  });
});
