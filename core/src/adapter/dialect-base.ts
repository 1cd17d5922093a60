/**
 * ANSI/PostgreSQL-flavoured SQL generation shared by every adapter. An adapter's dialect extends this
 * class and overrides only what its warehouse spells differently (DuckDB overrides a handful of type
 * names; PostgreSQL nothing of substance). Every method is pure and returns exactly one statement.
 */
import type {
  CreateTableOptions,
  Dialect,
  IncrementalSourceOptions,
  MergeFromQueryOptions,
  MergeOptions,
  Relation,
  RelationKind,
  RowSource,
  SeedTypeKind,
  UpdateFromOptions,
} from './types.js';

/** Alias of the target relation inside MERGE / delete+insert statements (incremental_predicates use it). */
export const TARGET_ALIAS = 'xform_target';
/** Alias of the source (new rows) inside MERGE / delete+insert statements. */
export const SOURCE_ALIAS = 'xform_source';
/**
 * In the error a `mergeFromQuery` statement stops with when a unique_key repeats among the new rows: core
 * recognises it there and reports the keys (XFORM_DUPLICATE_UNIQUE_KEY).
 */
export const DUPLICATE_KEY_MARKER = 'xform_duplicate_unique_key';

const SEED_TYPES: Record<SeedTypeKind, string> = {
  integer: 'integer',
  bigint: 'bigint',
  double: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  text: 'text',
};

const KIND_KEYWORD: Record<RelationKind, string> = {
  table: 'table',
  view: 'view',
  external: 'table',
  materialized_view: 'materialized view',
};

/**
 * Default Dialect.
 *
 * Unique keys and NULL (merge and delete+insert follow ONE rule): key columns are compared with `=`, so a
 * row with a NULL in any key column never matches another row by key. That is what dbt users expect (two
 * rows with an unknown key are not "the same row"), and it keeps the key join a plain equi-join that every
 * warehouse can hash. The catch with plain `=` is that re-running a load that still contains a NULL-keyed
 * row inserts it again; to avoid that, `incrementalSource()` drops a NULL-keyed source row when the target
 * already holds an identical row (every column `IS NOT DISTINCT FROM`). So NULL-keyed rows are inserted
 * once, never update or delete other rows, and are not duplicated by a re-run. That identity check is the
 * only place whole rows are compared; a column whose type has no equality (PostgreSQL json, BigQuery JSON)
 * is compared there through `comparable()`, which a dialect overrides for its types.
 */
export class DialectBase implements Dialect {
  readonly name: string = 'ansi';
  readonly stringType: string = 'text';

  quoteIdentifier(identifier: string): string {
    return `"${identifier.replaceAll('"', '""')}"`;
  }

  quoteString(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  }

  relationName(relation: Relation): string {
    const parts = [relation.database, relation.schema, relation.identifier].filter(
      (part): part is string => part !== undefined && part !== '',
    );
    return parts.map((part) => this.quoteIdentifier(part)).join('.');
  }

  createSchema(schema: string, database?: string): string {
    return `create schema if not exists ${this.schemaName(schema, database)}`;
  }

  dropSchema(schema: string, database?: string): string {
    return `drop schema if exists ${this.schemaName(schema, database)} cascade`;
  }

  createViewAs(relation: Relation, sql: string): string {
    return `create or replace view ${this.relationName(relation)} as (\n${stripTrailingSemicolons(sql)}\n)`;
  }

  /**
   * `create table ... as`. A temporary table is named by its identifier only: PostgreSQL and DuckDB keep
   * temporary tables in a session schema of their own and reject a schema-qualified name.
   */
  createTableAs(relation: Relation, sql: string, options: CreateTableOptions = {}): string {
    const name = options.temporary ? this.quoteIdentifier(relation.identifier) : this.relationName(relation);
    const temporary = options.temporary ? 'temporary ' : '';
    return `create ${temporary}table ${name} as (\n${stripTrailingSemicolons(sql)}\n)`;
  }

