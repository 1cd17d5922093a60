/**
 * Golden-file support for dialects: every Dialect statement rendered for a fixed set of inputs, so that an
 * adapter's SQL is reviewed as text and any change to it shows up in a diff. Each adapter's test calls
 * `renderDialectSamples(dialect)` and compares it with its `__golden__/*.sql` file via `readGolden`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Dialect, Relation, SeedTypeKind } from './types.js';

/** Environment variable that rewrites golden files instead of comparing with them. */
export const UPDATE_GOLDEN_ENV = 'XFORM_UPDATE_GOLDEN';

const orders: Relation = { schema: 'analytics', identifier: 'fct_orders' };
const staging: Relation = { schema: 'analytics', identifier: 'fct_orders__xform_tmp' };
const withDatabase: Relation = { database: 'warehouse', schema: 'Sales "EU"', identifier: "o'rders" };
/** The model's SQL, naming its input the way the dialect quotes (identical text on double-quoting dialects). */
const modelSql = (dialect: Dialect) =>
  `select order_id, customer_id, amount\nfrom ${dialect.relationName({ schema: 'analytics', identifier: 'stg_orders' })}\nwhere amount > 0;`;
const seedKinds: SeedTypeKind[] = ['integer', 'bigint', 'double', 'boolean', 'date', 'timestamp', 'text'];

/** [title, sql] for every Dialect method, with awkward inputs (quotes in names, a trailing semicolon). */
export function dialectSamples(dialect: Dialect): [string, string][] {
  const model = modelSql(dialect);
  const mergeOptions = {
    target: orders,
    source: staging,
    columns: ['order_id', 'line_no', 'amount', 'status'],
    uniqueKey: ['order_id', 'line_no'],
    predicates: [`xform_target.order_date > current_date - 7`],
  };
  const samples: [string, string][] = [];
  const add = (title: string, make: () => string) => samples.push([title, sampleOrUnsupported(make)]);
  for (const [title, make] of [
    ['quoteIdentifier', () => dialect.quoteIdentifier('weird "name"')],
    ['quoteString', () => dialect.quoteString("it's")],
    ['relationName', () => dialect.relationName(orders)],
    ['relationName with database and quotes', () => dialect.relationName(withDatabase)],
    ['createSchema', () => dialect.createSchema('analytics')],
    ['createSchema with database', () => dialect.createSchema('analytics', 'warehouse')],
    ['dropSchema', () => dialect.dropSchema('analytics')],
    ['createViewAs', () => dialect.createViewAs(orders, model)],
    ['createTableAs', () => dialect.createTableAs(orders, model)],
    ['createTableAs temporary', () => dialect.createTableAs(staging, model, { temporary: true })],
    ['renameRelation table', () => dialect.renameRelation(staging, 'table', 'fct_orders')],
    ['renameRelation view', () => dialect.renameRelation(orders, 'view', 'fct_orders__xform_old')],
    ['dropRelation table', () => dialect.dropRelation(orders, 'table')],
    ['dropRelation view', () => dialect.dropRelation(orders, 'view')],
    ['dropRelation materialized_view', () => dialect.dropRelation(orders, 'materialized_view')],
    [
      'createTable',
      () => dialect.createTable(orders, [
        { name: 'order_id', dataType: dialect.seedType('bigint') },
        { name: 'note', dataType: dialect.stringType },
      ]),
    ],
    ['insertInto', () => dialect.insertInto(orders, ['order_id', 'amount'], model)],
    ['merge composite key with predicate', () => dialect.merge(mergeOptions)],
    ['merge single key, every column a key', () => dialect.merge({ ...mergeOptions, columns: ['order_id'], uniqueKey: ['order_id'], predicates: [] })],
    ['merge without unique key', () => dialect.merge({ ...mergeOptions, uniqueKey: [], predicates: [] })],
    ['deleteMatching', () => dialect.deleteMatching(orders, staging, ['order_id', 'line_no'], mergeOptions.predicates)],
    ['deleteMatching single key', () => dialect.deleteMatching(orders, staging, ['order_id'], [])],
  ] as [string, () => string][]) add(title, make);
  if (dialect.incrementalSource) {
    samples.push(['incrementalSource', dialect.incrementalSource(mergeOptions)]);
    // Type names of several warehouses: each dialect rewrites the ones it has that lack equality.
    const typed = { target: orders, source: staging, uniqueKey: ['order_id'], columns: ['order_id', 'payload', 'shape', 'attrs', 'tags', 'amount'] };
    const columnTypes = { order_id: 'integer', payload: 'json', shape: 'GEOGRAPHY', attrs: 'VARIANT', tags: 'ARRAY<STRING>', amount: 'numeric(10,2)' };
    samples.push(['incrementalSource with json, geography, variant and array columns', dialect.incrementalSource({ ...typed, columnTypes })]);
  }
  if (dialect.mergeFromQuery) {
    const { source: _source, ...fromQuery } = mergeOptions;
    samples.push(['mergeFromQuery composite key with predicate', dialect.mergeFromQuery({ ...fromQuery, sql: model })]);
    samples.push(['mergeFromQuery json column', dialect.mergeFromQuery({ ...fromQuery, sql: model, columns: ['order_id', 'payload'], uniqueKey: ['order_id'], predicates: [], columnTypes: { payload: 'json' } })]);
  }
  if (dialect.cloneTable) samples.push(['cloneTable', dialect.cloneTable(orders, { database: 'prod_db', schema: 'analytics', identifier: 'fct_orders' })]);
  if (dialect.duplicateKeysQuery) {
    samples.push(['duplicateKeysQuery composite key', dialect.duplicateKeysQuery(staging, ['order_id', 'line_no'], 6)]);
    samples.push(['duplicateKeysQuery of a query', dialect.duplicateKeysQuery({ sql: model }, ['order_id'], 6)]);
  }
  samples.push(
    ['addColumn', dialect.addColumn(orders, { name: 'discount', dataType: dialect.seedType('double') })],
    ['dropColumn', dialect.dropColumn(orders, 'discount')],
    ['alterColumnType', dialect.alterColumnType(orders, 'amount', dialect.seedType('double'))],
    ['limitZero', dialect.limitZero(model)],
    ['countRows', dialect.countRows(model, 'failures')],
    ['currentTimestamp', dialect.currentTimestamp()],
    ['snapshotTime', dialect.snapshotTime()],
    // Catalog spellings of zoned timestamp types on several warehouses: each dialect knows its own.
    ...['timestamp with time zone', 'TIMESTAMP_TZ(9)'].map((type): [string, string] => [`snapshotTime for ${type}`, dialect.snapshotTime(type)]),
    ['snapshotHash composite key and updated_at', dialect.snapshotHash(['xform_source_data.xform_key_1', 'xform_source_data.xform_key_2', 'xform_source_data.xform_updated_at'])],
    ['valuesDiffer', dialect.valuesDiffer('xform_current.status', 'xform_source_data.status', dialect.stringType)],
    ['valuesDiffer json', dialect.valuesDiffer('xform_current.payload', 'xform_source_data.payload', 'json')],
    [
      'updateFrom',
      dialect.updateFrom({
        target: orders,
        source: staging,
        set: [{ column: 'dbt_valid_to', value: `xform_source.${dialect.quoteIdentifier('dbt_valid_to')}` }],
        where: [
          `xform_source.${dialect.quoteIdentifier('dbt_scd_id')} = xform_target.${dialect.quoteIdentifier('dbt_scd_id')}`,
          `xform_target.${dialect.quoteIdentifier('dbt_valid_to')} is null`,
        ],
      }),
    ],
    ['stringType', dialect.stringType],
    ...seedKinds.map((kind): [string, string] => [`seedType ${kind}`, dialect.seedType(kind)]),
  );
  return samples;
}

