/**
 * The docs site's search (SQL text, macros, `source.table`, several words), its capped virtualised lists,
 * the timeline (zoom, filter by type, critical path), and `docs serve` basics: no 404 on load, visible
 * keyboard focus, Host header checked. In Debian's Chromium; screenshots land in .test-output/.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DOCS_PROJECT } from '../fixtures/docs-project.js';
import { TEST_OUTPUT } from '../helpers/browser.js';
import { useDocsSite } from '../helpers/docs-site.js';


const PROJECT = {
  ...DOCS_PROJECT,
  'macros/cents.sql': '{% macro cents_to_dollars(column) %}({{ column }} / 100)::decimal(16, 2){% endmacro %}',
  'models/gold/gld_order_cents.sql': "select order_id, {{ cents_to_dollars('amount_eur') }} as amount_hundredths from {{ ref('slv_orders') }}",
  'models/sources.yml': ['version: 2', 'sources:', '  - name: shop_raw', '    tables:', '      - name: payments', '        description: Card payments, loaded hourly.'].join('\n'),
};

const site = useDocsSite(PROJECT);

const open = (hash?: string): Promise<Page> => site.open(hash);

/** Types `query` into the search box and returns the result rows' texts once `expected` shows in the first. */
async function search(page: Page, query: string, expected: string): Promise<string[]> {
  await page.fill('#search', query);
  const rows = () => page.$$eval('.search-results .result, .search-results .no-results', (els) => els.map((e) => e.textContent ?? ''));
  await page.waitForFunction((text) => document.querySelector('.search-results .result')?.textContent?.includes(text), expected, { timeout: 5000 }).catch(async () => {
    throw new Error(`search for ${query} shows ${JSON.stringify(await rows())}, not ${expected} first`);
  });
  return rows();
}

