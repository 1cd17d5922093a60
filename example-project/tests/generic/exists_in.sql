{#- A custom generic test: like `relationships`, but it returns the whole offending rows (not only the
    dangling key), so that a quarantine made with store_failures keeps everything needed to fix them. -#}
{% test exists_in(model, column_name, to, field) %}
select child.*
from {{ model }} as child
where child.{{ column_name }} is not null
  and not exists (
    select 1 from {{ to }} as parent where parent.{{ field }} = child.{{ column_name }}
  )
{% endtest %}