/** Code a dialect throws (as an XformError) for a statement its warehouse has no form of. */
export const DIALECT_UNSUPPORTED = 'XFORM_DIALECT_UNSUPPORTED';

/** The statement, or `-- not supported: <why>` when the dialect refuses it with DIALECT_UNSUPPORTED. */
function sampleOrUnsupported(make: () => string): string {
  try {
    return make();
  } catch (err) {
    if ((err as { code?: unknown }).code !== DIALECT_UNSUPPORTED) throw err;
    return `-- not supported: ${(err as Error).message}`;
  }
}

/** The samples as one SQL file: a `-- title` comment, the statement and a `;` each. */
export function renderDialectSamples(dialect: Dialect): string {
  const header = `-- Golden file for the ${dialect.name} dialect. Regenerate with ${UPDATE_GOLDEN_ENV}=1.\n`;
  return header + dialectSamples(dialect).map(([title, sql]) => `\n-- ${title}\n${sql};\n`).join('');
}

/**
 * The golden file's contents to compare `actual` with. With XFORM_UPDATE_GOLDEN=1 (or when the file does not
 * exist yet and the update flag is set) the file is rewritten first, so the comparison passes.
 */
export function readGolden(file: string, actual: string): string {
  if (process.env[UPDATE_GOLDEN_ENV] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) {
    throw new Error(`golden file ${file} is missing: run the test with ${UPDATE_GOLDEN_ENV}=1 to create it`);
  }
  return readFileSync(file, 'utf8');
}
