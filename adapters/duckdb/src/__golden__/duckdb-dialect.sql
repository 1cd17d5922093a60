-- Golden file for the duckdb dialect. Regenerate with XFORM_UPDATE_GOLDEN=1.

-- quoteIdentifier
"weird ""name""";

-- quoteString
'it''s';

-- relationName
"analytics"."fct_orders";

-- relationName with database and quotes
"warehouse"."Sales ""EU"""."o'rders";

-- createSchema
create schema if not exists "analytics";

-- createSchema with database
create schema if not exists "warehouse"."analytics";

-- dropSchema
drop schema if exists "analytics" cascade;

-- createViewAs
create or replace view "analytics"."fct_orders" as (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
);

-- createTableAs
create table "analytics"."fct_orders" as (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
);

-- createTableAs temporary
create temporary table "fct_orders__xform_tmp" as (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
);

-- renameRelation table
alter table "analytics"."fct_orders__xform_tmp" rename to "fct_orders";

-- renameRelation view
alter view "analytics"."fct_orders" rename to "fct_orders__xform_old";

-- dropRelation table
drop table if exists "analytics"."fct_orders" cascade;

-- dropRelation view
drop view if exists "analytics"."fct_orders" cascade;

-- dropRelation materialized_view
drop materialized view if exists "analytics"."fct_orders" cascade;

-- createTable
create table "analytics"."fct_orders" (
  "order_id" BIGINT,
  "note" VARCHAR
);

-- insertInto
insert into "analytics"."fct_orders" ("order_id", "amount")
select "order_id", "amount"
from (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
) as xform_insert_source;

-- merge composite key with predicate
merge into "analytics"."fct_orders" as xform_target
using (
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where xform_source."order_id" is not null and xform_source."line_no" is not null
union all
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where (xform_source."order_id" is null or xform_source."line_no" is null)
  and not exists (
    select 1 from "analytics"."fct_orders" as xform_existing
    where (xform_existing."order_id" is null or xform_existing."line_no" is null)
      and xform_existing."order_id" is not distinct from xform_source."order_id"
      and xform_existing."line_no" is not distinct from xform_source."line_no"
      and xform_existing."amount" is not distinct from xform_source."amount"
      and xform_existing."status" is not distinct from xform_source."status"
  )
) as xform_source
on xform_target."order_id" = xform_source."order_id"
  and xform_target."line_no" = xform_source."line_no"
  and (xform_target.order_date > current_date - 7)
when matched then update set
  "amount" = xform_source."amount",
  "status" = xform_source."status"
when not matched then insert ("order_id", "line_no", "amount", "status")
  values (xform_source."order_id", xform_source."line_no", xform_source."amount", xform_source."status");

-- merge single key, every column a key
merge into "analytics"."fct_orders" as xform_target
using (
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where xform_source."order_id" is not null
union all
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where xform_source."order_id" is null
  and not exists (
    select 1 from "analytics"."fct_orders" as xform_existing
    where xform_existing."order_id" is null
      and xform_existing."order_id" is not distinct from xform_source."order_id"
  )
) as xform_source
on xform_target."order_id" = xform_source."order_id"
when not matched then insert ("order_id")
  values (xform_source."order_id");

-- merge without unique key
merge into "analytics"."fct_orders" as xform_target
using (
select * from "analytics"."fct_orders__xform_tmp" as xform_source
) as xform_source
on 1 = 0
when not matched then insert ("order_id", "line_no", "amount", "status")
  values (xform_source."order_id", xform_source."line_no", xform_source."amount", xform_source."status");

-- deleteMatching
delete from "analytics"."fct_orders" as xform_target
where exists (
  select 1 from "analytics"."fct_orders__xform_tmp" as xform_source
  where xform_target."order_id" = xform_source."order_id"
    and xform_target."line_no" = xform_source."line_no"
)
  and (xform_target.order_date > current_date - 7);

-- deleteMatching single key
delete from "analytics"."fct_orders" as xform_target
where exists (
  select 1 from "analytics"."fct_orders__xform_tmp" as xform_source
  where xform_target."order_id" = xform_source."order_id"
);

-- incrementalSource
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where xform_source."order_id" is not null and xform_source."line_no" is not null
union all
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where (xform_source."order_id" is null or xform_source."line_no" is null)
  and not exists (
    select 1 from "analytics"."fct_orders" as xform_existing
    where (xform_existing."order_id" is null or xform_existing."line_no" is null)
      and xform_existing."order_id" is not distinct from xform_source."order_id"
      and xform_existing."line_no" is not distinct from xform_source."line_no"
      and xform_existing."amount" is not distinct from xform_source."amount"
      and xform_existing."status" is not distinct from xform_source."status"
  );

-- incrementalSource with json, geography, variant and array columns
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where xform_source."order_id" is not null
union all
select * from "analytics"."fct_orders__xform_tmp" as xform_source
where xform_source."order_id" is null
  and not exists (
    select 1 from "analytics"."fct_orders" as xform_existing
    where xform_existing."order_id" is null
      and xform_existing."order_id" is not distinct from xform_source."order_id"
      and xform_existing."payload" is not distinct from xform_source."payload"
      and xform_existing."shape" is not distinct from xform_source."shape"
      and xform_existing."attrs" is not distinct from xform_source."attrs"
      and xform_existing."tags" is not distinct from xform_source."tags"
      and xform_existing."amount" is not distinct from xform_source."amount"
  );

