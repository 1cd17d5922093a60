-- Incremental: the first build loads everything; later builds only read orders from the last three days
-- (by order time, so late-arriving rows are included) and merge them on order_id.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='order_id',
    on_schema_change='append_new_columns'
) }}

select
    order_id,
    customer_id,
    status,
    status = 'cancelled'                  as is_cancelled,
    coalesce(amount, 0)                   as amount,
    ordered_at,
    cast(ordered_at as date)              as order_date,
    loaded_at
from {{ ref('stg_orders') }}
{% if is_incremental() %}
where ordered_at >= {{ lookback('ordered_at', var('lookback_days', 3)) }}
{% endif %}
