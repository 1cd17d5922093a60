/** The conformance suite on a database of its own on the run's throw-away PostgreSQL server (dropped after the suite). */
import { createAdapter } from '@xform/adapter-postgres';
import { postgresDatabase, type PostgresServer, postgresProfile } from '../postgres-server.js';
import { defineConformanceSuite } from './suite.js';

let server: PostgresServer | undefined;

defineConformanceSuite(
  'postgres',
  async () => {
    server = await postgresDatabase();
    return createAdapter(
      {
        type: 'postgres',
        name: 'conformance',
        schema: 'public',
        threads: 4,
        host: server.host,
        port: server.port,
        user: server.user,
        password: server.password,
        dbname: server.database,
      },
      { projectRoot: process.cwd() },
    );
  },
  {
    teardown: async () => server?.stop(),
    cliTarget: (adapter, _root, schema) => {
      const s = server!;
      return {
        profile: postgresProfile(s, { schema, threads: 4, passwordEnv: 'XFORM_TEST_PG_PASSWORD' }),
        env: { XFORM_TEST_PG_PASSWORD: s.password },
        query: async (sql) => (await adapter.withConnection((c) => c.execute(sql))).rows,
      };
    },
  },
);
