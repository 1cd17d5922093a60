/** `xform docs generate`: catalog.json from the warehouse, then the static site under target/docs. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../adapter/types.js';
import type { Manifest } from '../compile/manifest.js';
import type { SourcesJsonFile } from '../quality/sources-json.js';
import type { RunResultsFile } from '../run/run-results.js';
import { buildCatalog, writeCatalog, type CatalogFile } from './catalog.js';
import { loadLineageParsers } from './lineage-parsers.js';
import { buildSiteData } from './site-data.js';
import { writeSite } from './write-site.js';

export interface GenerateDocsOptions {
  manifest: Manifest;
  /** The warehouse catalog; without one the site documents the project from its files alone. */
  catalog?: Catalog;
  /** The project's target folder (catalog.json, run_results.json, docs/). */
  targetDir: string;
  /** Folder holding the built front-end (index.html, app.js, app.css). */
  assetsDir: string;
}

export interface GenerateDocsResult {
  catalogFile?: string;
  catalog?: CatalogFile;
  indexFile: string;
  nodes: number;
  /** Models whose columns the SQL parser could not trace at all. */
  lineageErrors: number;
  /** Their files, in node order. */
  lineageErrorFiles: string[];
  /** Columns that exist but could not be (fully) traced, and in how many models. */
  untracedColumns: number;
  untracedModels: number;
  hasRunResults: boolean;
}

/** run_results.json or sources.json of the target folder. */
async function readArtifact<T>(targetDir: string, file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path.join(targetDir, file), 'utf8')) as T;
  } catch {
    // No run or freshness check yet (or an unreadable file): the site simply shows no status.
    return undefined;
  }
}

export async function generateDocs(options: GenerateDocsOptions): Promise<GenerateDocsResult> {
  const catalog = options.catalog ? await buildCatalog(options.manifest, options.catalog) : undefined;
  const catalogFile = catalog ? await writeCatalog(options.targetDir, catalog) : undefined;
  const runResults = await readArtifact<RunResultsFile>(options.targetDir, 'run_results.json');
  const sourcesJson = await readArtifact<SourcesJsonFile>(options.targetDir, 'sources.json');
  const models = Object.values(options.manifest.nodes).filter((n) => n.resource_type === 'model').length;
  const parsers = await loadLineageParsers(options.manifest.metadata.adapter_type, models);
  const data = buildSiteData(options.manifest, { catalog, runResults, sourcesJson, parsers });
  const indexFile = await writeSite(path.join(options.targetDir, 'docs'), options.assetsDir, data);
  const lineageErrorFiles: string[] = [];
  for (const chunk of data.chunks) for (const d of chunk) if (d.lineageError) lineageErrorFiles.push(d.path);
  const untraced = data.graph.nodes.filter((n) => n.untraced);
  return {
    catalogFile,
    catalog,
    indexFile,
    nodes: data.graph.nodes.length,
    lineageErrors: lineageErrorFiles.length,
    lineageErrorFiles,
    untracedColumns: untraced.reduce((sum, n) => sum + n.untraced!, 0),
    untracedModels: untraced.length,
    hasRunResults: runResults !== undefined,
  };
}
