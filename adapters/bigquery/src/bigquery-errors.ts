/** Where in the statement BigQuery says an error is: its message ends with `[line:column]`, both 1-based. */
import { positionOf } from '@xform/core';

const AT = /\[(\d+):(\d+)\]\s*$/u;

/** 1-based character position in `sql` (SqlErrorOptions.position), or undefined when the message names none. */
export function bigqueryErrorPosition(message: string, sql: string): number | undefined {
  const at = AT.exec(message);
  return at ? positionOf(sql, Number(at[1]), Number(at[2])) : undefined;
}
