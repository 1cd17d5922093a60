/**
 * The docs site at scale: a generated 10,000-model project opens on its grouped overview, is interactive
 * within about 2 s in headless Chromium (opened from disk), and search answers within 100 ms.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject } from '../fixtures/generate-project.js';
import { launchChromium, TEST_OUTPUT } from '../helpers/browser.js';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';

const MODELS = 10_000;
let root: string;
let browser: Browser;

beforeAll(async () => {
  root = await writeProject(generateProject({ models: MODELS }).files);
  const docs = await runXform(['docs', 'generate', '--no-catalog'], { cwd: root, timeoutMs: 600_000 });
  expect(docs.code, docs.stdout + docs.stderr).toBe(0);
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (root) await removeProject(root);
});

describe('the docs site of a 10,000-model project', () => {
  it('is interactive within about 2 s on its grouped overview, and search answers within 100 ms', async () => {
    // Best of three loads: the machine is shared, and one load may land on a busy moment.
    const url = pathToFileURL(path.join(root, 'target/docs/index.html')).href;
    const loads: number[] = [];
    const errors: string[] = [];
    let page!: Page;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (page) await page.close();
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForSelector('body[data-ready=true]');
      loads.push(await page.evaluate(() => performance.getEntriesByName('xform-ready')[0]!.startTime));
      if (Math.min(...loads) < 2000) break;
    }
    const readyMs = Math.min(...loads);
    console.log(`docs site of ${MODELS} models interactive after ${loads.map((ms) => Math.round(ms)).join(', ')} ms`);
    // About 2 s is the goal on this machine; the bound leaves room for a CI host shared with other jobs.
    expect(readyMs).toBeLessThan(3000);
    expect(errors).toEqual([]);
    // The overview draws one card per layer/folder group, not 10,000 boxes.
    const cards = await page.$$eval('#graph-nodes li', (lis) => lis.map((li) => li.getAttribute('data-kind')));
    expect(cards.length).toBeGreaterThan(50);
    expect(cards.length).toBeLessThan(200);
    expect(new Set(cards)).toEqual(new Set(['group']));
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-10k-overview.png') });

    const timings = await page.evaluate(async () => {
      const input = document.getElementById('search') as HTMLInputElement;
      input.focus();
      const out: { ms: number; results: number; first: string }[] = [];
      for (const q of ['gold_m0999', 'model_name', 'amount_2', 'in the gold layer', 'g42', 'silver_m05']) {
        // Best of two runs of each query, for the same reason as the loads above.
        let ms = Infinity;
        for (let run = 0; run < 2; run++) {
          input.value = q;
          const t = performance.now();
          input.dispatchEvent(new Event('input'));
          ms = Math.min(ms, performance.now() - t);
          await new Promise((r) => requestAnimationFrame(r));
        }
        const first = document.querySelector('.search-results .result')?.textContent ?? '';
        out.push({ ms, results: document.querySelectorAll('.search-results .result').length, first });
        await new Promise((r) => requestAnimationFrame(r));
      }
      return out;
    });
    console.log(`search timings (ms): ${timings.map((t) => t.ms.toFixed(1)).join(', ')}`);
    for (const t of timings) {
      expect(t.ms).toBeLessThan(100);
      expect(t.results, JSON.stringify(timings)).toBeGreaterThan(0);
    }
    expect(timings[0]!.first).toContain('gold_m0999');
    expect(timings[1]!.first).toContain('.model_name');

    // A deep link into the big project opens a focus view around the model, with its panel.
    await page.evaluate(() => (location.hash = '#/model/gold_m09000/amount'));
    await page.waitForSelector('#upstream-columns li');
    expect(await page.textContent('#panel-title')).toBe('gold_m09000');
    expect(await page.$$eval('#upstream-columns li', (lis) => lis.length)).toBeGreaterThan(2);
    await page.screenshot({ path: path.join(TEST_OUTPUT, 'docs-10k-column-lineage.png') });
    await page.close();
  }, 120_000);
});
