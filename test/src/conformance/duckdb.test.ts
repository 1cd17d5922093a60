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
  {
    teardown: async () => rmSync(root, { recursive: true, force: true }),
    // The CLI runs in its own process, so each project has its own database file, read once the CLI is done.
    cliTarget: (_adapter, projectRoot, schema) => ({
      profile: ['shop:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', '      path: target/warehouse.duckdb', `      schema: ${schema}`, '      threads: 4', ''].join('\n'),
      async query(sql) {
        const adapter = await createAdapter(
          { type: 'duckdb', name: 'check', schema, threads: 1, path: join(projectRoot, 'target/warehouse.duckdb') },
          { projectRoot },
        );
        try {
          return (await adapter.withConnection((c) => c.execute(sql))).rows;
        } finally {
          await adapter.close();
        }
      },
    }),
  },
);
