/**
 * The DuckDB driver (@duckdb/node-api), loaded with require() when a database first opens. The package is
 * CommonJS: import() of it first reads each of its hundred-odd files to find their export names, which
 * tripled the time the driver took to load (~280 ms instead of ~95 ms), on every run.
 *
 * The one-file CLI (cli/dist/process/xform.cjs) carries the driver's JavaScript: its build turns the call
 * below, as written, into a require() it inlines (inlineDuckdbDriver in scripts/esm-bundle.mjs).
 */
import { createRequire } from 'node:module';

type Driver = typeof import('@duckdb/node-api');

let driver: Driver | undefined;

export function duckdbDriver(): Driver {
  return (driver ??= createRequire(import.meta.url)('@duckdb/node-api') as Driver);
}
