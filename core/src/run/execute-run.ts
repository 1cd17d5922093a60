/**
 * Runs a compiled project's selected nodes in the warehouse: on-run-start hooks, schemas on demand, then the
 * DAG through the scheduler (seeds loaded, models materialized, tests queried), then on-run-end hooks.
 * Ephemeral models take part in ordering only: they are never executed nor reported.
 */
import type { Adapter, Connection } from '../adapter/types.js';
import type { CompiledProject } from '../compile/compiler.js';
import type { ExecutableNode, GraphNode, TestNode } from '../graph/types.js';
import { materialize } from '../materialize/materialize.js';
import { materializeSeed } from '../materialize/seed.js';
import { ensureSchemas, nodeRelation } from '../materialize/relations.js';
import { runUnitTest } from '../quality/unit-tests.js';
import { runScheduler, type NodeOutcome, type RunEvent, type RunResult, type SchedulerNode } from './scheduler.js';

export interface ExecuteRunOptions {
  compiled: CompiledProject;
  adapter: Adapter;
  /** unique_ids to run (models, seeds, tests); sources and other ids are ignored. */
  selected: ReadonlySet<string>;
  threads: number;
  fullRefresh?: boolean;
  failFast?: boolean;
  signal?: AbortSignal;
  onEvent?(event: RunEvent): void;
}

export interface ExecuteRunResult {
  results: RunResult[];
  /** Seconds. */
  elapsed: number;
}

export function isEphemeral(node: GraphNode | undefined): boolean {
  return node?.resource_type === 'model' && node.config.materialized === 'ephemeral';
}

async function runHooks(adapter: Adapter, hooks: string[], render: (sql: string) => string, label: string): Promise<void> {
  if (hooks.length === 0) return;
  await adapter.withConnection(async (connection) => {
    for (const hook of hooks) {
      const sql = render(hook).trim();
      if (sql !== '') await connection.execute(sql, { label });
    }
  });
}

async function runTest(connection: Connection, node: TestNode): Promise<NodeOutcome> {
  const sql = node.compiled_code ?? '';
  const result = await connection.execute(`select count(*) as failures from (\n${sql}\n) xform_test`, { label: node.unique_id });
  const failures = Number(result.rows[0]?.failures ?? 0);
  if (failures === 0) return { status: 'pass', message: 'PASS', failures };
  const warn = node.config.severity === 'warn';
  return {
    status: warn ? 'warn' : 'fail',
    message: `${warn ? 'WARN' : 'FAIL'} ${failures} failing row${failures === 1 ? '' : 's'}`,
    failures,
  };
}

/** A unit test as a run outcome: its diff travels in the message, one line each. */
async function runUnitTestNode(compiled: CompiledProject, adapter: Adapter, connection: Connection, test: TestNode): Promise<NodeOutcome> {
  const r = await runUnitTest({ compiled, adapter, connection, test });
  return { status: r.status, message: r.message, failures: r.failures };
}

export async function executeRun(options: ExecuteRunOptions): Promise<ExecuteRunResult> {
  const { compiled, adapter } = options;
  const { manifest, project } = compiled;
  const started = performance.now();
  // Snapshots have no materialization yet: the CLI warns when a selection includes them.
  const runnable = (id: string) => {
    const node = manifest.nodes[id];
    return node !== undefined && node.resource_type !== 'snapshot';
  };
  const ids = [...options.selected].filter(runnable);
  const idSet = new Set(ids);

  // Ordering among the selected nodes; ephemeral parents pass their own parents through.
  const parentsOf = (id: string, seen = new Set<string>()): string[] => {
    const out: string[] = [];
    for (const p of compiled.graph.parents(id)) {
      if (idSet.has(p)) out.push(p);
      else if (isEphemeral(manifest.nodes[p]) && !seen.has(p)) {
        seen.add(p);
        out.push(...parentsOf(p, seen));
      }
    }
    return out;
  };
  const nodes: SchedulerNode[] = ids.map((id) => ({ id, parents: [...new Set(parentsOf(id))] }));

  await runHooks(adapter, project.config.onRunStart, (sql) => compiled.renderHook(sql), 'on-run-start');
  const relations = ids
    .map((id) => manifest.nodes[id]!)
    .filter((n): n is ExecutableNode => n.resource_type !== 'test' && n.resource_type !== 'unit_test' && !isEphemeral(n))
    .map((n) => nodeRelation(n));
  await ensureSchemas(adapter, relations);

  const results = await runScheduler({
    nodes,
    threads: options.threads,
    failFast: options.failFast,
    signal: options.signal,
    onEvent: options.onEvent,
    describe: (id) => {
      const n = manifest.nodes[id];
      return n ? `${n.resource_type} '${n.name}'` : id;
    },
    execute: async (id, signal) => {
      const node = manifest.nodes[id]!;
      if (isEphemeral(node)) return { status: 'success', message: 'ephemeral' };
      return adapter.withConnection(async (connection) => {
        const onAbort = () => void connection.cancel();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          if (node.resource_type === 'test') return await runTest(connection, node as TestNode);
          if (node.resource_type === 'unit_test') return await runUnitTestNode(compiled, adapter, connection, node as TestNode);
          const exec = node as ExecutableNode;
          if (exec.resource_type === 'seed') {
            const r = await materializeSeed({ adapter, connection, node: exec, projectRoot: project.root, fullRefresh: options.fullRefresh === true, signal });
            return { status: 'success', message: r.message, rowsAffected: r.rowsAffected, adapterResponse: r.adapterResponse };
          }
          const r = await materialize({
            adapter,
            connection,
            node: exec,
            fullRefresh: options.fullRefresh === true,
            renderSql: (isIncremental) => compiled.renderForRun(exec, { isIncremental }),
            renderHook: (sql) => compiled.renderHook(sql, exec),
            signal,
          });
          return { status: 'success', message: r.message, rowsAffected: r.rowsAffected, adapterResponse: r.adapterResponse };
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
      });
    },
  });
  for (const r of results) {
    const node = manifest.nodes[r.unique_id];
    if (node && node.resource_type !== 'test' && node.resource_type !== 'unit_test' && !isEphemeral(node)) r.relation_name = (node as ExecutableNode).relation_name;
  }
  if (!options.signal?.aborted) {
    await runHooks(adapter, project.config.onRunEnd, (sql) => compiled.renderHook(sql), 'on-run-end');
  }
  return { results: results.filter((r) => !isEphemeral(manifest.nodes[r.unique_id])), elapsed: (performance.now() - started) / 1000 };
}