describe('search in the docs site', () => {
  it('finds SQL text, a macro, a source as source.table and two words in different fields', async () => {
    const page = await open();
    await page.keyboard.press('/');
    // SQL text: only slv_orders filters out cancelled orders; the row shows the piece of SQL that matched.
    const sql = await search(page, "'cancelled'", 'slv_orders');
    expect(sql).toHaveLength(1);
    expect(sql[0]).toContain("o.status <> 'cancelled'");
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-search-sql.png') });

    const macro = await search(page, 'cents_to', 'cents_to_dollars');
    expect(macro[0]).toContain('macro');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#panel-title')?.textContent === 'cents_to_dollars');
    expect(await page.textContent('#panel pre.sql')).toContain('/ 100');

    await page.keyboard.press('/');
    const source = await search(page, 'shop_raw.payments', 'shop_raw.payments');
    expect(source).toHaveLength(1);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#panel-title')?.textContent === 'payments');

    // "orders" is in many names; "euros" only in slv_orders' column description: both must match.
    await page.keyboard.press('/');
    const two = await search(page, 'orders euros', 'slv_orders');
    expect(two).toHaveLength(1);
    expect(two[0]).toContain('.amount_eur');

    // Tests are searched by name and lead to the node they test.
    const test = await search(page, 'unique_slv', 'slv_orders');
    expect(test[0]).toContain('test unique_slv_orders_order_id');
    await page.close();
  });

  it('makes no request that fails on load (favicon included)', async () => {
    const page = await site.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const bad: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) bad.push(`${r.status()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => bad.push(`failed ${r.url()}`));
    await page.goto(site.served.url);
    await page.waitForSelector('body[data-ready=true]');
    await page.keyboard.press('/');
    await page.waitForTimeout(300);
    expect(bad).toEqual([]);
    expect(await page.$eval('link[rel=icon]', (l) => (l as HTMLLinkElement).href)).toMatch(/^data:image\/svg\+xml/);
    await page.close();
  });

  it('shows a visible outline on whatever keyboard focus lands on', async () => {
    const page = await open('#/model/slv_orders');
    await page.waitForSelector('#panel-title');
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        const onScreen = r.width > 4 && r.height > 4 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
        return { what: `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${el.textContent?.slice(0, 30)}`, outline: style.outlineStyle, width: parseFloat(style.outlineWidth), onScreen };
      });
      seen.push(focus.what);
      // Focus never lands on something the user cannot see (the graph's hidden keyboard list shows itself).
      expect(focus.onScreen, focus.what).toBe(true);
      expect(focus.outline, focus.what).not.toBe('none');
      expect(focus.width, focus.what).toBeGreaterThanOrEqual(1);
    }
    // The search box is among them (its outline used to be switched off).
    expect(seen.some((s) => s.startsWith('input#search'))).toBe(true);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-focus.png') });
    await page.close();
  });

  it('refuses a request whose Host is not a loopback name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const url = new URL(site.served.url);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path: '/', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status(`rebind.attacker.example:${url.port}`)).toBe(403);
    expect(await status(`localhost:${url.port}`)).toBe(200);
  });
});

describe('the timeline', () => {
  it('states the duration its axis ends at, zooms, filters by type and shows the critical path', async () => {
    const page = await open('#/timeline');
    await page.waitForSelector('.gantt-bar');
    expect(await page.textContent('#timeline-axis-end')).toBe(await page.textContent('#timeline-duration'));
    const names = () => page.$$eval('.gantt-bar', (els) => els.map((e) => e.getAttribute('data-name')));
    expect(await names()).toEqual(expect.arrayContaining(['raw_orders', 'slv_orders', 'gld_revenue_by_country', 'unique_slv_orders_order_id']));

    // The critical path runs from a seed through the layers to whatever ended last.
    const critical = await page.$$eval('.gantt-bar.critical', (els) => els.map((e) => e.getAttribute('data-name')));
    expect(critical.length).toBeGreaterThanOrEqual(3);
    expect(critical[0]).toMatch(/^raw_/);
    expect(critical).toContain('slv_orders');
    await page.check('#critical-only');
    expect(await names()).toEqual(critical);
    await page.uncheck('#critical-only');

    // Filter: without tests, no test bar is drawn.
    await page.uncheck('input[data-type=test]');
    expect(await names()).not.toContain('unique_slv_orders_order_id');
    expect(await names()).toContain('slv_orders');
    await page.check('input[data-type=test]');

    const width = () => page.$eval('.gantt-bar[data-name=slv_orders]', (e) => e.getBoundingClientRect().width);
    const before = await width();
    await page.click('#timeline-zoom-in');
    await page.click('#timeline-zoom-in');
    expect(await width()).toBeGreaterThan(before * 3);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-timeline-zoomed.png') });
    await page.click('#timeline-fit');
    expect(Math.abs((await width()) - before)).toBeLessThan(1);
    // Ctrl + wheel zooms too (a plain wheel scrolls the rows).
    const box = (await page.$('.gantt-scroll'))!;
    await box.hover();
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await page.waitForFunction(() => document.querySelector('.zoom-value')?.textContent === '2×');
    expect(await width()).toBeGreaterThan(before * 1.5);
    await page.close();
  });
});

describe('lists at scale', () => {
  /**
   * A made-up site of one seed column read by 9,999 models, with a 10,000-item run: the data files are
   * written straight into target/docs/data, in the format `xform docs generate` writes them.
   */
  it('keeps a 9,999-item trace list and a 10,000-bar timeline to a bounded number of elements', async () => {
    const N = 10_000;
    const dir = path.join(site.root, 'target/docs-large');
    const { cp } = await import('node:fs/promises');
    await cp(path.join(site.root, 'target/docs'), dir, { recursive: true });
    const nodes = Array.from({ length: N }, (_, i) => ({
      id: i ? `model.big.m${i}` : 'seed.big.seed0',
      name: i ? `m${i}` : 'seed0',
      type: i ? 'model' : 'seed',
      mat: i ? 'view' : 'seed',
      lane: i ? 1 : 0,
      group: i ? 1 : 0,
      x: i ? 400 : 0,
      y: i * 52,
      parents: i ? [0] : [],
      tests: 0,
      testsFailed: 0,
      description: '',
      tags: [],
      columns: ['id'],
      chunk: Math.floor(i / 200),
      slot: i % 200,
    }));
    const graph = {
      project: 'big', generatedAt: new Date().toISOString(), adapter: 'duckdb', lanes: ['sources & seeds', 'models'],
      laneBoxes: [{ lane: 0, x0: 0, x1: 300 }, { lane: 1, x0: 300, x1: 700 }], width: 700, height: N * 52,
      groups: [{ name: 'seeds', lane: 0, folder: 'seeds' }, { name: 'models', lane: 1, folder: 'models' }],
      nodes, chunkSize: 200, chunks: N / 200, hasCatalog: false,
      run: {
        generatedAt: new Date().toISOString(), elapsed: N / 100, command: 'build',
        items: nodes.map((n, i) => ({ node: i, name: n.name, start: i * 10, end: i * 10 + 25, thread: `Thread-${i % 4}`, status: 'success', type: n.type, deps: i ? [0] : [] })),
      },
    };
    const data = path.join(dir, 'data');
    await writeFile(path.join(data, 'graph.js'), `window.XFORM_DOCS_GRAPH = ${JSON.stringify(graph)};\n`);
    await writeFile(path.join(data, 'lineage.js'), `window.__xformLineage(${JSON.stringify(nodes.map((_, i) => [i ? [[0, 'id']] : null]))});\n`);
    await writeFile(path.join(data, 'search.js'), `window.__xformSearch(${JSON.stringify({ sql: nodes.map(() => 'select id'), tests: nodes.map(() => []), macros: [] })});\n`);
    for (let c = 0; c < N / 200; c++) {
      const details = Array.from({ length: 200 }, () => ({ path: 'x.sql', meta: {}, columns: [{ name: 'id', description: '', tests: [] }], tests: [], stats: {} }));
      await writeFile(path.join(data, `chunk-${c}.js`), `window.__xformChunk(${c}, ${JSON.stringify(details)});\n`);
    }

    const page = await site.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${pathToFileURL(path.join(dir, 'index.html')).href}#/model/seed0/id`);
    await page.waitForSelector('#downstream-columns li', { timeout: 60_000 });
    expect(await page.textContent('.trace-cols')).toContain(`Downstream (${N - 1})`);
    const count = () => page.evaluate(() => ({ all: document.querySelectorAll('#panel *').length, rows: document.querySelectorAll('#downstream-columns li').length }));
    const first = await count();
    expect(first.rows).toBeLessThan(60);
    expect(first.all).toBeLessThan(600);
    // Scrolled to its end, the list shows its last item, still with a bounded number of rows.
    await page.$eval('#downstream-columns', (ul) => (ul.parentElement!.scrollTop = ul.parentElement!.scrollHeight));
    await page.waitForFunction((last) => [...document.querySelectorAll('#downstream-columns li')].some((li) => li.textContent === last), `m${N - 1}.id`);
    expect((await count()).rows).toBeLessThan(60);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-large-trace.png') });

    // Search over 10,000 nodes: every node matches "m", the list holds a capped, virtualised few.
    await page.fill('#search', 'm');
    await page.waitForSelector('.more-results');
    expect(await page.$$eval('.search-results .result', (els) => els.length)).toBeLessThan(40);
    expect(await page.textContent('.more-results')).toMatch(/^9,799 more/);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-large-search.png') });
    // The arrow keys walk past the rows first drawn: the list scrolls and draws the active one.
    for (let k = 0; k < 30; k++) await page.keyboard.press('ArrowDown');
    expect(await page.textContent('.search-results .result.active .result-name')).toBe('m31');
    await page.keyboard.press('Escape');

    await page.evaluate(() => (location.hash = '#/timeline'));
    await page.waitForSelector('.gantt-bar');
    expect(await page.$$eval('.gantt-row', (els) => els.length)).toBeLessThan(120);
    const before = await page.evaluate(() => document.querySelectorAll('#timeline *').length);
    expect(before).toBeLessThan(1500);
    await page.$eval('.gantt-scroll', (el) => (el.scrollTop = el.scrollHeight));
    await page.waitForFunction((last) => !!document.querySelector(`.gantt-bar[data-name="${last}"]`), `m${N - 1}`);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-large-timeline.png') });
    await page.close();
  }, 180_000);
});
