{#- A raw timestamp text with its own offset ('...Z', '...+02:00', '...-05:00') as a UTC timestamp. -#}
{% macro to_utc(column) -%}
  cast(cast({{ column }} as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}
