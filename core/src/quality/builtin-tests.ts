/**
 * The built-in generic tests, written as ordinary `{% test %}` blocks so that a project can override any of
 * them by defining a test of the same name, exactly as in dbt. Each returns the failing rows. They belong
 * to the internal `dbt` package (template INTERNAL_PACKAGE): a root project's test of the same name wins
 * everywhere, and `dbt.not_null` (or `dbt.test_not_null()` in Jinja) still reaches the built-in one.
 */
export const BUILTIN_TESTS_PATH = '<xform>/builtin_tests.sql';

export const BUILTIN_TESTS_SQL = `{% test not_null(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is null
{% endtest %}

{% test unique(model, column_name) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endtest %}

{% test accepted_values(model, column_name, values, quote=true) %}
with all_values as (
    select {{ column_name }} as value_field, count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select value_field, n_records
from all_values
where value_field not in (
    {%- for value in values -%}
        {%- if quote -%}{{ xform_string_literal(value) }}{%- else -%}{{ value }}{%- endif -%}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
)
{% endtest %}

{% test relationships(model, column_name, to, field) %}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select child.from_field
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
{% endtest %}

{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not ({% if column_name %}{{ column_name }} {% endif %}{{ expression }})
{% endtest %}

{% test row_count(model, min=none, max=none) %}
select row_count
from (select count(*) as row_count from {{ model }}) counted
where {% if min is not none %}row_count < {{ min }}{% else %}false{% endif %}
   or {% if max is not none %}row_count > {{ max }}{% else %}false{% endif %}
{% endtest %}

{% test recency(model, field, datepart, interval, ignore_time_component=false, group_by_columns=[]) %}
{%- set threshold = xform_dateadd(datepart, -1 * interval, xform_current_timestamp_utc()) -%}
{%- if ignore_time_component -%}{%- set threshold = 'cast(' ~ threshold ~ ' as date)' -%}{%- endif -%}
{%- set groups = group_by_columns | join(', ') -%}
with recency as (
    select {% if groups %}{{ groups }}, {% endif %}max({% if ignore_time_component %}cast({{ field }} as date){% else %}{{ field }}{% endif %}) as most_recent
    from {{ model }}
    {% if groups %}group by {{ groups }}{% endif %}
)
select {% if groups %}{{ groups }}, {% endif %}most_recent, {{ threshold }} as threshold
from recency
where most_recent is null or most_recent < {{ threshold }}
{% endtest %}

{#- Helpers of the built-in tests; projects may override them per adapter (<adapter>__xform_dateadd). -#}
{% macro xform_dateadd(datepart, interval, from_expression) -%}
{{ return(adapter.dispatch('xform_dateadd')(datepart, interval, from_expression)) }}
{%- endmacro %}

{% macro default__xform_dateadd(datepart, interval, from_expression) -%}
({{ from_expression }} + interval '{{ interval }} {{ datepart }}')
{%- endmacro %}

{% macro bigquery__xform_dateadd(datepart, interval, from_expression) -%}
datetime_add({{ from_expression }}, interval {{ interval }} {{ datepart }})
{%- endmacro %}

{% macro snowflake__xform_dateadd(datepart, interval, from_expression) -%}
dateadd({{ datepart }}, {{ interval }}, {{ from_expression }})
{%- endmacro %}

{% macro xform_string_literal(value) -%}
{{ return(adapter.dispatch('xform_string_literal')(value)) }}
{%- endmacro %}

{% macro default__xform_string_literal(value) -%}
'{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- BigQuery string literals escape with backslashes; '' would end the literal. -#}
{% macro bigquery__xform_string_literal(value) -%}
'{{ value | string | replace("\\\\", "\\\\\\\\") | replace("'", "\\\\'") }}'
{%- endmacro %}

{#- Snowflake reads backslash escapes inside '...' too. -#}
{% macro snowflake__xform_string_literal(value) -%}
'{{ value | string | replace("\\\\", "\\\\\\\\") | replace("'", "''") }}'
{%- endmacro %}

{% macro xform_current_timestamp_utc() -%}
{{ return(adapter.dispatch('xform_current_timestamp_utc')()) }}
{%- endmacro %}

{% macro default__xform_current_timestamp_utc() -%}
(current_timestamp at time zone 'UTC')
{%- endmacro %}

{% macro bigquery__xform_current_timestamp_utc() -%}
current_datetime('UTC')
{%- endmacro %}

{% macro snowflake__xform_current_timestamp_utc() -%}
convert_timezone('UTC', current_timestamp())::timestamp_ntz
{%- endmacro %}
`;