  renameRelation(from: Relation, kind: RelationKind, toIdentifier: string): string {
    return `alter ${KIND_KEYWORD[kind]} ${this.relationName(from)} rename to ${this.quoteIdentifier(toIdentifier)}`;
  }

  dropRelation(relation: Relation, kind: RelationKind): string {
    return `drop ${KIND_KEYWORD[kind]} if exists ${this.relationName(relation)} cascade`;
  }

  createTable(relation: Relation, columns: { name: string; dataType: string }[]): string {
    const body = columns.map((column) => `  ${this.quoteIdentifier(column.name)} ${column.dataType}`).join(',\n');
    return `create table ${this.relationName(relation)} (\n${body}\n)`;
  }

  insertInto(target: Relation, columns: string[], sourceSql: string): string {
    const list = this.columnList(columns);
    return (
      `insert into ${this.relationName(target)} (${list})\n` +
      `select ${list}\nfrom (\n${stripTrailingSemicolons(sourceSql)}\n) as xform_insert_source`
    );
  }

  /**
   * MERGE on the unique key (see the class comment for the NULL rule). Matched rows get every non-key
   * column updated; rows without a match are inserted. `predicates` are ANDed to the ON clause and may
   * refer to the target as `xform_target` (and the source as `xform_source`).
   */
  merge(options: MergeOptions): string {
    return this.mergeStatement(options, this.incrementalSource(options));
  }

  /**
   * merge() from the model's query, read once (a CTE), with a filter that stops the statement on a repeated
   * non-NULL key (failIf) and the NULL rule's identity check.
   *
   * Where the CTE is materialized (withQuery), the repeated-key check is one uncorrelated EXISTS over the
   * CTE (an aggregate, run once), and the rows with a key and those with a NULL in it are two branches of a
   * UNION ALL, so that only the second looks for an identical row in the target: as one OR over every row,
   * DuckDB planned that lookup for all of them (100,000 rows into 10,000,000: ~90 ms instead of ~53). A
   * window counting each row's key cost ~20 ms more there than the EXISTS (~55 against ~35 ms).
   *
   * Elsewhere the CTE may run once per reference, so it is read once: each row carries its key's count (a
   * window, under a name no written column has) and one OR holds both rules.
   */
  mergeFromQuery(options: MergeFromQueryOptions): string {
    const { target, sql, columns, uniqueKey, columnTypes = {} } = options;
    const newRows = 'xform_new';
    const keyed = 'xform_keyed';
    const lines = [this.withQuery(newRows, sql)];
    if (uniqueKey.length === 0) {
      lines.push(`select * from ${newRows}`);
      return this.mergeStatement(options, lines.join('\n'));
    }
    const notNullOf = (alias: string) => {
      const parts = uniqueKey.map((key) => `${alias}.${this.quoteIdentifier(key)} is not null`);
      return parts.length === 1 ? parts[0]! : `(${parts.join(' and ')})`;
    };
    const notNull = notNullOf(keyed);
    const existing = 'xform_existing';
    const written = [...new Set([...uniqueKey, ...columns])];
    const identical = this.identicalColumns(existing, keyed, written, columnTypes);
    const identicalRow = [
      `select 1 from ${this.relationName(target)} as ${existing}`,
      `where ${this.anyNull(uniqueKey, existing)}`,
      ...identical.map((condition) => `  and ${condition}`),
    ];
    if (this.materializesCte) {
      const other = 'xform_repeated';
      const repeated = [
        'exists (',
        `  select 1 from ${newRows} as ${other}`,
        `  where ${notNullOf(other)}`,
        `  group by ${uniqueKey.map((key) => `${other}.${this.quoteIdentifier(key)}`).join(', ')}`,
        '  having count(*) > 1',
        ')',
      ].join('\n');
      lines.push(
        `select * from ${newRows} as ${keyed}`,
        `where ${notNull} and ${this.failIf(repeated, DUPLICATE_KEY_MARKER)}`,
        'union all',
        `select * from ${newRows} as ${keyed}`,
        `where not (${notNull}) and not exists (`,
        ...identicalRow.map((line) => `  ${line}`),
        ')',
      );
      return this.mergeStatement(options, lines.join('\n'));
    }
    const keyRows = this.quoteIdentifier(freeName('xform_key_rows', written));
    // Stops on a repeated key; the key's own test is inside, since SQL may evaluate both sides of an AND.
    const unique = this.failIf(`${notNull} and ${keyed}.${keyRows} > 1`, DUPLICATE_KEY_MARKER);
    lines.push(
      'select * from (',
      `  select ${written.map((c) => `${newRows}.${this.quoteIdentifier(c)}`).join(', ')}, count(*) over (partition by ${this.columnList(uniqueKey)}) as ${keyRows}`,
      `  from ${newRows}`,
      `) as ${keyed}`,
      `where ${unique}`,
      `  and (${notNull} or not exists (`,
      ...identicalRow.map((line) => `    ${line}`),
      '  ))',
    );
    return this.mergeStatement(options, lines.join('\n'));
  }

