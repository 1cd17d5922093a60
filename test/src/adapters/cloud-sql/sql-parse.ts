/**
 * Parses SQL with a real parser for the warehouse's dialect (datafusion-sqlparser-rs, compiled to WASM),
 * so a syntax slip in generated SQL fails a test. Dialect samples that are fragments (a quoted name, a
 * type, an expression) are parsed inside the smallest statement that holds them.
 */
import { init, parse } from '@guanmingchiu/sqlparser-ts';

let ready: Promise<void> | undefined;

export async function parserReady(): Promise<void> {
  ready ??= init();
  await ready;
}

export type ParserDialect = 'bigquery' | 'snowflake';

/**
 * Statements the warehouse documents but sqlparser-rs 0.62 does not know, each checked as the nearest form
 * it does know (so the rest of the statement is still parsed). Keep this list short and cited.
 */
const PARSER_GAPS: { dialect: ParserDialect; pattern: RegExp; replacement: string; why: string }[] = [
  {
    dialect: 'snowflake',
    pattern: /^alter (materialized )?view /u,
    replacement: 'alter table ',
    why: 'Snowflake: ALTER VIEW <name> RENAME TO <new_name> (docs: ALTER VIEW); the parser only knows ALTER VIEW ... AS',
  },
];

/** Parses one statement; throws the parser's message (with line and column) and the SQL when it fails. */
export function parseStatement(sql: string, dialect: ParserDialect): void {
  let statements: unknown[];
  const gap = PARSER_GAPS.find((g) => g.dialect === dialect && g.pattern.test(sql));
  const text = gap ? sql.replace(gap.pattern, gap.replacement) : sql;
  try {
    statements = parse(text, dialect) as unknown[];
  } catch (err) {
    throw new Error(`${dialect} parser rejected:\n${sql}\n--> ${(err as Error).message}`);
  }
  if (statements.length !== 1) throw new Error(`expected exactly one ${dialect} statement, got ${statements.length}:\n${sql}`);
}

/** A dialect sample as a statement the parser accepts, by what the sample is (see dialectSamples' titles). */
export function sampleAsStatement(title: string, sql: string): string | undefined {
  if (sql.startsWith('-- not supported:')) return undefined;
  if (title.startsWith('quoteIdentifier')) return `select ${sql} from t`;
  if (title.startsWith('quoteString') || title === 'currentTimestamp' || title.startsWith('snapshotTime')) return `select ${sql}`;
  if (title.startsWith('snapshotHash') || title.startsWith('valuesDiffer')) return `select ${sql} from xform_current, xform_source_data`;
  if (title.startsWith('relationName')) return `select * from ${sql}`;
  if (title.startsWith('seedType') || title === 'stringType') return `select cast(null as ${sql})`;
  return sql;
}
