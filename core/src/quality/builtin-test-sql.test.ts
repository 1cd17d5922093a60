/**
 * The string builders against the built-in `{% test %}` blocks they stand in for: every case renders the
 * macro through the template engine and expects the builder's text to be the same, character for character.
 */
import { describe, expect, it } from 'vitest';
import { INTERNAL_PACKAGE, TemplateEngine, type MacroFile } from '../template/index.js';
import { BUILTIN_TESTS_PATH, BUILTIN_TESTS_SQL } from './builtin-tests.js';
import { builtinTestSql } from './builtin-test-sql.js';

class Relation {
  constructor(private readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const BUILTIN: MacroFile = { path: BUILTIN_TESTS_PATH, contents: BUILTIN_TESTS_SQL, packageName: INTERNAL_PACKAGE };

function engineFor(adapterType: string, projectMacros: MacroFile[] = []): TemplateEngine {
  return new TemplateEngine({ macroFiles: [BUILTIN, ...projectMacros], adapterType, rootPackage: 'shop' });
}

/** What the macro renders, called as generic-tests.ts calls it. */
function rendered(engine: TemplateEngine, macro: string, model: unknown, column: string | undefined, args: Record<string, unknown>): string {
  const keys = Object.keys(args).sort();
  const call = `{{ ${macro}(model=m${column === undefined ? '' : ', column_name=c'}${keys.map((k) => `, ${k}=a[${JSON.stringify(k)}]`).join('')}) }}`;
  return engine.renderString('models/schema.yml', call, { m: model, c: column, a: args }, 'shop');
}

const MODELS = [new Relation('"db"."main"."orders"'), new Relation('(select * from "main"."orders" where amount > 0) xform_subquery'), 'raw_orders'];
const COLUMNS = ['id', '"Order Id"', 'o.status'];

const CASES: [string, Record<string, unknown>][] = [
  ['test_not_null', {}],
  ['test_unique', {}],
  ['dbt.test_not_null', {}],
  ['test_accepted_values', { values: ['placed'] }],
  ['test_accepted_values', { values: ['placed', "o'brien", 'back\\slash', '', 'ünï', "''"] }],
  ['test_accepted_values', { values: ['1', 'x'], quote: false }],
  ['test_accepted_values', { values: ['a', 'b'], quote: true }],
  ['test_relationships', { to: new Relation('"main"."customers"'), field: 'id' }],
  ['test_relationships', { to: 'raw.customers', field: '"Customer Id"' }],
];

describe('built-in test SQL builders', () => {
  it('build the text the built-in test blocks render', () => {
    const engine = engineFor('duckdb');
    let compared = 0;
    for (const [macro, args] of CASES) {
      const build = builtinTestSql(engine, 'duckdb', macro, 'shop');
      expect(build, macro).toBeDefined();
      for (const model of MODELS) {
        for (const column of COLUMNS) {
          expect(build!(model, column, args), `${macro} ${JSON.stringify(args)} on ${String(model)}.${column}`).toBe(rendered(engine, macro, model, column, args));
          compared++;
        }
      }
    }
    expect(compared).toBe(CASES.length * MODELS.length * COLUMNS.length);
  });

  it('leave arguments they do not reproduce to the macro', () => {
    const engine = engineFor('duckdb');
    const model = MODELS[0];
    const notNull = builtinTestSql(engine, 'duckdb', 'test_not_null', 'shop')!;
    expect(notNull(model, undefined, { column_name: 'id' })).toBeUndefined();
    expect(notNull(model, 'id', { extra: 1 })).toBeUndefined();
    const accepted = builtinTestSql(engine, 'duckdb', 'test_accepted_values', 'shop')!;
    expect(accepted(model, 'id', { values: [1, 2] })).toBeUndefined();
    expect(accepted(model, 'id', { values: ['a'], quote: 'yes' })).toBeUndefined();
    expect(accepted(model, 'id', { values: 'a' })).toBeUndefined();
    const relationships = builtinTestSql(engine, 'duckdb', 'test_relationships', 'shop')!;
    expect(relationships(model, 'id', { to: 'parents', field: 3 })).toBeUndefined();
  });

  it('are not used where the call reaches other macros', () => {
    // The project's own not_null wins over the built-in one.
    const own = engineFor('duckdb', [{ path: 'tests/generic/not_null.sql', contents: '{% test not_null(model, column_name) %}\nselect 1\n{% endtest %}\n' }]);
    expect(builtinTestSql(own, 'duckdb', 'test_not_null', 'shop')).toBeUndefined();
    expect(builtinTestSql(own, 'duckdb', 'test_unique', 'shop')).toBeDefined();
    expect(builtinTestSql(own, 'duckdb', 'test_expression_is_true', 'shop')).toBeUndefined();

    // BigQuery's and Snowflake's literals escape backslashes; a project's literal macro replaces the built-in one.
    const model = MODELS[0];
    const values = { values: ['a\\b'] };
    for (const [adapter, engine] of [
      ['bigquery', engineFor('bigquery')],
      ['duckdb', engineFor('duckdb', [{ path: 'macros/literal.sql', contents: "{% macro duckdb__xform_string_literal(value) %}E'{{ value }}'{% endmacro %}" }])],
    ] as const) {
      const accepted = builtinTestSql(engine, adapter, 'test_accepted_values', 'shop')!;
      expect(accepted(model, 'id', values), adapter).toBeUndefined();
      expect(rendered(engine, 'test_accepted_values', model, 'id', values)).not.toContain("('a\\b')");
      // Unquoted values never reach the literal macro.
      expect(accepted(model, 'id', { values: ['a'], quote: false })).toBe(rendered(engine, 'test_accepted_values', model, 'id', { values: ['a'], quote: false }));
    }
  });
});