  /**
   * `with <name> as materialized (<sql>)`: the query runs once even where the planner would copy it into
   * each reference (DuckDB turns a window into an aggregate joined back). Dialects without the keyword
   * drop it.
   */
  protected withQuery(name: string, sql: string): string {
    return `with ${name} as materialized (\n${stripTrailingSemicolons(sql)}\n)`;
  }

  /** withQuery's CTE runs once however often the statement refers to it (`as materialized`). */
  protected readonly materializesCte: boolean = true;

  /** MERGE of `sourceSql`'s rows (aliased xform_source) into the target, see merge(). */
  protected mergeStatement(options: Omit<MergeOptions, 'source'>, sourceSql: string): string {
    const { target, columns, uniqueKey, predicates } = options;
    const on = [...this.keyOrNothing(uniqueKey), ...predicates.map((p) => `(${p})`)];
    const keys = new Set(uniqueKey);
    // Without a key nothing matches, so an update clause would be dead code.
    const updates = (uniqueKey.length === 0 ? [] : columns)
      .filter((column) => !keys.has(column))
      .map((column) => `${this.quoteIdentifier(column)} = ${SOURCE_ALIAS}.${this.quoteIdentifier(column)}`);
    const lines = [`merge into ${this.relationName(target)} as ${TARGET_ALIAS}`, `using (\n${sourceSql}\n) as ${SOURCE_ALIAS}`, `on ${on.join('\n  and ')}`];
    if (updates.length > 0) lines.push(`when matched then update set\n  ${updates.join(',\n  ')}`);
    lines.push(
      `when not matched then insert (${this.columnList(columns)})`,
      `  values (${columns.map((column) => `${SOURCE_ALIAS}.${this.quoteIdentifier(column)}`).join(', ')})`,
    );
    return lines.join('\n');
  }

  /**
   * A boolean expression that is true for a row, or stops the statement with an error whose text holds
   * `marker` when `condition` holds for it. Default: the marker cast to boolean, which PostgreSQL, DuckDB,
   * Snowflake and BigQuery all refuse; the cast applies to a CASE on the row so that no planner folds it
   * (PostgreSQL folds constant casts, even in CASE arms never taken).
   */
  protected failIf(condition: string, marker: string): string {
    return `coalesce(cast(case when ${condition} then ${this.quoteString(marker)} end as boolean), true)`;
  }

  /** Per column (each once), that `a`'s value is `b`'s, NULL matching NULL: the NULL-keyed row rule of merges. */
  private identicalColumns(a: string, b: string, columns: string[], columnTypes: Readonly<Record<string, string>>): string[] {
    return unique(columns).map((column) => {
      const side = (alias: string) => this.comparable(`${alias}.${this.quoteIdentifier(column)}`, columnTypes[column]);
      return `${side(a)} is not distinct from ${side(b)}`;
    });
  }

