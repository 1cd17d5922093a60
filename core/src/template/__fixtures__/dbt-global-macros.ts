/**
 * What dbt's own macros render, per adapter, for the calls below: worked out by hand from the macro source
 * named in each case's `source` (dbt-adapters @ 802d40f: dbt-adapters/src/dbt/include/global_project/macros,
 * dbt-postgres|dbt-bigquery|dbt-snowflake/src/dbt/include/<adapter>/macros; dbt-duckdb @ 25573c2:
 * dbt/include/duckdb/macros). Never taken from xform's output. Compared after `normalizeSql` in
 * dbt/global-macros.test.ts (whitespace and `--` comments outside literals do not count).
 *
 * Cross-checked with check-dbt-global-macros.py, which renders every case with Python Jinja2 3.1 from
 * dbt's own macro files: on 2026-12-06, 215 of 215 adapter cases equal.
 */
export type AdapterType = 'duckdb' | 'postgres' | 'bigquery' | 'snowflake';

export interface MacroCase {
  /** A Jinja expression, rendered as `{{ call }}`. */
  call: string;
  /** The dbt macro files the expectations come from. */
  source: string;
  /** Expected SQL per adapter; a case applies to the adapters it lists. */
  expected: Partial<Record<AdapterType, string>>;
  /** Rendered with `statement()` and `load_result()` as at run time, the query answering this value. */
  loadResult?: number;
}

const all = (sql: string): Record<AdapterType, string> => ({ duckdb: sql, postgres: sql, bigquery: sql, snowflake: sql });

const G = 'global_project/macros/utils';

/** default__generate_series(4) and (5): two and three cross-joined bits. */
const SERIES_4 =
  'with p as (select 0 as generated_number union all select 1), unioned as (select p0.generated_number * power(2, 0) + p1.generated_number * power(2, 1) + 1 as generated_number from p as p0 cross join p as p1) select * from unioned where generated_number <= 4 order by generated_number';
const SERIES_5 =
  'with p as (select 0 as generated_number union all select 1), unioned as (select p0.generated_number * power(2, 0) + p1.generated_number * power(2, 1) + p2.generated_number * power(2, 2) + 1 as generated_number from p as p0 cross join p as p1 cross join p as p2) select * from unioned where generated_number <= 5 order by generated_number';

/** default__date_spine by day from 2024-01-01 to 2024-01-05, around an adapter's series and dateadd. */
const spine = (series: string, dateadd: string) =>
  `with rawdata as (${series}), all_periods as (select (${dateadd}) as date_day from rawdata), filtered as (select * from all_periods where date_day <= cast('2024-01-05' as date)) select * from filtered`;

