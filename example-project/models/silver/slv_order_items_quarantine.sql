-- Quarantine: the raw order lines slv_order_items leaves out, with why, so that nothing is silently dropped
-- and someone can fix them at the source.
-- depends_on: {{ ref('raw_order_items') }}
select
    cast(i.order_item_id as integer)                          as order_item_id,
    cast(i.order_id as integer)                               as order_id,
    cast(i.product_id as integer)                             as product_id,
    cast(i.quantity as integer)                               as quantity,
    i.unit_price                                              as raw_unit_price,
    case
        when p.product_id is null then 'unknown_product'
        else 'non_positive_quantity'
    end                                                       as reject_reason
from {{ source('raw', 'order_items') }} as i
left join {{ ref('slv_products') }} as p on p.product_id = cast(i.product_id as integer)
where p.product_id is null or cast(i.quantity as integer) <= 0
