select
    customer_id,
    customer_name,
    email,
    country_code,
    signed_up_at
from {{ ref('stg_customers') }}
