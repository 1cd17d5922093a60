-- Staging: one view per source table. Rename, cast, trim; no joins, no business logic.
-- The depends_on line makes the seed that stands in for the loader build first; delete it once a real
-- loader fills the source table.
-- depends_on: {{ ref('raw_customers') }}
select
    cast(customer_id as integer)          as customer_id,
    trim(name)                            as customer_name,
    lower(trim(email))                    as email,
    upper(trim(country))                  as country_code,
    cast(signed_up_at as timestamp)       as signed_up_at
from {{ source('raw', 'customers') }}
