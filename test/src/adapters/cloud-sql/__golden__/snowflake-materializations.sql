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

-- snapshot, first run (timestamp strategy)
select * from (
select order_id, order_date, amount
from staging.orders
) as xform_limit_zero
limit 0;
create or replace transient table analytics.fct_orders__xform_tmp
as (
select
  xform_snapshot_query.*,
  md5(coalesce(cast(order_id as varchar), '') || '|' || coalesce(cast(order_date as varchar), '')) as dbt_scd_id,
  order_date as dbt_updated_at,
  order_date as dbt_valid_from,
  case when 1 = 0 then order_date else null end as dbt_valid_to
from (
select order_id, order_date, amount
from staging.orders
) as xform_snapshot_query
);
select xform_key_1, count(*) as xform_count
from (
  select order_id as xform_key_1
  from analytics.fct_orders__xform_tmp
) as xform_keys
group by xform_key_1
having count(*) > 1 or xform_key_1 is null
order by xform_count desc
limit 6;
alter table analytics.fct_orders__xform_tmp rename to analytics.fct_orders;

-- snapshot, later run: timestamp, hard_deletes new_record, a new source column, a post-hook
create or replace transient table analytics.fct_orders__xform_tmp
as (
select * from (
select order_id, order_date, amount
from staging.orders
) as xform_limit_zero
limit 0
);
drop table if exists analytics.fct_orders__xform_tmp cascade;
create or replace transient table analytics.fct_orders__xform_tmp
as (
with xform_source_data as (
  select xform_snapshot_query.*, order_id as xform_key_1, cast(order_date as TIMESTAMP_NTZ(9)) as xform_updated_at
  from (
select order_id, order_date, amount
from staging.orders
  ) as xform_snapshot_query
), xform_current as (
  select xform_snapshotted.*, order_id as xform_key_1
  from analytics.fct_orders as xform_snapshotted
  where xform_snapshotted.dbt_valid_to is null
)
select
  'insert' as dbt_change_type,
  xform_source_data.order_id as order_id,
  xform_source_data.order_date as order_date,
  xform_source_data.amount as amount,
  md5(coalesce(cast(xform_source_data.xform_key_1 as varchar), '') || '|' || coalesce(cast(xform_source_data.xform_updated_at as varchar), '')) as dbt_scd_id,
  xform_source_data.xform_updated_at as dbt_updated_at,
  xform_source_data.xform_updated_at as dbt_valid_from,
  cast(null as TIMESTAMP_NTZ(9)) as dbt_valid_to,
  'False' as dbt_is_deleted
from xform_source_data
left join xform_current on xform_current.xform_key_1 = xform_source_data.xform_key_1
where xform_current.xform_key_1 is null
  or (
    xform_current.dbt_valid_from < xform_source_data.xform_updated_at
    or coalesce(xform_current.dbt_is_deleted, 'False') = 'True'
  )
union all
select
  'update' as dbt_change_type,
  xform_current.order_id as order_id,
  xform_current.order_date as order_date,
  case when 1 = 0 then xform_source_data.amount end as amount,
  xform_current.dbt_scd_id as dbt_scd_id,
  xform_current.dbt_updated_at as dbt_updated_at,
  xform_current.dbt_valid_from as dbt_valid_from,
  xform_source_data.xform_updated_at as dbt_valid_to,
  xform_current.dbt_is_deleted as dbt_is_deleted
from xform_source_data
join xform_current on xform_current.xform_key_1 = xform_source_data.xform_key_1
where (
    xform_current.dbt_valid_from < xform_source_data.xform_updated_at
    or coalesce(xform_current.dbt_is_deleted, 'False') = 'True'
  )
union all
select
  'delete' as dbt_change_type,
  xform_current.order_id as order_id,
  xform_current.order_date as order_date,
  case when 1 = 0 then xform_source_data.amount end as amount,
  xform_current.dbt_scd_id as dbt_scd_id,
  xform_current.dbt_updated_at as dbt_updated_at,
  xform_current.dbt_valid_from as dbt_valid_from,
  cast(convert_timezone('UTC', current_timestamp())::timestamp_ntz as TIMESTAMP_NTZ(9)) as dbt_valid_to,
  xform_current.dbt_is_deleted as dbt_is_deleted
from xform_current
left join xform_source_data on xform_current.xform_key_1 = xform_source_data.xform_key_1
where xform_source_data.xform_key_1 is null
  and not (coalesce(xform_current.dbt_is_deleted, 'False') = 'True')
union all
select
  'insert' as dbt_change_type,
  xform_current.order_id as order_id,
  xform_current.order_date as order_date,
  case when 1 = 0 then xform_source_data.amount end as amount,
  md5(coalesce(cast(xform_current.dbt_scd_id as varchar), '') || '|' || coalesce(cast(cast(convert_timezone('UTC', current_timestamp())::timestamp_ntz as TIMESTAMP_NTZ(9)) as varchar), '')) as dbt_scd_id,
  cast(convert_timezone('UTC', current_timestamp())::timestamp_ntz as TIMESTAMP_NTZ(9)) as dbt_updated_at,
  cast(convert_timezone('UTC', current_timestamp())::timestamp_ntz as TIMESTAMP_NTZ(9)) as dbt_valid_from,
  xform_current.dbt_valid_to as dbt_valid_to,
  'True' as dbt_is_deleted
from xform_current
left join xform_source_data on xform_current.xform_key_1 = xform_source_data.xform_key_1
where xform_source_data.xform_key_1 is null
  and not (coalesce(xform_current.dbt_is_deleted, 'False') = 'True')
);
select xform_key_1, count(*) as xform_count
from (
  select order_id as xform_key_1
  from analytics.fct_orders__xform_tmp
  where dbt_change_type = 'insert'
) as xform_keys
group by xform_key_1
having count(*) > 1 or xform_key_1 is null
order by xform_count desc
limit 6;
alter table analytics.fct_orders add column amount string;
-- begin
update analytics.fct_orders as xform_target
set dbt_valid_to = xform_source.dbt_valid_to
from analytics.fct_orders__xform_tmp as xform_source
where xform_source.dbt_scd_id = xform_target.dbt_scd_id
  and xform_source.dbt_change_type in ('update', 'delete')
  and xform_target.dbt_valid_to is null;
