/**
 * The docs site's graph on a generated 1,200-model project, in Debian's Chromium: the dbt selector box
 * filters the graph, edges end in arrowheads, the full graph draws folder clusters far out and nodes (then
 * names) closer in, and frames stay cheap at every zoom level. The 10,000-model figures are in `pnpm bench`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrawStats as Stats } from '../../../docs-site/src/graph-index.ts';
import { generateProject } from '../fixtures/generate-project.js';
import { launchChromium, openDocsPage, TEST_OUTPUT } from '../helpers/browser.js';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const MODELS = 1200;
const project = generateProject({ models: MODELS });
let root: string;
let browser: Browser;
let url: string;

beforeAll(async () => {
  root = await writeProject(project.files);
  const docs = await runXform(['docs', 'generate', '--no-catalog'], { cwd: root, timeoutMs: 300_000 });
  expect(docs.code, docs.stdout + docs.stderr).toBe(0);
  url = pathToFileURL(path.join(root, 'target/docs/index.html')).href;
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (root) await removeProject(root);
});

/** Site name of a generator parent (`source:shop.orders` is the source table `orders`). */
const siteName = (parent: string) => (parent.startsWith('source:') ? parent.split('.').pop()! : parent);

/** Every ancestor of a model, from the generator's own record of what each model reads. */
function ancestors(name: string): Set<string> {
  const out = new Set<string>();
  const stack = [name];
  while (stack.length) {
    for (const p of project.parents[stack.pop()!] ?? []) {
      const n = siteName(p);
      if (!out.has(n)) {
        out.add(n);
        stack.push(n);
      }
    }
  }
  return out;
}

const shown = (page: Page) => page.$$eval('#graph-nodes li', (lis) => lis.map((li) => li.getAttribute('data-name')!));

async function select(page: Page, text: string): Promise<void> {
  await page.fill('#select', text);
  await page.press('#select', 'Enter');
}

describe('the selector box', () => {
  it('filters the graph to what a dbt selector names, with --exclude, and says what is wrong with a bad one', async () => {
    const page = await openDocsPage(browser, `${url}#/all`);
    const target = 'gold_m01100';
    await select(page, `+${target}`);
    await page.waitForFunction((t) => document.getElementById('view-title')!.textContent!.startsWith(`+${t}:`), target);
    const expected = new Set([target, ...ancestors(target)]);
    const names = await shown(page);
    expect(new Set(names)).toEqual(expected);
    expect(await page.textContent('#view-title')).toBe(`+${target}: ${expected.size} nodes`);
    // A model outside the lineage is not drawn.
    const outside = Object.keys(project.parents).find((n) => !expected.has(n))!;
    expect(names).not.toContain(outside);
    expect(page.url()).toContain(`#/select/${encodeURIComponent(`+${target}`)}`);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-graph-selector.png') });

    // Folder g3 holds bronze_m00300..bronze_m00399, tagged with their folder; one is excluded.
    await select(page, 'tag:g3,resource_type:model --exclude bronze_m00300');
    await page.waitForFunction(() => document.getElementById('view-title')!.textContent!.startsWith('tag:g3'));
    const tagged = await shown(page);
    expect(tagged).toHaveLength(99);
    expect(tagged).toContain('bronze_m00399');
    expect(tagged).not.toContain('bronze_m00300');
    expect(tagged).not.toContain('bronze_m00400');
    // Typed key by key: a '/' in the box is part of the selector, not the search shortcut.
    await page.click('#select', { clickCount: 3 });
    await page.keyboard.type('path:models/bronze/g3 --exclude bronze_m00300');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('view-title')!.textContent!.startsWith('path:'));
    expect(new Set(await shown(page))).toEqual(new Set(tagged));
    expect(await page.inputValue('#search')).toBe('');

    await select(page, 'tga:g3');
    await page.waitForSelector('#select-error:not([hidden])');
    const error = await page.textContent('#select-error');
    expect(error).toContain("unknown selector method 'tga'");
    expect(error).toContain("did you mean 'tag'?");
    expect(await page.getAttribute('#select', 'aria-invalid')).toBe('true');
    // The last good selection stays on screen.
    expect(await shown(page)).toHaveLength(99);
    await page.close();
  });
});

