/**
 * Microbatch models (dbt 1.9's `incremental_strategy='microbatch'`): their config, checked at compile time,
 * and the batches a run processes. Pure time arithmetic in UTC; the write algorithm is in
 * materialize/microbatch.ts.
 *
 * Batches follow dbt's MicrobatchBuilder: the end is the ceiling of now (or --event-time-end) to the batch
 * size; the start is `begin` on a first run or full refresh, --event-time-start when given, else the batch
 * holding now minus `lookback` batches. Every batch is [start, end) and the last one ends at the end.
 */
import { XformError, didYouMeanHint, type DiagnosticBag, type SourceLocation } from '../errors.js';
import type { Dialect } from '../adapter/types.js';
import type { ExecutableNode, TestNode } from '../graph/types.js';
import type { BatchRender } from './render-context.js';
import { locateConfigValue } from './source-lines.js';

export const BATCH_SIZES = ['hour', 'day', 'month', 'year'] as const;
export type BatchSize = (typeof BATCH_SIZES)[number];

/** One batch, [start, end), as ISO 8601 UTC (`2026-01-10T00:00:00Z`): run_results.json's `batch_results`. */
export type Batch = [string, string];

export interface MicrobatchConfig {
  /** The model's own event-time column (its output is kept to each batch's window by it). */
  eventTime: string;
  batchSize: BatchSize;
  begin: Date;
  /** Batches before the current one that a normal run processes again. Default 1. */
  lookback: number;
  /** Unset: batches run in parallel when the model does not read `this` (dbt's rule). */
  concurrentBatches?: boolean;
}

export function isMicrobatch(node: ExecutableNode | TestNode): boolean {
  return node.resource_type === 'model' && node.config.materialized === 'incremental' && node.config.incremental_strategy === 'microbatch';
}

/**
 * A date or datetime as users write them (`2026-01-10`, `2026-01-10T06:00:00`, `2026-01-10 06:00:00Z`,
 * with an optional UTC offset); without an offset it is UTC. Undefined when the text is none of these.
 */
export function parseEventTime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const date = new Date(local);
  // Date.UTC rolls 2026-02-30 over to March: refuse it instead.
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (zone === undefined || zone === 'Z') return date;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return new Date(local - sign * minutes * 60_000);
}

/** `2026-01-10T00:00:00Z`. */
export function isoUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function truncate(date: Date, size: BatchSize): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  switch (size) {
    case 'hour':
      return new Date(Date.UTC(y, m, date.getUTCDate(), date.getUTCHours()));
    case 'day':
      return new Date(Date.UTC(y, m, date.getUTCDate()));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

/** `date` truncated to the batch size, moved by `count` batches. */
export function offset(date: Date, size: BatchSize, count: number): Date {
  const t = truncate(date, size);
  switch (size) {
    case 'hour':
      return new Date(t.getTime() + count * 3_600_000);
    case 'day':
      return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + count));
    case 'month':
      return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + count, 1));
    case 'year':
      return new Date(Date.UTC(t.getUTCFullYear() + count, 0, 1));
  }
}

function ceiling(date: Date, size: BatchSize): Date {
  const t = truncate(date, size);
  return t.getTime() === date.getTime() ? t : offset(t, size, 1);
}

export interface BatchWindowOptions {
  /** The current time (default: now). */
  now?: Date;
  /** The target exists as a table and this is no full refresh: start from now minus lookback. */
  incremental: boolean;
  /** --event-time-start / --event-time-end. */
  start?: Date;
  end?: Date;
}

export function planBatches(config: MicrobatchConfig, options: BatchWindowOptions): Batch[] {
  const size = config.batchSize;
  const end = ceiling(options.end ?? options.now ?? new Date(), size);
  let start: Date;
  if (options.start) start = truncate(options.start, size);
  else if (!options.incremental) start = truncate(config.begin, size);
  // The end is a batch boundary, so the batch before it is the current one: lookback batches before that.
  else start = offset(end, size, -(config.lookback + 1));
  const batches: Batch[] = [];
  for (let from = start; from.getTime() < end.getTime(); ) {
    const to = offset(from, size, 1);
    batches.push([isoUtc(from), isoUtc(to.getTime() > end.getTime() ? end : to)]);
    from = to;
  }
  return batches;
}

/** dbt's batch id in text: `2026-01-03` for a day, `2026-01-03T05` for an hour, `2026-01`, `2026`. */
export function batchLabel(batch: Batch, size: BatchSize): string {
  const iso = batch[0];
  switch (size) {
    case 'hour':
      return iso.slice(0, 13);
    case 'day':
      return iso.slice(0, 10);
    case 'month':
      return iso.slice(0, 7);
    case 'year':
      return iso.slice(0, 4);
  }
}

/**
 * The checked config of a microbatch model. Every problem is an XformError at the line that sets the key
 * (or the file's first line when the key is missing or set in YAML), with a did-you-mean for batch_size.
 */
