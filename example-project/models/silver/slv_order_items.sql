-- Order lines that can be trusted: a known product and a positive quantity. The others are kept, with the
-- reason, in slv_order_items_quarantine.
-- depends_on: {{ ref('raw_order_items') }}
select
    cast(i.order_item_id as integer)                          as order_item_id,
    cast(i.order_id as integer)                               as order_id,
    p.product_id,
    p.category,
    cast(i.quantity as integer)                               as quantity,
    cast(i.unit_price as decimal(12, 2))                      as unit_price,
    cast(i.quantity as integer) * cast(i.unit_price as decimal(12, 2)) as line_revenue
from {{ source('raw', 'order_items') }} as i
join {{ ref('slv_products') }} as p on p.product_id = cast(i.product_id as integer)
where cast(i.quantity as integer) > 0
