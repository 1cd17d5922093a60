/**
 * The scheduler driving real materializations: a model with bad SQL fails, its descendants are skipped
 * and never touch the warehouse, an independent branch is built; ensureSchemas creates schemas once.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutableNode } from '../../../core/src/graph/types.js';
import { ensureSchemas } from '../../../core/src/materialize/index.js';
import { runScheduler } from '../../../core/src/run/index.js';
import type { ConformanceContext } from './suite.js';
import { modelNode, relationNames, relationOf, rowsOf, runModel } from './helpers.js';

export function defineRunTests(ctx: ConformanceContext): void {
  describe('run', () => {
    it('skips the descendants of a failing model while an independent branch completes', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('run');
      const name = (model: string) => adapter.dialect.relationName({ schema, identifier: model });
      const models: { node: ExecutableNode; parents: string[]; sql: string }[] = [
        { node: modelNode(schema, 'base'), parents: [], sql: 'select 1 as id' },
        { node: modelNode(schema, 'broken'), parents: ['base'], sql: `select id, no_such_column from ${name('base')}` },
        { node: modelNode(schema, 'after_broken', { materialized: 'view' }), parents: ['broken'], sql: `select * from ${name('broken')}` },
        { node: modelNode(schema, 'further'), parents: ['after_broken'], sql: `select * from ${name('after_broken')}` },
        { node: modelNode(schema, 'other'), parents: ['base'], sql: `select id + 1 as id from ${name('base')}` },
        { node: modelNode(schema, 'other_child', { materialized: 'view' }), parents: ['other'], sql: `select id * 10 as id from ${name('other')}` },
      ];
      const byId = new Map(models.map((m) => [m.node.unique_id, m]));
      const results = await runScheduler({
        nodes: models.map((m) => ({ id: m.node.unique_id, parents: m.parents.map((p) => `model.conformance.${p}`) })),
        threads: 3,
        async execute(id, signal) {
          const m = byId.get(id)!;
          const r = await runModel(adapter, m.node, { sql: m.sql, signal });
          return { status: 'success', message: r.message, rowsAffected: r.rowsAffected, adapterResponse: r.adapterResponse };
        },
      });
      const status = Object.fromEntries(results.map((r) => [r.unique_id.split('.').pop(), r.status]));
      expect(status).toEqual({ base: 'success', broken: 'error', after_broken: 'skipped', further: 'skipped', other: 'success', other_child: 'success' });
      const broken = results.find((r) => r.unique_id.endsWith('.broken'))!;
      expect((broken.error as { code?: string }).code).toBe('XFORM_SQL_ERROR');
      expect(broken.message).toMatch(/no_such_column/);
      expect(results.find((r) => r.unique_id.endsWith('.further'))!.message).toBe("skipped: upstream model 'broken' failed");
      expect(await relationNames(adapter, schema)).toEqual(['base', 'other', 'other_child']);
      expect(await rowsOf(adapter, relationOf(models[5]!.node), ['id'])).toEqual([{ id: 20 }]);
    });

    it('ensureSchemas creates each missing schema once and leaves existing ones alone', async () => {
      const adapter = ctx.adapter();
      const existing = await ctx.schema('schemas');
      const fresh = `${existing}_new`;
      const created = await ensureSchemas(adapter, [
        { schema: fresh, identifier: 'a' },
        { schema: fresh, identifier: 'b' },
        { schema: existing, identifier: 'c' },
      ]);
      expect(created).toEqual([fresh]);
      expect(await ensureSchemas(adapter, [{ schema: fresh, identifier: 'a' }])).toEqual([]);
      await runModel(adapter, modelNode(fresh, 'works'), { sql: 'select 1 as id' });
      expect(await relationNames(adapter, fresh)).toEqual(['works']);
      await adapter.withConnection((c) => c.execute(adapter.dialect.dropSchema(fresh)));
    });
    // Last: if it fails, the pool may stay exhausted for the tests after it.
    it('runs as many models at once as the adapter has threads without starving for connections', async () => {
      const adapter = ctx.adapter();
      const schema = await ctx.schema('wide');
      const nodes = Array.from({ length: 12 }, (_, i) => modelNode(schema, `m${i}`, { materialized: i % 3 === 0 ? 'view' : 'table' }));
      const byId = new Map(nodes.map((n) => [n.unique_id, n]));
      // A model holds one pooled connection for its whole run and also asks the catalog questions: if the
      // catalog borrowed from the same pool, `threads` busy models would wait on each other forever.
      const run = runScheduler({
        nodes: nodes.map((n) => ({ id: n.unique_id, parents: [] })),
        threads: adapter.target.threads,
        async execute(id) {
          const r = await runModel(adapter, byId.get(id)!, { sql: `select ${id.length} as n` });
          return { status: 'success', message: r.message };
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const deadlock = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no progress after 15s with threads = ${adapter.target.threads}: connection pool starvation`)), 15_000);
      });
      const results = await Promise.race([run, deadlock]).finally(() => clearTimeout(timer));
      expect(results.map((r) => r.status)).toEqual(Array(12).fill('success'));
      expect(await relationNames(adapter, schema)).toHaveLength(12);
    }, 30_000);

  });
}
