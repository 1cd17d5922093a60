/**
 * dbt's global macros render, on each adapter, the SQL dbt's own macros render (expectations in
 * __fixtures__/dbt-global-macros.ts, worked out from dbt's macro source), and they are overridable as dbt's are.
 */
import { describe, expect, it } from 'vitest';
import { isXformError, type XformError } from '../../errors.js';
import { TemplateEngine, pyFunction, type MacroFile } from '../index.js';
import { PY_CALL, type PyCallable } from '../runtime/callables.js';
import { MACRO_CASES, type AdapterType } from '../__fixtures__/dbt-global-macros.js';

const ADAPTERS: AdapterType[] = ['duckdb', 'postgres', 'bigquery', 'snowflake'];

/**
 * What is compared: the SQL outside string literals without `--` comments, with whitespace collapsed and
 * none kept next to brackets and commas. dbt's macros render blank lines, indentation and comments that
 * mean nothing to the warehouse; literals are kept exactly.
 */
function normalizeSql(sql: string): string {
  return sql
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').replace(/\s*([(),[\]])\s*/g, '$1')))
    .join('')
    .trim();
}

function engineFor(adapterType: string, macroFiles: MacroFile[] = [], rootPackage = 'shop'): TemplateEngine {
  return new TemplateEngine({
    macroFiles,
    adapterType,
    rootPackage,
    globals: { target: { name: 'dev', type: adapterType, schema: 'analytics', database: 'warehouse' } },
  });
}

const engines = new Map(ADAPTERS.map((a) => [a, engineFor(a)]));

function render(adapter: AdapterType, expression: string, engine = engines.get(adapter)!, context: Record<string, unknown> = {}): string {
  return normalizeSql(engine.renderString('models/m.sql', `{{ ${expression} }}`, context));
}

/** dbt's statement() and load_result() as at run time: each query sent is kept, and answers `value`. */
function runtimeQueries(value: number | null) {
  const sent: string[] = [];
  const context = {
    statement: pyFunction((_args, kwargs) => {
      sent.push(String((kwargs.caller as PyCallable)[PY_CALL]([], null)));
      return '';
    }),
    load_result: pyFunction(() => (value === null ? null : { data: [[value]] })),
  };
  return { sent, context };
}

