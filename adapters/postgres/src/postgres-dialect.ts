/**
 * PostgreSQL is the dialect DialectBase was written for: quoting, `create or replace view`, transactional
 * renames, MERGE (15+), `alter column ... type ... using` are all its defaults. Only the name differs.
 */
import { DialectBase } from '@xform/core';

export class PostgresDialect extends DialectBase {
  override readonly name: string = 'postgres';
}
