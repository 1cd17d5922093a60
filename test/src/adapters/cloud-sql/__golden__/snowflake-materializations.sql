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

-- table, rebuild with an audit
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
alter table analytics.fct_orders swap with analytics.fct_orders__xform_tmp;
drop table if exists analytics.fct_orders__xform_tmp cascade;

-- table, rebuild with copy_grants
create or replace transient table analytics.fct_orders
copy grants
as (
select order_id, order_date, amount
from staging.orders
);

-- table, rebuild with copy_grants and an audit
create or replace transient table analytics.fct_orders__xform_tmp
copy grants
as (
select order_id, order_date, amount
from staging.orders
);
create or replace transient table analytics.fct_orders
copy grants
as (
select * from analytics.fct_orders__xform_tmp
);
drop table if exists analytics.fct_orders__xform_tmp cascade;

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
select order_id, order_date, count(*) as xform_count
from analytics.fct_orders__xform_tmp
where order_id is not null and order_date is not null
group by order_id, order_date
having count(*) > 1
order by xform_count desc, order_id, order_date
limit 6;
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
select order_id, count(*) as xform_count
from analytics.fct_orders__xform_tmp
where order_id is not null
group by order_id
having count(*) > 1
order by xform_count desc, order_id
limit 6;
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
select order_id, count(*) as xform_count
from analytics.fct_orders__xform_tmp
where order_id is not null
group by order_id
having count(*) > 1
order by xform_count desc, order_id
limit 6;
alter table analytics.fct_orders add column order_date string;
-- begin
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

-- incremental delete+insert, on_schema_change sync_all_columns, a post-hook
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
select order_id, count(*) as xform_count
from analytics.fct_orders__xform_tmp
where order_id is not null
group by order_id
having count(*) > 1
order by xform_count desc, order_id
limit 6;
alter table analytics.fct_orders drop column legacy;
alter table analytics.fct_orders add column order_date string;
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
grant select on analytics.fct_orders to role reporter;

-- incremental merge, composite key, columns without equality (JSON, GEOGRAPHY, VARIANT)
create or replace transient table analytics.fct_orders__xform_tmp
as (
select order_id, order_date, amount
from staging.orders
);
select order_id, order_date, count(*) as xform_count
from analytics.fct_orders__xform_tmp
where order_id is not null and order_date is not null
group by order_id, order_date
having count(*) > 1
order by xform_count desc, order_id, order_date
limit 6;
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
      and to_json(xform_existing.payload) is not distinct from to_json(xform_source.payload)
      and st_astext(xform_existing.shape) is not distinct from st_astext(xform_source.shape)
  )
) as xform_source
on xform_target.order_id = xform_source.order_id
  and xform_target.order_date = xform_source.order_date
when matched then update set
  payload = xform_source.payload,
  shape = xform_source.shape
when not matched then insert (order_id, order_date, payload, shape)
  values (xform_source.order_id, xform_source.order_date, xform_source.payload, xform_source.shape);
-- commit

-- incremental, staging of a model with transient: false
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
