/**
 * Runs a compiled project's selected nodes in the warehouse: on-run-start hooks, schemas on demand, then the
 * DAG through the scheduler (seeds loaded, models and snapshots materialized, tests queried), then on-run-end
 * hooks.
 * Ephemeral models take part in ordering only: they are never executed nor reported.
 */
import type { Adapter, Connection } from '../adapter/types.js';
import type { CompiledProject } from '../compile/compiler.js';
import { isMicrobatch } from '../compile/microbatch.js';
import type { ExecutableNode, GraphNode, TestNode } from '../graph/types.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDirSync, writeFileAtomicSync } from '../fs-write.js';
import { materialize } from '../materialize/materialize.js';
import { materializeSeed } from '../materialize/seed.js';
import { ensureSchemas, nodeRelation, StagingNames } from '../materialize/relations.js';
import { RelationCache } from '../materialize/relation-cache.js';
import type { AuditHook } from '../materialize/types.js';
import { auditRelation, runDataTest } from '../quality/run-test.js';
import { runUnitTest } from '../quality/unit-tests.js';
import { planAudits } from './audit-plan.js';
import { locateSqlError } from './locate-sql-error.js';
import { unitTestsBeforeModels } from './unit-test-order.js';
import { errorOutcome, runScheduler, type NodeOutcome, type RunEvent, type RunResult, type SchedulerNode } from './scheduler.js';

export interface ExecuteRunOptions {
  compiled: CompiledProject;
  adapter: Adapter;
  /** unique_ids to run (models, seeds, snapshots, tests); sources and other ids are ignored. */
  selected: ReadonlySet<string>;
  threads: number;
  fullRefresh?: boolean;
  failFast?: boolean;
  /**
   * Write-audit-publish (`xform build`): a model's selected tests run against its staging relation before it
   * is published; an error-severity failure leaves the published relation untouched and skips descendants.
   */
  audit?: boolean;
  /** Quarantine every failing test's rows (`--store-failures`), not only those configured store_failures. */
  storeFailures?: boolean;
  /**
   * The caller holds the target's run lock (Adapter.acquireRunLock) for the whole run: staging and backup
   * relations of other invocations are then leftovers of killed runs, dropped before each node builds.
   * Default false: they are kept (another run may be using them).
   */
  runLockHeld?: boolean;
  signal?: AbortSignal;
  /** `--warn-error`: a data test that would warn fails instead (and its dependents are skipped). Default false. */
  warnError?: boolean;
  onEvent?(event: RunEvent): void;
  /**
   * Microbatch models (unique_id) to run on exactly these [start, end) batches (ISO 8601 UTC) instead of the
   * range their config and the event-time flags give (`xform retry` of a partial success). Default: none.
   */
  batches?: ReadonlyMap<string, [string, string][]>;
  /** Microbatch models: process event time from here (--event-time-start), to eventTimeEnd. */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /**
   * The project's target folder: each built model's SQL as it ran (the execute-phase render, with
   * introspection answered) is written to run/<path>, and to compiled/<path> where it differs from compile's.
   */
  targetDir?: string;
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

/** A unit test as a run outcome: its diff travels in the message, one line each. */
async function runUnitTestNode(compiled: CompiledProject, adapter: Adapter, connection: Connection, test: TestNode): Promise<NodeOutcome> {
  const r = await runUnitTest({ compiled, adapter, connection, test });
  return { status: r.status, message: r.message, failures: r.failures };
}

/**
 * dbt's target/run/<path>, and target/compiled/<path> again when the run's render differs from compile's.
 * Returns the target/run file. `dirs`: the run's folders made so far (most models share a few, and a
 * thousand mkdirs of one folder cost more than the writes). A file that already says the same is left as it
 * is: reading it costs a fraction of replacing it, and the models of a second run mostly ran the same SQL.
 * Written with synchronous calls, still atomically: asynchronous ones wait in the thread pool where DuckDB
 * runs its statements, and a first run's thousand files held a thousand views back by half a second.
 */
function writeRanSql(targetDir: string, node: ExecutableNode, sql: string, dirs: Set<string>): string {
  const text = sql.endsWith('\n') ? sql : `${sql}\n`;
  // compiled/<path> names a YAML snapshot's own <name>.sql (its original file is the shared .yml).
  const own = node.compiled_path?.startsWith('compiled/') === true ? node.compiled_path.slice('compiled/'.length) : node.original_file_path;
  const files = [path.join(targetDir, 'run', own)];
  if (node.compiled_path !== undefined && node.compiled_code !== sql) files.push(path.join(targetDir, node.compiled_path));
  node.compiled_code = sql;
  for (const file of files) {
    if (holds(file, text)) continue;
    const dir = path.dirname(file);
    if (!dirs.has(dir)) {
      ensureDirSync(dir, 'the SQL that ran');
      dirs.add(dir);
    }
    writeFileAtomicSync(file, text, 'the SQL that ran', { folderExists: true });
  }
  return files[0]!;
}

/** What `write` returns, or undefined when it fails (a failed node's SQL file is a courtesy, not its outcome). */
function writtenOrNone(write: () => string): string | undefined {
  try {
    return write();
  } catch {
    return undefined;
  }
}

function holds(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8') === text;
  } catch {
    return false;
  }
}

