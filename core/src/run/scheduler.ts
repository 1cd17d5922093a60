/**
 * The run scheduler: executes a set of nodes with bounded concurrency, starting each node as soon as all of
 * its parents succeeded, and skipping every descendant of a failed node while independent branches go on.
 * It knows nothing about SQL or adapters: `execute` does the work, the scheduler only orders it.
 *
 * Cost is O(V + E): each node keeps a counter of unfinished parents and sits in a FIFO ready queue once the
 * counter reaches zero; a completion touches only the finished node's children.
 */
import { XformError } from '../errors.js';

export interface SchedulerNode {
  id: string;
  /** unique_ids of parents. Ids outside the run set are ignored (they are not part of this run). */
  parents: string[];
}

/** `partial success`: a microbatch model some of whose batches failed (dbt's status). */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'warn' | 'pass' | 'fail' | 'partial success';

/** A microbatch model's batches, each [start, end) in ISO 8601 UTC (run_results.json `batch_results`). */
export interface BatchResults {
  successful: [string, string][];
  failed: [string, string][];
}

/** What executing one node produced. */
export interface NodeOutcome {
  status: NodeStatus;
  message: string;
  rowsAffected?: number;
  /** Tests: number of failing rows. */
  failures?: number;
  error?: unknown;
  adapterResponse?: Record<string, unknown>;
  batchResults?: BatchResults;
  /**
   * Other nodes this execution settled too (write-audit-publish: a model's audit runs its tests). Each listed
   * node that is part of the run and not finished yet is finished with its outcome right after this node,
   * instead of being executed on its own (even when this node failed); its failure skips its descendants.
   */
  settled?: { id: string; outcome: NodeOutcome; seconds: number }[];
}

export interface TimingInfo {
  name: 'execute';
  /** ISO 8601. */
  started_at: string;
  completed_at: string;
}

/** One node's result, in dbt's run_results.json vocabulary (snake_case), plus the outcome's error. */
export interface RunResult {
  unique_id: string;
  status: NodeStatus;
  message: string;
  /** Empty for nodes that never started (skipped). */
  timing: TimingInfo[];
  /** `Thread-<n>`: the concurrency slot that ran the node; undefined for nodes that never started. */
  thread_id?: string;
  /** Seconds. */
  execution_time: number;
  adapter_response: Record<string, unknown>;
  failures?: number;
  rows_affected?: number;
  /** Filled in by the caller (the scheduler does not know relations). */
  relation_name?: string;
  /** Microbatch models only. */
  batch_results?: BatchResults;
  /** The thrown value or the outcome's error; not serialised to run_results.json. */
  error?: unknown;
}

export type RunEvent =
  | { type: 'run_start'; total: number }
  | { type: 'node_start'; id: string; total: number; threadId: string }
  | {
      type: 'node_finish';
      id: string;
      /** 1-based, in finishing order: `total` is the node that finished last. */
      index: number;
      total: number;
      status: NodeStatus;
      /** Wall-clock seconds; 0 for skipped nodes. */
      seconds: number;
      message: string;
      result: RunResult;
    }
  | {
      /** One batch of a microbatch model finished (between its node_start and node_finish). */
      type: 'batch_finish';
      id: string;
      batch: [string, string];
      /** `2026-01-03`. */
      label: string;
      index: number;
      total: number;
      status: 'success' | 'error' | 'skipped';
      seconds: number;
      message: string;
      rows?: number;
    }
  | { type: 'run_finish'; results: RunResult[]; elapsed: number };

export interface RunSchedulerOptions {
  /** The selected set, any order. */
  nodes: SchedulerNode[];
  /** Maximum number of concurrent executes (at least 1). */
  threads: number;
  /** Stop launching new nodes after the first error or test failure; the rest are skipped. Default false. */
  failFast?: boolean;
  /**
   * Runs one node. A thrown error becomes an `error` outcome. `signal` aborts when the run is cancelled;
   * the executor should cancel its query and settle promptly.
   */
  execute(id: string, signal: AbortSignal): Promise<NodeOutcome>;
  /** Progress events, called synchronously; an exception thrown here is ignored. */
  onEvent?(event: RunEvent): void;
  /** Cancels the run: nothing new starts, running executes see their signal abort. */
  signal?: AbortSignal;
  /**
   * How skip messages name a node, e.g. "model 'stg_orders'". Default derived from the unique_id
   * (`model.shop.stg_orders` -> "model 'stg_orders'").
   */
  describe?(id: string): string;
}

