-- Golden file for the bigquery dialect. Regenerate with XFORM_UPDATE_GOLDEN=1.

-- quoteIdentifier
`weird "name"`;

-- quoteString
'it\'s';

-- relationName
`analytics`.`fct_orders`;

-- relationName with database and quotes
`warehouse`.`Sales "EU"`.`o'rders`;

-- createSchema
create schema if not exists `analytics`;

-- createSchema with database
create schema if not exists `warehouse`.`analytics`;

-- dropSchema
drop schema if exists `analytics` cascade;

-- createViewAs
create or replace view `analytics`.`fct_orders` as (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
);

-- createTableAs
create or replace table `analytics`.`fct_orders`
as (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
);

-- createTableAs temporary
create or replace table `analytics`.`fct_orders__xform_tmp`
options(expiration_timestamp=timestamp_add(current_timestamp(), interval 12 hour))
as (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
);

-- renameRelation table
alter table `analytics`.`fct_orders__xform_tmp` rename to `fct_orders`;

-- renameRelation view
-- not supported: BigQuery cannot rename a view;

-- dropRelation table
drop table if exists `analytics`.`fct_orders`;

-- dropRelation view
drop view if exists `analytics`.`fct_orders`;

-- dropRelation materialized_view
drop materialized view if exists `analytics`.`fct_orders`;

-- createTable
create table `analytics`.`fct_orders` (
  `order_id` int64,
  `note` string
);

-- insertInto
insert into `analytics`.`fct_orders` (`order_id`, `amount`)
select `order_id`, `amount`
from (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
) as xform_insert_source;

-- merge composite key with predicate
merge into `analytics`.`fct_orders` as xform_target
using (
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where xform_source.`order_id` is not null and xform_source.`line_no` is not null
union all
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where (xform_source.`order_id` is null or xform_source.`line_no` is null)
  and not exists (
    select 1 from `analytics`.`fct_orders` as xform_existing
    where (xform_existing.`order_id` is null or xform_existing.`line_no` is null)
      and xform_existing.`order_id` is not distinct from xform_source.`order_id`
      and xform_existing.`line_no` is not distinct from xform_source.`line_no`
      and xform_existing.`amount` is not distinct from xform_source.`amount`
      and xform_existing.`status` is not distinct from xform_source.`status`
  )
) as xform_source
on xform_target.`order_id` = xform_source.`order_id`
  and xform_target.`line_no` = xform_source.`line_no`
  and (xform_target.order_date > current_date - 7)
when matched then update set
  `amount` = xform_source.`amount`,
  `status` = xform_source.`status`
when not matched then insert (`order_id`, `line_no`, `amount`, `status`)
  values (xform_source.`order_id`, xform_source.`line_no`, xform_source.`amount`, xform_source.`status`);

-- merge single key, every column a key
merge into `analytics`.`fct_orders` as xform_target
using (
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where xform_source.`order_id` is not null
union all
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where xform_source.`order_id` is null
  and not exists (
    select 1 from `analytics`.`fct_orders` as xform_existing
    where xform_existing.`order_id` is null
      and xform_existing.`order_id` is not distinct from xform_source.`order_id`
  )
) as xform_source
on xform_target.`order_id` = xform_source.`order_id`
when not matched then insert (`order_id`)
  values (xform_source.`order_id`);

-- merge without unique key
merge into `analytics`.`fct_orders` as xform_target
using (
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
) as xform_source
on 1 = 0
when not matched then insert (`order_id`, `line_no`, `amount`, `status`)
  values (xform_source.`order_id`, xform_source.`line_no`, xform_source.`amount`, xform_source.`status`);

-- deleteMatching
delete from `analytics`.`fct_orders` as xform_target
where exists (
  select 1 from `analytics`.`fct_orders__xform_tmp` as xform_source
  where xform_target.`order_id` = xform_source.`order_id`
    and xform_target.`line_no` = xform_source.`line_no`
)
  and (xform_target.order_date > current_date - 7);

-- deleteMatching single key
delete from `analytics`.`fct_orders` as xform_target
where exists (
  select 1 from `analytics`.`fct_orders__xform_tmp` as xform_source
  where xform_target.`order_id` = xform_source.`order_id`
);

-- incrementalSource
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where xform_source.`order_id` is not null and xform_source.`line_no` is not null
union all
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where (xform_source.`order_id` is null or xform_source.`line_no` is null)
  and not exists (
    select 1 from `analytics`.`fct_orders` as xform_existing
    where (xform_existing.`order_id` is null or xform_existing.`line_no` is null)
      and xform_existing.`order_id` is not distinct from xform_source.`order_id`
      and xform_existing.`line_no` is not distinct from xform_source.`line_no`
      and xform_existing.`amount` is not distinct from xform_source.`amount`
      and xform_existing.`status` is not distinct from xform_source.`status`
  );

