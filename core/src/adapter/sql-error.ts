/**
 * Turning a driver's error into the one error type users see. The message is the database's own message
 * (it is what users search for); the statement and the node label ride along as properties so that the
 * run results and `--debug` output can show them without parsing the message.
 */
import { isXformError, XformError, type SourceLocation } from '../errors.js';

export const SQL_ERROR_CODE = 'XFORM_SQL_ERROR';

/** How much of the statement an error keeps: enough to recognise it, not a 2 MB model. */
export const SQL_ERROR_MAX_SQL = 2000;

export interface SqlErrorOptions {
  /** Label of the statement (usually the node's unique_id). */
  label?: string;
  /** The adapter's type, for the hint. */
  adapter?: string;
  /** 1-based character offset of the error inside `sql`, when the database reports one (PostgreSQL). */
  position?: number;
  /** The database's error code (SQLSTATE on PostgreSQL). */
  sqlState?: string;
  /**
   * The part of the message that only shows `position` inside the statement (DuckDB's `LINE n:` excerpt and
   * caret): left out where xform shows the position in the model's own source instead. Default: none.
   */
  positionText?: string;
  /** Secrets that must never appear in the message or the SQL (connection passwords). */
  secrets?: (string | undefined)[];
}

export class SqlError extends XformError {
  /** The statement, cut to SQL_ERROR_MAX_SQL characters. */
  readonly sql: string;
  readonly label?: string;
  readonly sqlState?: string;
  /** Line and column inside `sql`, when the database reported a position. */
  readonly sqlPosition?: { line: number; column: number };
  /** See SqlErrorOptions.positionText. */
  readonly positionText?: string;
  /** The SQL file the error was found in (target/run/<path>) and the position there, once a run knows it. */
  readonly compiledLocation?: SourceLocation;

  constructor(message: string, sql: string, options: SqlErrorFields & { cause?: unknown; hint?: string; location?: SourceLocation } = {}) {
    super(SQL_ERROR_CODE, message, { cause: options.cause, hint: options.hint, location: options.location });
    this.name = 'SqlError';
    this.sql = sql;
    this.label = options.label;
    this.sqlState = options.sqlState;
    this.sqlPosition = options.sqlPosition;
    this.positionText = options.positionText;
    this.compiledLocation = options.compiledLocation;
  }

  /** The same error with `changes` applied (a location found later, a message with the source excerpt). */
  with(changes: { message?: string; location?: SourceLocation; compiledLocation?: SourceLocation; positionText?: string }): SqlError {
    return new SqlError(changes.message ?? this.message, this.sql, {
      label: this.label,
      sqlState: this.sqlState,
      sqlPosition: this.sqlPosition,
      positionText: 'positionText' in changes ? changes.positionText : this.positionText,
      compiledLocation: changes.compiledLocation ?? this.compiledLocation,
      location: changes.location ?? this.location,
      cause: this.cause,
      hint: this.hint,
    });
  }
}

interface SqlErrorFields {
  label?: string;
  sqlState?: string;
  sqlPosition?: { line: number; column: number };
  positionText?: string;
  compiledLocation?: SourceLocation;
}

/** True for an error made by `sqlError` (checked by code, not instanceof). */
export function isSqlError(value: unknown): value is SqlError {
  return isXformError(value) && value.code === SQL_ERROR_CODE;
}

/**
 * Wraps a driver error (or anything thrown while running `sql`) as an XFORM_SQL_ERROR. An XformError is
 * returned unchanged, so wrapping twice is harmless.
 */
export function sqlError(cause: unknown, sql: string, options: SqlErrorOptions = {}): XformError {
  if (isXformError(cause)) return cause;
  const raw = cause instanceof Error ? cause.message : String(cause);
  const message = redact(raw.trim() || 'the database reported an error without a message', options.secrets);
  const shortSql = redact(sql.length > SQL_ERROR_MAX_SQL ? `${sql.slice(0, SQL_ERROR_MAX_SQL)}\n...` : sql, options.secrets);
  const hint = options.label ? `while running ${options.label}${options.adapter ? ` on ${options.adapter}` : ''}` : undefined;
  // The driver error stays reachable as `cause` for --debug, but only when it cannot leak a secret.
  const safeCause = containsSecret(raw, options.secrets) ? undefined : cause;
  const sqlPosition = options.position === undefined ? undefined : lineAndColumn(sql, options.position);
  const positionText = options.positionText && message.includes(options.positionText) ? options.positionText : undefined;
  return new SqlError(message, shortSql, { label: options.label, sqlState: options.sqlState, sqlPosition, positionText, hint, cause: safeCause });
}

/** The 1-based character position of 1-based `line` and `column` in `sql` (as SqlErrorOptions.position). */
export function positionOf(sql: string, line: number, column: number): number {
  let offset = 0;
  for (let i = 1; i < line; i++) {
    const next = sql.indexOf('\n', offset);
    if (next === -1) break;
    offset = next + 1;
  }
  return offset + column;
}

/** Replaces every occurrence of each secret (of 3+ characters) by `***`. */
export function redact(text: string, secrets: (string | undefined)[] | undefined): string {
  let result = text;
  for (const secret of secrets ?? []) {
    if (secret && secret.length >= 3) result = result.replaceAll(secret, '***');
  }
  return result;
}

function containsSecret(text: string, secrets: (string | undefined)[] | undefined): boolean {
  return (secrets ?? []).some((secret) => secret !== undefined && secret.length >= 3 && text.includes(secret));
}

function lineAndColumn(sql: string, position: number): { line: number; column: number } {
  const before = sql.slice(0, Math.max(0, position - 1));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}
