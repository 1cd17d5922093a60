/**
 * Files the CLI reads at run time that are not code: the docs site's front-end and the `xform init`
 * templates. In the workspace they come from the build (docs-site/build.mjs writes cli/dist/docs-site/) and
 * from the @xform/templates package; the packed CLI (scripts/pack-cli.mjs) carries both in its dist/ folder,
 * beside the bundle. This file must stay directly in cli/src/, so that it runs from a file in dist/ in both.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBundle } from './bundle.js';

/** index.html, app.js and app.css, which `xform docs generate` copies next to the project's data. */
export function docsSiteDir(): string {
  return fileURLToPath(new URL('./docs-site/', import.meta.url));
}

/** The folder holding project/ and profiles/ (see templates/package.json). */
export function templatesDir(): string {
  if (cliBundle) return fileURLToPath(new URL('./templates/', import.meta.url));
  return path.dirname(createRequire(import.meta.url).resolve('@xform/templates/package.json'));
}
