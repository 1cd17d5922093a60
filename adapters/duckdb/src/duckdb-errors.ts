/**
 * Where in the statement DuckDB says an error is. DuckDB has no position field: its message ends with the
 * statement's line (`LINE 4: from t where nonexistent > 1`) and a caret under the place. Long lines are
 * shown as a window between `...` marks, so the column is found by looking the window up in the statement.
 */
import { positionOf } from '@xform/core';

const EXCERPT = /\n*LINE (\d+): (.*)\n( *)\^[^\n]*$/u;
const MORE = '...';

export interface DuckDBErrorPosition {
  /** 1-based character position in the statement (SqlErrorOptions.position). */
  position: number;
  /** The `LINE n: ...` excerpt and caret, as they appear in the message. */
  text: string;
}

export function duckdbErrorPosition(message: string, sql: string): DuckDBErrorPosition | undefined {
  const m = EXCERPT.exec(message);
  if (!m) return undefined;
  const line = Number(m[1]);
  const shown = m[2]!;
  const caret = m[3]!.length - `LINE ${m[1]}: `.length;
  if (caret < 0) return undefined;
  const cutStart = shown.startsWith(MORE);
  const window = shown.slice(cutStart ? MORE.length : 0, shown.endsWith(MORE) && shown.length > MORE.length ? -MORE.length : undefined);
  const inWindow = caret - (cutStart ? MORE.length : 0);
  const statementLine = sql.split('\n')[line - 1];
  const at = statementLine === undefined ? -1 : statementLine.indexOf(window);
  const column = at === -1 ? (cutStart ? undefined : caret + 1) : at + Math.max(0, inWindow) + 1;
  if (column === undefined) return undefined;
  return { position: positionOf(sql, line, column), text: m[0].replace(/^\n+/u, '') };
}
