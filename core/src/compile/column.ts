/**
 * `api.Column` as dbt's adapters define it: the base Column of dbt-adapters and the differences of
 * dbt-postgres (text and unsized varchar keep their type), dbt-duckdb (its integer and float names),
 * dbt-snowflake (every int is NUMBER(38,0), so numeric; unsized strings are 16,777,216 long) and
 * dbt-bigquery (its own type labels and names, backtick quoting, casts as literals).
 */
import { XformError } from '../errors.js';
import { PY_GETATTR, Undefined, nativeFunction, pyArg, pyStr, type Kwargs } from '../template/index.js';

interface Flavor {
  /** translate_type(): upper-cased label -> the adapter's type. */
  labels: Record<string, string>;
  strings: readonly string[];
  integers: readonly string[];
  floats: readonly string[];
  numerics: readonly string[];
  /** string_size() of a text or unsized string. */
  defaultStringSize: number;
  quote: (name: string) => string;
  /** data_type when the adapter overrides the base rule; undefined falls back to it. */
  dataType?: (column: ColumnValue) => string | undefined;
  numericType: (dtype: string, precision: unknown, scale: unknown) => string;
  literal: (value: string, column: ColumnValue) => string;
}

const BASE_STRINGS = ['text', 'character varying', 'character', 'varchar'];
const BASE_INTEGERS = ['smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial', 'int2', 'int4', 'int8', 'serial2', 'serial4', 'serial8'];
const BASE_FLOATS = ['real', 'float4', 'float', 'double precision', 'float8', 'double'];

const baseNumericType = (dtype: string, precision: unknown, scale: unknown): string =>
  precision === null || precision === undefined || scale === null || scale === undefined ? dtype : `${dtype}(${pyStr(precision)},${pyStr(scale)})`;

const BASE: Flavor = {
  labels: { STRING: 'TEXT' },
  strings: BASE_STRINGS,
  integers: BASE_INTEGERS,
  floats: BASE_FLOATS,
  numerics: ['numeric', 'decimal'],
  defaultStringSize: 256,
  quote: (name) => `"${name}"`,
  numericType: baseNumericType,
  literal: (value, column) => `${value}::${column.data_type}`,
};

const FLAVORS: Record<string, Flavor> = {
  postgres: {
    ...BASE,
    dataType: (c) => (c.dtype.toLowerCase() === 'text' || (c.dtype.toLowerCase() === 'character varying' && c.char_size === null) ? c.dtype : undefined),
  },
  duckdb: {
    ...BASE,
    integers: ['tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'int1', 'int2', 'int4', 'int8', 'short', 'int', 'signed', 'long'],
    floats: ['real', 'float', 'float4', 'float8', 'double'],
  },
  snowflake: {
    ...BASE,
    integers: [],
    numerics: ['int', 'integer', 'bigint', 'smallint', 'tinyint', 'byteint', 'numeric', 'decimal', 'number'],
    floats: ['float', 'float4', 'float8', 'double', 'double precision', 'real'],
    defaultStringSize: 16_777_216,
  },
  bigquery: {
    ...BASE,
    labels: { TEXT: 'STRING', FLOAT: 'FLOAT64', INTEGER: 'INT64' },
    strings: ['string'],
    integers: ['int64'],
    floats: ['float64'],
    numerics: ['numeric'],
    quote: (name) => `\`${name}\``,
    dataType: (c) => c.dtype,
    numericType: (dtype) => dtype,
    literal: (value, column) => `cast(${value} as ${column.dtype})`,
  },
};

function flavorOf(adapterType: string): Flavor {
  return FLAVORS[adapterType] ?? BASE;
}

const orNull = (value: unknown): unknown => (value instanceof Undefined ? null : value);
const intOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : value === null || value === undefined || value instanceof Undefined ? null : Number(value));

export class ColumnValue {
  constructor(
    private readonly flavor: Flavor,
    readonly column: string,
    readonly dtype: string,
    readonly char_size: number | null = null,
    readonly numeric_precision: number | null = null,
    readonly numeric_scale: number | null = null,
  ) {}

  get name(): string {
    return this.column;
  }

  get quoted(): string {
    return this.flavor.quote(this.column);
  }

  get data_type(): string {
    const own = this.flavor.dataType?.(this);
    if (own !== undefined) return own;
    if (this.is_string()) return stringType(this.string_size());
    if (this.is_numeric()) return this.flavor.numericType(this.dtype, this.numeric_precision, this.numeric_scale);
    return this.dtype;
  }

  is_string(): boolean {
    return this.flavor.strings.includes(this.dtype.toLowerCase());
  }

  is_integer(): boolean {
    return this.flavor.integers.includes(this.dtype.toLowerCase());
  }

  is_float(): boolean {
    return this.flavor.floats.includes(this.dtype.toLowerCase());
  }

  is_numeric(): boolean {
    return this.flavor.numerics.includes(this.dtype.toLowerCase());
  }

  is_number(): boolean {
    return this.is_integer() || this.is_numeric() || this.is_float();
  }

  string_size(): number {
    if (!this.is_string()) {
      throw new XformError('XFORM_COLUMN_NOT_STRING', `string_size() called on column '${this.column}' of type ${this.dtype}, which is not a string type`);
    }
    return this.dtype === 'text' || this.char_size === null ? this.flavor.defaultStringSize : this.char_size;
  }

