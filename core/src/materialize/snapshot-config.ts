/**
 * A snapshot's config as the SCD2 algorithm needs it (dbt's keys): strategy, unique_key, updated_at,
 * check_cols, hard_deletes (or the legacy invalidate_hard_deletes), dbt_valid_to_current and the names of
 * the meta columns (snapshot_meta_column_names). Checked again here, before any SQL runs, so that a snapshot
 * built by any path fails with the same XformError.
 */
import { didYouMeanHint, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import { HARD_DELETES_MODES, SNAPSHOT_STRATEGIES } from '../compile/snapshot-config.js';
import { resolveOnSchemaChange, type OnSchemaChange } from './schema-change.js';

// One list of each for compile's checks and the run's; compile reports mistakes first, at their lines.
export { HARD_DELETES_MODES, SNAPSHOT_STRATEGIES };
export type HardDeletes = (typeof HARD_DELETES_MODES)[number];

/** The meta columns a snapshot adds, by dbt's name; snapshot_meta_column_names renames any of them. */
export interface MetaColumns {
  dbt_scd_id: string;
  dbt_updated_at: string;
  dbt_valid_from: string;
  dbt_valid_to: string;
  dbt_is_deleted: string;
}
export const DEFAULT_META_COLUMNS: MetaColumns = {
  dbt_scd_id: 'dbt_scd_id',
  dbt_updated_at: 'dbt_updated_at',
  dbt_valid_from: 'dbt_valid_from',
  dbt_valid_to: 'dbt_valid_to',
  dbt_is_deleted: 'dbt_is_deleted',
};

export interface SnapshotPlan {
  strategy: (typeof SNAPSHOT_STRATEGIES)[number];
  /** Column names or SQL expressions over the query's columns (dbt accepts both). */
  uniqueKey: string[];
  /** timestamp: the column saying when a row last changed. check: optional (default: the run's time). */
  updatedAt?: string;
  /** check only. */
  checkCols: 'all' | string[];
  hardDeletes: HardDeletes;
  /** SQL expression current rows carry in dbt_valid_to instead of NULL. */
  validToCurrent?: string;
  meta: MetaColumns;
  /** Default `append_new_columns`: dbt adds a snapshot's new columns and keeps removed ones (NULL from then on). */
  onSchemaChange: OnSchemaChange;
}

const location = (node: ExecutableNode) => ({ file: node.original_file_path, ...(node.line === undefined ? {} : { line: node.line }) });

function invalid(node: ExecutableNode, message: string, hint?: string): XformError {
  return new XformError('XFORM_SNAPSHOT_CONFIG', `${node.name}: ${message}`, { location: location(node), ...(hint ? { hint } : {}) });
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

export function resolveSnapshotConfig(node: ExecutableNode): SnapshotPlan {
  const config = node.config as Record<string, unknown>;
  const strategy = config.strategy;
  if (!(SNAPSHOT_STRATEGIES as readonly unknown[]).includes(strategy)) {
    throw invalid(node, `strategy must be one of ${SNAPSHOT_STRATEGIES.join(', ')}, got ${JSON.stringify(strategy ?? null)}`, didYouMeanHint(String(strategy), SNAPSHOT_STRATEGIES));
  }
  const rawKey = config.unique_key;
  const uniqueKey = (Array.isArray(rawKey) ? rawKey : rawKey === undefined || rawKey === null ? [] : [rawKey]) as unknown[];
  if (uniqueKey.length === 0 || !uniqueKey.every(nonEmptyString)) {
    throw invalid(node, `unique_key must be a column (or expression) or a list of them, got ${JSON.stringify(rawKey ?? null)}`, 'e.g. unique_key: id, or unique_key: [region, id]');
  }
  const updatedAt = config.updated_at;
  if (updatedAt !== undefined && updatedAt !== null && !nonEmptyString(updatedAt)) throw invalid(node, `updated_at must be a column name, got ${JSON.stringify(updatedAt)}`);
  if (strategy === 'timestamp' && !nonEmptyString(updatedAt)) {
    throw invalid(node, "strategy 'timestamp' needs updated_at", "set updated_at to the column saying when a row last changed, or use strategy 'check' with check_cols");
  }
  let checkCols: 'all' | string[] = 'all';
  if (strategy === 'check') {
    const raw = config.check_cols;
    if (raw === 'all') checkCols = 'all';
    else if (Array.isArray(raw) && raw.length > 0 && raw.every(nonEmptyString)) checkCols = raw.map((c) => c.trim());
    else throw invalid(node, `strategy 'check' needs check_cols: 'all' or a list of columns, got ${JSON.stringify(raw ?? null)}`);
  }
  return {
    strategy: strategy as SnapshotPlan['strategy'],
    uniqueKey: uniqueKey.map((k) => k.trim()),
    ...(nonEmptyString(updatedAt) ? { updatedAt: updatedAt.trim() } : {}),
    checkCols,
    hardDeletes: hardDeletes(node, config),
    ...(nonEmptyString(config.dbt_valid_to_current) ? { validToCurrent: config.dbt_valid_to_current.trim() } : {}),
    meta: metaColumns(node, config.snapshot_meta_column_names),
    onSchemaChange: config.on_schema_change === undefined || config.on_schema_change === null ? 'append_new_columns' : resolveOnSchemaChange(node),
  };
}

/** dbt's get_hard_deletes_behavior: the legacy boolean means `invalidate`; both set at once is an error. */
function hardDeletes(node: ExecutableNode, config: Record<string, unknown>): HardDeletes {
  const legacy = config.invalidate_hard_deletes;
  const mode = config.hard_deletes;
  const legacySet = legacy !== undefined && legacy !== null;
  const modeSet = mode !== undefined && mode !== null;
  if (legacySet && modeSet) throw invalid(node, 'set either hard_deletes or invalidate_hard_deletes, not both', "invalidate_hard_deletes: true is the older spelling of hard_deletes: 'invalidate'");
  if (legacySet) {
    if (typeof legacy !== 'boolean') throw invalid(node, `invalidate_hard_deletes must be true or false, got ${JSON.stringify(legacy)}`);
    return legacy ? 'invalidate' : 'ignore';
  }
  if (!modeSet) return 'ignore';
  if ((HARD_DELETES_MODES as readonly unknown[]).includes(mode)) return mode as HardDeletes;
  throw invalid(node, `hard_deletes must be one of ${HARD_DELETES_MODES.join(', ')}, got ${JSON.stringify(mode)}`, didYouMeanHint(String(mode), HARD_DELETES_MODES));
}

function metaColumns(node: ExecutableNode, raw: unknown): MetaColumns {
  if (raw === undefined || raw === null) return { ...DEFAULT_META_COLUMNS };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(node, `snapshot_meta_column_names must be a mapping, got ${JSON.stringify(raw)}`);
  const meta = { ...DEFAULT_META_COLUMNS };
  const keys = Object.keys(DEFAULT_META_COLUMNS) as (keyof MetaColumns)[];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(keys as string[]).includes(key)) throw invalid(node, `snapshot_meta_column_names has no key '${key}'; expected ${keys.join(', ')}`, didYouMeanHint(key, keys));
    if (!nonEmptyString(value)) throw invalid(node, `snapshot_meta_column_names.${key} must be a column name, got ${JSON.stringify(value)}`);
    meta[key as keyof MetaColumns] = value.trim();
  }
  const names = Object.values(meta).map((n) => n.toLowerCase());
  if (new Set(names).size !== names.length) throw invalid(node, `snapshot_meta_column_names gives two meta columns the same name (${Object.values(meta).join(', ')})`);
  return meta;
}
