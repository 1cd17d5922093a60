/**
 * The adapter-level suite: the same tests against every adapter and a real database (no mocks). It checks
 * the Connection (values, errors, transactions incl. rolled-back DDL, cancel), the Catalog, the Dialect's
 * statements as the database runs them (merge/delete+insert NULL-key rule included) and native seed loading.
 * Each adapter's test file calls `defineAdapterSuite` with a factory. Materializations are covered by
 * the conformance suite (../conformance).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Adapter } from '@xform/core';
import { defineCatalogTests } from './catalog-tests.js';
import { defineConnectionTests } from './connection-tests.js';
import { defineDialectTests } from './dialect-tests.js';
import { defineSeedTests } from './seed-tests.js';

export interface AdapterSuiteOptions {
  /** Placeholder for the i-th (1-based) positional parameter: `?` on DuckDB, `$1` on PostgreSQL. */
  param(index: number): string;
  /** A statement that runs for many seconds unless cancelled. */
  longQuery: string;
  /** Called after the adapter is closed (stop a server, remove files). */
  teardown?(): Promise<void>;
}

export interface SuiteContext {
  adapter(): Adapter;
  /** A fresh schema (created) for one test; all are dropped at the end. */
  schema(label: string): Promise<string>;
  /** Scratch directory for CSV files. */
  dir(): string;
  options: AdapterSuiteOptions;
}

export function defineAdapterSuite(name: string, makeAdapter: () => Promise<Adapter>, options: AdapterSuiteOptions): void {
  describe(`adapter suite: ${name}`, () => {
    let adapter: Adapter | undefined;
    let dir = '';
    let counter = 0;
    const schemas: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'xform-adapter-suite-'));
      adapter = await makeAdapter();
    });

    afterAll(async () => {
      if (adapter) {
        const current = adapter;
        await current.withConnection(async (connection) => {
          for (const schema of schemas) await connection.execute(current.dialect.dropSchema(schema));
        });
        await current.close();
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      await options.teardown?.();
    });

    const context: SuiteContext = {
      adapter() {
        if (!adapter) throw new Error('the adapter did not start');
        return adapter;
      },
      async schema(label: string) {
        const schema = `xs${++counter}_${label}`.toLowerCase().replace(/[^a-z0-9_]/gu, '_');
        schemas.push(schema);
        const current = context.adapter();
        await current.withConnection((connection) => connection.execute(current.dialect.createSchema(schema)));
        return schema;
      },
      dir: () => dir,
      options,
    };

    defineConnectionTests(context);
    defineCatalogTests(context);
    defineDialectTests(context);
    defineSeedTests(context);
  });
}