/** The outcome of an execution that threw: `error`, with the thrown value's message. */
export function errorOutcome(err: unknown): NodeOutcome {
  return { status: 'error', message: err instanceof Error ? err.message : String(err), error: err };
}

/** Outcomes that make descendants skip (and trigger fail-fast). `warn` does not; `partial success` does (dbt). */
function isFailure(status: NodeStatus): boolean {
  return status === 'error' || status === 'fail' || status === 'partial success';
}

/** "model 'stg_orders'" from `model.shop.stg_orders`; tests keep their name without the hash suffix. */
export function describeUniqueId(id: string): string {
  const parts = id.split('.');
  if (parts.length < 3) return `'${id}'`;
  const kind = parts[0]!;
  const nameParts = parts.slice(2);
  if ((kind === 'test' || kind === 'unit_test') && nameParts.length > 1) nameParts.pop();
  return `${kind} '${nameParts.join('.')}'`;
}

interface State {
  pendingParents: number;
  children: number[];
  /** Set when the node was skipped or failed; names the node whose failure caused it. */
  failedRoot?: string;
  done: boolean;
}

export async function runScheduler(options: RunSchedulerOptions): Promise<RunResult[]> {
  const { nodes, execute } = options;
  const threads = Math.max(1, Math.floor(options.threads) || 1);
  const describe = options.describe ?? describeUniqueId;
  const total = nodes.length;
  const runStarted = Date.now();
  const emit = (event: RunEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A broken progress printer must not break the run.
    }
  };

  const indexOf = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (indexOf.has(node.id)) {
      throw new XformError('XFORM_INTERNAL', `runScheduler: node '${node.id}' is listed twice`);
    }
    indexOf.set(node.id, i);
  });
  const states: State[] = nodes.map(() => ({ pendingParents: 0, children: [], done: false }));
  nodes.forEach((node, i) => {
    const seen = new Set<number>();
    for (const parent of node.parents) {
      const p = indexOf.get(parent);
      if (p === undefined || p === i || seen.has(p)) continue;
      seen.add(p);
      states[p]!.children.push(i);
      states[i]!.pendingParents++;
    }
  });

  // FIFO ready queue as an array with a moving head: O(1) push and shift.
  const ready: number[] = [];
  let head = 0;
  nodes.forEach((_, i) => {
    if (states[i]!.pendingParents === 0) ready.push(i);
  });

  const internal = new AbortController();
  const onAbort = (): void => internal.abort(options.signal?.reason);
  if (options.signal?.aborted) internal.abort(options.signal.reason);
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const results: RunResult[] = [];
  let nextIndex = 1;
  let finished = 0;
  let running = 0;
  let stopReason: string | undefined;
  const freeSlots: number[] = [];
  for (let t = threads; t >= 1; t--) freeSlots.push(t);

  emit({ type: 'run_start', total });

  const finishSkipped = (i: number, message: string): void => {
    const state = states[i]!;
    if (state.done) return;
    state.done = true;
    finished++;
    const result: RunResult = {
      unique_id: nodes[i]!.id,
      status: 'skipped',
      message,
      timing: [],
      execution_time: 0,
      adapter_response: {},
    };
    results.push(result);
    emit({ type: 'node_finish', id: result.unique_id, index: nextIndex++, total, status: 'skipped', seconds: 0, message, result });
  };

  /** Skips every not-yet-finished descendant of `from` (iteratively: deep chains must not overflow). */
  const skipDescendants = (from: number, root: string): void => {
    const stack = [...states[from]!.children];
    while (stack.length > 0) {
      const c = stack.pop()!;
      const state = states[c]!;
      if (state.done || state.failedRoot !== undefined) continue;
      state.failedRoot = root;
      finishSkipped(c, `skipped: upstream ${describe(root)} failed`);
      stack.push(...state.children);
    }
  };

  return new Promise<RunResult[]>((resolve) => {
    const settle = (): void => {
      options.signal?.removeEventListener('abort', onAbort);
      const elapsed = (Date.now() - runStarted) / 1000;
      emit({ type: 'run_finish', results, elapsed });
      resolve(results);
    };

    /** Records a finished node and releases (or skips) its children. */
    const finish = (i: number, threadId: string | undefined, started: number, completed: number, outcome: NodeOutcome): void => {
      const state = states[i]!;
      state.done = true;
      finished++;
      const result: RunResult = {
        unique_id: nodes[i]!.id,
        status: outcome.status,
        message: outcome.message,
        timing: [{ name: 'execute', started_at: new Date(started).toISOString(), completed_at: new Date(completed).toISOString() }],
        thread_id: threadId,
        execution_time: (completed - started) / 1000,
        adapter_response: outcome.adapterResponse ?? {},
        failures: outcome.failures,
        rows_affected: outcome.rowsAffected,
        error: outcome.error,
        ...(outcome.batchResults ? { batch_results: outcome.batchResults } : {}),
      };
      results.push(result);
      emit({ type: 'node_finish', id: result.unique_id, index: nextIndex++, total, status: result.status, seconds: result.execution_time, message: result.message, result });

      if (isFailure(outcome.status)) {
        skipDescendants(i, nodes[i]!.id);
        if (options.failFast && stopReason === undefined) {
          stopReason = `skipped: fail-fast after ${describe(nodes[i]!.id)} failed`;
          internal.abort(new XformError('XFORM_FAIL_FAST', stopReason));
        }
      } else {
        for (const c of state.children) {
          const child = states[c]!;
          if (--child.pendingParents === 0 && !child.done) ready.push(c);
        }
      }
    };

    const complete = (i: number, threadId: string, slot: number, started: number, outcome: NodeOutcome): void => {
      const completed = Date.now();
      running--;
      freeSlots.push(slot);
      const { settled, ...own } = outcome;
      // Settled nodes are claimed first (a failure of this node must not skip them), reported right after it.
      const claimed: { j: number; seconds: number; outcome: NodeOutcome }[] = [];
      for (const s of settled ?? []) {
        const j = indexOf.get(s.id);
        if (j === undefined || states[j]!.done) continue;
        states[j]!.done = true;
        claimed.push({ j, seconds: s.seconds, outcome: s.outcome });
      }
      finish(i, threadId, started, completed, own);
      for (const c of claimed) finish(c.j, threadId, Math.max(started, completed - c.seconds * 1000), completed, c.outcome);
      pump();
    };

    const launch = (i: number): void => {
      const slot = freeSlots.pop()!;
      const threadId = `Thread-${slot}`;
      running++;
      const started = Date.now();
      emit({ type: 'node_start', id: nodes[i]!.id, total, threadId });
      let promise: Promise<NodeOutcome>;
      try {
        promise = Promise.resolve(execute(nodes[i]!.id, internal.signal));
      } catch (err) {
        promise = Promise.reject(err);
      }
      promise.then(
        (outcome) => complete(i, threadId, slot, started, outcome),
        (err: unknown) => complete(i, threadId, slot, started, errorOutcome(err)),
      );
    };

    const pump = (): void => {
      if (internal.signal.aborted && stopReason === undefined) stopReason = 'skipped: run cancelled';
      if (stopReason === undefined) {
        while (running < threads && head < ready.length) {
          const i = ready[head++]!;
          if (!states[i]!.done) launch(i);
        }
      }
      if (running > 0) return;
      if (finished < total) {
        // Either the run was stopped, or the remaining nodes wait on each other (a cycle the graph layer
        // should have rejected): they cannot run, so report them instead of hanging.
        const reason = stopReason ?? 'skipped: dependency cycle among the remaining nodes';
        for (let i = 0; i < total; i++) finishSkipped(i, reason);
      }
      settle();
    };

    pump();
  });
}
