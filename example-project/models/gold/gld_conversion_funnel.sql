-- The shop's funnel per day: of the sessions that started that (UTC) day, how many reached each step.
with sessions as (
    select
        session_id,
        min(event_at)                                                         as started_at,
        max(case when event_type = 'product_view' then 1 else 0 end)          as viewed_product,
        max(case when event_type = 'add_to_cart' then 1 else 0 end)           as added_to_cart,
        max(case when event_type = 'checkout' then 1 else 0 end)              as checked_out,
        max(case when event_type = 'purchase' then 1 else 0 end)              as purchased
    from {{ ref('slv_web_events') }}
    group by session_id
)
select
    cast(started_at as date)                                  as session_date,
    count(*)                                                  as sessions,
    sum(viewed_product)                                       as product_view_sessions,
    sum(added_to_cart)                                        as add_to_cart_sessions,
    sum(checked_out)                                          as checkout_sessions,
    sum(purchased)                                            as purchase_sessions,
    cast(sum(purchased) as decimal(9, 4)) / count(*)          as conversion_rate
from sessions
group by cast(started_at as date)