export const MACRO_CASES: MacroCase[] = [
  // Types: api.Column.translate_type / numeric_type of each adapter's Column class.
  { call: 'type_string()', source: `${G}/data_types.sql; bigquery column.py`, expected: { duckdb: 'TEXT', postgres: 'TEXT', bigquery: 'string', snowflake: 'TEXT' } },
  { call: 'dbt.type_timestamp()', source: `${G}/data_types.sql`, expected: all('timestamp') },
  { call: 'type_float()', source: `${G}/data_types.sql; bigquery column.py`, expected: { duckdb: 'float', postgres: 'float', bigquery: 'FLOAT64', snowflake: 'float' } },
  { call: 'type_numeric()', source: `${G}/data_types.sql; bigquery column.py numeric_type`, expected: { duckdb: 'numeric(28,6)', postgres: 'numeric(28,6)', bigquery: 'numeric', snowflake: 'numeric(28,6)' } },
  { call: 'type_bigint()', source: `${G}/data_types.sql`, expected: all('bigint') },
  { call: 'type_int()', source: `${G}/data_types.sql; bigquery column.py`, expected: { duckdb: 'integer', postgres: 'integer', bigquery: 'INT64', snowflake: 'integer' } },
  { call: 'type_boolean()', source: `${G}/data_types.sql`, expected: all('boolean') },
  // Casts.
  { call: "cast('amount', 'integer')", source: `${G}/cast.sql; snowflake utils/cast.sql`, expected: all('cast(amount as integer)') },
  { call: "cast('geo', 'geography')", source: 'snowflake utils/cast.sql', expected: { snowflake: 'to_geography(geo)', duckdb: 'cast(geo as geography)' } },
  { call: "cast_bool_to_text('is_active')", source: `${G}/cast_bool_to_text.sql`, expected: { duckdb: 'cast(is_active as TEXT)', postgres: 'cast(is_active as TEXT)', bigquery: 'cast(is_active as string)', snowflake: 'cast(is_active as TEXT)' } },
  {
    call: "safe_cast('amount', 'integer')",
    source: `${G}/safe_cast.sql; bigquery + snowflake utils/safe_cast.sql`,
    expected: { duckdb: 'cast(amount as integer)', postgres: 'cast(amount as integer)', bigquery: 'safe_cast(amount as integer)', snowflake: 'try_cast(amount as integer)' },
  },
  { call: "safe_cast(1, 'varchar')", source: 'snowflake utils/safe_cast.sql', expected: { snowflake: "try_cast('1' as varchar)" } },
  { call: "safe_cast('payload', 'variant')", source: 'snowflake utils/safe_cast.sql', expected: { snowflake: 'cast(payload as variant)' } },
  { call: "safe_cast(['1', '2'], 'array<int64>')", source: 'bigquery utils/safe_cast.sql', expected: { bigquery: "(select array_agg(safe_cast(i as int64)) from unnest(['1', '2']) i)" } },
  { call: "safe_cast({'a': 1}, 'json')", source: 'bigquery utils/safe_cast.sql', expected: { bigquery: `safe_cast(json '''{"a": 1}''' as json)` } },
  { call: `safe_cast("'POINT(1 1)'", 'geography')`, source: 'bigquery utils/safe_cast.sql', expected: { bigquery: 'safe_cast(POINT(1 1) as geography)' } },
  // Strings and aggregates.
  { call: `concat(['first_name', "' '", 'last_name'])`, source: `${G}/concat.sql`, expected: all("first_name || ' ' || last_name") },
  { call: "hash('email')", source: `${G}/hash.sql; bigquery utils/hash.sql`, expected: { duckdb: 'md5(cast(email as TEXT))', postgres: 'md5(cast(email as TEXT))', bigquery: 'to_hex(md5(cast(email as string)))', snowflake: 'md5(cast(email as TEXT))' } },
  { call: "length('name')", source: `${G}/length.sql`, expected: all('length(name)') },
  { call: `position("'@'", 'email')`, source: `${G}/position.sql; bigquery utils/position.sql`, expected: { duckdb: "position('@' in email)", postgres: "position('@' in email)", bigquery: "strpos(email, '@')", snowflake: "position('@' in email)" } },
  { call: `replace('name', "'a'", "'b'")`, source: `${G}/replace.sql`, expected: all("replace(name, 'a', 'b')") },
  {
    call: "right('name', 3)",
    source: `${G}/right.sql; bigquery + snowflake utils/right.sql`,
    expected: { duckdb: 'right(name, 3)', postgres: 'right(name, 3)', bigquery: "case when 3 = 0 then '' else substr(name, -1 * (3)) end", snowflake: "case when 3 = 0 then '' else right(name, 3) end" },
  },
  {
    call: `split_part('path', "'/'", 2)`,
    source: `${G}/split_part.sql; duckdb utils/splitpart.sql; postgres + bigquery utils/split_part.sql`,
    expected: { duckdb: "string_split(path, '/')[2]", postgres: "split_part(path, '/', 2)", bigquery: "split(path, '/')[safe_offset(1)]", snowflake: "split_part(path, '/', 2)" },
  },
  {
    call: `split_part('path', "'/'", -1)`,
    source: `${G}/split_part.sql (_split_part_negative); duckdb utils/splitpart.sql; bigquery utils/split_part.sql`,
    expected: {
      duckdb: "string_split(path, '/')[-1]",
      postgres: "split_part(path, '/', length(path) - length(replace(path, '/', '')) + 2 + -1)",
      bigquery: "split(path, '/')[safe_offset(length(path) - length(replace(path, '/', '')) + 1 + -1)]",
      snowflake: "split_part(path, '/', -1)",
    },
  },
  { call: "string_literal('it')", source: `${G}/literal.sql; bigquery utils/string_literal.sql`, expected: { duckdb: "'it'", postgres: "'it'", bigquery: "'''it'''", snowflake: "'it'" } },
  { call: `escape_single_quotes("they're")`, source: `${G}/escape_single_quotes.sql; bigquery + snowflake`, expected: { duckdb: "they''re", postgres: "they''re", bigquery: "they\\'re", snowflake: "they\\'re" } },
  { call: "listagg('name')", source: `${G}/listagg.sql; duckdb + postgres + bigquery utils/listagg.sql`, expected: { duckdb: "string_agg(name, ',')", postgres: "string_agg(name, ',')", bigquery: "string_agg(name, ',')", snowflake: "listagg(name, ',')" } },
  {
    call: `listagg('name', "'|'", 'order by name')`,
    source: `${G}/listagg.sql; duckdb + postgres + bigquery utils/listagg.sql`,
    expected: { duckdb: "string_agg(name, '|' order by name)", postgres: "string_agg(name, '|' order by name)", bigquery: "string_agg(name, '|' order by name)", snowflake: "listagg(name, '|') within group (order by name)" },
  },
  {
    call: `listagg('name', "', '", 'order by name', 2)`,
    source: `${G}/listagg.sql; duckdb + postgres + bigquery utils/listagg.sql`,
    expected: {
      duckdb: "list_aggr((array_agg(name order by name))[1:2], 'string_agg', ', ')",
      postgres: "array_to_string((array_agg(name order by name))[1:2], ', ')",
      bigquery: "string_agg(name, ', ' order by name limit 2)",
      snowflake: "array_to_string(array_slice(array_agg(name) within group (order by name), 0, 2), ', ')",
    },
  },
  { call: "any_value('x')", source: `${G}/any_value.sql; duckdb + postgres utils/any_value.sql`, expected: { duckdb: 'arbitrary(x)', postgres: 'min(x)', bigquery: 'any_value(x)', snowflake: 'any_value(x)' } },
  { call: "bool_or('x')", source: `${G}/bool_or.sql; bigquery + snowflake utils/bool_or.sql`, expected: { duckdb: 'bool_or(x)', postgres: 'bool_or(x)', bigquery: 'logical_or(x)', snowflake: 'boolor_agg(x)' } },
  { call: "equals('a', 'b')", source: `${G}/equals.sql (behaviour flag off)`, expected: all('(a = b)') },
  // Timestamps and dates.
  {
    call: 'current_timestamp()',
    source: 'global_project/macros/adapters/timestamps.sql; duckdb adapters.sql; postgres timestamps.sql; bigquery + snowflake utils/timestamps.sql',
    expected: { duckdb: 'now()', postgres: 'now()', bigquery: 'current_timestamp()', snowflake: "convert_timezone('UTC', current_timestamp())" },
  },
  {
    call: 'current_timestamp_backcompat()',
    source: 'global_project/macros/adapters/timestamps.sql; postgres timestamps.sql; bigquery + snowflake utils/timestamps.sql',
    expected: { duckdb: 'current_timestamp::timestamp', postgres: 'current_timestamp::timestamp', bigquery: 'current_timestamp', snowflake: 'current_timestamp::timestamp' },
  },
  {
    call: 'current_timestamp_in_utc_backcompat()',
    source: 'global_project/macros/adapters/timestamps.sql; postgres timestamps.sql; snowflake utils/timestamps.sql',
    expected: {
      duckdb: 'current_timestamp::timestamp',
      postgres: "(current_timestamp at time zone 'utc')::timestamp",
      bigquery: 'current_timestamp',
      snowflake: "convert_timezone('UTC', current_timestamp::timestamp)::timestamp",
    },
  },
  { call: 'date(2023, 1, 5)', source: `${G}/date.sql; duckdb + bigquery utils/date.sql`, expected: { duckdb: 'make_date(2023, 1, 5)', postgres: "to_date('2023-01-05', 'YYYY-MM-DD')", bigquery: 'date(2023, 1, 5)', snowflake: "to_date('2023-01-05', 'YYYY-MM-DD')" } },
  { call: "date_trunc('month', 'order_date')", source: `${G}/date_trunc.sql; bigquery utils/date_trunc.sql`, expected: { duckdb: "date_trunc('month', order_date)", postgres: "date_trunc('month', order_date)", bigquery: 'timestamp_trunc(cast(order_date as timestamp), month)', snowflake: "date_trunc('month', order_date)" } },
  {
    call: "dateadd('day', 3, 'order_date')",
    source: `${G}/dateadd.sql; duckdb + postgres + bigquery utils/dateadd.sql`,
    expected: {
      duckdb: '(order_date + cast(3 as bigint) * interval 1 day)',
      postgres: "order_date + ((interval '1 day') * (3))",
      bigquery: 'datetime_add(cast(order_date as datetime), interval 3 day)',
      snowflake: 'dateadd(day, 3, order_date)',
    },
  },
  { call: "dateadd('quarter', 1, 'd')", source: 'duckdb utils/dateadd.sql', expected: { duckdb: '(d + (cast(1 as bigint) * 3) * interval 1 month)' } },
  { call: "dateadd('week', 2, 'd')", source: 'duckdb utils/dateadd.sql', expected: { duckdb: '(d + (cast(2 as bigint) * 7) * interval 1 day)' } },
  {
    call: "datediff('a', 'b', 'day')",
    source: `${G}/datediff.sql; duckdb + postgres + bigquery utils/datediff.sql`,
    expected: {
      duckdb: "(date_diff('day', a::timestamp, b::timestamp))",
      postgres: '((b)::date - (a)::date)',
      bigquery: 'datetime_diff(cast(b as datetime), cast(a as datetime), day)',
      snowflake: 'datediff(day, a, b)',
    },
  },
  {
    call: "datediff('a', 'b', 'month')",
    source: 'postgres utils/datediff.sql',
    expected: { postgres: "((date_part('year', (b)::date) - date_part('year', (a)::date)) * 12 + date_part('month', (b)::date) - date_part('month', (a)::date))" },
  },
  {
    call: "datediff('a', 'b', 'week')",
    source: 'duckdb + postgres utils/datediff.sql',
    expected: {
      duckdb:
        "((date_diff('day', a::timestamp, b::timestamp)) // 7 + case when date_part('dow', (a)::timestamp) <= date_part('dow', (b)::timestamp) then case when a <= b then 0 else -1 end else case when a <= b then 1 else 0 end end)",
      postgres:
        "(((b)::date - (a)::date) / 7 + case when date_part('dow', (a)::timestamp) <= date_part('dow', (b)::timestamp) then case when a <= b then 0 else -1 end else case when a <= b then 1 else 0 end end)",
    },
  },
  {
    call: "datediff('a', 'b', 'second')",
    source: 'postgres utils/datediff.sql',
    expected: {
      postgres:
        "(((((b)::date - (a)::date) * 24 + date_part('hour', (b)::timestamp) - date_part('hour', (a)::timestamp)) * 60 + date_part('minute', (b)::timestamp) - date_part('minute', (a)::timestamp)) * 60 + floor(date_part('second', (b)::timestamp)) - floor(date_part('second', (a)::timestamp)))",
    },
  },
  {
    call: "last_day('d', 'month')",
    source: `${G}/last_day.sql; duckdb utils/lastday.sql; postgres utils/last_day.sql`,
    expected: {
      duckdb: "cast(((date_trunc('month', d) + cast(1 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day) as date)",
      postgres: "cast(date_trunc('month', d) + ((interval '1 month') * (1)) + ((interval '1 day') * (-1)) as date)",
      bigquery: 'cast(datetime_add(cast(datetime_add(cast(timestamp_trunc(cast(d as timestamp), month) as datetime), interval 1 month) as datetime), interval -1 day) as date)',
      snowflake: "cast(dateadd(day, -1, dateadd(month, 1, date_trunc('month', d))) as date)",
    },
  },
  {
    call: "last_day('d', 'quarter')",
    source: 'duckdb utils/lastday.sql; postgres utils/last_day.sql',
    expected: {
      duckdb: "cast(((date_trunc('quarter', d) + cast(3 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day) as date)",
      postgres: "cast(date_trunc('quarter', d) + ((interval '1 month') * (3)) + ((interval '1 day') * (-1)) as date)",
    },
  },
  // Set operators, arrays, series.
  { call: 'except()', source: `${G}/except.sql; bigquery utils/except.sql`, expected: { duckdb: 'except', postgres: 'except', bigquery: 'except distinct', snowflake: 'except' } },
  { call: 'intersect()', source: `${G}/intersect.sql; bigquery utils/intersect.sql`, expected: { duckdb: 'intersect', postgres: 'intersect', bigquery: 'intersect distinct', snowflake: 'intersect' } },
  { call: "array_construct(['1', '2'])", source: `${G}/array_construct.sql; bigquery + snowflake`, expected: { duckdb: 'array[1 , 2]', postgres: 'array[1 , 2]', bigquery: '[1 , 2]', snowflake: 'array_construct(1 , 2)' } },
  { call: 'array_construct()', source: `${G}/array_construct.sql; bigquery + snowflake`, expected: { duckdb: 'array[]::integer[]', postgres: 'array[]::integer[]', bigquery: 'ARRAY<INT64>[]', snowflake: 'array_construct()' } },
  { call: "array_append('arr', 3)", source: `${G}/array_append.sql; bigquery utils/array_append.sql`, expected: { duckdb: 'array_append(arr, 3)', postgres: 'array_append(arr, 3)', bigquery: 'array_concat(arr, [3])', snowflake: 'array_append(arr, 3)' } },
  { call: "array_concat('a', 'b')", source: `${G}/array_concat.sql; bigquery utils/array_concat.sql`, expected: { duckdb: 'array_cat(a, b)', postgres: 'array_cat(a, b)', bigquery: 'array_concat(a, b)', snowflake: 'array_cat(a, b)' } },
  {
    call: 'generate_series(5)',
    source: `${G}/generate_series.sql; duckdb utils/generate_series.sql`,
    expected: {
      duckdb: 'select generate_series as generated_number from generate_series(1, 5)',
      postgres: SERIES_5,
      bigquery: SERIES_5,
      snowflake: SERIES_5,
    },
  },
  {
    call: `get_intervals_between("cast('2024-01-01' as date)", "cast('2024-01-05' as date)", 'day')`,
    source: `${G}/date_spine.sql`,
    loadResult: 4,
    expected: all('4'),
  },
  {
    call: `date_spine('day', "cast('2024-01-01' as date)", "cast('2024-01-05' as date)")`,
    source: `${G}/date_spine.sql; duckdb utils/generate_series.sql + dateadd.sql; postgres + bigquery utils/dateadd.sql`,
    loadResult: 4,
    expected: {
      duckdb: spine(
        'select generate_series as generated_number from generate_series(1, 4)',
        "(cast('2024-01-01' as date) + cast(row_number() over (order by 1) - 1 as bigint) * interval 1 day)",
      ),
      postgres: spine(SERIES_4, "cast('2024-01-01' as date) + ((interval '1 day') * (row_number() over (order by 1) - 1))"),
      bigquery: spine(SERIES_4, "datetime_add(cast(cast('2024-01-01' as date) as datetime), interval row_number() over (order by 1) - 1 day)"),
      snowflake: spine(SERIES_4, "dateadd(day, row_number() over (order by 1) - 1, cast('2024-01-01' as date))"),
    },
  },
  { call: 'get_powers_of_two(8)', source: `${G}/generate_series.sql`, expected: all('3') },
  // Naming (target: schema analytics, database warehouse).
  { call: 'generate_schema_name(none, none)', source: 'global_project/macros/get_custom_name/get_custom_schema.sql', expected: all('analytics') },
  { call: "dbt.generate_schema_name(' marts ', none)", source: 'global_project/macros/get_custom_name/get_custom_schema.sql', expected: all('analytics_marts') },
  { call: "generate_schema_name_for_env('marts', none)", source: 'global_project/macros/get_custom_name/get_custom_schema.sql', expected: all('analytics') },
  { call: "generate_alias_name(none, {'name': 'orders', 'version': 2})", source: 'global_project/macros/get_custom_name/get_custom_alias.sql', expected: all('orders_v2') },
  { call: "generate_alias_name(' o ', {'name': 'orders'})", source: 'global_project/macros/get_custom_name/get_custom_alias.sql', expected: all('o') },
  { call: "generate_database_name(none, {'name': 'orders'})", source: 'global_project/macros/get_custom_name/get_custom_database.sql', expected: all('warehouse') },
];
