/**
 * dbt's default relation-naming macros (dbt-adapters global_project macros/get_custom_name), so a project's
 * own `generate_schema_name` can call `default__generate_schema_name` or `dbt.generate_schema_name` as dbt
 * projects do. xform names nodes with the same rules in compile/naming.ts and calls these only through a
 * project's override.
 */
export const NAMING_SQL = String.raw`
{% macro generate_schema_name(custom_schema_name=none, node=none) -%}
{{ return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) }}
{%- endmacro %}

{% macro default__generate_schema_name(custom_schema_name, node) -%}
{%- if custom_schema_name is none -%}
{{ target.schema }}
{%- else -%}
{{ target.schema }}_{{ custom_schema_name | trim }}
{%- endif -%}
{%- endmacro %}

{#- The custom schema as given in the target named prod, the target schema everywhere else. -#}
{% macro generate_schema_name_for_env(custom_schema_name, node) -%}
{%- if target.name == 'prod' and custom_schema_name is not none -%}
{{ custom_schema_name | trim }}
{%- else -%}
{{ target.schema }}
{%- endif -%}
{%- endmacro %}

{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
{{ return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) }}
{%- endmacro %}

{% macro default__generate_alias_name(custom_alias_name=none, node=none) -%}
{%- if custom_alias_name -%}
{{ custom_alias_name | trim }}
{%- elif node.version -%}
{{ return(node.name ~ '_v' ~ (node.version | replace('.', '_'))) }}
{%- else -%}
{{ node.name }}
{%- endif -%}
{%- endmacro %}

{#- dbt also consults catalog integrations here; xform has none, so the target's database is the default. -#}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
{{ return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) }}
{%- endmacro %}

{% macro default__generate_database_name(custom_database_name=none, node=none) -%}
{%- if custom_database_name is none -%}
{{ target.database }}
{%- else -%}
{{ custom_database_name }}
{%- endif -%}
{%- endmacro %}
`;
