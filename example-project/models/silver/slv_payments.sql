-- depends_on: {{ ref('raw_payments') }}
select
    cast(payment_id as integer)                               as payment_id,
    cast(order_id as integer)                                 as order_id,
    coalesce(lower(trim(method)), 'unknown')                  as payment_method,
    cast(amount as decimal(12, 2))                            as amount,
    lower(trim(status)) = 'success'                           as is_successful,
    {{ to_utc('paid_at') }}                                   as paid_at
from {{ source('raw', 'payments') }}
