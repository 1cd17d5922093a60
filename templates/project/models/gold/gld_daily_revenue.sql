select
    o.order_date,
    c.country_code,
    count(*)                              as orders,
    sum(o.amount)                         as revenue
from {{ ref('slv_orders') }} as o
join {{ ref('slv_customers') }} as c on c.customer_id = o.customer_id
where not o.is_cancelled
group by o.order_date, c.country_code
