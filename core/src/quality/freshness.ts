/**
 * Source freshness (`xform source freshness`): for each selected source table with a `loaded_at_field` and
 * a `warn_after`/`error_after` rule, ask the warehouse for the newest load time and its own clock, and
 * grade the age. Times are compared in UTC: a timestamp without a time zone is taken to be UTC (as in dbt),
 * and "now" is the warehouse's `current_timestamp` converted to UTC by the Dialect.
 */
import type { Adapter, Dialect } from '../adapter/types.js';
import { XformError } from '../errors.js';
import type { SourceNode } from '../graph/types.js';
import type { FreshnessConfig, FreshnessRule } from '../project/types.js';
import { runScheduler, type RunEvent, type RunResult } from '../run/scheduler.js';

/** dbt's freshness statuses. */
export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessResult {
  unique_id: string;
  status: FreshnessStatus;
  /** ISO 8601 in UTC; null when the table has no row with a load time. */
  max_loaded_at: string | null;
  /** The warehouse's clock when the query ran, ISO 8601 in UTC. */
  snapshotted_at: string | null;
  /** Seconds between max_loaded_at and snapshotted_at; null when there is no load time. */
  max_loaded_at_time_ago_in_s: number | null;
  criteria: FreshnessConfig;
  /** For people: "2h 5m ago" or the error. */
  message: string;
  timing: RunResult['timing'];
  thread_id?: string;
  execution_time: number;
  adapter_response: Record<string, unknown>;
  error?: unknown;
}

const PERIOD_SECONDS: Record<FreshnessRule['period'], number> = { minute: 60, hour: 3600, day: 86400 };

export function ruleSeconds(rule: FreshnessRule): number {
  return rule.count * PERIOD_SECONDS[rule.period];
}

/** A source table takes part in freshness when it has a load-time column and at least one rule. */
export function hasFreshness(node: SourceNode): boolean {
  const f = node.freshness;
  return node.loaded_at_field !== undefined && node.loaded_at_field !== '' && f != null && (f.warn_after != null || f.error_after != null);
}

/** The query: newest load time and the warehouse's UTC clock (`where <filter>` when the rule has one). */
export function freshnessSql(dialect: Pick<Dialect, 'currentTimestamp'>, node: SourceNode): string {
  const filter = node.freshness?.filter?.trim();
  return [
    `select max(${node.loaded_at_field}) as max_loaded_at, ${dialect.currentTimestamp()} as snapshotted_at`,
    `from ${node.relation_name}`,
    ...(filter ? [`where ${filter}`] : []),
  ].join('\n');
}

