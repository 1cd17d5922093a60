import { describe, expect, it } from 'vitest';
import { bigqueryErrorPosition } from './bigquery-errors.js';

// Messages as BigQuery's jobs API words them (https://cloud.google.com/bigquery/docs/error-messages):
// the position is `[line:column]`, both 1-based, at the end of the message.
describe('bigqueryErrorPosition', () => {
  const sql = 'create or replace table `p`.`d`.`t` as (\nselect id,\n    nonexistent_col\nfrom `p`.`d`.`s`\n)';

  it('reads [line:column] at the end of the message', () => {
    const position = bigqueryErrorPosition('Unrecognized name: nonexistent_col at [3:5]', sql)!;
    expect(sql.slice(position - 1)).toMatch(/^nonexistent_col/);
  });

  it('reads a syntax error', () => {
    const position = bigqueryErrorPosition('Syntax error: Unexpected keyword FROM at [4:1]', sql)!;
    expect(sql.slice(position - 1)).toMatch(/^from /);
  });

  it('is undefined without a position or with brackets elsewhere', () => {
    expect(bigqueryErrorPosition('Division by zero: 1 / 0', sql)).toBeUndefined();
    expect(bigqueryErrorPosition('Array index [2:3] out of bounds; position 2', sql)).toBeUndefined();
  });
});