  can_expand_to(other: unknown): boolean {
    if (!(other instanceof ColumnValue) || !this.is_string() || !other.is_string()) return false;
    return this.flavor === FLAVORS.bigquery ? true : other.string_size() > this.string_size();
  }

  toString(): string {
    return `<Column ${this.column} (${this.data_type})>`;
  }

  [PY_GETATTR](name: string): unknown {
    if (COLUMN_ATTRIBUTES.has(name)) return (this as unknown as Record<string, unknown>)[name];
    switch (name) {
      case 'expanded_data_type':
        return this.data_type;
      case 'literal':
        return nativeFunction((args: unknown[], kwargs: Kwargs) => this.flavor.literal(pyStr(pyArg(args, kwargs, 0, 'value')), this));
      case 'can_expand_to':
        return nativeFunction((args: unknown[], kwargs: Kwargs) => this.can_expand_to(pyArg(args, kwargs, 0, 'other_column')));
      case 'is_string':
      case 'is_integer':
      case 'is_float':
      case 'is_numeric':
      case 'is_number':
      case 'string_size':
        return nativeFunction(() => this[name]());
      default:
        return new Undefined(`'Column' object has no attribute '${name}'`);
    }
  }
}

const COLUMN_ATTRIBUTES = new Set(['column', 'name', 'dtype', 'char_size', 'numeric_precision', 'numeric_scale', 'data_type', 'quoted']);

function stringType(size: number): string {
  return `character varying(${size})`;
}

/** dbt's Column.from_description: `varchar(10)` -> char_size 10, `numeric(12,2)` -> precision and scale. */
function fromDescription(flavor: Flavor, name: string, raw: string): ColumnValue {
  const m = /^([^(]+)(\(([^)]+)\))?/.exec(raw);
  if (!m) throw new XformError('XFORM_COLUMN_TYPE_INVALID', `could not interpret data type "${raw}"`);
  const parts = m[3]?.split(',') ?? [];
  const int = (text: string) => {
    const n = Number.parseInt(text.trim(), 10);
    if (!Number.isInteger(n) || String(n) !== text.trim()) {
      throw new XformError('XFORM_COLUMN_TYPE_INVALID', `could not interpret data type "${raw}": could not convert "${text}" to an integer`);
    }
    return n;
  };
  if (parts.length === 1) return new ColumnValue(flavor, name, m[1]!, int(parts[0]!));
  if (parts.length === 2) return new ColumnValue(flavor, name, m[1]!, null, int(parts[0]!), int(parts[1]!));
  return new ColumnValue(flavor, name, m[1]!);
}

/** `api.Column` for an adapter type: callable as a constructor, with dbt's class methods. */
export function columnApi(adapterType: string): unknown {
  const flavor = flavorOf(adapterType);
  const translate = (dtype: string) => flavor.labels[dtype.toUpperCase()] ?? dtype;
  const make = nativeFunction((args: unknown[], kwargs: Kwargs) =>
    new ColumnValue(
      flavor,
      pyStr(pyArg(args, kwargs, 0, 'column')),
      pyStr(pyArg(args, kwargs, 1, 'dtype')),
      intOrNull(pyArg(args, kwargs, 2, 'char_size', null)),
      intOrNull(pyArg(args, kwargs, 3, 'numeric_precision', null)),
      intOrNull(pyArg(args, kwargs, 4, 'numeric_scale', null)),
    ),
  );
  return Object.assign(make, {
    TYPE_LABELS: { ...flavor.labels },
    translate_type: nativeFunction((args: unknown[], kwargs: Kwargs) => translate(pyStr(pyArg(args, kwargs, 0, 'dtype')))),
    create: nativeFunction((args: unknown[], kwargs: Kwargs) =>
      new ColumnValue(flavor, pyStr(pyArg(args, kwargs, 0, 'name')), translate(pyStr(pyArg(args, kwargs, 1, 'label_or_dtype')))),
    ),
    string_type: nativeFunction((args: unknown[], kwargs: Kwargs) => stringType(Number(pyStr(pyArg(args, kwargs, 0, 'size'))))),
    numeric_type: nativeFunction((args: unknown[], kwargs: Kwargs) =>
      flavor.numericType(pyStr(pyArg(args, kwargs, 0, 'dtype')), orNull(pyArg(args, kwargs, 1, 'precision', null)), orNull(pyArg(args, kwargs, 2, 'scale', null))),
    ),
    from_description: nativeFunction((args: unknown[], kwargs: Kwargs) =>
      fromDescription(flavor, pyStr(pyArg(args, kwargs, 0, 'name')), pyStr(pyArg(args, kwargs, 1, 'raw_data_type'))),
    ),
  });
}

/** A column of a relation as the warehouse describes it (`NUMERIC(10,2)`...), as dbt's adapter reports it. */
export function describedColumn(adapterType: string, name: string, rawType: string): ColumnValue {
  const flavor = flavorOf(adapterType);
  try {
    return fromDescription(flavor, name, rawType);
  } catch {
    // Nested types (STRUCT(a INTEGER), DECIMAL(18,3)[]) keep their full spelling.
    return new ColumnValue(flavor, name, rawType);
  }
}
