-- Singular test (returns the rows that are wrong): the daily revenue mart must account for every cent of
-- non-cancelled order lines in silver — a join that drops or doubles rows would show up here.
with gold as (
    select sum(revenue) as total from {{ ref('gld_daily_revenue') }}
),
silver as (
    select sum(i.line_revenue) as total
    from {{ ref('slv_order_items') }} as i
    join {{ ref('slv_orders') }} as o on o.order_id = i.order_id
    where not o.is_cancelled
)
select gold.total as gold_total, silver.total as silver_total
from gold cross join silver
where gold.total <> silver.total
