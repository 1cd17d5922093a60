-- depends_on: {{ ref('raw_orders') }}
select
    cast(order_id as integer)             as order_id,
    cast(customer_id as integer)          as customer_id,
    lower(trim(status))                   as status,
    cast(amount as numeric(12, 2))        as amount,
    cast(ordered_at as timestamp)         as ordered_at,
    cast(_loaded_at as timestamp)         as loaded_at
from {{ source('raw', 'orders') }}
