-- Orders with one spelling of each status, the order time in UTC and the UTC calendar day.
-- depends_on: {{ ref('raw_orders') }}
select
    cast(order_id as integer)                                 as order_id,
    cast(customer_id as integer)                              as customer_id,
    lower(trim(status))                                       as status,
    lower(trim(status)) = 'cancelled'                         as is_cancelled,
    {{ to_utc('ordered_at') }}                                as ordered_at,
    cast({{ to_utc('ordered_at') }} as date)                  as order_date,
    {{ to_utc('_loaded_at') }}                                as loaded_at
from {{ source('raw', 'orders') }}
