-- Statements core sends to snowflake for microbatch models (regenerate with XFORM_UPDATE_GOLDEN=1).

-- microbatch, first build: both batches go into a table aside, published after the last one
create or replace transient table analytics.fct_orders__xform_tmp_68a5f9
as (
select * from (
select order_id, order_date, amount
from (select * from staging.orders where order_date >= '2026-01-10 00:00:00+00:00' and order_date < '2026-01-11 00:00:00+00:00') _dbt_et_filter_subq_orders
) as xform_batch
where order_date >= '2026-01-10 00:00:00+00:00' and order_date < '2026-01-11 00:00:00+00:00'
);
create or replace transient table analytics.fct_orders__xform_tmp
as (
select * from (
select order_id, order_date, amount
from (select * from staging.orders where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00') _dbt_et_filter_subq_orders
) as xform_batch
where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00'
);
-- begin
delete from analytics.fct_orders__xform_tmp_68a5f9
where order_date >= '2026-01-11 00:00:00+00:00' and order_date < '2026-01-12 00:00:00+00:00';
insert into analytics.fct_orders__xform_tmp_68a5f9 (order_id, order_date, amount)
select order_id, order_date, amount
from (
select * from analytics.fct_orders__xform_tmp
) as xform_insert_source;
-- commit
alter table analytics.fct_orders__xform_tmp_68a5f9 rename to analytics.fct_orders;

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
