select
    c.customer_id,
    c.customer_name,
    c.country_code,
    count(o.order_id)                     as orders,
    coalesce(sum(o.amount), 0)            as revenue,
    min(o.ordered_at)                     as first_ordered_at,
    max(o.ordered_at)                     as last_ordered_at
from {{ ref('slv_customers') }} as c
left join {{ ref('slv_orders') }} as o
    on o.customer_id = c.customer_id and not o.is_cancelled
group by c.customer_id, c.customer_name, c.country_code
