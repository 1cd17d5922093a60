-- A singular test: returns the rows that are wrong. Here: daily revenue must add up to the orders' total.
select 'daily revenue' as check_name
from (select sum(revenue) as total from {{ ref('gld_daily_revenue') }}) as d
cross join (select sum(amount) as total from {{ ref('slv_orders') }} where not is_cancelled) as o
where d.total <> o.total
