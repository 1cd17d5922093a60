/**
 * PostgreSQL is the dialect DialectBase was written for: quoting, `create or replace view`, transactional
 * renames, MERGE (15+), `alter column ... type ... using` are all its defaults. What differs: the name, and
 * schema statements, which PostgreSQL only accepts unqualified (a session works inside one database), and
 * the comparison of types without an equality operator (json, xml, geometric types).
 */
import { DialectBase } from '@xform/core/dialect';
import type { Relation } from '@xform/core';
import type { IdentifierLimits } from '@xform/core';

/**
 * Types (as format_type spells them) without an `=` operator, or whose `=` compares areas (box, circle):
 * `is not distinct from` on them fails with `operator does not exist` or says two different values match.
 */
const NO_EQUALITY = /^(json|xml|point|line|lseg|box|path|polygon|circle)(\[\])*$/u;

export class PostgresDialect extends DialectBase {
  override readonly name: string = 'postgres';
  /** NAMEDATALEN - 1: longer names are cut to 63 bytes without an error. */
  readonly identifierLimits: IdentifierLimits = { relation: { max: 63, unit: 'bytes' }, schema: { max: 63, unit: 'bytes' } };

  protected override schemaName(schema: string): string {
    return this.quoteIdentifier(schema);
  }

  /** json compares as jsonb (key order and spacing ignored); the other types by their text form. */
  protected override comparable(expression: string, dataType: string | undefined): string {
    const type = dataType?.trim().toLowerCase() ?? '';
    if (!NO_EQUALITY.test(type)) return expression;
    return type === 'json' ? `(${expression})::jsonb` : `(${expression})::text`;
  }

  /** Views (and materialized views) reading `relation`, transitively, deepest last, with definitions. */
  dependentViewsQuery(relation: Relation): string {
    const target = `${this.quoteString(relation.schema)}, ${this.quoteString(relation.identifier)}`;
    return `with recursive root as (
  select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where (n.nspname, c.relname) = (${target})
), deps(oid, depth) as (
  select r.ev_class, 1
  from pg_depend d join pg_rewrite r on r.oid = d.objid
  where d.refobjid = (select oid from root) and d.classid = 'pg_rewrite'::regclass
    and d.refclassid = 'pg_class'::regclass and r.ev_class <> d.refobjid
  union
  select r.ev_class, deps.depth + 1
  from deps join pg_depend d on d.refobjid = deps.oid
  join pg_rewrite r on r.oid = d.objid
  where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
    and r.ev_class <> deps.oid and deps.depth < 64
)
select n.nspname as schema_name, c.relname as view_name,
  case c.relkind when 'm' then 'materialized_view' else 'view' end as kind,
  pg_get_viewdef(c.oid) as definition, max(deps.depth) as depth
from deps join pg_class c on c.oid = deps.oid join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v', 'm')
group by n.nspname, c.relname, c.relkind, c.oid
order by depth, schema_name, view_name`;
  }
}