/** Grades an age in seconds (undefined: no load time at all, i.e. infinitely old). */
export function freshnessStatus(ageSeconds: number | undefined, criteria: FreshnessConfig): 'pass' | 'warn' | 'error' {
  const age = ageSeconds ?? Infinity;
  if (criteria.error_after && age > ruleSeconds(criteria.error_after)) return 'error';
  if (criteria.warn_after && age > ruleSeconds(criteria.warn_after)) return 'warn';
  return 'pass';
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Milliseconds since the epoch of a warehouse timestamp value: ISO text (adapters return timestamps so) or a
 * Date. Text without a zone is UTC. Undefined for null and for what is not a time — numbers included: an
 * epoch column could count seconds or milliseconds, so it must be converted in `loaded_at_field`.
 */
export function utcMillis(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string') return undefined;
  const m = ISO.exec(String(value).trim());
  if (!m) return undefined;
  const [, date, time = '00:00:00', fraction = '', zone = 'Z'] = m;
  const ms = fraction === '' ? '' : fraction.slice(0, 4).padEnd(4, '0');
  const offset = zone === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const parsed = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}${ms}${offset}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** `3d 4h`, `2h 5m`, `12m 3s`, `40s`. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

function describeRule(name: string, rule: FreshnessRule | undefined): string | undefined {
  return rule ? `${name} ${rule.count} ${rule.period}${rule.count === 1 ? '' : 's'}` : undefined;
}

/** "warn_after 1 hour, error_after 1 day". */
export function describeCriteria(criteria: FreshnessConfig): string {
  return [describeRule('warn_after', criteria.warn_after), describeRule('error_after', criteria.error_after)].filter(Boolean).join(', ');
}

interface Measured {
  status: 'pass' | 'warn' | 'error';
  max_loaded_at: string | null;
  snapshotted_at: string;
  age: number | null;
  message: string;
}

/** Runs the freshness query of one source table on one connection. */
export async function measureFreshness(adapter: Adapter, node: SourceNode): Promise<Measured> {
  const result = await adapter.withConnection((c) => c.execute(freshnessSql(adapter.dialect, node), { label: node.unique_id }));
  const row = result.rows[0] ?? {};
  const now = utcMillis(row.snapshotted_at);
  if (now === undefined) {
    throw new XformError('XFORM_FRESHNESS_NO_CLOCK', `the warehouse returned no current time for ${node.relation_name} (got ${String(row.snapshotted_at)})`);
  }
  const rawLoaded = row.max_loaded_at;
  const loaded = utcMillis(rawLoaded);
  if (rawLoaded !== null && rawLoaded !== undefined && loaded === undefined) {
    throw new XformError(
      'XFORM_FRESHNESS_NOT_A_TIME',
      `loaded_at_field '${node.loaded_at_field}' of source '${node.source_name}.${node.name}' is not a timestamp (got '${String(rawLoaded)}')`,
      {
        location: { file: node.original_file_path, line: node.line },
        hint: typeof rawLoaded === 'number' ? 'convert it in loaded_at_field, e.g. "to_timestamp(loaded_at)" for epoch seconds' : 'cast it in loaded_at_field, e.g. "cast(loaded_at as timestamp)"',
      },
    );
  }
  const age = loaded === undefined ? null : (now - loaded) / 1000;
  const criteria = node.freshness ?? {};
  const status = freshnessStatus(age ?? undefined, criteria);
  const ageText = age === null ? 'no rows with a load time' : age < 0 ? `loaded ${formatAge(-age)} in the future` : `${formatAge(age)} ago`;
  const message = status === 'pass' ? ageText : `${ageText} (${describeCriteria(criteria)})`;
  return {
    status,
    max_loaded_at: loaded === undefined ? null : new Date(loaded).toISOString(),
    snapshotted_at: new Date(now).toISOString(),
    age,
    message,
  };
}

export interface CheckFreshnessOptions {
  adapter: Adapter;
  /** Source tables to check (those without freshness are left out by the caller, see `hasFreshness`). */
  sources: SourceNode[];
  threads: number;
  signal?: AbortSignal;
  onEvent?(event: RunEvent): void;
}

/** Checks every source table, `threads` at a time. A failing query is a `runtime error`, never a throw. */
export async function checkFreshness(options: CheckFreshnessOptions): Promise<FreshnessResult[]> {
  const byId = new Map(options.sources.map((s) => [s.unique_id, s]));
  const measured = new Map<string, Measured>();
  const results = await runScheduler({
    nodes: options.sources.map((s) => ({ id: s.unique_id, parents: [] })),
    threads: options.threads,
    signal: options.signal,
    onEvent: options.onEvent,
    describe: (id) => `source '${byId.get(id)?.source_name}.${byId.get(id)?.name}'`,
    execute: async (id) => {
      const m = await measureFreshness(options.adapter, byId.get(id)!);
      measured.set(id, m);
      // `fail` (not `error`) marks stale data, so that a runtime error stays distinguishable.
      return { status: m.status === 'error' ? 'fail' : m.status, message: m.message };
    },
  });
  return results.map((r) => {
    const m = measured.get(r.unique_id);
    const criteria = byId.get(r.unique_id)?.freshness ?? {};
    const base = { unique_id: r.unique_id, criteria, timing: r.timing, thread_id: r.thread_id, execution_time: r.execution_time, adapter_response: r.adapter_response };
    if (!m) {
      return { ...base, status: 'runtime error', max_loaded_at: null, snapshotted_at: null, max_loaded_at_time_ago_in_s: null, message: r.message, error: r.error };
    }
    return { ...base, status: m.status, max_loaded_at: m.max_loaded_at, snapshotted_at: m.snapshotted_at, max_loaded_at_time_ago_in_s: m.age, message: m.message };
  });
}