  /**
   * The rows of `source` to merge into (or insert into, after deleteMatching) `target`: every row whose key
   * has no NULL, plus each NULL-keyed row the target does not already hold identically. Written as a
   * UNION ALL so that the common case (no NULL keys) costs one extra predicate, and the identity check only
   * compares NULL-keyed rows of both sides.
   */
  incrementalSource(options: IncrementalSourceOptions): string {
    const { target, source, columns, uniqueKey, columnTypes = {} } = options;
    const src = this.relationName(source);
    if (uniqueKey.length === 0) return `select * from ${src} as ${SOURCE_ALIAS}`;
    const existing = 'xform_existing';
    const srcNotNull = uniqueKey.map((key) => `${SOURCE_ALIAS}.${this.quoteIdentifier(key)} is not null`);
    const srcHasNull = this.anyNull(uniqueKey, SOURCE_ALIAS);
    const identical = this.identicalColumns(existing, SOURCE_ALIAS, [...uniqueKey, ...columns], columnTypes);
    return [
      `select * from ${src} as ${SOURCE_ALIAS}`,
      `where ${srcNotNull.join(' and ')}`,
      'union all',
      `select * from ${src} as ${SOURCE_ALIAS}`,
      `where ${srcHasNull}`,
      `  and not exists (`,
      `    select 1 from ${this.relationName(target)} as ${existing}`,
      `    where ${this.anyNull(uniqueKey, existing)}`,
      `      and ${identical.join('\n      and ')}`,
      '  )',
    ].join('\n');
  }

  /**
   * delete+insert's DELETE: target rows whose (non-NULL) key appears in source — the same NULL rule as
   * merge(); insert `incrementalSource()` afterwards so NULL-keyed rows are not duplicated.
   */
  deleteMatching(target: Relation, source: Relation, uniqueKey: string[], predicates: string[]): string {
    const where = [
      `exists (\n  select 1 from ${this.relationName(source)} as ${SOURCE_ALIAS}\n` +
        `  where ${this.keyOrNothing(uniqueKey).join('\n    and ')}\n)`,
      ...predicates.map((p) => `(${p})`),
    ];
    return `delete from ${this.relationName(target)} as ${TARGET_ALIAS}\nwhere ${where.join('\n  and ')}`;
  }

  eventTimeFilter(column: string, start: string, end: string): string {
    return `${column} >= ${this.timestampLiteral(start)} and ${column} < ${this.timestampLiteral(end)}`;
  }

  /**
   * An ISO 8601 UTC instant (`2026-01-10T00:00:00Z`) as dbt writes it, `'2026-01-10 00:00:00+00:00'`: a
   * literal without a type takes the column's (PostgreSQL, DuckDB, Snowflake), so a date, a timestamp
   * (the offset is dropped: UTC) and a timestamptz (the exact instant) all compare right. A typed
   * `timestamp '...'` would be read in the session's time zone against a timestamptz column.
   */
  protected timestampLiteral(iso: string): string {
    return this.quoteString(`${iso.replace('T', ' ').replace(/Z$/, '')}+00:00`);
  }

  deleteWhere(target: Relation, predicate: string): string {
    return `delete from ${this.relationName(target)}\nwhere ${predicate}`;
  }

  /**
   * Up to `limit` keys that more than one row of `source` has, most frequent first (ties by key, so the
   * message is stable). NULL-keyed rows match nothing, so repeating them is no conflict.
   */
  duplicateKeysQuery(source: RowSource, uniqueKey: string[], limit: number): string {
    const keys = this.columnList(uniqueKey);
    const notNull = uniqueKey.map((key) => `${this.quoteIdentifier(key)} is not null`).join(' and ');
    const count = this.quoteIdentifier(duplicateCountColumn(uniqueKey));
    return [
      `select ${keys}, count(*) as ${count}`,
      `from ${'sql' in source ? `(\n${stripTrailingSemicolons(source.sql)}\n) as xform_new` : this.relationName(source)}`,
      `where ${notNull}`,
      `group by ${keys}`,
      'having count(*) > 1',
      `order by ${count} desc, ${keys}`,
      `limit ${Math.max(1, Math.floor(limit))}`,
    ].join('\n');
  }

  addColumn(relation: Relation, column: { name: string; dataType: string }): string {
    return `alter table ${this.relationName(relation)} add column ${this.quoteIdentifier(column.name)} ${column.dataType}`;
  }

