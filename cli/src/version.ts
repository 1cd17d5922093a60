import { readFileSync } from 'node:fs';
import { cliBundle } from './bundle.js';

export const XFORM_VERSION: string =
  // The packed CLI's bundle records the version; its code sits in dist/ beside no package.json of the CLI's own.
  cliBundle?.cliVersion ?? (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
