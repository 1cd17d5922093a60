/**
 * The type names dbt's `api.Column` class methods give on each adapter, which the global macros' type
 * macros (`type_string()`, `hash()`...) are written against. dbt keeps them on the adapter's Column class:
 * `translate_type(dtype)` is `TYPE_LABELS.get(dtype.upper(), dtype)`, so an unknown label comes back as
 * written; `numeric_type(dtype, precision, scale)` appends `(precision,scale)` except on BigQuery.
 *
 * `columnTypesApi` is the minimal `api` the macros need; a fuller `api` global given to the engine
 * (Column.create, Relation...) replaces it.
 */
import { nativeFunction, type Kwargs } from '../runtime/callables.js';
import { pyStr } from '../runtime/repr.js';
import { arg } from '../runtime/str-methods.js';

/**
 * dbt-adapters base Column: {"STRING": "TEXT"}, which dbt-postgres, dbt-snowflake and dbt-duckdb inherit;
 * dbt-bigquery's BigQueryColumn replaces it.
 */
const BASE_LABELS: Readonly<Record<string, string>> = { STRING: 'TEXT' };
const TYPE_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  bigquery: { TEXT: 'STRING', FLOAT: 'FLOAT64', INTEGER: 'INT64' },
};

export function translateType(adapterType: string, dtype: string): string {
  const labels = TYPE_LABELS[adapterType] ?? BASE_LABELS;
  return labels[dtype.toUpperCase()] ?? dtype;
}

export function numericType(adapterType: string, dtype: string, precision: unknown, scale: unknown): string {
  // BigQuery rejects numeric(p,s) for its default NUMERIC, so its Column ignores precision and scale.
  if (adapterType === 'bigquery' || precision === null || scale === null || precision === undefined || scale === undefined) return dtype;
  return `${dtype}(${pyStr(precision)},${pyStr(scale)})`;
}

/** `api.Column.translate_type` and `api.Column.numeric_type` for `adapterType`. */
export function columnTypesApi(adapterType: string): { Column: Record<string, unknown> } {
  return {
    Column: {
      translate_type: nativeFunction((args: unknown[], kwargs: Kwargs) => translateType(adapterType, pyStr(arg(args, kwargs, 0, 'dtype')))),
      numeric_type: nativeFunction((args: unknown[], kwargs: Kwargs) =>
        numericType(adapterType, pyStr(arg(args, kwargs, 0, 'dtype')), arg(args, kwargs, 1, 'precision', null), arg(args, kwargs, 2, 'scale', null)),
      ),
    },
  };
}
