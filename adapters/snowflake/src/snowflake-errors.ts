/**
 * Where in the statement Snowflake says an error is: `line 3 at position 4` in the message, the line 1-based
 * and the position a 0-based column.
 */
import { positionOf } from '@xform/core';

const AT = /\bline (\d+) at position (\d+)\b/u;

/** 1-based character position in `sql` (SqlErrorOptions.position), or undefined when the message names none. */
export function snowflakeErrorPosition(message: string, sql: string): number | undefined {
  const at = AT.exec(message);
  return at ? positionOf(sql, Number(at[1]), Number(at[2]) + 1) : undefined;
}
