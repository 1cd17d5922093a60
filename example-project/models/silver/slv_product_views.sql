-- Product page views in event time, built in monthly batches (microbatch). Each batch reads only its month
-- of slv_web_events (declared with event_time: event_at) and replaces exactly that month here, so a normal
-- build redoes the current month and the one before (lookback 1) and a late event lands in its own month;
-- `xform build --event-time-start 2024-01-01 --event-time-end 2024-02-01` redoes January alone, and running
-- it twice changes nothing.
{{ config(
    materialized='incremental',
    incremental_strategy='microbatch',
    event_time='viewed_at',
    batch_size='month',
    begin='2023-12-01',
    lookback=1
) }}
select
    e.event_id,
    e.session_id,
    e.customer_id,
    e.product_id,
    p.category,
    e.event_at                                                as viewed_at,
    e.event_date                                              as view_date
from {{ ref('slv_web_events') }} as e
-- slv_products has no event_time: every batch reads it whole.
left join {{ ref('slv_products') }} as p on p.product_id = e.product_id
where e.event_type = 'product_view'
