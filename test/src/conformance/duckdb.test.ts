/** The conformance suite on DuckDB (a database file in a scratch folder, 4 threads). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdapter } from '@xform/adapter-duckdb';
import { defineConformanceSuite } from './suite.js';

const root = mkdtempSync(join(tmpdir(), 'xform-conformance-duckdb-'));

defineConformanceSuite(
  'duckdb',
  () => createAdapter({ type: 'duckdb', name: 'conformance', schema: 'main', threads: 4, path: 'conformance.duckdb' }, { projectRoot: root }),
  { teardown: async () => rmSync(root, { recursive: true, force: true }) },
);
