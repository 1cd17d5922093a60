-- Statements core sends to snowflake for each materialization path (regenerate with XFORM_UPDATE_GOLDEN=1).

-- view
create or replace view analytics.fct_orders as (
select order_id, order_date, amount
from staging.orders
);

-- view replacing a table
drop table if exists analytics.fct_orders cascade;
create or replace view analytics.fct_orders as (
select order_id, order_date, amount
from staging.orders
);

-- table, first build
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
alter table analytics.fct_orders__xform_tmp rename to analytics.fct_orders;

-- table, rebuild
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
alter table analytics.fct_orders swap with analytics.fct_orders__xform_tmp;
drop table if exists analytics.fct_orders__xform_tmp cascade;

-- table replacing a view
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
alter view analytics.fct_orders rename to analytics.fct_orders__xform_backup;
alter table analytics.fct_orders__xform_tmp rename to analytics.fct_orders;

-- incremental, first build
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
alter table analytics.fct_orders__xform_tmp rename to analytics.fct_orders;

-- incremental, --full-refresh
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
alter table analytics.fct_orders swap with analytics.fct_orders__xform_tmp;
drop table if exists analytics.fct_orders__xform_tmp cascade;

-- incremental merge, composite key and predicate
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
-- begin
merge into analytics.fct_orders as xform_target
using (
select * from analytics.fct_orders__xform_tmp as xform_source
where xform_source.order_id is not null and xform_source.order_date is not null
union all
select * from analytics.fct_orders__xform_tmp as xform_source
where (xform_source.order_id is null or xform_source.order_date is null)
  and not exists (
    select 1 from analytics.fct_orders as xform_existing
    where (xform_existing.order_id is null or xform_existing.order_date is null)
      and xform_existing.order_id is not distinct from xform_source.order_id
      and xform_existing.order_date is not distinct from xform_source.order_date
      and xform_existing.amount is not distinct from xform_source.amount
  )
) as xform_source
on xform_target.order_id = xform_source.order_id
  and xform_target.order_date = xform_source.order_date
  and (xform_target.order_date >= '2024-01-01')
when matched then update set
  amount = xform_source.amount
when not matched then insert (order_id, order_date, amount)
  values (xform_source.order_id, xform_source.order_date, xform_source.amount);
-- commit

-- incremental delete+insert
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
-- begin
delete from analytics.fct_orders xform_target
where exists (
  select 1 from analytics.fct_orders__xform_tmp as xform_source
  where xform_target.order_id = xform_source.order_id
);
insert into analytics.fct_orders (order_id, order_date, amount)
select order_id, order_date, amount
from (
select * from analytics.fct_orders__xform_tmp as xform_source
where xform_source.order_id is not null
union all
select * from analytics.fct_orders__xform_tmp as xform_source
where xform_source.order_id is null
  and not exists (
    select 1 from analytics.fct_orders as xform_existing
    where xform_existing.order_id is null
      and xform_existing.order_id is not distinct from xform_source.order_id
      and xform_existing.order_date is not distinct from xform_source.order_date
      and xform_existing.amount is not distinct from xform_source.amount
  )
) as xform_insert_source;
-- commit

-- incremental append
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
-- begin
insert into analytics.fct_orders (order_id, order_date, amount)
select order_id, order_date, amount
from (
select * from analytics.fct_orders__xform_tmp
) as xform_insert_source;
-- commit

-- incremental merge, on_schema_change append_new_columns
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
-- begin
alter table analytics.fct_orders add column order_date string;
merge into analytics.fct_orders as xform_target
using (
select * from analytics.fct_orders__xform_tmp as xform_source
where xform_source.order_id is not null
union all
select * from analytics.fct_orders__xform_tmp as xform_source
where xform_source.order_id is null
  and not exists (
    select 1 from analytics.fct_orders as xform_existing
    where xform_existing.order_id is null
      and xform_existing.order_id is not distinct from xform_source.order_id
      and xform_existing.order_date is not distinct from xform_source.order_date
      and xform_existing.amount is not distinct from xform_source.amount
  )
) as xform_source
on xform_target.order_id = xform_source.order_id
when matched then update set
  order_date = xform_source.order_date,
  amount = xform_source.amount
when not matched then insert (order_id, order_date, amount)
  values (xform_source.order_id, xform_source.order_date, xform_source.amount);
-- commit

-- table with warehouse settings
create or replace table analytics.fct_orders__xform_tmp
cluster by (order_id)
as (
select order_id, order_date, amount
from staging.orders
);
alter table analytics.fct_orders swap with analytics.fct_orders__xform_tmp;
drop table if exists analytics.fct_orders__xform_tmp cascade;

-- seed, first load
create transient table analytics.countries__xform_tmp (
  code varchar,
  name varchar,
  population float,
  joined date
);
-- load the CSV into analytics.countries__xform_tmp (code varchar, name varchar, population float, joined date)
alter table analytics.countries__xform_tmp rename to analytics.countries;

-- seed, reload
create transient table analytics.countries__xform_tmp (
  code varchar,
  name varchar,
  population float,
  joined date
);
-- load the CSV into analytics.countries__xform_tmp (code varchar, name varchar, population float, joined date)
alter table analytics.countries swap with analytics.countries__xform_tmp;
drop table if exists analytics.countries__xform_tmp cascade;
