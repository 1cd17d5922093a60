/**
 * Seeds through DuckDB's own CSV reader: its sniffer infers column types, and `read_csv` with an explicit
 * column list loads the file in one INSERT. CSV rules match PostgreSQL's COPY ... CSV: `"` quotes and is
 * escaped by doubling, an empty unquoted field is NULL, a quoted empty field ("") is an empty string.
 */
import { relative } from 'node:path';
import { isXformError, nonUtf8Error, XformError, type Dialect, type SeedColumn, type SeedLoadRequest } from '@xform/core';

function csvOptions(dialect: Dialect, delimiter: string): string {
  return [
    'header = true',
    `delim = ${dialect.quoteString(delimiter)}`,
    `quote = '"'`,
    `escape = '"'`,
    `nullstr = ''`,
    'allow_quoted_nulls = false',
  ].join(', ');
}

/** DESCRIBE of the file as the sniffer reads it; every row of the file is sampled so a late 'n/a' counts. */
export function describeCsvSql(dialect: Dialect, file: string, delimiter: string): string {
  return `describe select * from read_csv(${dialect.quoteString(file)}, ${csvOptions(dialect, delimiter)}, sample_size = -1)`;
}

export function seedColumnsFromDescribe(rows: Record<string, unknown>[]): SeedColumn[] {
  return rows.map((row) => ({ name: String(row.column_name), dataType: String(row.column_type) }));
}

export function loadCsvSql(dialect: Dialect, request: SeedLoadRequest): string {
  const columns = request.columns
    .map((column) => `${dialect.quoteString(column.name)}: ${dialect.quoteString(column.dataType)}`)
    .join(', ');
  const names = request.columns.map((column) => dialect.quoteIdentifier(column.name)).join(', ');
  return (
    `insert into ${dialect.relationName(request.relation)} (${names})\n` +
    `select * from read_csv(${dialect.quoteString(request.file)}, ${csvOptions(dialect, request.delimiter)}, ` +
    `auto_detect = false, columns = {${columns}})`
  );
}

const CSV_LINE = /CSV Error on Line: (\d+)/u;

/**
 * A CSV error from DuckDB, shortened to what the user needs (the line and the reason) and located in the
 * seed file; any other error is returned unchanged.
 */
export async function seedError(err: unknown, file: string, projectRoot: string): Promise<unknown> {
  if (!isXformError(err)) return err;
  const line = CSV_LINE.exec(err.message);
  if (!line) return err;
  const where = relative(projectRoot, file).split('\\').join('/');
  // DuckDB's sniffer counts and quotes the wrong line for bytes that are not UTF-8: find them ourselves.
  if (/not utf-8 encoded|invalid unicode/i.test(err.message)) return nonUtf8Error(file, where);
  // DuckDB prints the offending line (which may itself span lines), then the reason, then "Possible fixes".
  const lines = err.message.split('\n');
  const fixes = lines.findIndex((text) => text.startsWith('Possible fixes'));
  const before = (fixes === -1 ? lines.slice(1, 2) : lines.slice(0, fixes)).map((text) => text.trim());
  const why = before.filter((text) => text !== '').pop() ?? 'malformed CSV';
  return new XformError('XFORM_SEED_MALFORMED', `${where}: CSV error on line ${line[1]}: ${why}`, {
    location: { file: where, line: Number(line[1]) },
    hint: 'quote fields that contain the delimiter, quotes (doubled: "") or line breaks',
    cause: err,
  });
}
