/**
 * BigQuery table settings from a model's config, in dbt's spelling: `partition_by` ({field, data_type,
 * granularity} or {field, data_type: int64, range: {start, end, interval}}), `cluster_by` (up to four
 * columns), `labels`, `require_partition_filter`, `partition_expiration_days`, `hours_to_expiration`,
 * `kms_key_name`. Each becomes a clause of CREATE TABLE; a malformed value is a user error naming the key.
 */
import { didYouMeanHint, XformError } from '@xform/core/dialect';

export const PARTITION_DATA_TYPES = ['date', 'timestamp', 'datetime', 'int64'] as const;
export const GRANULARITIES = ['hour', 'day', 'month', 'year'] as const;

export interface PartitionBy {
  field: string;
  dataType: (typeof PARTITION_DATA_TYPES)[number];
  granularity: (typeof GRANULARITIES)[number];
  range?: { start: number; end: number; interval: number };
}

type Config = Readonly<Record<string, unknown>>;

function invalid(message: string, hint?: string): XformError {
  return new XformError('XFORM_CONFIG_INVALID', message, { hint });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `partition_by` checked and with defaults (data_type date, granularity day); undefined when not set. */
export function partitionBy(config: Config | undefined): PartitionBy | undefined {
  const raw = config?.partition_by;
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw) || typeof raw.field !== 'string' || raw.field.trim() === '') {
    throw invalid(
      `partition_by must be a mapping with a 'field' (and 'data_type', 'granularity' or 'range'), got ${JSON.stringify(raw)}`,
      "e.g. partition_by: {field: created_at, data_type: timestamp, granularity: day}",
    );
  }
  const dataType = String(raw.data_type ?? 'date').toLowerCase();
  if (!(PARTITION_DATA_TYPES as readonly string[]).includes(dataType)) {
    throw invalid(
      `partition_by.data_type must be one of ${PARTITION_DATA_TYPES.join(', ')}, got '${String(raw.data_type)}'`,
      didYouMeanHint(dataType, PARTITION_DATA_TYPES),
    );
  }
  const granularity = String(raw.granularity ?? 'day').toLowerCase();
  if (!(GRANULARITIES as readonly string[]).includes(granularity)) {
    throw invalid(`partition_by.granularity must be one of ${GRANULARITIES.join(', ')}, got '${String(raw.granularity)}'`, didYouMeanHint(granularity, GRANULARITIES));
  }
  if (dataType === 'date' && granularity === 'hour') throw invalid("partition_by: a date column cannot be partitioned by 'hour'", "use data_type timestamp or datetime, or granularity day");
  const result: PartitionBy = { field: raw.field.trim(), dataType: dataType as PartitionBy['dataType'], granularity: granularity as PartitionBy['granularity'] };
  if (dataType === 'int64') {
    const range = raw.range;
    const numbers = isRecord(range) ? [range.start, range.end, range.interval] : [];
    if (!isRecord(range) || !numbers.every((n) => typeof n === 'number' && Number.isInteger(n))) {
      throw invalid('partition_by with data_type int64 needs range: {start, end, interval} (whole numbers)', 'e.g. range: {start: 0, end: 100000, interval: 1000}');
    }
    result.range = { start: range.start as number, end: range.end as number, interval: range.interval as number };
  }
  return result;
}

/** `cluster_by` as a list of column names (BigQuery allows at most four). */
export function clusterBy(config: Config | undefined, maxColumns = Number.POSITIVE_INFINITY): string[] {
  const raw = config?.cluster_by;
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((c) => typeof c === 'string' && c.trim() !== '')) throw invalid(`cluster_by must be a column name or a list of them, got ${JSON.stringify(raw)}`);
  if (list.length > maxColumns) throw invalid(`cluster_by names ${list.length} columns; BigQuery clusters by at most ${maxColumns}`);
  return list.map((c) => (c as string).trim());
}

/** Table labels: a mapping of strings (BigQuery lower-cases nothing; keys must already be valid). */
export function labels(config: Config | undefined): [string, string][] {
  const raw = config?.labels;
  if (raw === undefined || raw === null) return [];
  if (!isRecord(raw)) throw invalid(`labels must be a mapping of label names to values, got ${JSON.stringify(raw)}`);
  return Object.entries(raw).map(([k, v]) => [k, String(v)]);
}

export function positiveNumber(config: Config | undefined, key: string): number | undefined {
  const raw = config?.[key];
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'number' || !(raw > 0)) throw invalid(`${key} must be a positive number, got ${JSON.stringify(raw)}`);
  return raw;
}
