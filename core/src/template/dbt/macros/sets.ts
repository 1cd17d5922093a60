/**
 * dbt's set-operator, array and series macros (dbt-adapters global_project macros/utils: except,
 * intersect, array_construct, array_append, array_concat, generate_series, date_spine), with the
 * dbt-duckdb, dbt-bigquery and dbt-snowflake variants.
 */
export const SETS_SQL = String.raw`
{% macro except() -%}{{ return(adapter.dispatch('except', 'dbt')()) }}{%- endmacro %}
{% macro default__except() -%}except{%- endmacro %}
{#- BigQuery requires the distinct/all qualifier. -#}
{% macro bigquery__except() -%}except distinct{%- endmacro %}

{% macro intersect() -%}{{ return(adapter.dispatch('intersect', 'dbt')()) }}{%- endmacro %}
{% macro default__intersect() -%}intersect{%- endmacro %}
{% macro bigquery__intersect() -%}intersect distinct{%- endmacro %}

{#- All inputs share one type, as PostgreSQL arrays require; an empty array needs the type spelled out. -#}
{% macro array_construct(inputs=[], data_type=api.Column.translate_type('integer')) -%}
{{ return(adapter.dispatch('array_construct', 'dbt')(inputs, data_type)) }}
{%- endmacro %}

{% macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}
array[ {{ inputs | join(' , ') }} ]
{%- else -%}
array[]::{{ data_type }}[]
{%- endif -%}
{%- endmacro %}

{% macro bigquery__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}
[ {{ inputs | join(' , ') }} ]
{%- else -%}
ARRAY<{{ data_type }}>[]
{%- endif -%}
{%- endmacro %}

{% macro snowflake__array_construct(inputs, data_type) -%}
array_construct( {{ inputs | join(' , ') }} )
{%- endmacro %}

{% macro array_append(array, new_element) -%}{{ return(adapter.dispatch('array_append', 'dbt')(array, new_element)) }}{%- endmacro %}

{% macro default__array_append(array, new_element) -%}
array_append({{ array }}, {{ new_element }})
{%- endmacro %}

{% macro bigquery__array_append(array, new_element) -%}
{{ array_concat(array, array_construct([new_element])) }}
{%- endmacro %}

{% macro array_concat(array_1, array_2) -%}{{ return(adapter.dispatch('array_concat', 'dbt')(array_1, array_2)) }}{%- endmacro %}

{% macro default__array_concat(array_1, array_2) -%}
array_cat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}

{% macro bigquery__array_concat(array_1, array_2) -%}
array_concat({{ array_1 }}, {{ array_2 }})
{%- endmacro %}

{#- The number of binary digits needed for upper_bound: the cross joins generate_series builds. -#}
{% macro get_powers_of_two(upper_bound) -%}{{ return(adapter.dispatch('get_powers_of_two', 'dbt')(upper_bound)) }}{%- endmacro %}

{% macro default__get_powers_of_two(upper_bound) -%}
{%- if upper_bound <= 0 -%}{{ exceptions.raise_compiler_error('upper bound must be positive') }}{%- endif -%}
{%- for _ in range(1, 100) -%}
{%- if upper_bound <= 2 ** loop.index -%}{{ return(loop.index) }}{%- endif -%}
{%- endfor -%}
{%- endmacro %}

{% macro generate_series(upper_bound) -%}{{ return(adapter.dispatch('generate_series', 'dbt')(upper_bound)) }}{%- endmacro %}

{#- Numbers 1..upper_bound from n cross-joined bits, for warehouses without a series function. -#}
{% macro default__generate_series(upper_bound) -%}
{%- set n = dbt.get_powers_of_two(upper_bound) -%}
with p as (select 0 as generated_number union all select 1), unioned as (select
{%- for i in range(n) %} p{{ i }}.generated_number * power(2, {{ i }}){{ ' +' if not loop.last }}{% endfor %} + 1 as generated_number from
{%- for i in range(n) %} p as p{{ i }}{{ ' cross join' if not loop.last }}{% endfor %}) select * from unioned where generated_number <= {{ upper_bound }} order by generated_number
{%- endmacro %}

{% macro duckdb__generate_series(upper_bound) -%}
select generate_series as generated_number from generate_series(1, {{ upper_bound }})
{%- endmacro %}

{#- How many dateparts lie between two dates: asked of the warehouse at run time, 1 while parsing. -#}
{% macro get_intervals_between(start_date, end_date, datepart) -%}
{{ return(adapter.dispatch('get_intervals_between', 'dbt')(start_date, end_date, datepart)) }}
{%- endmacro %}

{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
{%- call statement('get_intervals_between', fetch_result=True) -%}
select {{ dbt.datediff(start_date, end_date, datepart) }}
{%- endcall -%}
{%- set value_list = load_result('get_intervals_between') -%}
{%- if value_list and value_list['data'] -%}
{{ return((value_list['data'] | map(attribute=0) | list)[0]) }}
{%- else -%}
{{ return(1) }}
{%- endif -%}
{%- endmacro %}

{% macro date_spine(datepart, start_date, end_date) -%}
{{ return(adapter.dispatch('date_spine', 'dbt')(datepart, start_date, end_date)) }}
{%- endmacro %}

{#- One row per datepart from start_date (included) to end_date (included), as date_<datepart>. -#}
{% macro default__date_spine(datepart, start_date, end_date) -%}
with rawdata as ({{ dbt.generate_series(dbt.get_intervals_between(start_date, end_date, datepart)) }}),
all_periods as (select ({{ dbt.dateadd(datepart, 'row_number() over (order by 1) - 1', start_date) }}) as date_{{ datepart }} from rawdata),
filtered as (select * from all_periods where date_{{ datepart }} <= {{ end_date }})
select * from filtered
{%- endmacro %}
`;
