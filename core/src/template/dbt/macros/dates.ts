/**
 * dbt's date and time macros (dbt-adapters global_project macros/utils: date, date_trunc, dateadd,
 * datediff, last_day, date_spine, generate_series; macros/adapters/timestamps.sql), with the dbt-duckdb,
 * dbt-postgres, dbt-bigquery and dbt-snowflake variants.
 */
export const DATES_SQL = String.raw`
{%- macro current_timestamp() -%}{{ adapter.dispatch('current_timestamp', 'dbt')() }}{%- endmacro -%}

{% macro default__current_timestamp() -%}
{{ exceptions.raise_not_implemented('current_timestamp macro not implemented for adapter ' ~ target.type) }}
{%- endmacro %}

{% macro duckdb__current_timestamp() -%}now(){%- endmacro %}
{% macro postgres__current_timestamp() -%}now(){%- endmacro %}
{% macro bigquery__current_timestamp() -%}current_timestamp(){%- endmacro %}
{#- Snowflake's current_timestamp() is in the session's time zone; dbt pins it to UTC. -#}
{% macro snowflake__current_timestamp() -%}convert_timezone('UTC', current_timestamp()){%- endmacro %}

{#-
  The backcompat pair reproduces what dbt_utils.current_timestamp() and current_timestamp_in_utc() gave
  before dbt took them over; packages that called those keep identical SQL through these.
-#}
{% macro current_timestamp_backcompat() -%}{{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}{%- endmacro %}

{% macro default__current_timestamp_backcompat() -%}
current_timestamp::timestamp
{%- endmacro %}

{% macro postgres__current_timestamp_backcompat() -%}
current_timestamp::{{ type_timestamp() }}
{%- endmacro %}

{% macro snowflake__current_timestamp_backcompat() -%}
current_timestamp::{{ type_timestamp() }}
{%- endmacro %}

{% macro bigquery__current_timestamp_backcompat() -%}
current_timestamp
{%- endmacro %}

{% macro current_timestamp_in_utc_backcompat() -%}{{ return(adapter.dispatch('current_timestamp_in_utc_backcompat', 'dbt')()) }}{%- endmacro %}

{% macro default__current_timestamp_in_utc_backcompat() -%}
{{ return(adapter.dispatch('current_timestamp_backcompat', 'dbt')()) }}
{%- endmacro %}

{% macro postgres__current_timestamp_in_utc_backcompat() -%}
(current_timestamp at time zone 'utc')::{{ type_timestamp() }}
{%- endmacro %}

{% macro snowflake__current_timestamp_in_utc_backcompat() -%}
convert_timezone('UTC', {{ snowflake__current_timestamp_backcompat() }})::{{ type_timestamp() }}
{%- endmacro %}

{% macro date(year, month, day) -%}{{ return(adapter.dispatch('date', 'dbt')(year, month, day)) }}{%- endmacro %}

{#- Going through a Python date rejects impossible dates at compile time and zero-pads the literal. -#}
{% macro default__date(year, month, day) -%}
to_date('{{ modules.datetime.date(year, month, day).strftime('%Y-%m-%d') }}', 'YYYY-MM-DD')
{%- endmacro %}

{% macro duckdb__date(year, month, day) -%}
make_date({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}

{% macro bigquery__date(year, month, day) -%}
date({{ year }}, {{ month }}, {{ day }})
{%- endmacro %}

{% macro date_trunc(datepart, date) -%}{{ return(adapter.dispatch('date_trunc', 'dbt')(datepart, date)) }}{%- endmacro %}

{% macro default__date_trunc(datepart, date) -%}
date_trunc('{{ datepart }}', {{ date }})
{%- endmacro %}

{% macro bigquery__date_trunc(datepart, date) -%}
timestamp_trunc(cast({{ date }} as timestamp), {{ datepart }})
{%- endmacro %}

{% macro dateadd(datepart, interval, from_date_or_timestamp) -%}
{{ return(adapter.dispatch('dateadd', 'dbt')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}

{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}
dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- Multiplying a one-unit interval lets the amount be any expression, a column included. -#}
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) -%}
{{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))
{%- endmacro %}

{#- DuckDB has no quarter interval; week is spelled out as 7 days as dbt-duckdb does. -#}
{% macro duckdb__dateadd(datepart, interval, from_date_or_timestamp) -%}
{%- set unit = datepart | lower -%}
{%- if unit == 'quarter' -%}
({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 3) * interval 1 month)
{%- elif unit == 'week' -%}
({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 7) * interval 1 day)
{%- else -%}
({{ from_date_or_timestamp }} + cast({{ interval }} as bigint) * interval 1 {{ unit }})
{%- endif -%}
{%- endmacro %}

{% macro bigquery__dateadd(datepart, interval, from_date_or_timestamp) -%}
datetime_add(cast({{ from_date_or_timestamp }} as datetime), interval {{ interval }} {{ datepart }})
{%- endmacro %}

{% macro datediff(first_date, second_date, datepart) -%}
{{ return(adapter.dispatch('datediff', 'dbt')(first_date, second_date, datepart)) }}
{%- endmacro %}

{% macro default__datediff(first_date, second_date, datepart) -%}
datediff({{ datepart }}, {{ first_date }}, {{ second_date }})
{%- endmacro %}

{#-
  PostgreSQL has no datediff: each part counts boundaries crossed, built from the coarser part (months from
  years, hours from days...), matching Snowflake's datediff.
-#}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'year' -%}
(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- elif datepart == 'quarter' -%}
({{ datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
{%- elif datepart == 'month' -%}
({{ datediff(first_date, second_date, 'year') }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
{%- elif datepart == 'day' -%}
(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' -%}
({{ datediff(first_date, second_date, 'day') }} / 7 + {{ dbt._datediff_week_adjustment(first_date, second_date) }})
{%- elif datepart == 'hour' -%}
({{ datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
{%- elif datepart == 'minute' -%}
({{ datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
{%- elif datepart == 'second' -%}
({{ datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
{%- elif datepart == 'millisecond' -%}
({{ datediff(first_date, second_date, 'minute') }} * 60000 + floor(date_part('millisecond', ({{ second_date }})::timestamp)) - floor(date_part('millisecond', ({{ first_date }})::timestamp)))
{%- elif datepart == 'microsecond' -%}
({{ datediff(first_date, second_date, 'minute') }} * 60000000 + floor(date_part('microsecond', ({{ second_date }})::timestamp)) - floor(date_part('microsecond', ({{ first_date }})::timestamp)))
{%- else -%}
{{ exceptions.raise_compiler_error('Unsupported datepart for macro datediff in postgres: {!r}'.format(datepart)) }}
{%- endif -%}
{%- endmacro %}

{#- Whole weeks from days, corrected by one when the weekday of the end is before that of the start. -#}
{% macro _datediff_week_adjustment(first_date, second_date) -%}
case when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end
{%- endmacro %}

{% macro duckdb__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'week' -%}
({{ datediff(first_date, second_date, 'day') }} // 7 + {{ dbt._datediff_week_adjustment(first_date, second_date) }})
{%- else -%}
(date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp))
{%- endif -%}
{%- endmacro %}

{#- dbt-bigquery's shortcut to dbt.datediff compares dbt_version[0] (a character) with 1, so it never applies. -#}
{% macro bigquery__datediff(first_date, second_date, datepart) -%}
datetime_diff(cast({{ second_date }} as datetime), cast({{ first_date }} as datetime), {{ datepart }})
{%- endmacro %}

{% macro last_day(date, datepart) -%}{{ return(adapter.dispatch('last_day', 'dbt')(date, datepart)) }}{%- endmacro %}

{%- macro default_last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro -%}

{% macro default__last_day(date, datepart) -%}
{{ dbt.default_last_day(date, datepart) }}
{%- endmacro %}

{#- PostgreSQL and DuckDB have no quarter interval: a quarter is three months. -#}
{% macro postgres__last_day(date, datepart) -%}
{%- if datepart == 'quarter' -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }} as date)
{%- else -%}
{{ dbt.default_last_day(date, datepart) }}
{%- endif -%}
{%- endmacro %}

{% macro duckdb__last_day(date, datepart) -%}
{{ dbt.postgres__last_day(date, datepart) }}
{%- endmacro %}
`;
