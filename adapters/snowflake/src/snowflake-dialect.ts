/**
 * Snowflake SQL. What differs from DialectBase: identifiers are written unquoted when Snowflake would read
 * them the same way (so `analytics.orders` in hand-written SQL finds xform's tables: Snowflake upper-cases
 * unquoted names), strings escape backslashes, tables are `transient` by default and may be clustered,
 * renames name the schema (Snowflake would otherwise move the table), `ALTER TABLE ... SWAP WITH` publishes
 * a rebuilt table atomically, and views are dropped without CASCADE.
 */
import { DialectBase, SOURCE_ALIAS, stripTrailingSemicolons, TARGET_ALIAS, XformError } from '@xform/core/dialect';
import type { CreateTableOptions, Relation, RelationKind, SeedTypeKind } from '@xform/core';
import type { IdentifierLimits } from '@xform/core';

const SEED_TYPES: Record<SeedTypeKind, string> = {
  integer: 'integer',
  bigint: 'bigint',
  double: 'float',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp_ntz',
  text: 'varchar',
};

const DROP: Record<RelationKind, { keyword: string; cascade: boolean }> = {
  table: { keyword: 'table', cascade: true },
  view: { keyword: 'view', cascade: false },
  external: { keyword: 'external table', cascade: false },
  materialized_view: { keyword: 'materialized view', cascade: false },
};

/** Names Snowflake reads unquoted as themselves once upper-cased; only lower-case ones are left bare. */
const PLAIN = /^[a-z_][a-z0-9_$]*$/u;

/** Reserved words (Snowflake's list) that must stay quoted even when plain. */
const RESERVED = new Set(
  `account all alter and any as between by case cast check column connect connection constraint create cross current
  current_date current_time current_timestamp current_user database delete distinct drop else exists false following
  for from full grant group gscluster having ilike in increment inner insert intersect into is issue join lateral left
  like localtime localtimestamp minus natural not null of on or order organization qualify regexp revoke right rlike
  row rows sample schema select set some start table tablesample then to trigger true try_cast union unique update
  using values view when whenever where with`.split(/\s+/u),
);

export interface SnowflakeDialectOptions {
  /** Tables are created `transient` (no fail-safe storage) unless a model sets `transient: false`. Default true. */
  transient?: boolean;
}

export class SnowflakeDialect extends DialectBase {
  override readonly name: string = 'snowflake';
  /** Identifiers of any kind: up to 255 characters (docs.snowflake.com, Identifier requirements). */
  readonly identifierLimits: IdentifierLimits = { relation: { max: 255, unit: 'characters' }, schema: { max: 255, unit: 'characters' } };
  override readonly stringType: string = 'varchar';

  constructor(private readonly options: SnowflakeDialectOptions = {}) {
    super();
  }

  /** Plain lower-case names stay bare (Snowflake stores them upper-cased); anything else is quoted exactly. */
  override quoteIdentifier(identifier: string): string {
    if (PLAIN.test(identifier) && !RESERVED.has(identifier)) return identifier;
    return `"${identifier.replaceAll('"', '""')}"`;
  }

  /** Snowflake strings treat a backslash as an escape character: double it, and double single quotes. */
  override quoteString(value: string): string {
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  }

  /**
   * A scratch table (incremental staging, never published) is always transient and carries no clustering or
   * grants: a permanent one would add 7 days of Fail-safe storage for rows that live minutes. Temporary
   * would do too, but the catalog reads its columns from another session, which cannot see it. Tables that
   * are published keep the model's `transient` setting.
   */
  override createTableAs(relation: Relation, sql: string, options: CreateTableOptions = {}): string {
    if (options.scratch) return `create or replace transient table ${this.relationName(relation)}\nas (\n${stripTrailingSemicolons(sql)}\n)`;
    const config = options.config ?? {};
    const transient = typeof config.transient === 'boolean' ? config.transient : (this.options.transient ?? true);
    const kind = options.temporary ? 'temporary ' : transient ? 'transient ' : '';
    const cluster = clusterColumns(config.cluster_by);
    const clusterClause = cluster.length > 0 ? `\ncluster by (${this.columnList(cluster)})` : '';
    const copyGrants = config.copy_grants === true ? '\ncopy grants' : '';
    return `create or replace ${kind}table ${this.relationName(relation)}${clusterClause}${copyGrants}\nas (\n${stripTrailingSemicolons(sql)}\n)`;
  }

