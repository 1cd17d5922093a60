import { describe, expect, it } from 'vitest';
import { snowflakeErrorPosition } from './snowflake-errors.js';

// Messages as Snowflake words them: `line <n> at position <p>`, the line 1-based, the position 0-based.
describe('snowflakeErrorPosition', () => {
  const sql = 'create or replace transient table "DB"."S"."T" as (\nselect id,\n    nonexistent_col\nform "DB"."S"."SRC"\n)';

  it('reads an invalid identifier', () => {
    const position = snowflakeErrorPosition("SQL compilation error: error line 3 at position 4\ninvalid identifier 'NONEXISTENT_COL'", sql)!;
    expect(sql.slice(position - 1)).toMatch(/^nonexistent_col/);
  });

  it('reads a syntax error', () => {
    const position = snowflakeErrorPosition("SQL compilation error:\nsyntax error line 4 at position 0 unexpected 'form'.", sql)!;
    expect(sql.slice(position - 1)).toMatch(/^form /);
  });

  it('is undefined without a position', () => {
    expect(snowflakeErrorPosition("Numeric value 'abc' is not recognized", sql)).toBeUndefined();
  });
});
