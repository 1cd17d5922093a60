/**
 * dbt's type macros and casts (dbt-adapters global_project macros/utils/data_types.sql, cast.sql,
 * safe_cast.sql, cast_bool_to_text.sql, with the dbt-snowflake and dbt-bigquery variants). Each type macro
 * returns the adapter's Column label, so `type_string()` is `TEXT` on DuckDB, PostgreSQL and Snowflake and
 * `string` on BigQuery, as in dbt.
 */
export const TYPES_SQL = String.raw`
{%- macro type_string() -%}{{ return(adapter.dispatch('type_string', 'dbt')()) }}{%- endmacro -%}
{%- macro default__type_string() -%}{{ return(api.Column.translate_type('string')) }}{%- endmacro -%}

{%- macro type_timestamp() -%}{{ return(adapter.dispatch('type_timestamp', 'dbt')()) }}{%- endmacro -%}
{%- macro default__type_timestamp() -%}{{ return(api.Column.translate_type('timestamp')) }}{%- endmacro -%}

{%- macro type_float() -%}{{ return(adapter.dispatch('type_float', 'dbt')()) }}{%- endmacro -%}
{%- macro default__type_float() -%}{{ return(api.Column.translate_type('float')) }}{%- endmacro -%}

{#- numeric(28,6) rather than the warehouse default, whose scale is 0 on most of them. -#}
{%- macro type_numeric() -%}{{ return(adapter.dispatch('type_numeric', 'dbt')()) }}{%- endmacro -%}
{%- macro default__type_numeric() -%}{{ return(api.Column.numeric_type('numeric', 28, 6)) }}{%- endmacro -%}

{%- macro type_bigint() -%}{{ return(adapter.dispatch('type_bigint', 'dbt')()) }}{%- endmacro -%}
{%- macro default__type_bigint() -%}{{ return(api.Column.translate_type('bigint')) }}{%- endmacro -%}

{%- macro type_int() -%}{{ return(adapter.dispatch('type_int', 'dbt')()) }}{%- endmacro -%}
{%- macro default__type_int() -%}{{ return(api.Column.translate_type('integer')) }}{%- endmacro -%}

{%- macro type_boolean() -%}{{ return(adapter.dispatch('type_boolean', 'dbt')()) }}{%- endmacro -%}
{%- macro default__type_boolean() -%}{{ return(api.Column.translate_type('boolean')) }}{%- endmacro -%}

{% macro cast(field, type) -%}{{ return(adapter.dispatch('cast', 'dbt')(field, type)) }}{%- endmacro %}

{% macro default__cast(field, type) -%}
cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro snowflake__cast(field, type) -%}
{%- if type | upper == 'GEOGRAPHY' -%}
to_geography({{ field }})
{%- elif type | upper == 'GEOMETRY' -%}
to_geometry({{ field }})
{%- else -%}
cast({{ field }} as {{ type }})
{%- endif -%}
{%- endmacro %}

{#- dbt's cast_bool_to_text renders its dispatch rather than returning it: the result is text either way. -#}
{% macro cast_bool_to_text(field) -%}{{ adapter.dispatch('cast_bool_to_text', 'dbt')(field) }}{%- endmacro %}

{% macro default__cast_bool_to_text(field) -%}
cast({{ field }} as {{ api.Column.translate_type('string') }})
{%- endmacro %}

{% macro safe_cast(field, type) -%}{{ return(adapter.dispatch('safe_cast', 'dbt')(field, type)) }}{%- endmacro %}

{#- Few warehouses have a cast that yields null on failure, so the default is a plain cast. -#}
{% macro default__safe_cast(field, type) -%}
cast({{ field }} as {{ type }})
{%- endmacro %}

{#- Snowflake's try_cast takes text only and cannot target variant; numbers are quoted first. -#}
{% macro snowflake__safe_cast(field, type) -%}
{%- if type | upper == 'GEOMETRY' -%}
try_to_geometry({{ field }})
{%- elif type | upper == 'GEOGRAPHY' -%}
try_to_geography({{ field }})
{%- elif type | upper != 'VARIANT' -%}
try_cast({{ dbt.string_literal(field) if field is number else field }} as {{ type }})
{%- else -%}
{{ adapter.dispatch('cast', 'dbt')(field, type) }}
{%- endif -%}
{%- endmacro %}

{#-
  BigQuery cannot cast to an array, so a list of values is cast element by element and aggregated again;
  struct and geography values cannot come from a string literal, so their quotes are stripped.
-#}
{% macro bigquery__safe_cast(field, type) -%}
{%- set lowered = type.lower() -%}
{%- if lowered.startswith('array') and field is iterable and field is not string and field is not mapping and field | length > 0 -%}
  {%- set nested_type = lowered[6:-1] -%}
  {%- if cast_from_string_unsupported_for(nested_type) -%}
(select array_agg(safe_cast(i as {{ nested_type }})) from unnest([
    {%- for element in field %} {{ element.strip('"').strip("'") }}{{ ',' if not loop.last }}{% endfor %}
]) i)
  {%- else -%}
(select array_agg(safe_cast(i as {{ nested_type }})) from unnest({{ field }}) i)
  {%- endif -%}
{%- elif lowered == 'json' and field is mapping -%}
safe_cast(json {{ dbt.string_literal(tojson(field)) }} as json)
{%- elif cast_from_string_unsupported_for(type) and field is string -%}
safe_cast({{ field.strip('"').strip("'") }} as {{ type }})
{%- else -%}
safe_cast({{ field }} as {{ type }})
{%- endif -%}
{%- endmacro %}

{% macro cast_from_string_unsupported_for(type) -%}
{{ return(type.lower().startswith('struct') or type.lower() == 'geography') }}
{%- endmacro %}
`;
