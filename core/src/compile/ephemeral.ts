/**
 * Ephemeral models are not built: their SQL is inlined into each model that refs them, as a CTE named
 * `__xform__cte__<name>`. A model that already starts with WITH gets the CTEs added to its own WITH list
 * (a second WITH would be a syntax error); others get a WITH clause in front.
 */

export const EPHEMERAL_PREFIX = '__xform__cte__';

export interface Cte {
  name: string;
  sql: string;
}

/** Index just past leading whitespace and SQL comments (`-- ...` and `/* ... *\/`). */
function skipTrivia(sql: string, start: number): number {
  let i = start;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else {
      return i;
    }
  }
}

function keywordAt(sql: string, i: number, keyword: string): boolean {
  if (sql.slice(i, i + keyword.length).toLowerCase() !== keyword) return false;
  const next = sql[i + keyword.length];
  return next === undefined || !/[A-Za-z0-9_$]/.test(next);
}

export function injectCtes(sql: string, ctes: readonly Cte[]): string {
  if (ctes.length === 0) return sql;
  const body = ctes.map((c) => `${c.name} as (\n${c.sql.trim()}\n)`).join(',\n');
  const start = skipTrivia(sql, 0);
  if (keywordAt(sql, start, 'with')) {
    let after = skipTrivia(sql, start + 4);
    if (keywordAt(sql, after, 'recursive')) after = skipTrivia(sql, after + 'recursive'.length);
    return `${sql.slice(0, after)}${body},\n${sql.slice(after)}`;
  }
  return `${sql.slice(0, start)}with ${body}\n${sql.slice(start)}`;
}
