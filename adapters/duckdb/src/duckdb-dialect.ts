/**
 * DuckDB speaks PostgreSQL-flavoured SQL; only its own type names differ from DialectBase (they are what
 * DuckDB's catalog reports back, so schema-change detection compares like with like).
 */
import { DialectBase } from '@xform/core/dialect';
import type { SeedTypeKind } from '@xform/core';

const SEED_TYPES: Record<SeedTypeKind, string> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  text: 'VARCHAR',
};

export class DuckDBDialect extends DialectBase {
  override readonly name: string = 'duckdb';
  override readonly stringType: string = 'VARCHAR';

  override seedType(kind: SeedTypeKind): string {
    return SEED_TYPES[kind];
  }
}
