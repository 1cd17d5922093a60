/**
 * The built-in generic tests, written as ordinary `{% test %}` blocks so that a project can override any of
 * them by defining a test of the same name, exactly as in dbt. Each returns the failing rows.
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
        {%- if quote -%}'{{ value | string | replace("'", "''") }}'{%- else -%}{{ value }}{%- endif -%}
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
`;
