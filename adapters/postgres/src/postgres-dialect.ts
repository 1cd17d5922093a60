/**
 * PostgreSQL is the dialect DialectBase was written for: quoting, `create or replace view`, transactional
 * renames, MERGE (15+), `alter column ... type ... using` are all its defaults. What differs: the name, and
 * schema statements, which PostgreSQL only accepts unqualified (a session works inside one database).
 */
import { DialectBase } from '@xform/core';

export class PostgresDialect extends DialectBase {
  override readonly name: string = 'postgres';

  protected override schemaName(schema: string): string {
    return this.quoteIdentifier(schema);
  }
}
