{#- A raw timestamp text with its own offset ('...Z', '...+02:00', '...-05:00') as a UTC timestamp.
    timezone(zone, timestamptz) is AT TIME ZONE in function form (DuckDB and PostgreSQL). -#}
{% macro to_utc(column) -%}
  cast(timezone('UTC', cast({{ column }} as timestamptz)) as timestamp)
{%- endmacro %}
