import { describe, expect, it } from 'vitest';
import { LineMap } from './line-map.js';

/** 1-based line and column of the first `needle` in `text`. */
function find(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i === -1) throw new Error(`${needle} not in text`);
  return { line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

// The compiled texts below are what Jinja2 renders for the sources (the first one also checked against
// `xform compile`: a block tag leaves its line's newline, a macro's body keeps its own newlines).
const SOURCE = [
  "{{ config(materialized='table') }}", // 1
  '{% set flag = true %}', // 2
  'select', // 3
  "  {{ cols('x') }},", // 4
  '  {% if flag %}', // 5
  '  4 as y,', // 6
  '  {% endif %}', // 7
  '  5 as z', // 8
  'from (select 1 as id) s', // 9
  'where nonexistent_col > 1', // 10
].join('\n');
const COMPILED = ['', '', 'select', '  ', '  1 as x_a,', '  2 as x_b,', '  3 as x_c', ',', '  ', '  4 as y,', '  ', '  5 as z', 'from (select 1 as id) s', 'where nonexistent_col > 1'].join('\n');

describe('LineMap', () => {
  it('maps a line written as is to its source line and column', () => {
    const map = new LineMap(SOURCE, COMPILED);
    const at = find(COMPILED, 'nonexistent_col');
    expect(at.line).toBe(14);
    expect(map.sourceOf(at.line, at.column)).toEqual({ ...find(SOURCE, 'nonexistent_col'), exact: true });
    expect(map.sourceOf(find(COMPILED, '4 as y').line, 3)).toEqual({ line: 6, column: 3, exact: true });
    expect(map.sourceOf(find(COMPILED, '5 as z').line, 5)).toEqual({ line: 8, column: 5, exact: true });
  });

  it("maps a macro's expanded lines to the line of its call, at the {{", () => {
    const map = new LineMap(SOURCE, COMPILED);
    for (const needle of ['1 as x_a', '2 as x_b', '3 as x_c']) {
      expect(map.sourceOf(find(COMPILED, needle).line, 5)).toEqual({ line: 4, column: 3, exact: false });
    }
  });

  it('maps columns around an expression inside a line', () => {
    const source = ['select o.id,', '  o.amount', "from {{ ref('orders') }} as o", '  join  oops on true'].join('\n');
    const compiled = ['select o.id,', '  o.amount', 'from "db"."main"."orders" as o', '  join  oops on true'].join('\n');
    const map = new LineMap(source, compiled);
    const alias = find(compiled, 'as o');
    expect(map.sourceOf(alias.line, alias.column)).toEqual({ line: 3, column: find(source, 'as o').column, exact: true });
    expect(map.sourceOf(3, find(compiled, '"main"').column)).toEqual({ line: 3, column: 6, exact: true });
    expect(map.sourceOf(4, find(compiled, 'oops').column)).toEqual({ line: 4, column: find(source, 'oops').column, exact: true });
  });

  it('skips lines of an {% if %} that rendered nothing', () => {
    const source = ['select a,', '{% if false %}', '  b,', '  c,', '{% endif %}', '  d', 'from t', 'where bad'].join('\n');
    const compiled = ['select a,', '', '  d', 'from t', 'where bad'].join('\n');
    expect(new LineMap(source, compiled).sourceOf(5, 7)).toEqual({ line: 8, column: 7, exact: true });
  });

  it("maps a loop's repeated literal line to the line in the loop body", () => {
    const source = ['select', '{% for i in range(3) %}', '  sum(x) as s,', '{% endfor %}', '  1 as one', 'from t'].join('\n');
    const compiled = ['select', '', '  sum(x) as s,', '', '  sum(x) as s,', '', '  sum(x) as s,', '', '  1 as one', 'from t'].join('\n');
    const map = new LineMap(source, compiled);
    for (const line of [3, 5, 7]) expect(map.sourceOf(line, 3).line).toBe(3);
    expect(map.sourceOf(9, 3)).toEqual({ line: 5, column: 3, exact: true });
  });

  it('shares a gap between two macro calls in order', () => {
    const source = ['select', '  {{ a() }}', '  {{ b() }}', 'from t'].join('\n');
    const compiled = ['select', '  a1,', '  a2,', '  b1,', '  b2', 'from t'].join('\n');
    const map = new LineMap(source, compiled);
    expect([2, 3, 4, 5].map((l) => map.sourceOf(l).line)).toEqual([2, 2, 3, 3]);
  });

  it('ignores a multi-line config() call and Jinja comments', () => {
    const source = ['{{', '  config(', "    materialized='table',", '  )', '}}', '{# a note', 'over lines #}', 'select 1 as a', 'from nowhere'].join('\n');
    const compiled = ['', '', 'select 1 as a', 'from nowhere'].join('\n');
    expect(new LineMap(source, compiled).sourceOf(4, 6)).toEqual({ line: 9, column: 6, exact: true });
  });

  it('still maps models too big for the optimal alignment', () => {
    const body = Array.from({ length: 2500 }, (_, i) => `  col_${i} + 1 as c${i},`);
    const source = ['{{ config(materialized="table") }}', 'select', ...body, '  0 as z', "from {{ ref('t') }}", 'where broken'].join('\n');
    const compiled = ['', 'select', ...body, '  0 as z', 'from "main"."t"', 'where broken'].join('\n');
    const map = new LineMap(source, compiled);
    expect(map.sourceOf(find(compiled, 'col_1234 ').line, 3)).toEqual({ line: find(source, 'col_1234 ').line, column: 3, exact: true });
    expect(map.sourceOf(find(compiled, 'where broken').line, 7).line).toBe(find(source, 'where broken').line);
  });
});
