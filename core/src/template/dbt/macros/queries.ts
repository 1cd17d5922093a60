/**
 * dbt's macros that ask the warehouse about a query (dbt-adapters, global_project/macros/adapters/columns.sql):
 * `get_columns_in_query` runs the query wrapped by `get_empty_subquery_sql` (no rows come back) and returns
 * its column names. They need a live connection, so they answer in the execute phase of a run (or of a
 * compile that connects); while parsing, `load_result` is none, as in dbt.
 */
export const QUERIES_SQL = String.raw`
{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {{ return(adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header)) }}
{%- endmacro %}

{% macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) %}
    {%- if select_sql_header is not none -%}
    {{ select_sql_header }}
    {%- endif -%}
    select * from (
        {{ select_sql }}
    ) as __dbt_sbq
    where false
    limit 0
{% endmacro %}

{% macro get_columns_in_query(select_sql) -%}
  {{ return(adapter.dispatch('get_columns_in_query', 'dbt')(select_sql)) }}
{%- endmacro %}

{% macro default__get_columns_in_query(select_sql) %}
    {% call statement('get_columns_in_query', fetch_result=True, auto_begin=False) -%}
        {{ get_empty_subquery_sql(select_sql) }}
    {%- endcall %}
    {%- set result = load_result('get_columns_in_query') -%}
    {{ return(result.table.columns | map(attribute='name') | list if result is not none else []) }}
{% endmacro %}
`;
