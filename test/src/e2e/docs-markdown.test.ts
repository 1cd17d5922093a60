/**
 * The docs site's Markdown and project pages in Chromium: a docs block rendered as Markdown with its
 * script, event handlers and javascript: links left inert; the overview page (`__overview__` or counts);
 * a macro's page; an exposure's page; a source table's freshness rules and last `xform source freshness`.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_OUTPUT } from '../helpers/browser.js';
import { runXform } from '../helpers/cli.js';
import { useDocsSite } from '../helpers/docs-site.js';
import type { ProjectFiles } from '../helpers/project.js';

const ORDERS_DOC = [
  '{% docs orders_doc %}',
  '## Orders',
  '',
  'One row per order. Statuses:',
  '',
  '- placed',
  '- shipped',
  '',
  '| status | meaning |',
  '|--------|---------|',
  '| placed | **not** shipped yet |',
  '',
  'See [the handbook](https://example.com/handbook) or [this](javascript:window.__pwned=2).',
  '',
  '<script>window.__pwned=1</script>',
  '',
  '<img src=x onerror="window.__pwned=3"> <a href="javascript:window.__pwned=4">raw link</a>',
  '{% enddocs %}',
].join('\n');

const OVERVIEW_DOC = ['{% docs __overview__ %}', '# Shop analytics', '', 'Welcome to **the shop** project.', '{% enddocs %}'].join('\n');

const PROJECT: ProjectFiles = {
  'xform_project.yml': 'name: shop\nversion: "1"\n',
  'models/raw_events.sql': "{{ config(materialized='table') }}\nselect 1 as id, current_timestamp - interval '3 hours' as loaded_at",
  'models/orders.sql': "select id, {{ cents('id') }} as amount from {{ ref('raw_events') }}",
  'macros/cents.sql': '{% macro cents(col, scale=2) %}\n  ({{ col }} / 100)::decimal(16, {{ scale }})\n{% endmacro %}',
  'models/docs.md': `${ORDERS_DOC}\n\n${OVERVIEW_DOC}\n`,
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: orders',
    `    description: "{{ doc('orders_doc') }}"`,
    '    columns:',
    '      - name: id',
    '        description: The **order** id, see `raw_events`.',
    'sources:',
    '  - name: loads',
    '    schema: main',
    '    description: Tables the *loader* writes.',
    '    loaded_at_field: loaded_at',
    '    freshness:',
    '      warn_after: {count: 1, period: hour}',
    '      error_after: {count: 1, period: day}',
    '    tables:',
    '      - name: events',
    '        identifier: raw_events',
    '        description: Every event, as loaded.',
    'macros:',
    '  - name: cents',
    '    description: Turns **cents** into an amount.',
    '    arguments:',
    '      - name: col',
    '        description: The column in `cents`.',
    '      - name: scale',
    '        description: Digits after the point.',
    'exposures:',
    '  - name: revenue_dashboard',
    '    label: Revenue dashboard',
    '    type: dashboard',
    '    maturity: high',
    '    url: https://bi.example.com/revenue',
    '    owner: {name: Ann, email: ann@example.com}',
    '    description: The _weekly_ revenue.',
    "    depends_on: [ref('orders')]",
  ].join('\n'),
};

const site = useDocsSite(PROJECT, async (root) => {
  const run = await runXform(['run'], { cwd: root });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const fresh = await runXform(['source', 'freshness'], { cwd: root });
  expect(fresh.stdout + fresh.stderr).toContain('WARN');
});

const open = (hash?: string): Promise<Page> => site.open(hash);
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(TEST_OUTPUT, `docs-markdown-${name}.png`) });
const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

describe('Markdown in the docs site', () => {
  it('renders a docs block as Markdown: heading, list, table, links', async () => {
    const page = await open('#/model/orders');
    await page.waitForSelector('#panel .description h2');
    expect(await page.textContent('#panel .description h2')).toBe('Orders');
    expect(await page.$$eval('#panel .description ul li', (lis) => lis.map((li) => li.textContent))).toEqual(['placed', 'shipped']);
    expect(await page.$$eval('#panel .description table th', (ths) => ths.map((th) => th.textContent))).toEqual(['status', 'meaning']);
    expect(await page.textContent('#panel .description table td strong')).toBe('not');
    const link = await page.$eval('#panel .description a[href="https://example.com/handbook"]', (a) => ({ text: a.textContent, target: a.getAttribute('target'), rel: a.getAttribute('rel') }));
    expect(link).toEqual({ text: 'the handbook', target: '_blank', rel: 'noopener noreferrer' });
    // A column description is Markdown too.
    expect(await page.textContent('.column[data-column=id] .column-desc strong')).toBe('order');
    expect(await page.textContent('.column[data-column=id] .column-desc code')).toBe('raw_events');
    await shot(page, 'doc-block');
    await page.close();
  });

  it('keeps <script>, onerror= and javascript: links inside Markdown inert', async () => {
    const page = await open('#/model/orders');
    await page.waitForSelector('#panel .description h2');
    await page.mouse.move(300, 300);
    // Give an image error or a script the time to fire if one had been made.
    await page.waitForTimeout(200);
    expect(await pwned(page)).toBeUndefined();
    expect(await page.$$('#panel script, #panel img, #panel [onerror], #panel [onclick]')).toHaveLength(0);
    expect(await page.$$eval('#panel a', (as) => as.map((a) => a.getAttribute('href') ?? '').filter((h) => /^\s*javascript:/i.test(h)))).toEqual([]);
    // The markup is shown as text, so that readers see what was written.
    const text = await page.textContent('#panel .description');
    expect(text).toContain('<script>window.__pwned=1</script>');
    expect(text).toContain('<img src=x onerror="window.__pwned=3">');
    expect(text).toContain('[this](javascript:window.__pwned=2)');
    for (const a of await page.$$('#panel .description a')) await a.click({ modifiers: ['Shift'] }).catch(() => undefined);
    expect(await pwned(page)).toBeUndefined();
    await page.close();
  });
});

describe('project pages', () => {
  it('shows the __overview__ docs block with the counts, the exposures and the macros', async () => {
    const page = await open('#/overview');
    await page.waitForSelector('#page .overview-doc h1');
    expect(await page.textContent('#page .overview-doc h1')).toBe('Shop analytics');
    expect(await page.textContent('#page .overview-doc strong')).toBe('the shop');
    const stats = await page.$$eval('#page .stat', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-stat'), e.querySelector('b')!.textContent])));
    expect(stats).toMatchObject({ models: '2', sources: '1', exposures: '1', macros: '1', 'docs blocks': '2' });
    expect(await page.textContent('#page #exposures + ul')).toContain('Revenue dashboard');
    expect(await page.isVisible('#graph')).toBe(false);
    await shot(page, 'overview');
    await page.close();
  });

  it("opens a macro's page from the overview: arguments, description and SQL", async () => {
    const page = await open('#/overview');
    await page.click('#page a:text("cents")');
    await page.waitForSelector('#panel #panel-title');
    expect(page.url()).toMatch(/#\/macro\/cents$/);
    expect(await page.textContent('#panel-title')).toBe('cents');
    expect(await page.textContent('#panel .description strong')).toBe('cents');
    expect(await page.$$eval('#panel [data-argument]', (els) => els.map((e) => e.textContent?.trim()))).toEqual(['colThe column in cents.', 'scaleDigits after the point.']);
    expect(await page.textContent('#panel pre.sql')).toContain('::decimal(16, {{ scale }})');
    expect(await page.textContent('#panel .facts')).toContain('macros/cents.sql:1');
    await shot(page, 'macro');
    await page.close();
  });

  it("opens the same macro page from search, and xform's built-in test macros from search too", async () => {
    const page = await open('#/all');
    // Search loads SQL and macros (data/search.js) once the page is interactive.
    const pick = async (query: string, name: string) => {
      await page.fill('#search', query);
      await page.waitForFunction((n) => [...document.querySelectorAll('.search-results .result')].some((r) => r.textContent?.includes(n) && r.textContent.includes('macro')), name, { timeout: 5000 });
      await page.click(`.search-results .result:has-text("${name}"):has-text("macro")`);
      await page.waitForFunction((n) => document.querySelector('#panel-title')?.textContent === n, name);
    };
    await pick('cents', 'cents');
    expect(await page.$$eval('#panel [data-argument]', (els) => els.map((e) => e.getAttribute('data-argument')))).toEqual(['col', 'scale']);
    await pick('accepted_values', 'test_accepted_values');
    expect(await page.textContent('#panel pre.sql')).toContain('accepted_values');
    await page.close();
  });

  it("shows an exposure's type, owner, link and the nodes it reads", async () => {
    const page = await open('#/exposure/revenue_dashboard');
    await page.waitForSelector('#panel #exposure-depends-on');
    expect(await page.textContent('#panel-title')).toBe('Revenue dashboard');
    const facts = await page.textContent('#panel .facts');
    expect(facts).toContain('dashboard');
    expect(facts).toContain('Ann <ann@example.com>');
    expect(await page.$eval('#exposure-url', (a) => [a.getAttribute('href'), a.getAttribute('rel')])).toEqual(['https://bi.example.com/revenue', 'noopener noreferrer']);
    expect(await page.textContent('#panel .description em')).toBe('weekly');
    expect(await page.$$eval('#exposure-depends-on a', (as) => as.map((a) => a.textContent))).toEqual(['orders']);
    expect(await page.$$eval('#graph-nodes li', (lis) => lis.map((li) => li.getAttribute('data-name')).sort())).toEqual(['orders', 'raw_events']);
    await shot(page, 'exposure');
    await page.close();
  });

  it("shows a source table's freshness rules and its last freshness check", async () => {
    const page = await open('#/model/events');
    await page.waitForSelector('#panel #freshness');
    const rules = await page.textContent('#freshness');
    expect(rules).toContain('Sourceloads');
    expect(rules).toContain('Loaded atloaded_at');
    expect(rules).toContain('Warn after1 hour');
    expect(rules).toContain('Error after1 day');
    expect(await page.textContent('#freshness .source-desc em')).toBe('loader');
    const last = await page.textContent('#freshness-last');
    expect(last).toContain('warn');
    expect(last).toMatch(/Age3h \d+m/);
    await shot(page, 'source');
    await page.close();
  });
});

describe('the page checks the HTML again before inserting it', () => {
  it('drops script, event handlers and javascript: links even when a data file holds them', async () => {
    // Tamper with the generated data as an attacker with write access to target/docs/data might.
    const dataDir = path.join(site.root, 'target/docs/data');
    const chunks = (await readdir(dataDir)).filter((f) => f.startsWith('chunk-'));
    for (const file of chunks) {
      const js = await readFile(path.join(dataDir, file), 'utf8');
      const m = /^window\.__xformChunk\((\d+), JSON\.parse\((".*")\)\);\n$/s.exec(js)!;
      const details = JSON.parse(JSON.parse(m[2]!) as string) as { descriptionHtml?: string }[];
      for (const d of details) {
        d.descriptionHtml = '<h3 onclick="window.__pwned=5">Tampered</h3><script>window.__pwned=6</script><img src=x onerror="window.__pwned=7"><p><a href="javascript:window.__pwned=8">go</a> <a href=" jAvA\tscript:window.__pwned=9">go2</a></p><iframe src="javascript:window.__pwned=10"></iframe><svg><script>window.__pwned=11</script></svg>';
      }
      await writeFile(path.join(dataDir, file), `window.__xformChunk(${m[1]}, ${JSON.stringify(details)});\n`);
    }
    const page = await open('#/model/orders');
    await page.waitForSelector('#panel .description h3');
    expect(await page.textContent('#panel .description h3')).toBe('Tampered');
    await page.click('#panel .description h3');
    for (const a of await page.$$('#panel .description a')) await a.click();
    await page.waitForTimeout(200);
    expect(await pwned(page)).toBeUndefined();
    expect(await page.$$eval('#panel script, #panel iframe, #panel svg, #panel [onclick], #panel [onerror]', (els) => els.map((e) => e.outerHTML))).toEqual([]);
    // An image is Markdown (![alt](src)): it stays, without its handler.
    expect(await page.$$eval('#panel .description img', (els) => els.map((e) => e.outerHTML))).toEqual(['<img src="x">']);
    expect(await page.$$eval('#panel .description a', (as) => as.map((a) => a.getAttribute('href')))).toEqual([null, null]);
    await page.close();
  });
});