-- incrementalSource with json, geography, variant and array columns
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where xform_source.`order_id` is not null
union all
select * from `analytics`.`fct_orders__xform_tmp` as xform_source
where xform_source.`order_id` is null
  and not exists (
    select 1 from `analytics`.`fct_orders` as xform_existing
    where xform_existing.`order_id` is null
      and xform_existing.`order_id` is not distinct from xform_source.`order_id`
      and to_json_string(xform_existing.`payload`) is not distinct from to_json_string(xform_source.`payload`)
      and st_astext(xform_existing.`shape`) is not distinct from st_astext(xform_source.`shape`)
      and xform_existing.`attrs` is not distinct from xform_source.`attrs`
      and to_json_string(xform_existing.`tags`) is not distinct from to_json_string(xform_source.`tags`)
      and xform_existing.`amount` is not distinct from xform_source.`amount`
  );

-- mergeFromQuery composite key with predicate
merge into `analytics`.`fct_orders` as xform_target
using (
with xform_new as (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
)
select * from (
  select xform_new.`order_id`, xform_new.`line_no`, xform_new.`amount`, xform_new.`status`, count(*) over (partition by `order_id`, `line_no`) as `xform_key_rows`
  from xform_new
) as xform_keyed
where coalesce(cast(case when (xform_keyed.`order_id` is not null and xform_keyed.`line_no` is not null) and xform_keyed.`xform_key_rows` > 1 then 'xform_duplicate_unique_key' end as boolean), true)
  and ((xform_keyed.`order_id` is not null and xform_keyed.`line_no` is not null) or not exists (
    select 1 from `analytics`.`fct_orders` as xform_existing
    where (xform_existing.`order_id` is null or xform_existing.`line_no` is null)
      and xform_existing.`order_id` is not distinct from xform_keyed.`order_id`
      and xform_existing.`line_no` is not distinct from xform_keyed.`line_no`
      and xform_existing.`amount` is not distinct from xform_keyed.`amount`
      and xform_existing.`status` is not distinct from xform_keyed.`status`
  ))
) as xform_source
on xform_target.`order_id` = xform_source.`order_id`
  and xform_target.`line_no` = xform_source.`line_no`
  and (xform_target.order_date > current_date - 7)
when matched then update set
  `amount` = xform_source.`amount`,
  `status` = xform_source.`status`
when not matched then insert (`order_id`, `line_no`, `amount`, `status`)
  values (xform_source.`order_id`, xform_source.`line_no`, xform_source.`amount`, xform_source.`status`);

-- mergeFromQuery json column
merge into `analytics`.`fct_orders` as xform_target
using (
with xform_new as (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
)
select * from (
  select xform_new.`order_id`, xform_new.`payload`, count(*) over (partition by `order_id`) as `xform_key_rows`
  from xform_new
) as xform_keyed
where coalesce(cast(case when xform_keyed.`order_id` is not null and xform_keyed.`xform_key_rows` > 1 then 'xform_duplicate_unique_key' end as boolean), true)
  and (xform_keyed.`order_id` is not null or not exists (
    select 1 from `analytics`.`fct_orders` as xform_existing
    where xform_existing.`order_id` is null
      and xform_existing.`order_id` is not distinct from xform_keyed.`order_id`
      and to_json_string(xform_existing.`payload`) is not distinct from to_json_string(xform_keyed.`payload`)
  ))
) as xform_source
on xform_target.`order_id` = xform_source.`order_id`
when matched then update set
  `payload` = xform_source.`payload`
when not matched then insert (`order_id`, `payload`)
  values (xform_source.`order_id`, xform_source.`payload`);

-- cloneTable
create or replace table `analytics`.`fct_orders` clone `prod_db`.`analytics`.`fct_orders`;

-- duplicateKeysQuery composite key
select `order_id`, `line_no`, count(*) as `xform_count`
from `analytics`.`fct_orders__xform_tmp`
where `order_id` is not null and `line_no` is not null
group by `order_id`, `line_no`
having count(*) > 1
order by `xform_count` desc, `order_id`, `line_no`
limit 6;

-- duplicateKeysQuery of a query
select `order_id`, count(*) as `xform_count`
from (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
) as xform_new
where `order_id` is not null
group by `order_id`
having count(*) > 1
order by `xform_count` desc, `order_id`
limit 6;

-- addColumn
alter table `analytics`.`fct_orders` add column `discount` float64;

-- dropColumn
alter table `analytics`.`fct_orders` drop column `discount`;

-- alterColumnType
alter table `analytics`.`fct_orders` alter column `amount` set data type float64;

-- limitZero
select * from (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
) as xform_limit_zero
limit 0;

-- countRows
select count(*) as `failures`
from (
select order_id, customer_id, amount
from `analytics`.`stg_orders`
where amount > 0
) as xform_count;

-- currentTimestamp
current_datetime('UTC');

-- snapshotTime
current_timestamp();

-- snapshotTime for timestamp with time zone
current_timestamp();

-- snapshotTime for TIMESTAMP_TZ(9)
current_timestamp();

-- snapshotHash composite key and updated_at
to_hex(md5(concat(coalesce(cast(xform_source_data.xform_key_1 as string), ''), '|', coalesce(cast(xform_source_data.xform_key_2 as string), ''), '|', coalesce(cast(xform_source_data.xform_updated_at as string), ''))));

-- valuesDiffer
xform_current.status is distinct from xform_source_data.status;