  /** Seeds' tables: transient like models' unless the target says `transient: false`. */
  /** Zero-copy; a transient table can only be cloned into a transient one, so the target's kind follows the dialect's. */
  cloneTable(relation: Relation, source: Relation): string {
    return `create or replace ${(this.options.transient ?? true) ? 'transient ' : ''}table ${this.relationName(relation)} clone ${this.relationName(source)}`;
  }

  override createTable(relation: Relation, columns: { name: string; dataType: string }[]): string {
    const body = columns.map((column) => `  ${this.quoteIdentifier(column.name)} ${column.dataType}`).join(',\n');
    return `create ${(this.options.transient ?? true) ? 'transient ' : ''}table ${this.relationName(relation)} (\n${body}\n)`;
  }

  /** Snowflake moves a relation renamed to a bare name into the session's schema: always qualify it. */
  override renameRelation(from: Relation, kind: RelationKind, toIdentifier: string): string {
    const keyword = kind === 'view' ? 'view' : kind === 'materialized_view' ? 'materialized view' : 'table';
    return `alter ${keyword} ${this.relationName(from)} rename to ${this.relationName({ ...from, identifier: toIdentifier })}`;
  }

  override dropRelation(relation: Relation, kind: RelationKind): string {
    const { keyword, cascade } = DROP[kind];
    return `drop ${keyword} if exists ${this.relationName(relation)}${cascade ? ' cascade' : ''}`;
  }

  /** Publishes a rebuilt table in one metadata operation (capability swapTables). */
  swapTables(target: Relation, other: Relation): string {
    return `alter table ${this.relationName(target)} swap with ${this.relationName(other)}`;
  }

  /** Snowflake has no `materialized` keyword; a CTE referenced once runs once. */
  protected override withQuery(name: string, sql: string): string {
    return `with ${name} as (\n${stripTrailingSemicolons(sql)}\n)`;
  }

  protected override readonly materializesCte = false;

  /** Semi-structured and spatial values compare by a text form (JSON text, WKT). */
  protected override comparable(expression: string, dataType: string | undefined): string {
    const type = dataType?.trim().toUpperCase() ?? '';
    if (/^(GEOGRAPHY|GEOMETRY)\b/u.test(type)) return `st_astext(${expression})`;
    if (/^(VARIANT|OBJECT|ARRAY|MAP)\b/u.test(type)) return `to_json(${expression})`;
    return expression;
  }

  /** Snowflake names the DELETE target's alias without AS. */
  override deleteMatching(target: Relation, source: Relation, uniqueKey: string[], predicates: string[]): string {
    const where = [
      `exists (\n  select 1 from ${this.relationName(source)} as ${SOURCE_ALIAS}\n` +
        `  where ${this.keyOrNothing(uniqueKey).join('\n    and ')}\n)`,
      ...predicates.map((p) => `(${p})`),
    ];
    return `delete from ${this.relationName(target)} ${TARGET_ALIAS}\nwhere ${where.join('\n  and ')}`;
  }

  override alterColumnType(relation: Relation, column: string, dataType: string): string {
    return `alter table ${this.relationName(relation)} alter column ${this.quoteIdentifier(column)} set data type ${dataType}`;
  }

  override seedType(kind: SeedTypeKind): string {
    return SEED_TYPES[kind];
  }

  override currentTimestamp(): string {
    return `convert_timezone('UTC', current_timestamp())::timestamp_ntz`;
  }

  /** TIMESTAMP_TZ and _LTZ columns take the instant; a UTC wall time cast to them would read as session time. */
  override snapshotTime(dataType?: string): string {
    return dataType !== undefined && /^TIMESTAMP_L?TZ\b/iu.test(dataType.trim()) ? 'current_timestamp()' : this.currentTimestamp();
  }
}

function clusterColumns(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every((c) => typeof c === 'string' && c.trim() !== '')) {
    throw new XformError('XFORM_CONFIG_INVALID', `cluster_by must be a column name or a list of them, got ${JSON.stringify(raw)}`);
  }
  return list.map((c) => (c as string).trim());
}

/** How Snowflake stores a name xform writes: plain lower-case names upper-cased, quoted ones as they are. */
export function storedName(identifier: string): string {
  return PLAIN.test(identifier) && !RESERVED.has(identifier) ? identifier.toUpperCase() : identifier;
}

/** The name as xform users write it: the inverse of storedName (upper-case plain names in lower case). */
export function displayName(stored: string): string {
  const lower = stored.toLowerCase();
  return /^[A-Z_][A-Z0-9_$]*$/u.test(stored) && !RESERVED.has(lower) ? lower : stored;
}
