/**
 * Literal rows as SQL, for unit tests: `select cast(1 as integer) as "id", cast('a' as text) as "name"
 * union all select ...`. Columns are typed with the warehouse's own types where they are known (the real
 * upstream's catalog, the model's output), else inferred from the values. A column missing from a row is
 * NULL; no rows give a typed, empty `... where 1 = 0`.
 */
import type { Dialect } from '../adapter/types.js';
import { XformError, didYouMeanHint } from '../errors.js';

export interface FixtureColumn {
  name: string;
  /** Warehouse type to cast to. */
  type: string;
}

type FixtureDialect = Pick<Dialect, 'quoteIdentifier' | 'quoteString' | 'seedType' | 'stringType'>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const INT32 = 2 ** 31;

type Kind = 'integer' | 'bigint' | 'double' | 'boolean' | 'date' | 'timestamp' | 'text';

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/;

/** CSV cells are all text: read numbers and booleans from it the way a seed would. */
function csvKind(value: string): Kind {
  if (INTEGER_TEXT.test(value)) return Math.abs(Number(value)) < INT32 ? 'integer' : 'bigint';
  if (NUMBER_TEXT.test(value)) return 'double';
  if (/^(true|false)$/i.test(value)) return 'boolean';
  return kindOf(value)!;
}

function kindOf(value: unknown): Kind | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'bigint') return 'bigint';
  if (typeof value === 'number') return Number.isInteger(value) ? (Math.abs(value) < INT32 ? 'integer' : 'bigint') : 'double';
  if (value instanceof Date) return 'timestamp';
  if (typeof value === 'string') return DATE.test(value) ? 'date' : TIMESTAMP.test(value) ? 'timestamp' : 'text';
  return 'text';
}

/** The narrowest kind holding both (numbers widen; dates widen to timestamps; anything else is text). */
function widen(a: Kind | undefined, b: Kind | undefined): Kind | undefined {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  const numeric: Kind[] = ['integer', 'bigint', 'double'];
  if (numeric.includes(a) && numeric.includes(b)) return numeric[Math.max(numeric.indexOf(a), numeric.indexOf(b))];
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  return 'text';
}

/**
 * Columns (in first-seen order) and types inferred from the values; a column with only NULLs is text. With
 * `csv`, text cells that spell numbers or booleans count as such.
 */
export function inferColumns(dialect: FixtureDialect, rows: readonly Record<string, unknown>[], format: 'dict' | 'csv' = 'dict'): FixtureColumn[] {
  const kinds = new Map<string, Kind | undefined>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      const kind = format === 'csv' && typeof value === 'string' ? csvKind(value) : kindOf(value);
      kinds.set(key, widen(kinds.get(key), kind));
    }
  }
  return [...kinds].map(([name, kind]) => ({ name, type: kind === undefined || kind === 'text' ? dialect.stringType : dialect.seedType(kind) }));
}

/**
 * Matches the keys of fixture rows to known columns, case-insensitively (PostgreSQL folds unquoted names,
 * YAML keeps them as written). Returns the rows re-keyed by the column names; a key that matches no column is
 * an error naming `what` with a did-you-mean.
 */
export function alignRows(rows: readonly Record<string, unknown>[], columns: readonly FixtureColumn[], what: string): Record<string, unknown>[] {
  const byLower = new Map(columns.map((c) => [c.name.toLowerCase(), c.name]));
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      const name = columns.some((c) => c.name === key) ? key : byLower.get(key.toLowerCase());
      if (name === undefined) {
        throw new XformError('XFORM_UNIT_TEST_UNKNOWN_COLUMN', `${what} has no column '${key}' (columns: ${columns.map((c) => c.name).join(', ')})`, {
          hint: didYouMeanHint(key, columns.map((c) => c.name)),
        });
      }
      out[name] = value;
    }
    return out;
  });
}

function literal(dialect: FixtureDialect, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : dialect.quoteString(String(value));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return dialect.quoteString(value.toISOString().replace('T', ' ').replace('Z', ''));
  if (typeof value === 'object') return dialect.quoteString(JSON.stringify(value));
  return dialect.quoteString(String(value));
}

/** A SELECT of the rows with every column cast to its type, in `columns` order. */
export function fixtureSql(dialect: FixtureDialect, columns: readonly FixtureColumn[], rows: readonly Record<string, unknown>[]): string {
  if (columns.length === 0) throw new XformError('XFORM_INTERNAL', 'fixtureSql: no columns');
  const select = (row: Record<string, unknown> | undefined) =>
    'select ' + columns.map((c) => `cast(${literal(dialect, row?.[c.name])} as ${c.type}) as ${dialect.quoteIdentifier(c.name)}`).join(', ');
  if (rows.length === 0) return `${select(undefined)} where 1 = 0`;
  return rows.map(select).join('\nunion all\n');
}
