/**
 * Docs site search at scale: `xform docs generate` on a generated project (10,000 models in full mode),
 * opened from disk in headless Chromium (Debian's, as the tests use); each query is typed one key at a time
 * and every keystroke's search + render is timed (the input handler runs synchronously). Queries cover a
 * name, a column, a multi-word description, SQL text, a macro and `source.table`, after data/search.js
 * (SQL, tests, macros) has loaded. Issue 19's target: <= 50 ms per keystroke.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { duckdbProfile, writeTree } from '../lib/files.mjs';
import { CACHE_DIR, REPO_ROOT, importTs } from '../lib/load-ts.mjs';
import { timeXform } from '../lib/measure.mjs';

const TARGET_MS = 50;
const QUERIES = ['gold_m0999', 'model_name', 'in the gold layer', 'round(', 'cents_to_dollars', 'shop.orders', 'silver amount_2'];

export async function docsSearchSuite({ models, runs, record }) {
  const chromium = process.env.XFORM_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`docs-search needs Chromium at ${chromium} (the Debian package \`chromium\`), or XFORM_CHROMIUM set to its path`);
  // playwright-core is a dependency of the test package: load it from there.
  const { chromium: playwright } = createRequire(path.join(REPO_ROOT, 'test', 'package.json'))('playwright-core');
  const { generateProject } = await importTs('test/src/fixtures/generate-project.ts');
  const dir = path.join(CACHE_DIR, `docs-search-${models}`);
  await writeTree(dir, { ...generateProject({ models }).files, 'profiles.yml': duckdbProfile('gen', { dbFile: ':memory:' }) });
  await rm(path.join(dir, 'target'), { recursive: true, force: true });
  const generated = await timeXform(['docs', 'generate', '--no-catalog'], { cwd: dir });
  const label = `${models.toLocaleString('en-US')} models`;
  record({ id: `docs.generate.${models}`, label: `docs generate, ${label}`, unit: 's', samples: [generated.ms / 1000] });

  const browser = await playwright.launch({ executablePath: chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const medians = [];
    const p95s = [];
    const worst = [];
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(pathToFileURL(path.join(dir, 'target', 'docs', 'index.html')).href);
      await page.waitForSelector('body[data-ready=true]');
      await page.focus('#search');
      await page.waitForSelector('body[data-search-complete=true]', { timeout: 60_000 });
      const times = await page.evaluate(async ({ queries, mustFind }) => {
        const input = document.getElementById('search');
        const out = [];
        for (const q of queries) {
          for (let k = 1; k <= q.length; k++) {
            input.value = q.slice(0, k);
            const t = performance.now();
            input.dispatchEvent(new Event('input'));
            out.push(performance.now() - t);
            await new Promise((r) => requestAnimationFrame(r));
          }
          if (mustFind && !document.querySelector('.search-results .result')) throw new Error(`search for ${q} found nothing`);
        }
        return out;
      }, { queries: QUERIES, mustFind: models >= 1000 }); // the smoke project is too small to hold every queried name
      times.sort((a, b) => a - b);
      medians.push(times[Math.floor(times.length / 2)]);
      p95s.push(times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]);
      worst.push(times.at(-1));
      await page.close();
    }
    record({ id: `docs.search.keystroke_median.${models}`, label: `docs search, per keystroke (median), ${label}`, unit: 'ms', samples: medians, digits: 1, target: TARGET_MS });
    record({ id: `docs.search.keystroke_p95.${models}`, label: `docs search, per keystroke (95th percentile), ${label}`, unit: 'ms', samples: p95s, digits: 1, target: TARGET_MS });
    record({ id: `docs.search.keystroke_worst.${models}`, label: `docs search, slowest keystroke, ${label}`, unit: 'ms', samples: worst, digits: 1, note: QUERIES.join(' | ') });
  } finally {
    await browser.close();
  }
}
