-- Click-stream events, deduplicated and in UTC, built incrementally: each build re-reads the raw events of
-- the last `events_lookback_days` days of *event time* (not load time) before the newest event already
-- here, and merges them on event_id. An event that arrives late but within the window is added; one
-- delivered twice is kept once (its newest delivery).
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='event_id',
    on_schema_change='append_new_columns'
) }}
-- depends_on: {{ ref('raw_web_events') }}
with typed as (
    select
        event_id,
        session_id,
        cast(customer_id as integer)                          as customer_id,
        lower(trim(event_type))                               as event_type,
        cast(product_id as integer)                           as product_id,
        {{ to_utc('event_ts') }}                              as event_at,
        {{ to_utc('_loaded_at') }}                            as loaded_at
    from {{ source('raw', 'web_events') }}
),
deliveries as (
    select
        *,
        row_number() over (partition by event_id order by loaded_at desc) as delivery_rank
    from typed
    {% if is_incremental() %}
    where event_at >= (select max(event_at) from {{ this }}) - interval '{{ var("events_lookback_days") }} days'
    {% endif %}
)
select
    event_id,
    session_id,
    customer_id,
    event_type,
    product_id,
    event_at,
    cast(event_at as date)                                    as event_date,
    loaded_at
from deliveries
where delivery_rank = 1
