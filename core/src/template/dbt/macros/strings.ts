/**
 * dbt's string and aggregate macros (dbt-adapters global_project macros/utils: concat, hash, length,
 * position, replace, right, split_part, literal, escape_single_quotes, listagg, any_value, bool_or,
 * equals), with the dbt-duckdb, dbt-postgres, dbt-bigquery and dbt-snowflake variants.
 */
export const STRINGS_SQL = String.raw`
{% macro concat(fields) -%}{{ return(adapter.dispatch('concat', 'dbt')(fields)) }}{%- endmacro %}

{% macro default__concat(fields) -%}
{{ fields | join(' || ') }}
{%- endmacro %}

{% macro hash(field) -%}{{ return(adapter.dispatch('hash', 'dbt')(field)) }}{%- endmacro %}

{% macro default__hash(field) -%}
md5(cast({{ field }} as {{ api.Column.translate_type('string') }}))
{%- endmacro %}

{#- BigQuery's md5 returns bytes; dbt hex-encodes them so the hash compares equal to other adapters'. -#}
{% macro bigquery__hash(field) -%}
to_hex({{ dbt.default__hash(field) }})
{%- endmacro %}

{% macro length(expression) -%}{{ return(adapter.dispatch('length', 'dbt')(expression)) }}{%- endmacro %}

{% macro default__length(expression) -%}
length({{ expression }})
{%- endmacro %}

{% macro position(substring_text, string_text) -%}{{ return(adapter.dispatch('position', 'dbt')(substring_text, string_text)) }}{%- endmacro %}

{% macro default__position(substring_text, string_text) -%}
position({{ substring_text }} in {{ string_text }})
{%- endmacro %}

{% macro bigquery__position(substring_text, string_text) -%}
strpos({{ string_text }}, {{ substring_text }})
{%- endmacro %}

{% macro replace(field, old_chars, new_chars) -%}{{ return(adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars)) }}{%- endmacro %}

{% macro default__replace(field, old_chars, new_chars) -%}
replace({{ field }}, {{ old_chars }}, {{ new_chars }})
{%- endmacro %}

{% macro right(string_text, length_expression) -%}{{ return(adapter.dispatch('right', 'dbt')(string_text, length_expression)) }}{%- endmacro %}

{% macro default__right(string_text, length_expression) -%}
right({{ string_text }}, {{ length_expression }})
{%- endmacro %}

{#- BigQuery has no right(), and substr with a zero-length tail would return the whole string. -#}
{% macro bigquery__right(string_text, length_expression) -%}
case when {{ length_expression }} = 0 then '' else substr({{ string_text }}, -1 * ({{ length_expression }})) end
{%- endmacro %}

{% macro snowflake__right(string_text, length_expression) -%}
case when {{ length_expression }} = 0 then '' else right({{ string_text }}, {{ length_expression }}) end
{%- endmacro %}

{% macro split_part(string_text, delimiter_text, part_number) -%}{{ return(adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number)) }}{%- endmacro %}

{% macro default__split_part(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}

{#- A negative part counts from the end: the number of delimiters (length lost by removing them) + 2 + part. -#}
{% macro _split_part_negative(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, length({{ string_text }}) - length(replace({{ string_text }}, {{ delimiter_text }}, '')) + 2 + {{ part_number }})
{%- endmacro %}

{% macro postgres__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 -%}
{{ dbt.default__split_part(string_text, delimiter_text, part_number) }}
{%- else -%}
{{ dbt._split_part_negative(string_text, delimiter_text, part_number) }}
{%- endif -%}
{%- endmacro %}

{#- DuckDB lists are 1-based and take negative indexes from the end. -#}
{% macro duckdb__split_part(string_text, delimiter_text, part_number) -%}
string_split({{ string_text }}, {{ delimiter_text }})[ {{ part_number }} ]
{%- endmacro %}

{% macro bigquery__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 -%}
split({{ string_text }}, {{ delimiter_text }})[safe_offset({{ part_number - 1 }})]
{%- else -%}
split({{ string_text }}, {{ delimiter_text }})[safe_offset(length({{ string_text }}) - length(replace({{ string_text }}, {{ delimiter_text }}, '')) + 1 + {{ part_number }})]
{%- endif -%}
{%- endmacro %}

{#- The value goes in as written: callers escape it (escape_single_quotes) when it may hold quotes. -#}
{%- macro string_literal(value) -%}{{ return(adapter.dispatch('string_literal', 'dbt')(value)) }}{%- endmacro -%}

{%- macro default__string_literal(value) -%}
'{{ value }}'
{%- endmacro -%}

{%- macro bigquery__string_literal(value) -%}
'''{{ value }}'''
{%- endmacro -%}

{% macro escape_single_quotes(expression) -%}{{ return(adapter.dispatch('escape_single_quotes', 'dbt')(expression)) }}{%- endmacro %}

{% macro default__escape_single_quotes(expression) -%}
{{ expression | replace("'", "''") }}
{%- endmacro %}

{#- BigQuery and Snowflake read a backslash escape inside '...'. -#}
{% macro bigquery__escape_single_quotes(expression) -%}
{{ expression | replace("'", "\\'") }}
{%- endmacro %}

{% macro snowflake__escape_single_quotes(expression) -%}
{{ expression | replace("'", "\\'") }}
{%- endmacro %}

{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) -%}
{{ return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) }}
{%- endmacro %}

{#- Snowflake-style listagg; a limit takes the first n of the ordered array, as listagg has none. -#}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string(array_slice(array_agg({{ measure }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}, 0, {{ limit_num }}), {{ delimiter_text }})
{%- else -%}
listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endif -%}
{%- endmacro %}

{% macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}

{% macro duckdb__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
list_aggr((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], 'string_agg', {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}

{% macro bigquery__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}{% if limit_num %} limit {{ limit_num }}{% endif %})
{%- endmacro %}

{% macro any_value(expression) -%}{{ return(adapter.dispatch('any_value', 'dbt')(expression)) }}{%- endmacro %}

{% macro default__any_value(expression) -%}
any_value({{ expression }})
{%- endmacro %}

{#- PostgreSQL has no any_value before 16: any value of the group will do, so min(). -#}
{% macro postgres__any_value(expression) -%}
min({{ expression }})
{%- endmacro %}

{% macro duckdb__any_value(expression) -%}
arbitrary({{ expression }})
{%- endmacro %}

{% macro bool_or(expression) -%}{{ return(adapter.dispatch('bool_or', 'dbt')(expression)) }}{%- endmacro %}

{% macro default__bool_or(expression) -%}
bool_or({{ expression }})
{%- endmacro %}

{% macro bigquery__bool_or(expression) -%}
logical_or({{ expression }})
{%- endmacro %}

{% macro snowflake__bool_or(expression) -%}
boolor_agg({{ expression }})
{%- endmacro %}

{#- dbt's behaviour flag enable_truthy_nulls_equals_macro is off by default: plain equality. -#}
{% macro equals(expr1, expr2) -%}{{ return(adapter.dispatch('equals', 'dbt')(expr1, expr2)) }}{%- endmacro %}

{% macro default__equals(expr1, expr2) -%}
({{ expr1 }} = {{ expr2 }})
{%- endmacro %}
`;