describe('the full graph', () => {
  it('draws folder clusters far out, boxes then names closer in, edges ending in arrowheads, each frame well within 50 ms', async () => {
    const page = await openDocsPage(browser, `${url}#/all`);
    const node = await page.evaluate(() => {
      const g = window.XFORM_DOCS_GRAPH!;
      const n = g.nodes.find((x) => x.name === 'silver_m00600')!;
      return { x: n.x + 100, y: n.y + 18 };
    });
    const levels: Record<string, Stats> = {};
    for (const scale of [0, 0.2, 1]) {
      const result = await page.evaluate(
        async ({ scale, node }) => {
          const docs = (window as unknown as { xformDocs: { zoomTo(s: number, x: number, y: number): void; panBy(x: number, y: number): void; drawStats(): Stats } }).xformDocs;
          if (scale === 0) document.getElementById('fit')!.click();
          else docs.zoomTo(scale, node.x, node.y);
          const frame = () => new Promise((r) => requestAnimationFrame(r));
          await frame();
          await frame();
          const stats = docs.drawStats();
          const draws: number[] = [];
          const intervals: number[] = [];
          let last = performance.now();
          for (let i = 0; i < 20; i++) {
            docs.panBy(i % 10 < 5 ? 25 : -25, 0);
            await frame();
            intervals.push(performance.now() - last);
            last = performance.now();
            draws.push(docs.drawStats().ms);
          }
          intervals.sort((a, b) => a - b);
          return { stats, maxDraw: Math.max(...draws), medianFrame: intervals[10]! };
        },
        { scale, node },
      );
      levels[scale] = result.stats;
      expect(result.maxDraw, `drawing at zoom ${scale}`).toBeLessThan(50);
      expect(result.medianFrame, `frame at zoom ${scale}`).toBeLessThan(50);
      await page.screenshot({ path: path.join(TEST_OUTPUT, `docs-graph-zoom-${scale}.png`) });
    }
    // All of it on screen: one box per folder with a label, edges between folders with arrowheads.
    expect(levels[0]).toMatchObject({ level: 'clusters', boxes: 0 });
    expect(levels[0]!.clusters).toBeGreaterThanOrEqual(12);
    expect(levels[0]!.arrows).toBeGreaterThan(0);
    expect(levels[0]!.labels).toBeGreaterThan(0);
    // Closer: node boxes without names, then names; every drawn edge whose end is on screen has its arrowhead.
    expect(levels[0.2]).toMatchObject({ level: 'boxes', clusters: 0, labels: 0 });
    expect(levels[0.2]!.boxes).toBeGreaterThan(50);
    expect(levels[0.2]!.arrows).toBeGreaterThan(0);
    expect(levels[1]).toMatchObject({ level: 'labels', clusters: 0 });
    expect(levels[1]!.labels).toBe(levels[1]!.boxes);
    expect(levels[1]!.arrows).toBeGreaterThan(0);
    // Drawn only what is on screen: far fewer boxes than nodes.
    expect(levels[1]!.boxes).toBeLessThan(200);

    // An arrowhead is on screen just left of a node that has parents: pixels above and below the line's end are painted.
    const probe = await page.evaluate(() => {
      const docs = (window as unknown as { xformDocs: { locate(n: string): { x: number; y: number } | undefined; transform(): { scale: number } } }).xformDocs;
      const at = docs.locate('silver_m00600')!;
      const canvas = document.getElementById('graph') as HTMLCanvasElement;
      const rect = canvas.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      const left = at.x - 100 * docs.transform().scale;
      const pixel = (x: number, y: number) => Array.from(canvas.getContext('2d')!.getImageData(Math.round((x - rect.left) * dpr), Math.round((y - rect.top) * dpr), 1, 1).data);
      return { above: pixel(left - 6, at.y - 2), below: pixel(left - 6, at.y + 2), clear: pixel(left - 6, at.y - 12) };
    });
    const ink = (p: number[]) => p[0]! + p[1]! + p[2]!;
    expect(ink(probe.above), JSON.stringify(probe)).toBeLessThan(ink(probe.clear) - 60);
    expect(ink(probe.below), JSON.stringify(probe)).toBeLessThan(ink(probe.clear) - 60);
    await page.close();
  });
});