-- mergeFromQuery composite key with predicate
merge into "analytics"."fct_orders" as xform_target
using (
with xform_new as materialized (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
)
select * from xform_new as xform_keyed
where (xform_keyed."order_id" is not null and xform_keyed."line_no" is not null) and coalesce(cast(case when exists (
  select 1 from xform_new as xform_repeated
  where (xform_repeated."order_id" is not null and xform_repeated."line_no" is not null)
  group by xform_repeated."order_id", xform_repeated."line_no"
  having count(*) > 1
) then 'xform_duplicate_unique_key' end as boolean), true)
union all
select * from xform_new as xform_keyed
where not ((xform_keyed."order_id" is not null and xform_keyed."line_no" is not null)) and not exists (
  select 1 from "analytics"."fct_orders" as xform_existing
  where (xform_existing."order_id" is null or xform_existing."line_no" is null)
    and xform_existing."order_id" is not distinct from xform_keyed."order_id"
    and xform_existing."line_no" is not distinct from xform_keyed."line_no"
    and xform_existing."amount" is not distinct from xform_keyed."amount"
    and xform_existing."status" is not distinct from xform_keyed."status"
)
) as xform_source
on xform_target."order_id" = xform_source."order_id"
  and xform_target."line_no" = xform_source."line_no"
  and (xform_target.order_date > current_date - 7)
when matched then update set
  "amount" = xform_source."amount",
  "status" = xform_source."status"
when not matched then insert ("order_id", "line_no", "amount", "status")
  values (xform_source."order_id", xform_source."line_no", xform_source."amount", xform_source."status");

-- mergeFromQuery json column
merge into "analytics"."fct_orders" as xform_target
using (
with xform_new as materialized (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
)
select * from xform_new as xform_keyed
where xform_keyed."order_id" is not null and coalesce(cast(case when exists (
  select 1 from xform_new as xform_repeated
  where xform_repeated."order_id" is not null
  group by xform_repeated."order_id"
  having count(*) > 1
) then 'xform_duplicate_unique_key' end as boolean), true)
union all
select * from xform_new as xform_keyed
where not (xform_keyed."order_id" is not null) and not exists (
  select 1 from "analytics"."fct_orders" as xform_existing
  where xform_existing."order_id" is null
    and xform_existing."order_id" is not distinct from xform_keyed."order_id"
    and xform_existing."payload" is not distinct from xform_keyed."payload"
)
) as xform_source
on xform_target."order_id" = xform_source."order_id"
when matched then update set
  "payload" = xform_source."payload"
when not matched then insert ("order_id", "payload")
  values (xform_source."order_id", xform_source."payload");

-- duplicateKeysQuery composite key
select "order_id", "line_no", count(*) as "xform_count"
from "analytics"."fct_orders__xform_tmp"
where "order_id" is not null and "line_no" is not null
group by "order_id", "line_no"
having count(*) > 1
order by "xform_count" desc, "order_id", "line_no"
limit 6;

-- duplicateKeysQuery of a query
select "order_id", count(*) as "xform_count"
from (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
) as xform_new
where "order_id" is not null
group by "order_id"
having count(*) > 1
order by "xform_count" desc, "order_id"
limit 6;

-- addColumn
alter table "analytics"."fct_orders" add column "discount" DOUBLE;

-- dropColumn
alter table "analytics"."fct_orders" drop column "discount";

-- alterColumnType
alter table "analytics"."fct_orders" alter column "amount" type DOUBLE using cast("amount" as DOUBLE);

-- limitZero
select * from (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
) as xform_limit_zero
limit 0;

-- countRows
select count(*) as "failures"
from (
select order_id, customer_id, amount
from "analytics"."stg_orders"
where amount > 0
) as xform_count;

-- currentTimestamp
(current_timestamp at time zone 'UTC');

-- snapshotTime
(current_timestamp at time zone 'UTC');

-- snapshotTime for timestamp with time zone
current_timestamp;

-- snapshotTime for TIMESTAMP_TZ(9)
(current_timestamp at time zone 'UTC');

-- snapshotHash composite key and updated_at
md5(coalesce(cast(xform_source_data.xform_key_1 as varchar), '') || '|' || coalesce(cast(xform_source_data.xform_key_2 as varchar), '') || '|' || coalesce(cast(xform_source_data.xform_updated_at as varchar), ''));

-- valuesDiffer
xform_current.status is distinct from xform_source_data.status;

-- valuesDiffer json
xform_current.payload is distinct from xform_source_data.payload;

-- updateFrom
update "analytics"."fct_orders" as xform_target
set "dbt_valid_to" = xform_source."dbt_valid_to"
from "analytics"."fct_orders__xform_tmp" as xform_source
where xform_source."dbt_scd_id" = xform_target."dbt_scd_id"
  and xform_target."dbt_valid_to" is null;

-- stringType
VARCHAR;

-- seedType integer
INTEGER;

-- seedType bigint
BIGINT;

-- seedType double
DOUBLE;

-- seedType boolean
BOOLEAN;

-- seedType date
DATE;

-- seedType timestamp
TIMESTAMP;

-- seedType text
VARCHAR;
