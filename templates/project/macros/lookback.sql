{#- The start of an incremental model's look-back window: the newest `column` already in the table, minus
    `days`, so that rows arriving late (up to `days` after the fact) are still picked up and merged. -#}
{% macro lookback(column, days) -%}
  {%- if target.type == 'bigquery' -%}
    timestamp_sub((select max({{ column }}) from {{ this }}), interval {{ days }} day)
  {%- else -%}
    (select max({{ column }}) from {{ this }}) - interval '{{ days }} days'
  {%- endif -%}
{%- endmacro %}
