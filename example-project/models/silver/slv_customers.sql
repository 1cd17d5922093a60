-- One row per customer: the newest exported version wins; e-mail trimmed and lower-cased; the three
-- spellings systems use for a region conformed to AMER / EMEA / APAC; sign-up time in UTC.
-- depends_on: {{ ref('raw_customers') }}
with ranked as (
    select
        *,
        row_number() over (partition by customer_id order by {{ to_utc('updated_at') }} desc) as version_rank
    from {{ source('raw', 'customers') }}
)
select
    cast(customer_id as integer)                              as customer_id,
    trim(first_name) || ' ' || trim(last_name)                as customer_name,
    nullif(lower(trim(email)), '')                            as email,
    case
        when lower(trim(region)) in ('north america', 'na', 'americas') then 'AMER'
        when lower(trim(region)) in ('europe', 'emea', 'middle east') then 'EMEA'
        when lower(trim(region)) in ('asia pacific', 'apac', 'oceania') then 'APAC'
        else 'UNKNOWN'
    end                                                       as region,
    {{ to_utc('signed_up_at') }}                              as signed_up_at
from ranked
where version_rank = 1
