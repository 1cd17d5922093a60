/**
 * The adapter conformance suite: every materialization and incremental strategy, snapshots, seeds, hooks and the
 * scheduler, run against a real database through core's algorithms. Each adapter's test file calls
 * `defineConformanceSuite` with a factory; every test works in a schema of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Adapter } from '../../../core/src/adapter/types.js';
import { ensureSchemas } from '../../../core/src/materialize/index.js';
import { defineIncrementalTests } from './incremental-tests.js';
import { defineQualityTests } from './quality-tests.js';
import { defineRunTests } from './run-tests.js';
import { defineSeedTests } from './seed-tests.js';
import { defineSnapshotChangeTests } from './snapshot-change-tests.js';
import { defineSnapshotTests } from './snapshot-tests.js';
import { defineTableTests } from './table-tests.js';
import { defineUnitAndFreshnessTests } from './unit-freshness-tests.js';

export interface ConformanceContext {
  /** The adapter under test (available inside tests). */
  adapter(): Adapter;
  /** A new, empty schema for one test. */
  schema(label: string): Promise<string>;
  /** A scratch directory for CSV files. */
  tmpDir(): string;
  /** How the CLI reaches this warehouse from a project at `root` building into `schema`. */
  cliTarget(root: string, schema: string): CliTarget;
}

export interface CliTarget {
  /** profiles.yml text (profile `shop`, whose target builds into the schema). */
  profile: string;
  /** Environment for the CLI (secrets go here, not into the profile). */
  env?: Record<string, string>;
  /** Rows of a query on the warehouse the CLI wrote to; count(*) comes back as a number. */
  query(sql: string): Promise<Record<string, unknown>[]>;
}

export interface ConformanceOptions {
  /** Called once after the adapter is closed (stop a server...). */
  teardown?(): Promise<void>;
  /** See ConformanceContext.cliTarget; `adapter` is the suite's adapter. */
  cliTarget(adapter: Adapter, root: string, schema: string): CliTarget;
}

export function defineConformanceSuite(name: string, makeAdapter: () => Promise<Adapter>, options: ConformanceOptions): void {
  describe(`conformance: ${name}`, () => {
    let adapter: Adapter | undefined;
    let dir = '';
    const schemas: string[] = [];
    let counter = 0;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), `xform-conformance-${name}-`));
      adapter = await makeAdapter();
    });

    afterAll(async () => {
      if (adapter) {
        const current = adapter;
        const drop = current.withConnection(async (connection) => {
          for (const schema of schemas) await connection.execute(current.dialect.dropSchema(schema));
        });
        // A failed test may have left the pool exhausted; closing the adapter must not wait on it forever.
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 20_000);
        });
        await Promise.race([drop, timeout]).finally(() => clearTimeout(timer));
        await current.close();
        await drop.catch(() => undefined);
      }
      await rm(dir, { recursive: true, force: true });
      await options.teardown?.();
    });

    const context: ConformanceContext = {
      adapter() {
        if (!adapter) throw new Error('adapter not ready');
        return adapter;
      },
      async schema(label: string) {
        const schema = `xf${++counter}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
        schemas.push(schema);
        await ensureSchemas(context.adapter(), [{ schema, identifier: 'x' }]);
        return schema;
      },
      tmpDir: () => dir,
      cliTarget: (root, schema) => options.cliTarget(context.adapter(), root, schema),
    };

    defineTableTests(context);
    defineIncrementalTests(context);
    defineSnapshotTests(context);
    defineSnapshotChangeTests(context);
    defineSeedTests(context);
    defineRunTests(context);
    defineQualityTests(context);
    defineUnitAndFreshnessTests(context);
  });
}
