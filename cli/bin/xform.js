#!/usr/bin/env node
import { existsSync } from 'node:fs';

// `pnpm build` bundles the CLI into dist/bundle/ (scripts/bundle-workspace.mjs): one file loads faster than
// the fifty tsc wrote. Without it (tsc alone), tsc's output runs.
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = existsSync(bundled) ? await import(bundled.href) : await import('../dist/main.js');

process.exitCode = await main(process.argv.slice(2));
