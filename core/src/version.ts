import { readFileSync } from 'node:fs';
import { bundleInfo } from './bundle.js';

/** The version of @xform/core, recorded in manifests and part of cache keys. */
export const XFORM_CORE_VERSION: string =
  // The packed CLI has no core package.json to read (its bundle inlines core); the version is recorded in it.
  bundleInfo?.coreVersion ?? (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