/** A path as users see it: relative to the project (posix separators) when inside it. */
function shownPath(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

export async function executeRun(options: ExecuteRunOptions): Promise<ExecuteRunResult> {
  const { compiled, adapter } = options;
  const { manifest, project } = compiled;
  const started = performance.now();
  // Ephemeral models are inlined into their consumers: never scheduled, so never numbered nor printed.
  const ids = [...options.selected].filter((id) => manifest.nodes[id] !== undefined && !isEphemeral(manifest.nodes[id]));
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
  const plan = options.audit ? planAudits(compiled, idSet) : { tests: new Map<string, TestNode[]>(), waitFor: new Map<string, Set<string>>() };
  const audits = plan.tests;
  const auditOwner = new Map<string, string>();
  for (const [owner, tests] of audits) for (const t of tests) auditOwner.set(t.unique_id, owner);
  // An audited test is settled by its model's execution; it waits on that model only, and the model waits
  // for whatever else its tests read.
  const nodes: SchedulerNode[] = unitTestsBeforeModels(
    manifest,
    ids.map((id) => {
      const owner = auditOwner.get(id);
      if (owner !== undefined) return { id, parents: [owner] };
      return { id, parents: [...new Set([...parentsOf(id), ...(plan.waitFor.get(id) ?? [])])] };
    }),
  );

  const storeFor = (test: TestNode) => {
    if (options.storeFailures !== true && test.config.store_failures !== true) return undefined;
    const attached = test.attached_node ? manifest.nodes[test.attached_node] : undefined;
    return { invocationId: manifest.metadata.invocation_id, storedAt: new Date(), relation: auditRelation(test, attached, project.target.schema, adapter.dialect.identifierLimits) };
  };
  const runTest = async (connection: Connection, test: TestNode, signal: AbortSignal, sql?: string): Promise<NodeOutcome> => {
    const r = await runDataTest({ adapter, connection, test, sql, store: storeFor(test), signal, warnError: options.warnError === true });
    return { status: r.status, message: r.message, failures: r.failures };
  };

  await runHooks(adapter, project.config.onRunStart, (sql) => compiled.renderHook(sql), 'on-run-start');
  const relations = ids
    .map((id) => manifest.nodes[id]!)
    .filter((n): n is ExecutableNode => n.resource_type !== 'test' && n.resource_type !== 'unit_test' && !isEphemeral(n))
    .map((n) => nodeRelation(n));
  for (const id of ids) {
    const test = manifest.nodes[id];
    if (test?.resource_type === 'test') {
      const store = storeFor(test as TestNode);
      if (store) relations.push(store.relation);
    }
  }
  await ensureSchemas(adapter, relations);
  // One catalog listing per schema instead of several catalog questions per node.
  const relationCache = new RelationCache(adapter.catalog);
  await relationCache.load(relations);
  const ranDirs = new Set<string>();
  const names = new StagingNames(manifest.metadata.invocation_id, options.runLockHeld === true ? relationCache.known() : undefined);

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
      return adapter.withConnection(async (connection) => {
        const onAbort = () => void connection.cancel();
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          if (node.resource_type === 'test') {
            const test = node as TestNode;
            return await runTest(connection, test, signal, await compiled.renderTestForExecution(test, { connection, adapter }));
          }
          if (node.resource_type === 'unit_test') return await runUnitTestNode(compiled, adapter, connection, node as TestNode);
          const exec = node as ExecutableNode;
          const auditTests = audits.get(id);
          const settled: NonNullable<NodeOutcome['settled']> = [];
          const batched = isMicrobatch(exec);
          const audit: AuditHook | undefined = auditTests
            ? async (staging) => {
                // Each test is rendered again with the model's refs pointing at staging; nothing else changes.
                const relations = new Map([[exec.unique_id, staging]]);
                const blocking: string[] = [];
                for (const test of auditTests) {
                  const t0 = performance.now();
                  let outcome: NodeOutcome;
                  try {
                    outcome = await runTest(connection, test, signal, await compiled.renderTestForExecution(test, { relations, connection, adapter }));
                  } catch (err) {
                    outcome = errorOutcome(err);
                  }
                  // A microbatch model's tests audit each batch's rows (a failing batch is not written), and
                  // run once more on the whole table after it (rows of different batches meet only there).
                  if (!batched) settled.push({ id: test.unique_id, outcome, seconds: (performance.now() - t0) / 1000 });
                  if (outcome.status === 'fail') blocking.push(`${test.name} (${outcome.failures} failing row${outcome.failures === 1 ? '' : 's'})`);
                  else if (outcome.status === 'error') blocking.push(`${test.name} (error: ${outcome.message})`);
                }
                return blocking.length === 0 ? { ok: true } : { ok: false, message: `blocked by test ${blocking.join(', ')}` };
              }
            : undefined;
          let ran: string | undefined;
          try {
            const r =
              exec.resource_type === 'seed'
                ? await materializeSeed({ adapter, connection, node: exec, projectRoot: project.root, fullRefresh: options.fullRefresh === true, audit, signal, relations: relationCache, names })
                : await materialize({
                    adapter,
                    connection,
                    node: exec,
                    fullRefresh: options.fullRefresh === true,
                    renderSql: async (isIncremental, batch, on) => (ran = await compiled.renderForExecution(exec, { isIncremental, connection: on ?? connection, adapter, batch })),
                    renderHook: (sql) => compiled.renderHook(sql, exec),
                    audit,
                    signal,
                    relations: relationCache,
                    names,
                    batches: options.batches?.get(id),
                    eventTimeStart: options.eventTimeStart,
                    eventTimeEnd: options.eventTimeEnd,
                    concurrency: options.threads,
                    onBatch: (b) => {
                      try {
                        options.onEvent?.({ type: 'batch_finish', id, batch: b.batch, label: b.label, index: b.index, total: b.total, status: b.status, seconds: b.seconds, message: b.message, rows: b.rows });
                      } catch {
                        // A broken progress printer must not break the run.
                      }
                    },
                  });
            const file = ran !== undefined && options.targetDir !== undefined ? writeRanSql(options.targetDir, exec, ran, ranDirs) : undefined;
            const { status, message, rowsAffected, adapterResponse, batchResults } = r;
            // A microbatch model's first failed batch (its batches differ only inside their ref() filters).
            const error = r.error !== undefined && ran !== undefined ? locateSqlError(r.error, exec, ran, file && shownPath(project.root, file)) : r.error;
            return { status, message, rowsAffected, adapterResponse, batchResults, error, settled };
          } catch (err) {
            const failed = ran;
            const { targetDir } = options;
            if (failed === undefined) return { ...errorOutcome(err), settled };
            // The SQL that failed is on disk too, and the error names its line there and in the model's file.
            const file = targetDir === undefined ? undefined : writtenOrNone(() => writeRanSql(targetDir, exec, failed, ranDirs));
            return { ...errorOutcome(locateSqlError(err, exec, failed, file && shownPath(project.root, file))), settled };
          }
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
  return { results, elapsed: (performance.now() - started) / 1000 };
}
