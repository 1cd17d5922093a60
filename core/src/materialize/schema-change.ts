/**
 * on_schema_change for incremental models: compare the staging table (this run's rows) with the target
 * table and decide which columns to write and which DDL to apply first.
 *
 * - ignore: write only the columns both have; new columns are dropped, removed ones get NULL on insert;
 * - fail: any added or removed column is an error (XFORM_SCHEMA_CHANGE) listing them;
 * - append_new_columns: add new columns to the target; removed ones stay (NULL on insert);
 * - sync_all_columns: add new, drop removed, change the types of columns whose type changed.
 */
import type { ColumnInfo, Dialect, Relation } from '../adapter/types.js';
import { didYouMeanHint, XformError } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';

export const ON_SCHEMA_CHANGE_MODES = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;
export type OnSchemaChange = (typeof ON_SCHEMA_CHANGE_MODES)[number];

export interface SchemaDiff {
  /** In staging, not in target (staging spelling and type). */
  added: ColumnInfo[];
  /** In target, not in staging. */
  removed: ColumnInfo[];
  /** In both with a different type: target spelling, both types. */
  changed: { name: string; from: string; to: string }[];
  /** In both, target spelling, in staging order. */
  shared: string[];
}

export interface SchemaPlan {
  diff: SchemaDiff;
  /**
   * DDL to run on the target before writing rows: inside the writing transaction where DDL is
   * transactional, just before it elsewhere (see incremental.ts).
   */
  statements: string[];
  /** Columns to insert/update, in order, as the target names them after the DDL. */
  columns: string[];
}

/** The node's on_schema_change, validated; default `ignore`. */
export function resolveOnSchemaChange(node: ExecutableNode): OnSchemaChange {
  const raw = node.config.on_schema_change;
  if (raw === undefined || raw === null) return 'ignore';
  if ((ON_SCHEMA_CHANGE_MODES as readonly unknown[]).includes(raw)) return raw as OnSchemaChange;
  throw new XformError('XFORM_CONFIG_INVALID', `${node.name}: unknown on_schema_change '${String(raw)}'; expected one of ${ON_SCHEMA_CHANGE_MODES.join(', ')}`, {
    location: { file: node.original_file_path },
    hint: didYouMeanHint(String(raw), ON_SCHEMA_CHANGE_MODES),
  });
}

const normalizeType = (t: string): string => t.trim().replace(/\s+/g, ' ').toUpperCase();

/**
 * Finds columns by name: exact first, then case-insensitively (warehouses that fold unquoted names report
 * them in one case while a query may spell them in another).
 */
export class ColumnLookup {
  private readonly exact = new Map<string, ColumnInfo>();
  private readonly folded = new Map<string, ColumnInfo>();
  constructor(readonly columns: ColumnInfo[]) {
    for (const c of columns) {
      this.exact.set(c.name, c);
      if (!this.folded.has(c.name.toLowerCase())) this.folded.set(c.name.toLowerCase(), c);
    }
  }
  get(name: string): ColumnInfo | undefined {
    return this.exact.get(name) ?? this.folded.get(name.toLowerCase());
  }
}

export function diffColumns(staging: ColumnInfo[], target: ColumnInfo[]): SchemaDiff {
  const inTarget = new ColumnLookup(target);
  const inStaging = new ColumnLookup(staging);
  const diff: SchemaDiff = { added: [], removed: [], changed: [], shared: [] };
  for (const s of staging) {
    const t = inTarget.get(s.name);
    if (!t) {
      diff.added.push(s);
      continue;
    }
    diff.shared.push(t.name);
    if (normalizeType(s.dataType) !== normalizeType(t.dataType)) diff.changed.push({ name: t.name, from: t.dataType, to: s.dataType });
  }
  for (const t of target) if (!inStaging.get(t.name)) diff.removed.push(t);
  return diff;
}

export function planSchemaChange(
  node: ExecutableNode,
  mode: OnSchemaChange,
  staging: ColumnInfo[],
  targetColumns: ColumnInfo[],
  dialect: Dialect,
  target: Relation,
): SchemaPlan {
  const diff = diffColumns(staging, targetColumns);
  const plan: SchemaPlan = { diff, statements: [], columns: [...diff.shared] };
  const structural = diff.added.length > 0 || diff.removed.length > 0;
  switch (mode) {
    case 'ignore':
      break;
    case 'fail':
      if (structural) {
        const parts: string[] = [];
        if (diff.added.length > 0) parts.push(`added: ${diff.added.map((c) => c.name).join(', ')}`);
        if (diff.removed.length > 0) parts.push(`removed: ${diff.removed.map((c) => c.name).join(', ')}`);
        const snapshot = node.resource_type === 'snapshot';
        throw new XformError(
          'XFORM_SCHEMA_CHANGE',
          `${node.name}: the ${snapshot ? "snapshot query's" : "model's"} columns changed (${parts.join('; ')}) and on_schema_change is 'fail'`,
          {
            location: { file: node.original_file_path },
            // A snapshot's history cannot be rebuilt from its query, so there is no --full-refresh to offer.
            hint: snapshot
              ? "set on_schema_change to 'append_new_columns' (the snapshot default: new columns are added, removed ones stay with NULL in new versions)"
              : "set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild with --full-refresh",
          },
        );
      }
      break;
    case 'append_new_columns':
      for (const c of diff.added) plan.statements.push(dialect.addColumn(target, { name: c.name, dataType: c.dataType }));
      plan.columns = allStagingColumns(staging, targetColumns);
      break;
    case 'sync_all_columns':
      for (const c of diff.removed) plan.statements.push(dialect.dropColumn(target, c.name));
      for (const c of diff.added) plan.statements.push(dialect.addColumn(target, { name: c.name, dataType: c.dataType }));
      for (const c of diff.changed) plan.statements.push(dialect.alterColumnType(target, c.name, c.to));
      plan.columns = allStagingColumns(staging, targetColumns);
      break;
  }
  if (plan.columns.length === 0) throw nothingShared(node, staging, targetColumns);
  return plan;
}

/** `ignore` with no column in common would write `insert ()`: say what the table and the model have. */
function nothingShared(node: ExecutableNode, staging: ColumnInfo[], targetColumns: ColumnInfo[]): XformError {
  const names = (columns: ColumnInfo[]) => columns.map((c) => c.name).join(', ') || '(none)';
  return new XformError(
    'XFORM_INCREMENTAL_NO_SHARED_COLUMNS',
    `${node.name}: the model's columns (${names(staging)}) have none in common with the existing table's (${names(targetColumns)}), so there is nothing to write`,
    {
      location: { file: node.original_file_path },
      hint: "rebuild the table with --full-refresh, or set on_schema_change to 'append_new_columns' or 'sync_all_columns'",
    },
  );
}

/** Every staging column, spelled as the target spells it where the target already has it. */
function allStagingColumns(staging: ColumnInfo[], targetColumns: ColumnInfo[]): string[] {
  const lookup = new ColumnLookup(targetColumns);
  return staging.map((s) => lookup.get(s.name)?.name ?? s.name);
}
