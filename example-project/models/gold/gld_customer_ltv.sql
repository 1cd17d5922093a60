-- Lifetime value per customer: every customer, with or without orders; cancelled orders do not count.
with order_totals as (
    select
        o.order_id,
        o.customer_id,
        o.order_date,
        sum(i.line_revenue)                                   as order_revenue
    from {{ ref('slv_orders') }} as o
    join {{ ref('slv_order_items') }} as i on i.order_id = o.order_id
    where not o.is_cancelled
    group by o.order_id, o.customer_id, o.order_date
)
select
    c.customer_id,
    c.customer_name,
    c.region,
    count(t.order_id)                                         as orders,
    min(t.order_date)                                         as first_order_date,
    max(t.order_date)                                         as last_order_date,
    coalesce(sum(t.order_revenue), 0)                         as lifetime_revenue,
    case when count(t.order_id) = 0 then 0
         else cast(sum(t.order_revenue) / count(t.order_id) as decimal(12, 2)) end as average_order_value
from {{ ref('slv_customers') }} as c
left join order_totals as t on t.customer_id = c.customer_id
group by c.customer_id, c.customer_name, c.region