-- valuesDiffer json
to_json_string(xform_current.payload) is distinct from to_json_string(xform_source_data.payload);

-- updateFrom
update `analytics`.`fct_orders` as xform_target
set `dbt_valid_to` = xform_source.`dbt_valid_to`
from `analytics`.`fct_orders__xform_tmp` as xform_source
where xform_source.`dbt_scd_id` = xform_target.`dbt_scd_id`
  and xform_target.`dbt_valid_to` is null;

-- stringType
string;

-- seedType integer
int64;

-- seedType bigint
int64;

-- seedType double
float64;

-- seedType boolean
bool;

-- seedType date
date;

-- seedType timestamp
datetime;

-- seedType text
string;

-- createTableAs partitioned by date, clustered, labelled
create or replace table `my-project`.`analytics`.`fct_orders`
partition by `order_date`
cluster by `customer_id`, `status`
options(labels=[('team', 'finance')], require_partition_filter=true, partition_expiration_days=30)
as (
select * from `my-project`.`analytics`.`stg_orders`
);

-- createTableAs partitioned by timestamp hour
create or replace table `my-project`.`analytics`.`fct_orders`
partition by timestamp_trunc(`created_at`, hour)
as (
select * from `my-project`.`analytics`.`stg_orders`
);

-- createTableAs partitioned by date month, expiring, encrypted
create or replace table `my-project`.`analytics`.`fct_orders`
partition by date_trunc(`order_date`, month)
options(expiration_timestamp=timestamp_add(current_timestamp(), interval 6 hour), kms_key_name='projects/p/locations/eu/keyRings/r/cryptoKeys/k')
as (
select * from `my-project`.`analytics`.`stg_orders`
);

-- createTableAs partitioned by datetime year
create or replace table `my-project`.`analytics`.`fct_orders`
partition by datetime_trunc(`updated`, year)
as (
select * from `my-project`.`analytics`.`stg_orders`
);

-- createTableAs partitioned by int64 range
create or replace table `my-project`.`analytics`.`fct_orders`
partition by range_bucket(`customer_id`, generate_array(0, 100000, 1000))
cluster by `order_id`
as (
select * from `my-project`.`analytics`.`stg_orders`
);

-- createTableAs staging (settings left to the final table)
create or replace table `my-project`.`analytics`.`fct_orders__xform_tmp`
options(expiration_timestamp=timestamp_add(current_timestamp(), interval 12 hour))
as (
select * from `my-project`.`analytics`.`stg_orders`
);

-- insertOverwrite by date partition
merge into `my-project`.`analytics`.`fct_orders` as xform_target
using (
select * from `my-project`.`analytics`.`fct_orders__xform_tmp`
) as xform_source
on false
when not matched by source and (xform_target.`order_date` in (date '2024-01-01', date '2024-01-02')) then delete
when not matched then insert (`order_id`, `order_date`, `amount`)
  values (xform_source.`order_id`, xform_source.`order_date`, xform_source.`amount`);

-- insertOverwrite by timestamp day, with the NULL partition
merge into `my-project`.`analytics`.`fct_orders` as xform_target
using (
select * from `my-project`.`analytics`.`fct_orders__xform_tmp`
) as xform_source
on false
when not matched by source and (timestamp_trunc(xform_target.`created_at`, day) in (timestamp '2024-01-01 00:00:00+00') or timestamp_trunc(xform_target.`created_at`, day) is null) then delete
when not matched then insert (`order_id`, `order_date`, `amount`)
  values (xform_source.`order_id`, xform_source.`order_date`, xform_source.`amount`);

-- insertOverwrite by int64 range
merge into `my-project`.`analytics`.`fct_orders` as xform_target
using (
select * from `my-project`.`analytics`.`fct_orders__xform_tmp`
) as xform_source
on false
when not matched by source and (range_bucket(xform_target.`order_id`, generate_array(0, 1000, 10)) in (0, 10)) then delete
when not matched then insert (`order_id`, `order_date`, `amount`)
  values (xform_source.`order_id`, xform_source.`order_date`, xform_source.`amount`);

-- insertOverwrite by datetime month, only the NULL partition
merge into `my-project`.`analytics`.`fct_orders` as xform_target
using (
select * from `my-project`.`analytics`.`fct_orders__xform_tmp`
) as xform_source
on false
when not matched by source and (datetime_trunc(xform_target.`updated`, month) is null) then delete
when not matched then insert (`order_id`, `order_date`, `amount`)
  values (xform_source.`order_id`, xform_source.`order_date`, xform_source.`amount`);

-- partitionsQuery by timestamp day
select distinct cast(timestamp_trunc(`created_at`, day) as string) as partition_value
from `my-project`.`analytics`.`fct_orders__xform_tmp`;

-- partitionsQuery by int64 range
select distinct cast(range_bucket(`order_id`, generate_array(0, 1000, 10)) as string) as partition_value
from `my-project`.`analytics`.`fct_orders__xform_tmp`;

-- createSchema in a location
create schema if not exists `my-project`.`analytics` options(location='EU');

-- quoteString with backslash and newline
'a\\b\nc';