function thrown(fn: () => unknown): XformError {
  try {
    fn();
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe("dbt's global macros render what dbt renders", () => {
  for (const c of MACRO_CASES) {
    for (const adapter of ADAPTERS) {
      const expected = c.expected[adapter];
      if (expected === undefined) continue;
      it(`${c.call} on ${adapter} (${c.source})`, () => {
        const context = c.loadResult === undefined ? {} : runtimeQueries(c.loadResult).context;
        expect(render(adapter, c.call, undefined, context)).toBe(normalizeSql(expected));
      });
    }
  }

  it('reaches every macro bare, as dbt.<name> and through adapter.dispatch', () => {
    const bare = render('postgres', "dateadd('day', 1, 'd')");
    expect(render('postgres', "dbt.dateadd('day', 1, 'd')")).toBe(bare);
    expect(render('postgres', "adapter.dispatch('dateadd', 'dbt')('day', 1, 'd')")).toBe(bare);
    expect(render('postgres', "dbt.postgres__dateadd('day', 1, 'd')")).toBe(bare);
  });

  it('asks the warehouse for the intervals of a date spine, and takes 1 while there is no answer', () => {
    const answered = runtimeQueries(4);
    expect(render('postgres', "get_intervals_between('a', 'b', 'day')", undefined, answered.context)).toBe('4');
    expect(answered.sent.map(normalizeSql)).toEqual(['select((b)::date -(a)::date)']);
    const parsing = runtimeQueries(null);
    expect(render('postgres', "get_intervals_between('a', 'b', 'day')", undefined, parsing.context)).toBe('1');
  });

  it("refuses a datepart PostgreSQL's datediff does not know, as dbt does", () => {
    const err = thrown(() => render('postgres', "datediff('a', 'b', 'fortnight')"));
    expect(err.message).toContain("Unsupported datepart for macro datediff in postgres: 'fortnight'");
  });

  it('refuses a series of no numbers', () => {
    expect(thrown(() => render('duckdb', 'get_powers_of_two(0)')).message).toContain('upper bound must be positive');
  });

  it("answers should_store_failures() and should_full_refresh() from the node's config, else the flags", () => {
    const config = (values: Record<string, unknown>) => ({ get: pyFunction((args) => values[String(args[0])] ?? null) });
    const template = '{{ should_store_failures() }}/{{ should_full_refresh() }}';
    const plain = engines.get('duckdb')!;
    expect(plain.renderString('t.sql', template, { config: config({}) })).toBe('False/False');
    expect(plain.renderString('t.sql', template, { config: config({ store_failures: true, full_refresh: false }) })).toBe('True/False');
    const flagged = new TemplateEngine({ macroFiles: [], adapterType: 'duckdb', globals: { flags: { STORE_FAILURES: true, FULL_REFRESH: true } } });
    expect(flagged.renderString('t.sql', template, { config: config({ full_refresh: false }) })).toBe('True/False');
  });

  it('refuses a date that does not exist at compile time', () => {
    expect(() => render('postgres', 'date(2023, 2, 30)')).toThrow();
  });
});

describe("dbt's global macros are overridable as dbt's internal macros are", () => {
  it("uses the root project's macro of the same name, bare and inside other global macros", () => {
    const engine = engineFor('duckdb', [{ path: 'macros/types.sql', contents: '{% macro type_string() %}varchar{% endmacro %}' }]);
    expect(render('duckdb', 'type_string()', engine)).toBe('varchar');
    // dbt.<name> still reaches the built-in one.
    expect(render('duckdb', 'dbt.type_string()', engine)).toBe('TEXT');
  });

  it("uses the root project's <adapter>__ and default__ variants through dispatch", () => {
    const engine = engineFor('duckdb', [
      { path: 'macros/hash.sql', contents: "{% macro duckdb__hash(field) %}sha256({{ field }}){% endmacro %}\n{% macro default__any_value(e) %}first({{ e }}){% endmacro %}" },
    ]);
    expect(render('duckdb', "hash('email')", engine)).toBe('sha256(email)');
    expect(render('duckdb', "dbt.hash('email')", engine)).toBe('sha256(email)');
    // dbt searches the root project before `dbt`, each with every prefix: a root default__ beats a
    // built-in duckdb__.
    expect(render('duckdb', "any_value('x')", engine)).toBe('first(x)');
  });

  it("uses a package's macro of the same name for that package's own nodes only", () => {
    const engine = engineFor('duckdb', [{ path: 'dbt_packages/shim/macros/t.sql', packageName: 'shim', contents: '{% macro type_string() %}varchar{% endmacro %}' }]);
    const model = '{{ type_string() }}';
    expect(engine.render(engine.compile('dbt_packages/shim/models/m.sql', model, 'shim'), {})).toBe('varchar');
    expect(engine.render(engine.compile('models/m.sql', model), {})).toBe('TEXT');
  });

  it("follows the project's dispatch: search order for the dbt namespace", () => {
    const engine = new TemplateEngine({
      macroFiles: [{ path: 'dbt_packages/shim/macros/m.sql', packageName: 'shim', contents: '{% macro duckdb__concat(fields) %}concat({{ fields | join(", ") }}){% endmacro %}' }],
      adapterType: 'duckdb',
      rootPackage: 'shop',
      dispatch: [{ macro_namespace: 'dbt', search_order: ['shop', 'shim', 'dbt'] }],
    });
    expect(render('duckdb', "concat(['a', 'b'])", engine)).toBe('concat(a,b)');
  });

  it("lets a root generate_schema_name build on dbt's default", () => {
    const engine = engineFor('postgres', [
      {
        path: 'macros/schema.sql',
        contents: '{% macro generate_schema_name(custom_schema_name, node) %}{{ default__generate_schema_name(custom_schema_name, node) | upper }}{% endmacro %}',
      },
    ]);
    expect(render('postgres', "generate_schema_name('marts', none)", engine)).toBe('ANALYTICS_MARTS');
  });

  it('compiles the library once for every engine of the process', () => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) engineFor('duckdb');
    expect((performance.now() - started) / 20).toBeLessThan(20);
  });
});
