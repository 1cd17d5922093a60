/**
 * GoogleSQL for BigQuery. What differs from DialectBase: backtick quoting and backslash-escaped strings,
 * `project.dataset.table` names, CREATE OR REPLACE TABLE (atomic, so core publishes with it) with
 * `partition by` / `cluster by` / `options(...)`, tables and views dropped without CASCADE, BigQuery type
 * names, the `insert_overwrite` strategy as one MERGE that deletes a literal list of partitions, and text
 * forms of the types that have no equality (JSON, GEOGRAPHY) for the identity check of NULL-keyed rows.
 */
import { DialectBase, SOURCE_ALIAS, stripTrailingSemicolons, TARGET_ALIAS, XformError } from '@xform/core/dialect';
import type { CreateTableOptions, InsertOverwriteOptions, Relation, RelationKind, SeedTypeKind } from '@xform/core';
import type { IdentifierLimits } from '@xform/core';
import { clusterBy, labels, partitionBy, positiveNumber, type PartitionBy } from './bigquery-table-options.js';

const SEED_TYPES: Record<SeedTypeKind, string> = {
  integer: 'int64',
  bigint: 'int64',
  double: 'float64',
  boolean: 'bool',
  date: 'date',
  // CSV timestamps carry no zone: DATETIME keeps them as written (TIMESTAMP would read them as UTC instants).
  timestamp: 'datetime',
  text: 'string',
};

const DROP_KEYWORD: Record<RelationKind, string> = {
  table: 'table',
  view: 'view',
  external: 'external table',
  materialized_view: 'materialized view',
};

/** Hours a `temporary` table lives: BigQuery has session temp tables only inside scripts and sessions. */
const TEMPORARY_TABLE_HOURS = 12;

export interface BigQueryDialectOptions {
  /** Location of datasets created by createSchema (the target's `location`). Default: BigQuery's (US). */
  location?: string;
}

export class BigQueryDialect extends DialectBase {
  override readonly name: string = 'bigquery';
  /** Table names up to 1,024 UTF-8 bytes, dataset names up to 1,024 characters (cloud.google.com/bigquery/docs). */
  readonly identifierLimits: IdentifierLimits = { relation: { max: 1024, unit: 'bytes' }, schema: { max: 1024, unit: 'characters' } };
  override readonly stringType: string = 'string';

  constructor(private readonly options: BigQueryDialectOptions = {}) {
    super();
  }