insert into analytics.fct_orders (order_id, order_date, amount, dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted)
select order_id, order_date, amount, dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted
from (
select * from analytics.fct_orders__xform_tmp where dbt_change_type = 'insert'
) as xform_insert_source;
-- commit
grant select on analytics.fct_orders to role reporter;

-- snapshot, later run: check on a composite key, invalidate, dbt_valid_to_current, renamed meta columns, an audit
create or replace transient table analytics.fct_orders__xform_tmp
as (
select * from (
select order_id, order_date, amount
from staging.orders
) as xform_limit_zero
limit 0
);
drop table if exists analytics.fct_orders__xform_tmp cascade;
create or replace transient table analytics.fct_orders__xform_tmp
as (
with xform_source_data as (
  select xform_snapshot_query.*, order_id as xform_key_1, order_date as xform_key_2, cast(convert_timezone('UTC', current_timestamp())::timestamp_ntz as TIMESTAMP_NTZ(9)) as xform_updated_at
  from (
select order_id, order_date, amount
from staging.orders
  ) as xform_snapshot_query
), xform_current as (
  select xform_snapshotted.*, order_id as xform_key_1, order_date as xform_key_2
  from analytics.fct_orders as xform_snapshotted
  where (xform_snapshotted.valid_to = cast('9999-12-31' as timestamp_ntz) or xform_snapshotted.valid_to is null)
)
select
  'insert' as dbt_change_type,
  xform_source_data.order_id as order_id,
  xform_source_data.order_date as order_date,
  xform_source_data.amount as amount,
  md5(coalesce(cast(xform_source_data.xform_key_1 as varchar), '') || '|' || coalesce(cast(xform_source_data.xform_key_2 as varchar), '') || '|' || coalesce(cast(xform_source_data.xform_updated_at as varchar), '')) as dbt_scd_id,
  xform_source_data.xform_updated_at as dbt_updated_at,
  xform_source_data.xform_updated_at as valid_from,
  cast(cast('9999-12-31' as timestamp_ntz) as TIMESTAMP_NTZ(9)) as valid_to
from xform_source_data
left join xform_current on xform_current.xform_key_1 = xform_source_data.xform_key_1 and xform_current.xform_key_2 = xform_source_data.xform_key_2
where xform_current.xform_key_1 is null
  or (
    xform_current.amount is distinct from xform_source_data.amount
  )
union all
select
  'update' as dbt_change_type,
  xform_current.order_id as order_id,
  xform_current.order_date as order_date,
  xform_current.amount as amount,
  xform_current.dbt_scd_id as dbt_scd_id,
  xform_current.dbt_updated_at as dbt_updated_at,
  xform_current.valid_from as valid_from,
  xform_source_data.xform_updated_at as valid_to
from xform_source_data
join xform_current on xform_current.xform_key_1 = xform_source_data.xform_key_1 and xform_current.xform_key_2 = xform_source_data.xform_key_2
where (
    xform_current.amount is distinct from xform_source_data.amount
  )
union all
select
  'delete' as dbt_change_type,
  xform_current.order_id as order_id,
  xform_current.order_date as order_date,
  xform_current.amount as amount,
  xform_current.dbt_scd_id as dbt_scd_id,
  xform_current.dbt_updated_at as dbt_updated_at,
  xform_current.valid_from as valid_from,
  cast(convert_timezone('UTC', current_timestamp())::timestamp_ntz as TIMESTAMP_NTZ(9)) as valid_to
from xform_current
left join xform_source_data on xform_current.xform_key_1 = xform_source_data.xform_key_1 and xform_current.xform_key_2 = xform_source_data.xform_key_2
where xform_source_data.xform_key_1 is null
);
select xform_key_1, xform_key_2, count(*) as xform_count
from (
  select order_id as xform_key_1, order_date as xform_key_2
  from analytics.fct_orders__xform_tmp
  where dbt_change_type = 'insert'
) as xform_keys
group by xform_key_1, xform_key_2
having count(*) > 1 or xform_key_1 is null or xform_key_2 is null
order by xform_count desc
limit 6;
-- begin
update analytics.fct_orders as xform_target
set valid_to = xform_source.valid_to
from analytics.fct_orders__xform_tmp as xform_source
where xform_source.dbt_scd_id = xform_target.dbt_scd_id
  and xform_source.dbt_change_type in ('update', 'delete')
  and (xform_target.valid_to = cast('9999-12-31' as timestamp_ntz) or xform_target.valid_to is null);
insert into analytics.fct_orders (order_id, order_date, amount, dbt_scd_id, dbt_updated_at, valid_from, valid_to)
select order_id, order_date, amount, dbt_scd_id, dbt_updated_at, valid_from, valid_to
from (
select * from analytics.fct_orders__xform_tmp where dbt_change_type = 'insert'
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
