/**
 * `xform docs generate` against a real PostgreSQL server (started by the test): catalog.json holds the
 * server's column types, row counts and sizes, column lineage is traced with PostgreSQL's own parser, and
 * the password appears in no output or artifact.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXform } from '../helpers/cli.js';
import { removeProject, writeProject } from '../helpers/project.js';
import { withPostgres, postgresProfile } from '../postgres-server.js';
import { DOCS_PROJECT } from '../fixtures/docs-project.js';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map(removeProject));
});

async function readTree(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) parts.push(await readFile(path.join(entry.parentPath, entry.name), 'utf8'));
  }
  return parts.join('\n');
}

describe('xform docs generate on PostgreSQL', () => {
  const server = withPostgres();

  it('describes the warehouse relations in catalog.json and traces columns through the join', async () => {
    const pgServer = server();
    const root = await writeProject({
      ...DOCS_PROJECT,
      'profiles.yml': postgresProfile(pgServer, { schema: 'analytics', threads: 2, passwordEnv: 'SHOP_PG_PASSWORD' }),
    });
    roots.push(root);
    const env = { SHOP_PG_PASSWORD: pgServer.password };
    const build = await runXform(['build'], { cwd: root, env });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const docs = await runXform(['docs', 'generate'], { cwd: root, env });
    expect(docs.code, docs.stdout + docs.stderr).toBe(0);
    expect(docs.stdout).toMatch(/Catalog 6 relations/);
    expect(docs.stdout + docs.stderr).not.toContain(pgServer.password);

    const catalog = JSON.parse(await readFile(path.join(root, 'target/catalog.json'), 'utf8')) as {
      nodes: Record<string, { metadata: { schema: string; type: string }; columns: Record<string, { type: string }>; stats: { row_count?: number; bytes?: number } }>;
      missing: string[];
    };
    expect(catalog.missing).toEqual([]);
    const slv = catalog.nodes['model.shop.slv_orders']!;
    expect(slv.metadata).toMatchObject({ schema: 'analytics', type: 'table' });
    expect(Object.keys(slv.columns)).toEqual(['order_id', 'customer_id', 'amount_eur', 'country']);
    expect(slv.columns.country!.type).toMatch(/text|character varying/);
    expect(slv.stats.bytes).toBeGreaterThan(0);
    expect(catalog.nodes['model.shop.brz_orders']!.metadata.type).toBe('view');

    const lineageJs = await readFile(path.join(root, 'target/docs/data/lineage.js'), 'utf8');
    const graphJs = await readFile(path.join(root, 'target/docs/data/graph.js'), 'utf8');
    const sandbox: { XFORM_DOCS_GRAPH?: { nodes: { name: string; columns: string[] }[] }; __xformLineage?: (l: unknown) => void } = {};
    let lineage: [number, string][][][] = [];
    sandbox.__xformLineage = (l) => (lineage = l as typeof lineage);
    new Function('window', `${graphJs}\n${lineageJs}`)(sandbox);
    const nodes = sandbox.XFORM_DOCS_GRAPH!.nodes;
    const slvIndex = nodes.findIndex((n) => n.name === 'slv_orders');
    const country = nodes[slvIndex]!.columns.indexOf('country');
    expect(lineage[slvIndex]![country]!.map(([n, c]) => `${nodes[n]!.name}.${c}`)).toEqual(['brz_customers.country']);

    expect(await readTree(path.join(root, 'target'))).not.toContain(pgServer.password);
  });
});
