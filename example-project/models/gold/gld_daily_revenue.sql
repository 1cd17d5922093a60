-- Revenue per UTC day, product category and customer region; cancelled orders do not count.
select
    o.order_date,
    i.category,
    c.region,
    count(distinct o.order_id)                                as orders,
    sum(i.quantity)                                           as units,
    sum(i.line_revenue)                                       as revenue
from {{ ref('slv_order_items') }} as i
join {{ ref('slv_orders') }} as o on o.order_id = i.order_id
join {{ ref('slv_customers') }} as c on c.customer_id = o.customer_id
where not o.is_cancelled
group by o.order_date, i.category, c.region