export function microbatchConfig(node: ExecutableNode): MicrobatchConfig {
  const { config } = node;
  const where = (key: string, value: unknown): SourceLocation =>
    typeof value === 'string' ? locateConfigValue(node.original_file_path, node.raw_code ?? '', key, value) : { file: node.original_file_path, line: node.line ?? 1 };
  const fail = (key: string, message: string, hint?: string): never => {
    throw new XformError('XFORM_MICROBATCH_CONFIG', `model '${node.name}': ${message}`, { location: where(key, config[key]), hint });
  };
  if (config.materialized !== 'incremental') fail('materialized', `incremental_strategy 'microbatch' needs materialized='incremental'`);
  const eventTime = config.event_time;
  if (typeof eventTime !== 'string' || eventTime.trim() === '') {
    fail('event_time', `a microbatch model needs event_time (the column that holds each row's event time)`, "e.g. config(event_time='ordered_at')");
  }
  const batchSize = config.batch_size;
  if (!(BATCH_SIZES as readonly unknown[]).includes(batchSize)) {
    fail(
      'batch_size',
      batchSize === undefined ? `a microbatch model needs batch_size, one of ${BATCH_SIZES.join(', ')}` : `batch_size must be one of ${BATCH_SIZES.join(', ')}, got ${JSON.stringify(batchSize)}`,
      typeof batchSize === 'string' ? didYouMeanHint(batchSize, BATCH_SIZES) : undefined,
    );
  }
  const begin = parseEventTime(config.begin);
  if (!begin) {
    fail(
      'begin',
      config.begin === undefined ? 'a microbatch model needs begin (when its first batch starts)' : `begin must be a date or datetime (2026-01-01 or 2026-01-01T00:00:00Z), got ${JSON.stringify(config.begin)}`,
      "e.g. config(begin='2026-01-01')",
    );
  }
  const lookback = config.lookback ?? 1;
  if (typeof lookback !== 'number' || !Number.isInteger(lookback) || lookback < 0) fail('lookback', `lookback must be a whole number of batches (0 or more), got ${JSON.stringify(lookback)}`);
  const concurrent = config.concurrent_batches;
  if (concurrent !== undefined && typeof concurrent !== 'boolean') fail('concurrent_batches', `concurrent_batches must be true or false, got ${JSON.stringify(concurrent)}`);
  return {
    eventTime: (eventTime as string).trim(),
    batchSize: batchSize as BatchSize,
    begin: begin!,
    lookback: lookback as number,
    ...(concurrent === undefined ? {} : { concurrentBatches: concurrent as boolean }),
  };
}

/** An upstream node's or source's event_time, or undefined: refs to it are then not filtered. */
export function upstreamEventTime(config: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = config?.event_time;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** What a batch's render needs: dbt's id and bounds, and the dialect's filter for upstream event_time. */
export function batchRender(dialect: Pick<Dialect, 'name' | 'eventTimeFilter'>, config: MicrobatchConfig, batch: Batch): BatchRender {
  const filter = dialect.eventTimeFilter?.bind(dialect);
  if (!filter) throw new XformError('XFORM_ADAPTER_CONTRACT', `the ${dialect.name} dialect has no eventTimeFilter: microbatch models need it`);
  const dbtText = (iso: string) => `${iso.replace('T', ' ').replace(/Z$/, '')}+00:00`;
  return {
    id: batchLabel(batch, config.batchSize).replace(/-/g, ''),
    start: dbtText(batch[0]),
    end: dbtText(batch[1]),
    filter: (column) => filter(column, batch[0], batch[1]),
  };
}

/**
 * dbt's checks of a microbatch model's inputs, once refs are resolved: an input's event_time must be a
 * column name; with no input that has one, every batch reads all the data (a warning, as in dbt).
 */
export function checkMicrobatchInputs(node: ExecutableNode, inputs: readonly { name: string; config: Readonly<Record<string, unknown>> }[], bag: DiagnosticBag): void {
  const location = { file: node.original_file_path, line: node.line ?? 1 };
  let filtered = false;
  for (const input of inputs) {
    const value = input.config.event_time;
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value.trim() === '') {
      bag.error('XFORM_MICROBATCH_CONFIG', `model '${node.name}': its input '${input.name}' has event_time ${JSON.stringify(value)}, expected a column name`, location);
      continue;
    }
    filtered = true;
  }
  if (!filtered) {
    bag.warning(
      'XFORM_MICROBATCH_UNFILTERED',
      `microbatch model '${node.name}' has no input with event_time: every batch reads all of its inputs`,
      location,
      'set event_time on the models or source tables it reads (config: {event_time: <column>}) so each batch reads only its window',
    );
  }
}

/** Words that may follow a relation in FROM without being its alias. */
const NOT_AN_ALIAS = new Set(
  ('where join left right inner outer full cross natural lateral on using group order limit offset fetch union ' +
    'except intersect minus having window qualify for returning select from and or when then else end into values ' +
    'set tablesample pivot unpivot asof positional anti semi match_recognize at before changes sample connect start')
    .split(' '),
);

/**
 * dbt names a filtered input `(...) _dbt_et_filter_subq_<table>` (an `--empty` one `_dbt_limit_subq_`), so
 * `from {{ ref('x') }} as e` becomes `(...) _dbt_et_filter_subq_x as e`, which no warehouse accepts (dbt
 * fails the same way). When the model gives its own alias, the generated one steps aside: `(...) as e`.
 */
export function keepModelAliases(sql: string): string {
  return sql.replace(
    /\) _dbt_(?:et_filter|limit)_subq_[^\s),;]*(\s+)(as\s+)?("[^"]*"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][\w$]*)/giu,
    (whole, space: string, as: string | undefined, word: string) => {
      if (as === undefined && NOT_AN_ALIAS.has(word.toLowerCase())) return whole;
      return `)${space}${as ?? ''}${word}`;
    },
  );
}