  dropColumn(relation: Relation, column: string): string {
    return `alter table ${this.relationName(relation)} drop column ${this.quoteIdentifier(column)}`;
  }

  alterColumnType(relation: Relation, column: string, dataType: string): string {
    const quoted = this.quoteIdentifier(column);
    return `alter table ${this.relationName(relation)} alter column ${quoted} type ${dataType} using cast(${quoted} as ${dataType})`;
  }

  limitZero(sql: string): string {
    return `select * from (\n${stripTrailingSemicolons(sql)}\n) as xform_limit_zero\nlimit 0`;
  }

  countRows(sql: string, alias: string): string {
    return `select count(*) as ${this.quoteIdentifier(alias)}\nfrom (\n${stripTrailingSemicolons(sql)}\n) as xform_count`;
  }

  seedType(kind: SeedTypeKind): string {
    return SEED_TYPES[kind];
  }

  updateFrom(options: UpdateFromOptions): string {
    const set = options.set.map(({ column, value }) => `${this.quoteIdentifier(column)} = ${value}`);
    return [
      `update ${this.relationName(options.target)} as ${TARGET_ALIAS}`,
      `set ${set.join(',\n  ')}`,
      `from ${this.relationName(options.source)} as ${SOURCE_ALIAS}`,
      `where ${options.where.join('\n  and ')}`,
    ].join('\n');
  }

  snapshotHash(expressions: string[]): string {
    return `md5(${expressions.map((e) => `coalesce(cast(${e} as varchar), '')`).join(` || '|' || `)})`;
  }

  snapshotTime(dataType?: string): string {
    return dataType !== undefined && /time zone|timestamptz/iu.test(dataType) ? 'current_timestamp' : this.currentTimestamp();
  }

  valuesDiffer(left: string, right: string, dataType?: string): string {
    return `${this.comparable(left, dataType)} is distinct from ${this.comparable(right, dataType)}`;
  }

  currentTimestamp(): string {
    return `(current_timestamp at time zone 'UTC')`;
  }

  /**
   * `expression` (a column of type `dataType`, as the catalog spells it) in a form `is not distinct from`
   * accepts. Default: as it is (every DuckDB and ANSI type compares); dialects override it for their types
   * without equality.
   */
  protected comparable(expression: string, _dataType: string | undefined): string {
    return expression;
  }

  protected schemaName(schema: string, database?: string): string {
    return database ? `${this.quoteIdentifier(database)}.${this.quoteIdentifier(schema)}` : this.quoteIdentifier(schema);
  }

  protected columnList(columns: string[]): string {
    return columns.map((column) => this.quoteIdentifier(column)).join(', ');
  }

  protected keyEquals(uniqueKey: string[], left: string, right: string): string[] {
    return uniqueKey.map((key) => {
      const quoted = this.quoteIdentifier(key);
      return `${left}.${quoted} = ${right}.${quoted}`;
    });
  }

  /** Key equality between target and source; without a key nothing matches (dbt inserts every row too). */
  protected keyOrNothing(uniqueKey: string[]): string[] {
    return uniqueKey.length > 0 ? this.keyEquals(uniqueKey, TARGET_ALIAS, SOURCE_ALIAS) : ['1 = 0'];
  }

  protected anyNull(uniqueKey: string[], alias: string): string {
    const parts = uniqueKey.map((key) => `${alias}.${this.quoteIdentifier(key)} is null`);
    return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
  }
}

/**
 * Removes trailing semicolons (and whitespace) so a model's SQL can be wrapped in a subquery; a trailing
 * line comment stays harmless because wrappers always close on a new line.
 */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/u, '');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The column of duplicateKeysQuery's rows holding each key's count: `xform_count`, unless a key column is so named. */
export function duplicateCountColumn(uniqueKey: readonly string[]): string {
  return freeName('xform_count', uniqueKey);
}

/** `base`, or `base_1`, `base_2`...: the first that is none of `taken` (compared without case, as warehouses may). */
function freeName(base: string, taken: readonly string[]): string {
  const names = new Set(taken.map((name) => name.toLowerCase()));
  let name = base;
  for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
  return name;
}
