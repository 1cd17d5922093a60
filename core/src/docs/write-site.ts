/**
 * Writes the static docs site: the prebuilt front-end (index.html, app.js, app.css, shipped with the CLI)
 * and the project's data as JavaScript files (`data/graph.js`, `data/chunk-<n>.js`, `data/lineage.js`,
 * `data/project.js`). Data travels as
 * script files rather than JSON fetched at run time because browsers refuse fetch() on file:// pages;
 * this way the site works opened from disk and served alike, and nothing is fetched from the internet.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { XformError } from '../errors.js';
import { ensureDir, fsError, writeFileAtomic } from '../fs-write.js';
import type { SiteData } from './site-data.js';

/**
 * A value as a JavaScript expression: `JSON.parse("...")`, which browsers parse much faster than the same
 * data written as an object literal (this matters for the 10,000-node graph). U+2028/9 are escaped for
 * older parsers.
 */
function jsLiteral(value: unknown): string {
  return `JSON.parse(${JSON.stringify(JSON.stringify(value))})`.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export async function writeSite(outDir: string, assetsDir: string, data: SiteData): Promise<string> {
  let assets: string[];
  try {
    assets = (await readdir(assetsDir)).filter((f) => /\.(html|js|css|svg)$/.test(f));
  } catch (err) {
    throw new XformError('XFORM_DOCS_ASSETS_MISSING', `the docs site's assets are missing from ${assetsDir}`, {
      cause: err,
      hint: 'rebuild xform (pnpm build) so that the docs site bundle is built',
    });
  }
  if (!assets.includes('index.html')) {
    throw new XformError('XFORM_DOCS_ASSETS_MISSING', `the docs site's assets in ${assetsDir} have no index.html`, {
      hint: 'rebuild xform (pnpm build) so that the docs site bundle is built',
    });
  }
  const dataDir = path.join(outDir, 'data');
  const write = (file: string, text: string | Uint8Array) => writeFileAtomic(file, text, 'the docs site');
  try {
    await rm(dataDir, { recursive: true, force: true });
  } catch (err) {
    throw fsError(err, 'the docs site', dataDir);
  }
  await ensureDir(dataDir, 'the docs site');
  await Promise.all(assets.map(async (f) => write(path.join(outDir, f), await readFile(path.join(assetsDir, f)))));
  await write(path.join(dataDir, 'graph.js'), `window.XFORM_DOCS_GRAPH = ${jsLiteral(data.graph)};\n`);
  await write(path.join(dataDir, 'lineage.js'), `window.__xformLineage(${jsLiteral(data.lineage)});\n`);
  await write(path.join(dataDir, 'search.js'), `window.__xformSearch(${jsLiteral(data.search)});\n`);
  await write(path.join(dataDir, 'project.js'), `window.__xformProject(${jsLiteral(data.project)});\n`);
  const batch = 32;
  for (let i = 0; i < data.chunks.length; i += batch) {
    await Promise.all(
      data.chunks.slice(i, i + batch).map((chunk, k) =>
        write(path.join(dataDir, `chunk-${i + k}.js`), `window.__xformChunk(${i + k}, ${jsLiteral(chunk)});\n`),
      ),
    );
  }
  return path.join(outDir, 'index.html');
}
