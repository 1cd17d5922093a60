import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The version of @xform/core, recorded in manifests and part of cache keys. */
export const XFORM_CORE_VERSION: string = pkg.version;
