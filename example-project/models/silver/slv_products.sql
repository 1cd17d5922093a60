-- depends_on: {{ ref('raw_products') }}
select
    cast(product_id as integer)                               as product_id,
    trim(product_name)                                        as product_name,
    coalesce(lower(trim(category)), 'uncategorized')          as category,
    cast(list_price as decimal(12, 2))                        as list_price
from {{ source('raw', 'products') }}
