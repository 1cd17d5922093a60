/**
 * A snapshot's final config (folder < YAML < in-file config()) checked at compile time, with dbt's rules
 * (SnapshotConfig.final_validate and the snapshot docs): a strategy with what it needs, a unique_key, and
 * known hard_deletes and meta column names. Each problem points at the line that set the key, else at the
 * snapshot itself.
 */
import { didYouMeanHint, type DiagnosticBag, type SourceLocation } from '../errors.js';
import type { ExecutableNode } from '../graph/types.js';
import type { NodeConfig, NodePatch } from '../project/types.js';
import { positionAt } from './source-lines.js';

export const SNAPSHOT_STRATEGIES = ['timestamp', 'check'] as const;
export const HARD_DELETES_MODES = ['ignore', 'invalidate', 'new_record'] as const;
export const SNAPSHOT_META_COLUMNS = ['dbt_valid_from', 'dbt_valid_to', 'dbt_scd_id', 'dbt_updated_at', 'dbt_is_deleted'] as const;

const CODE = 'XFORM_SNAPSHOT_CONFIG';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '');
const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** Where `key` was set: a config() argument in the file, the key in the YAML entry, else the snapshot. */
function locator(node: ExecutableNode, patch: NodePatch | undefined): (key?: string) => SourceLocation {
  const file = node.original_file_path;
  const fromYaml = patch?.relation !== undefined;
  const self: SourceLocation = { file, line: node.line ?? 1 };
  return (key) => {
    // A block's body is padded to the file's own lines, so offsets in raw_code are the file's positions.
    const inFile = (pattern: RegExp) => {
      const at = fromYaml ? -1 : node.raw_code.search(pattern);
      return at === -1 ? undefined : { file, ...positionAt(node.raw_code, at) };
    };
    // A missing key is reported where it would go: the block's config() call, else the snapshot.
    if (key === undefined) return inFile(/\bconfig\s*\(/) ?? self;
    return inFile(new RegExp(`\\b${key}\\s*=`)) ?? patch?.configLocations?.[key] ?? self;
  };
}

export function checkSnapshotConfig(node: ExecutableNode, patch: NodePatch | undefined, bag: DiagnosticBag): void {
  const config = node.config;
  const where = locator(node, patch);
  const name = `snapshot '${node.name}'`;
  const error = (key: string | undefined, message: string, hint?: string) => bag.error(CODE, `${name}: ${message}`, where(key), hint);
  const strategy = config.strategy;
  const forms = "strategy='timestamp' with updated_at='<column>', or strategy='check' with check_cols=['<column>', ...] (or 'all')";

  if (config.materialized !== undefined && config.materialized !== 'snapshot') {
    error('materialized', `materialized must be 'snapshot', got ${show(config.materialized)}`, 'remove materialized from its config');
  }
  if (strategy === undefined) {
    error(undefined, 'no strategy is set', `set ${forms}`);
  } else if (typeof strategy !== 'string' || !(SNAPSHOT_STRATEGIES as readonly string[]).includes(strategy)) {
    error('strategy', `strategy must be 'timestamp' or 'check', got ${show(strategy)}`, didYouMeanHint(String(strategy), SNAPSHOT_STRATEGIES) ?? `set ${forms}`);
  } else if (strategy === 'timestamp') {
    if (config.updated_at === undefined) error('strategy', "the timestamp strategy needs updated_at, the column that says when a row last changed", "add updated_at='<column>'");
    else if (typeof config.updated_at !== 'string' || config.updated_at === '') error('updated_at', `updated_at must be a column name, got ${show(config.updated_at)}`);
    if (config.check_cols !== undefined) error('check_cols', "check_cols belongs to the check strategy; a timestamp snapshot compares updated_at only", "remove check_cols, or use strategy='check'");
  } else {
    const cols = config.check_cols;
    if (cols === undefined) error('strategy', 'the check strategy needs check_cols, the columns compared to find changes', "add check_cols=['<column>', ...] or check_cols='all'");
    else if (cols !== 'all' && !isStringList(cols)) {
      error('check_cols', `check_cols must be 'all' or a list of column names, got ${show(cols)}`, typeof cols === 'string' ? `write check_cols=['${cols}'] for one column` : undefined);
    }
  }

  const key = config.unique_key;
  if (key === undefined) error(undefined, 'no unique_key is set', "add unique_key='<column>' (or a list of columns for a composite key)");
  else if (!(typeof key === 'string' && key !== '') && !isStringList(key)) error('unique_key', `unique_key must be a column name or a list of column names, got ${show(key)}`);

  const hard = config.hard_deletes;
  if (hard !== undefined && (typeof hard !== 'string' || !(HARD_DELETES_MODES as readonly string[]).includes(hard))) {
    error('hard_deletes', `hard_deletes must be one of ${HARD_DELETES_MODES.map((m) => `'${m}'`).join(', ')}, got ${show(hard)}`, didYouMeanHint(String(hard), HARD_DELETES_MODES));
  }
  const legacy = config.invalidate_hard_deletes;
  if (legacy !== undefined && typeof legacy !== 'boolean') error('invalidate_hard_deletes', `invalidate_hard_deletes must be true or false, got ${show(legacy)}`);
  if (hard !== undefined && legacy !== undefined) {
    error('invalidate_hard_deletes', 'set either hard_deletes or the older invalidate_hard_deletes, not both', "keep hard_deletes ('invalidate' is what invalidate_hard_deletes=true did)");
  }

  const names = config.snapshot_meta_column_names;
  if (names !== undefined) {
    if (!isRecord(names)) {
      error('snapshot_meta_column_names', `snapshot_meta_column_names must be a mapping like {dbt_valid_from: valid_from}, got ${show(names)}`);
    } else {
      for (const [k, v] of Object.entries(names)) {
        if (!(SNAPSHOT_META_COLUMNS as readonly string[]).includes(k)) {
          error('snapshot_meta_column_names', `unknown key '${k}' in snapshot_meta_column_names; expected ${SNAPSHOT_META_COLUMNS.join(', ')}`, didYouMeanHint(k, SNAPSHOT_META_COLUMNS));
        } else if (typeof v !== 'string' || v === '') {
          error('snapshot_meta_column_names', `snapshot_meta_column_names.${k} must be a column name, got ${show(v)}`);
        }
      }
      const effective = SNAPSHOT_META_COLUMNS.map((c) => (typeof names[c] === 'string' ? (names[c] as string) : c).toLowerCase());
      const twice = effective.find((n, i) => effective.indexOf(n) !== i);
      if (twice !== undefined) error('snapshot_meta_column_names', `snapshot_meta_column_names names two meta columns '${twice}'`, 'each meta column needs a name of its own');
    }
  }
  const current = config.dbt_valid_to_current;
  if (current !== undefined && typeof current !== 'string') error('dbt_valid_to_current', `dbt_valid_to_current must be a SQL expression as a string, e.g. "'9999-12-31'", got ${show(current)}`);
}

/**
 * The config dbt writes for a valid snapshot: hard_deletes `ignore` unless it (or the older
 * invalidate_hard_deletes, which then stays alone) is set, and all five meta column names, renamed or not.
 */
export function withSnapshotDefaults(config: NodeConfig): NodeConfig {
  const names = isRecord(config.snapshot_meta_column_names) ? config.snapshot_meta_column_names : {};
  return {
    ...config,
    ...(config.hard_deletes === undefined && config.invalidate_hard_deletes === undefined ? { hard_deletes: 'ignore' } : {}),
    snapshot_meta_column_names: Object.fromEntries(SNAPSHOT_META_COLUMNS.map((c) => [c, typeof names[c] === 'string' ? names[c] : c])),
  };
}
