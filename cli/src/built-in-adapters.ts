/**
 * The adapters the CLI ships with. Imported here by name, so that the packed CLI's bundle carries them
 * (each loaded only when a profile asks for it: the DuckDB native driver, the cloud SDKs).
 */
import { registerBuiltInAdapters } from '@xform/core';
import { carriedAdapterDirs } from './bundle.js';

export function registerCliAdapters(): void {
  registerBuiltInAdapters({
    duckdb: () => import('@xform/adapter-duckdb'),
    postgres: () => import('@xform/adapter-postgres'),
    bigquery: () => import('@xform/adapter-bigquery'),
    snowflake: () => import('@xform/adapter-snowflake'),
  }, carriedAdapterDirs);
}