  override quoteIdentifier(identifier: string): string {
    return `\`${identifier.replace(/[\\`]/gu, (c) => `\\${c}`)}\``;
  }

  /** BigQuery strings escape with a backslash (a doubled quote is not an escape there). */
  override quoteString(value: string): string {
    const escaped = value.replace(/[\\'\n\r]/gu, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`));
    return `'${escaped}'`;
  }

  override createSchema(schema: string, database?: string): string {
    const location = this.options.location ? ` options(location=${this.quoteString(this.options.location)})` : '';
    return `create schema if not exists ${this.schemaName(schema, database)}${location}`;
  }

  /**
   * Always CREATE OR REPLACE: it swaps the table atomically. `temporary` and `staging` tables are ordinary
   * tables that expire after 12 hours (xform drops them itself; the expiry only cleans up after a killed
   * run) and carry no partitioning or clustering: core copies a staging table into the final one, which
   * gets the model's settings (a require_partition_filter on staging would break that copy).
   */
  override createTableAs(relation: Relation, sql: string, options: CreateTableOptions = {}): string {
    const clauses = this.tableClauses(options);
    return `create or replace table ${this.relationName(relation)}${clauses}\nas (\n${stripTrailingSemicolons(sql)}\n)`;
  }

  /** A table clone: zero-copy until either table changes (`create table … clone`). */
  cloneTable(relation: Relation, source: Relation): string {
    return `create or replace table ${this.relationName(relation)} clone ${this.relationName(source)}`;
  }

  override renameRelation(from: Relation, kind: RelationKind, toIdentifier: string): string {
    if (kind !== 'table') {
      throw new XformError('XFORM_DIALECT_UNSUPPORTED', `BigQuery cannot rename a ${kind.replace('_', ' ')}`);
    }
    return `alter table ${this.relationName(from)} rename to ${this.quoteIdentifier(toIdentifier)}`;
  }

  /** BigQuery has no CASCADE for tables or views (views are resolved by name when queried). */
  override dropRelation(relation: Relation, kind: RelationKind): string {
    return `drop ${DROP_KEYWORD[kind]} if exists ${this.relationName(relation)}`;
  }

  /** BigQuery only widens types in place (int64 -> numeric/float64...); other changes fail there, clearly. */
  override alterColumnType(relation: Relation, column: string, dataType: string): string {
    return `alter table ${this.relationName(relation)} alter column ${this.quoteIdentifier(column)} set data type ${dataType}`;
  }

  override seedType(kind: SeedTypeKind): string {
    return SEED_TYPES[kind];
  }

  override currentTimestamp(): string {
    return `current_datetime('UTC')`;
  }

  /** BigQuery's md5 returns BYTES: hex it, as dbt-bigquery's snapshot_hash_arguments does. */
  override snapshotHash(expressions: string[]): string {
    return `to_hex(md5(concat(${expressions.map((e) => `coalesce(cast(${e} as string), '')`).join(`, '|', `)})))`;
  }

  /**
   * A TIMESTAMP (an instant), as dbt-bigquery records snapshots; a DATETIME column receives it cast, as the
   * UTC wall time.
   */
  override snapshotTime(_dataType?: string): string {
    return 'current_timestamp()';
  }

  /**
   * insert_overwrite with a static partition list (dbt-bigquery's "static partitions"): one MERGE that never
   * matches; target rows in the listed partitions are deleted, every source row is inserted. The list is
   * literal, not a subquery, so BigQuery prunes every other partition and a `require_partition_filter` table
   * accepts the statement. Atomic, as every BigQuery DML statement is.
   */
  insertOverwrite(options: InsertOverwriteOptions): string {
    const partition = requirePartition(options.config);
    const { target, source, columns, partitions } = options;
    const expression = this.partitionExpression(partition, `${TARGET_ALIAS}.`);
    const values = partitions.filter((p): p is string => p !== null).map((p) => this.partitionLiteral(partition, p));
    const chosen = [...(values.length > 0 ? [`${expression} in (${values.join(', ')})`] : []), ...(partitions.includes(null) ? [`${expression} is null`] : [])];
    return [
      `merge into ${this.relationName(target)} as ${TARGET_ALIAS}`,
      `using (\nselect * from ${this.relationName(source)}\n) as ${SOURCE_ALIAS}`,
      'on false',
      `when not matched by source and (${chosen.join(' or ')}) then delete`,
      `when not matched then insert (${this.columnList(columns)})`,
      `  values (${columns.map((column) => `${SOURCE_ALIAS}.${this.quoteIdentifier(column)}`).join(', ')})`,
    ].join('\n');
  }

  /** dbt-bigquery's form: the column cast to TIMESTAMP, so DATE, DATETIME and TIMESTAMP columns compare alike. */
  override eventTimeFilter(column: string, start: string, end: string): string {
    const at = (iso: string) => `timestamp ${this.quoteString(iso.replace('T', ' ').replace(/Z$/, '+00'))}`;
    return `cast(${column} as timestamp) >= ${at(start)} and cast(${column} as timestamp) < ${at(end)}`;
  }

  /**
   * A microbatch batch in one statement, atomic like every BigQuery DML statement: the MERGE of
   * insertOverwrite with the batch's window instead of a partition list, so BigQuery prunes to the window's
   * partitions when the table is partitioned on the event time.
   */
  replaceWindow(options: { target: Relation; source: Relation; columns: string[]; column: string; start: string; end: string }): string {
    const { target, source, columns } = options;
    return [
      `merge into ${this.relationName(target)} as ${TARGET_ALIAS}`,
      `using (\nselect * from ${this.relationName(source)}\n) as ${SOURCE_ALIAS}`,
      'on false',
      `when not matched by source and ${this.eventTimeFilter(`${TARGET_ALIAS}.${options.column}`, options.start, options.end)} then delete`,
      `when not matched then insert (${this.columnList(columns)})`,
      `  values (${columns.map((column) => `${SOURCE_ALIAS}.${this.quoteIdentifier(column)}`).join(', ')})`,
    ].join('\n');
  }

  /** The distinct partitions of `source`, as text (`partition_value`), for insertOverwrite's literal list. */
  partitionsQuery(options: { source: Relation; config: Readonly<Record<string, unknown>> }): string {
    const partition = requirePartition(options.config);
    return `select distinct cast(${this.partitionExpression(partition, '')} as string) as partition_value\nfrom ${this.relationName(options.source)}`;
  }

  /** A partition value read back as text, as a literal of the partition expression's type. */
  private partitionLiteral(partition: PartitionBy, value: string): string {
    if (partition.range) {
      if (!/^-?\d+$/u.test(value)) throw new XformError('XFORM_ADAPTER_CONTRACT', `BigQuery returned a non-integer range partition '${value}'`);
      return value;
    }
    return `${partition.dataType} ${this.quoteString(value)}`;
  }

  /** BigQuery has no `materialized` keyword; a CTE referenced once runs once. */
  protected override withQuery(name: string, sql: string): string {
    return `with ${name} as (\n${stripTrailingSemicolons(sql)}\n)`;
  }

  protected override readonly materializesCte = false;

  /** Types without equality (JSON, GEOGRAPHY, ARRAY, STRUCTs holding them) compare by a text form. */
  protected override comparable(expression: string, dataType: string | undefined): string {
    const type = dataType?.trim().toUpperCase() ?? '';
    if (type === 'GEOGRAPHY') return `st_astext(${expression})`;
    if (/^(JSON|ARRAY|STRUCT)\b/u.test(type)) return `to_json_string(${expression})`;
    return expression;
  }

  /** The partition a row falls in, as BigQuery computes it for `partition by`. */
  partitionExpression(partition: PartitionBy, prefix: string): string {
    const field = `${prefix}${this.quoteIdentifier(partition.field)}`;
    if (partition.range) {
      const { start, end, interval } = partition.range;
      return `range_bucket(${field}, generate_array(${start}, ${end}, ${interval}))`;
    }
    if (partition.dataType === 'date') return partition.granularity === 'day' ? field : `date_trunc(${field}, ${partition.granularity})`;
    return `${partition.dataType}_trunc(${field}, ${partition.granularity})`;
  }

  private tableClauses(options: CreateTableOptions): string {
    if (options.temporary || options.staging || options.scratch) {
      return `\noptions(expiration_timestamp=timestamp_add(current_timestamp(), interval ${TEMPORARY_TABLE_HOURS} hour))`;
    }
    const config = options.config;
    const clauses: string[] = [];
    const partition = partitionBy(config);
    if (partition) clauses.push(`partition by ${this.partitionExpression(partition, '')}`);
    const cluster = clusterBy(config, 4);
    if (cluster.length > 0) clauses.push(`cluster by ${this.columnList(cluster)}`);
    const settings: string[] = [];
    const tableLabels = labels(config);
    if (tableLabels.length > 0) {
      settings.push(`labels=[${tableLabels.map(([k, v]) => `(${this.quoteString(k)}, ${this.quoteString(v)})`).join(', ')}]`);
    }
    if (config?.require_partition_filter === true && partition) settings.push('require_partition_filter=true');
    const expirationDays = positiveNumber(config, 'partition_expiration_days');
    if (expirationDays !== undefined && partition) settings.push(`partition_expiration_days=${expirationDays}`);
    const hours = positiveNumber(config, 'hours_to_expiration');
    if (hours !== undefined) settings.push(`expiration_timestamp=timestamp_add(current_timestamp(), interval ${hours} hour)`);
    if (typeof config?.kms_key_name === 'string') settings.push(`kms_key_name=${this.quoteString(config.kms_key_name)}`);
    if (settings.length > 0) clauses.push(`options(${settings.join(', ')})`);
    return clauses.map((clause) => `\n${clause}`).join('');
  }
}

function requirePartition(config: Readonly<Record<string, unknown>>): PartitionBy {
  const partition = partitionBy(config);
  if (partition) return partition;
  throw new XformError('XFORM_CONFIG_INVALID', "incremental_strategy 'insert_overwrite' needs partition_by", {
    hint: 'e.g. partition_by: {field: created_at, data_type: timestamp, granularity: day}',
  });
}
