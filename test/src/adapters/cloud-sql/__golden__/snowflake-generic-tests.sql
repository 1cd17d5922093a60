-- Built-in generic tests compiled for snowflake, as run (regenerate with XFORM_UPDATE_GOLDEN=1).

-- accepted_values_orders_status__placed__shipped__returned
select count(*) as failures
from (

with all_values as (
    select status as value_field, count(*) as n_records
    from analytics_db.marts.orders
    group by status
)
select value_field, n_records
from all_values
where value_field not in ('placed', 'shipped', 'returned')
) as xform_count;

-- accepted_values_quoted
select count(*) as failures
from (

with all_values as (
    select status as value_field, count(*) as n_records
    from analytics_db.marts.orders
    group by status
)
select value_field, n_records
from all_values
where value_field not in ('customer''s \\ return')
) as xform_count;

-- expression_is_true_orders_amount_0
select count(*) as failures
from (

select *
from analytics_db.marts.orders
where not (amount >= 0)
) as xform_count;

-- not_null_orders_order_id
select count(*) as failures
from (

select order_id
from analytics_db.marts.orders
where order_id is null
) as xform_count;

-- not_null_orders_status
select count(*) as failures
from (

select status
from (select * from analytics_db.marts.orders where order_date >= '2024-01-01') xform_subquery
where status is null
) as xform_count;

-- relationships_orders_customer_id__customer_id__ref_customers_
select count(*) as failures
from (

with child as (
    select customer_id as from_field
    from analytics_db.marts.orders
    where customer_id is not null
),
parent as (
    select customer_id as to_field
    from analytics_db.marts.customers
)
select child.from_field
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
) as xform_count;

-- row_count_orders_1000000__1
select count(*) as failures
from (

select row_count
from (select count(*) as row_count from analytics_db.marts.orders) counted
where row_count < 1
   or row_count > 1000000
) as xform_count;

-- unique_combination_of_columns_orders_order_id__status
select count(*) as failures
from (

select order_id, status, count(*) as n_records
from analytics_db.marts.orders
group by order_id, status
having count(*) > 1
) as xform_count;

-- unique_orders_order_id
select count(*) as failures
from (

select order_id as unique_field, count(*) as n_records
from analytics_db.marts.orders
where order_id is not null
group by order_id
having count(*) > 1
) as xform_count;
