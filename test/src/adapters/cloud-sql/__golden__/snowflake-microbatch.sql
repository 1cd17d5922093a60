-- Statements core sends to snowflake for microbatch models (regenerate with XFORM_UPDATE_GOLDEN=1).

-- microbatch, first build: the first batch creates the table, the second replaces its window
create or replace transient table analytics.fct_orders__xform_tmp
as (
select * from (
select order_id, order_date, amount
from (select * from staging.orders where order_date >= '2026-01-10 00:00:00+00:00' and order_date < '2026-01-11 00:00:00+00:00') _dbt_et_filter_subq_orders
) as xform_batch
where order_date >= '2026-01-10 00:00:00+00:00' and order_date < '2026-01-11 00:00:00+00:00'
);
alter table analytics.fct_orders__xform_tmp rename to analytics.fct_orders;
create or replace transient table analytics.fct_orders__xform_tmp
as (
select * from (
select order_id, order_date, amount
from (select * from staging.orders where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00') _dbt_et_filter_subq_orders
) as xform_batch
where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00'
);
-- begin
delete from analytics.fct_orders
where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00';
insert into analytics.fct_orders (order_id, order_date, amount)
select order_id, order_date, amount
from (
select * from analytics.fct_orders__xform_tmp
) as xform_insert_source;
-- commit

-- microbatch, two batches into the existing table
create or replace transient table analytics.fct_orders__xform_tmp
as (
select * from (
select order_id, order_date, amount
from (select * from staging.orders where order_date >= '2026-01-10 00:00:00+00:00' and order_date < '2026-01-11 00:00:00+00:00') _dbt_et_filter_subq_orders
) as xform_batch
where order_date >= '2026-01-10 00:00:00+00:00' and order_date < '2026-01-11 00:00:00+00:00'
);
-- begin
delete from analytics.fct_orders
where order_date >= '2026-01-10 00:00:00+00:00' and order_date < '2026-01-11 00:00:00+00:00';
insert into analytics.fct_orders (order_id, order_date, amount)
select order_id, order_date, amount
from (
select * from analytics.fct_orders__xform_tmp
) as xform_insert_source;
-- commit
create or replace transient table analytics.fct_orders__xform_tmp
as (
select * from (
select order_id, order_date, amount
from (select * from staging.orders where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00') _dbt_et_filter_subq_orders
) as xform_batch
where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00'
);
-- begin
delete from analytics.fct_orders
where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00';
insert into analytics.fct_orders (order_id, order_date, amount)
select order_id, order_date, amount
from (
select * from analytics.fct_orders__xform_tmp
) as xform_insert_source;
-- commit
