/**
 * dbt's config helpers that packages call from models and tests (dbt-adapters global_project
 * macros/materializations/configs.sql): the node's own setting, else the command-line flag.
 */
export const CONFIGS_SQL = String.raw`
{% macro should_full_refresh() -%}
{%- set config_full_refresh = config.get('full_refresh') -%}
{%- if config_full_refresh is none -%}{%- set config_full_refresh = flags.FULL_REFRESH -%}{%- endif -%}
{{ return(config_full_refresh) }}
{%- endmacro %}

{% macro should_store_failures() -%}
{%- set config_store_failures = config.get('store_failures') -%}
{%- if config_store_failures is none -%}{%- set config_store_failures = flags.STORE_FAILURES -%}{%- endif -%}
{{ return(config_store_failures) }}
{%- endmacro %}
`;
