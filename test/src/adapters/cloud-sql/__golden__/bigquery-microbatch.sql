-- Statements core sends to bigquery for microbatch models (regenerate with XFORM_UPDATE_GOLDEN=1).

-- microbatch, first build: both batches go into a table aside, published after the last one
create or replace table `analytics`.`fct_orders__xform_tmp_68a5f9`
options(expiration_timestamp=timestamp_add(current_timestamp(), interval 12 hour))
as (
select * from (
select order_id, order_date, amount
from (select * from `staging`.`orders` where cast(order_date as timestamp) >= timestamp '2026-01-10 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-11 00:00:00+00') _dbt_et_filter_subq_orders
) as xform_batch
where cast(order_date as timestamp) >= timestamp '2026-01-10 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-11 00:00:00+00'
);
create or replace table `analytics`.`fct_orders__xform_tmp`
options(expiration_timestamp=timestamp_add(current_timestamp(), interval 12 hour))
as (
select * from (
select order_id, order_date, amount
from (select * from `staging`.`orders` where cast(order_date as timestamp) >= timestamp '2026-01-11 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-12 00:00:00+00') _dbt_et_filter_subq_orders
) as xform_batch
where cast(order_date as timestamp) >= timestamp '2026-01-11 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-12 00:00:00+00'
);
-- begin
merge into `analytics`.`fct_orders__xform_tmp_68a5f9` as xform_target
using (
select * from `analytics`.`fct_orders__xform_tmp`
) as xform_source
on false
when not matched by source and cast(xform_target.order_date as timestamp) >= timestamp '2026-01-11 00:00:00+00' and cast(xform_target.order_date as timestamp) < timestamp '2026-01-12 00:00:00+00' then delete
when not matched then insert (`order_id`, `order_date`, `amount`)
  values (xform_source.`order_id`, xform_source.`order_date`, xform_source.`amount`);
-- commit
create or replace table `analytics`.`fct_orders`
as (
select * from `analytics`.`fct_orders__xform_tmp_68a5f9`
);
drop table if exists `analytics`.`fct_orders__xform_tmp_68a5f9`;

-- microbatch, two batches into the existing table
create or replace table `analytics`.`fct_orders__xform_tmp`
options(expiration_timestamp=timestamp_add(current_timestamp(), interval 12 hour))
as (
select * from (
select order_id, order_date, amount
from (select * from `staging`.`orders` where cast(order_date as timestamp) >= timestamp '2026-01-10 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-11 00:00:00+00') _dbt_et_filter_subq_orders
) as xform_batch
where cast(order_date as timestamp) >= timestamp '2026-01-10 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-11 00:00:00+00'
);
-- begin
merge into `analytics`.`fct_orders` as xform_target
using (
select * from `analytics`.`fct_orders__xform_tmp`
) as xform_source
on false
when not matched by source and cast(xform_target.order_date as timestamp) >= timestamp '2026-01-10 00:00:00+00' and cast(xform_target.order_date as timestamp) < timestamp '2026-01-11 00:00:00+00' then delete
when not matched then insert (`order_id`, `order_date`, `amount`)
  values (xform_source.`order_id`, xform_source.`order_date`, xform_source.`amount`);
-- commit
create or replace table `analytics`.`fct_orders__xform_tmp`
options(expiration_timestamp=timestamp_add(current_timestamp(), interval 12 hour))
as (
select * from (
select order_id, order_date, amount
from (select * from `staging`.`orders` where cast(order_date as timestamp) >= timestamp '2026-01-11 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-12 00:00:00+00') _dbt_et_filter_subq_orders
) as xform_batch
where cast(order_date as timestamp) >= timestamp '2026-01-11 00:00:00+00' and cast(order_date as timestamp) < timestamp '2026-01-12 00:00:00+00'
);
-- begin
merge into `analytics`.`fct_orders` as xform_target
using (
select * from `analytics`.`fct_orders__xform_tmp`
) as xform_source
on false
when not matched by source and cast(xform_target.order_date as timestamp) >= timestamp '2026-01-11 00:00:00+00' and cast(xform_target.order_date as timestamp) < timestamp '2026-01-12 00:00:00+00' then delete
when not matched then insert (`order_id`, `order_date`, `amount`)
  values (xform_source.`order_id`, xform_source.`order_date`, xform_source.`amount`);
-- commit
