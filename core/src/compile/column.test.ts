/**
 * api.Column per adapter. Expected values follow dbt-adapters' base Column and the Column subclasses of
 * dbt-postgres, dbt-snowflake and dbt-bigquery (their type lists and data_type rules), not xform's output.
 */
import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../template/index.js';
import { columnApi } from './column.js';

const render = (adapterType: string, source: string) =>
  new TemplateEngine({ adapterType, macroFiles: [], globals: { api: { Column: columnApi(adapterType) } } }).renderString('m.sql', source, {});

describe('api.Column per adapter', () => {
  it('postgres keeps text and unsized character varying as they are', () => {
    expect(
      render(
        'postgres',
        "{{ api.Column('a', 'text').data_type }}|{{ api.Column('b', 'character varying').data_type }}|{{ api.Column('c', 'character varying', 20).data_type }}|{{ api.Column('d', 'varchar').data_type }}|{{ api.Column('e', 'integer').is_integer() }}",
      ),
    ).toBe('text|character varying|character varying(20)|character varying(256)|True');
  });

  it('duckdb uses the base data_type and its own integer and float names', () => {
    expect(render('duckdb', "{{ api.Column('a', 'text').data_type }}|{{ api.Column('b', 'UBIGINT').is_integer() }}|{{ api.Column('c', 'double precision').is_float() }}|{{ api.Column('d', 'VARCHAR').is_string() }}")).toBe(
      'character varying(256)|True|False|True',
    );
  });

  it('snowflake treats every integer type as numeric and sizes unsized strings at 16,777,216', () => {
    expect(
      render(
        'snowflake',
        "{% set n = api.Column('n', 'NUMBER', numeric_precision=38, numeric_scale=0) %}{{ n.is_integer() }}|{{ n.is_numeric() }}|{{ n.data_type }}|{{ api.Column('i', 'INT').is_number() }}|{{ api.Column('s', 'VARCHAR').string_size() }}|{{ api.Column('s', 'VARCHAR').data_type }}",
      ),
    ).toBe('False|True|NUMBER(38,0)|True|16777216|character varying(16777216)');
  });

  it('bigquery has its own type labels, backtick quoting and casts as literals', () => {
    expect(
      render(
        'bigquery',
        "{{ api.Column.translate_type('text') }}|{{ api.Column.translate_type('integer') }}|{{ api.Column.translate_type('string') }}|{{ api.Column('s', 'STRING').data_type }}|{{ api.Column('s', 'STRING').quoted }}|{{ api.Column('i', 'INT64').is_integer() }}|{{ api.Column('i', 'INT64').literal('1') }}|{{ api.Column.numeric_type('NUMERIC', 10, 2) }}",
      ),
    ).toBe('STRING|INT64|string|STRING|`s`|True|cast(1 as INT64)|NUMERIC');
  });
});
