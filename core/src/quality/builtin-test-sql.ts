/**
 * The SQL of the four common built-in generic tests (not_null, unique, accepted_values, relationships),
 * built as strings. A 10,000-model project has some 15,000 of them, and rendering each through the template
 * engine (a macro call, its arguments bound, a dispatch per accepted value) was a fifth of the tests' part
 * of a cold compile. The text is exactly what the `{% test %}` blocks of builtin-tests.ts render
 * (builtin-test-sql.test.ts renders both ways and compares), so a builder is used only where that render
 * is certain: the test resolves to the built-in block, nothing overrides the macros it calls, and every
 * argument is a plain string or a relation. Anything else renders the macro as before.
 */
import { pyStr, type MacroInfo, type TemplateEngine } from '../template/index.js';
import { BUILTIN_TESTS_PATH } from './builtin-tests.js';

/**
 * Builds a test's SQL from its `model` (a relation, or the subquery of a `where:` config), its column and
 * its other arguments; undefined when they are not ones the builder knows to render like the macro.
 */
export type BuiltinTestSql = (model: unknown, column: string | undefined, args: Record<string, unknown>) => string | undefined;

/** Name of the string-literal macro accepted_values quotes its values with (dispatched per adapter). */
const STRING_LITERAL = 'xform_string_literal';

/**
 * The builder for the test macro `macro` (`test_not_null`, `dbt.test_unique`...) as a node of package `pkg`
 * calls it, or undefined when that call does not reach a built-in block the builders reproduce.
 */
export function builtinTestSql(engine: TemplateEngine, adapterType: string, macro: string, pkg: string): BuiltinTestSql | undefined {
  const info = engine.macroInfoOf(macro, pkg);
  if (info === undefined || info.path !== BUILTIN_TESTS_PATH) return undefined;
  switch (info.name) {
    case 'test_not_null':
      return (model, column, args) => (plainColumn(column, args) ? `\nselect ${column}\nfrom ${pyStr(model)}\nwhere ${column} is null\n` : undefined);
    case 'test_unique':
      return (model, column, args) =>
        plainColumn(column, args)
          ? `\nselect ${column} as unique_field, count(*) as n_records\nfrom ${pyStr(model)}\nwhere ${column} is not null\ngroup by ${column}\nhaving count(*) > 1\n`
          : undefined;
    case 'test_accepted_values':
      return acceptedValues(defaultStringLiteral(engine.macros, adapterType));
    case 'test_relationships':
      return relationships;
    default:
      return undefined;
  }
}

/** A column given as a string, and no arguments besides it. */
function plainColumn(column: string | undefined, args: Record<string, unknown>, allowed: readonly string[] = []): column is string {
  if (typeof column !== 'string') return false;
  for (const key of Object.keys(args)) if (!allowed.includes(key)) return false;
  return true;
}

/**
 * Whether accepted_values' `xform_string_literal(value)` reaches the built-in `default__` version: no
 * package or project defines a macro of that name or of a dispatch candidate of it, and the built-in
 * macros have no version for this adapter (BigQuery and Snowflake escape backslashes).
 */
function defaultStringLiteral(macros: readonly MacroInfo[], adapterType: string): boolean {
  for (const m of macros) {
    if (m.name !== STRING_LITERAL && !m.name.endsWith(`__${STRING_LITERAL}`)) continue;
    if (m.path !== BUILTIN_TESTS_PATH) return false;
    if (m.name === `${adapterType}__${STRING_LITERAL}`) return false;
  }
  return true;
}

function acceptedValues(quotable: boolean): BuiltinTestSql {
  return (model, column, args) => {
    if (!plainColumn(column, args, ['values', 'quote'])) return undefined;
    const { values, quote } = args;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) return undefined;
    if (quote !== undefined && typeof quote !== 'boolean') return undefined;
    const quoted = quote !== false;
    if (quoted && !quotable) return undefined;
    const list = (values as string[]).map((v) => (quoted ? `'${v.replaceAll("'", "''")}'` : v)).join(', ');
    return (
      `\nwith all_values as (\n    select ${column} as value_field, count(*) as n_records\n    from ${pyStr(model)}\n    group by ${column}\n)\n` +
      `select value_field, n_records\nfrom all_values\nwhere value_field not in (${list})\n`
    );
  };
}

const relationships: BuiltinTestSql = (model, column, args) => {
  if (!plainColumn(column, args, ['to', 'field'])) return undefined;
  const { to, field } = args;
  if (typeof field !== 'string' || to === undefined || to === null) return undefined;
  return (
    `\nwith child as (\n    select ${column} as from_field\n    from ${pyStr(model)}\n    where ${column} is not null\n),\n` +
    `parent as (\n    select ${field} as to_field\n    from ${pyStr(to)}\n)\n` +
    `select child.from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null\n`
  );
};
