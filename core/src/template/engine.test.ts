/**
 * The engine as the compile layer uses it: project macros callable everywhere, per-render names seen by
 * macros, dbt's return(), adapter.dispatch, and errors that point at the right file and line.
 */
import { describe, expect, it } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { TemplateEngine, pyFunction, pyStr, type MacroFile } from './index.js';

class Relation {
  constructor(
    readonly schema: string,
    readonly identifier: string,
  ) {}
  toString(): string {
    return `"${this.schema}"."${this.identifier}"`;
  }
}

const MACROS: MacroFile[] = [
  {
    path: 'macros/naming.sql',
    contents: [
      '{% macro generate_schema_name(custom, node) -%}',
      '  {%- if custom is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom | trim }}{%- endif -%}',
      '{%- endmacro %}',
      '',
      '{% macro columns_of(rel) %}{{ return(["id", "name"]) }}{% endmacro %}',
      '{% macro settings() %}{% do return({"a": 1, "b": [true, none]}) %}ignored text{% endmacro %}',
      '{% macro answer() %}{{ return(42) }}{% endmacro %}',
      '{% macro early(x) %}before{% if x %}{{ return("early") }}{% endif %}after{% endmacro %}',
      '{% macro self_ref() %}{{ this }}|{{ ref("orders") }}{% endmacro %}',
    ].join('\n'),
  },
  {
    path: 'macros/dispatch.sql',
    contents: [
      "{% macro cast_text(col) %}{{ return(adapter.dispatch('cast_text')(col)) }}{% endmacro %}",
      '{% macro default__cast_text(col) %}cast({{ col }} as text){% endmacro %}',
      '{% macro duckdb__cast_text(col) %}{{ col }}::varchar{% endmacro %}',
      "{% macro only_default() %}{{ adapter.dispatch('nothing_here')() }}{% endmacro %}",
    ].join('\n'),
  },
  {
    path: 'tests/generic/not_null.sql',
    contents: '{% test not_null(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} is null\n{% endtest %}\n',
  },
  {
    path: 'macros/broken_runtime.sql',
    contents: '{% macro bad(d) %}\nline two\n{{ d.missing.deeper }}\n{% endmacro %}\n{% macro fails() %}{{ exceptions.raise_compiler_error("custom failure") }}{% endmacro %}',
  },
];

function engine(extra: Partial<ConstructorParameters<typeof TemplateEngine>[0]> = {}) {
  return new TemplateEngine({ macroFiles: MACROS, adapterType: 'duckdb', globals: { target: { schema: 'main' } }, ...extra });
}

function error(fn: () => unknown): XformError {
  try {
    fn();
  } catch (err) {
    if (isXformError(err)) return err;
    throw new Error(`expected an XformError, got ${String(err)}`);
  }
  throw new Error('expected an error');
}

const perModel = (name: string) => ({
  this: new Relation('main', name),
  ref: pyFunction((args) => new Relation('main', String(args[0]))),
});

describe('TemplateEngine', () => {
  it('compiles every macro file once and reports macro metadata', () => {
    const e = engine();
    expect(e.diagnostics).toEqual([]);
    const schema = e.macros.find((m) => m.name === 'generate_schema_name' && m.packageName !== 'dbt')!;
    expect(schema).toMatchObject({ path: 'macros/naming.sql', line: 1, arguments: ['custom', 'node'] });
    expect(schema.sql.startsWith('{% macro generate_schema_name(custom, node) -%}')).toBe(true);
    expect(schema.sql.endsWith('{%- endmacro %}')).toBe(true);
    expect(e.macros.find((m) => m.name === 'answer')!.line).toBe(7);
  });

  it('registers {% test %} blocks as test_<name> macros', () => {
    const e = engine();
    expect(e.hasMacro('test_not_null')).toBe(true);
    expect(e.macros.find((m) => m.name === 'test_not_null')).toMatchObject({ path: 'tests/generic/not_null.sql', arguments: ['model', 'column_name'] });
    const sql = e.callMacro('test_not_null', [new Relation('main', 'orders'), 'id'], {});
    expect(String(sql).trim()).toBe('select * from "main"."orders" where id is null');
  });

  it('makes every macro callable from templates and from other macros without import', () => {
    const e = engine();
    expect(e.renderString('models/a.sql', "select {{ cast_text('x') }}", {})).toBe('select x::varchar');
    expect(e.renderString('models/b.sql', '{{ generate_schema_name("  sales ", none) }}', {})).toBe('main_sales');
  });

  it('gives return() values their type', () => {
    const e = engine();
    expect(e.callMacro('columns_of', [null], {})).toEqual(['id', 'name']);
    expect(e.callMacro('settings', [], {})).toEqual({ a: 1, b: [true, null] });
    expect(e.callMacro('answer', [], {})).toBe(42);
    expect(e.callMacro('early', [true], {})).toBe('early');
    expect(e.callMacro('early', [false], {})).toBe('beforeafter');
    const out = e.renderString('models/c.sql', '{% set cols = columns_of(none) %}{{ cols | length }} {{ cols[0] }} {{ answer() + 1 }} {{ settings().b }}', {});
    expect(out).toBe('2 id 43 [True, None]');
  });

  it('lets macros see the per-render names of the template that calls them', () => {
    const e = engine();
    const template = e.compile('models/orders.sql', 'select 1 -- {{ self_ref() }}');
    expect(e.render(template, perModel('orders'))).toBe('select 1 -- "main"."orders"|"main"."orders"');
    expect(e.render(template, perModel('customers'))).toBe('select 1 -- "main"."customers"|"main"."orders"');
    expect(e.callMacro('self_ref', [], perModel('payments'))).toBe('"main"."payments"|"main"."orders"');
  });

  it('passes keyword arguments to pyFunction-wrapped JS functions', () => {
    const calls: unknown[] = [];
    const config = pyFunction((args, kwargs) => {
      calls.push({ args, kwargs });
      return '';
    });
    const out = engine().renderString('models/d.sql', "{{ config(materialized='table', tags=['a', 'b'], ratio=2.0) }}select 1", { config });
    expect(out).toBe('select 1');
    expect(calls).toEqual([{ args: [], kwargs: { materialized: 'table', tags: ['a', 'b'], ratio: 2 } }]);
  });

  it('dispatches to the adapter implementation, then the default, and names both when neither exists', () => {
    expect(engine().callMacro('cast_text', ['c'], {})).toBe('c::varchar');
    expect(engine({ adapterType: 'postgres' }).callMacro('cast_text', ['c'], {})).toBe('cast(c as text)');
    const err = error(() => engine().callMacro('only_default', [], {}));
    expect(err.code).toBe('XFORM_MACRO_NOT_FOUND');
    expect(err.message).toContain("'duckdb__nothing_here'");
    expect(err.message).toContain("'default__nothing_here'");
    expect(err.location).toMatchObject({ file: 'macros/dispatch.sql', line: 4 });
  });

  it('keeps adapter.dispatch when the caller supplies its own adapter object', () => {
    const adapter = { quote: pyFunction((args) => `"${String(args[0])}"`) };
    const e = engine({ globals: { adapter } });
    expect(e.renderString('q.sql', "{{ adapter.quote('x') }} {{ cast_text('c') }}", {})).toBe('"x" c::varchar');
  });

  it('names the macro file and line of a runtime error inside a macro, and where it was called from', () => {
    const err = error(() => engine().renderString('models/e.sql', 'select\n{{ bad({}) }}', {}));
    expect(err.code).toBe('XFORM_TEMPLATE_ERROR');
    expect(err.message).toContain("'dict object' has no attribute 'missing'");
    expect(err.message).toContain("in macro 'bad'");
    expect(err.location).toEqual({ file: 'macros/broken_runtime.sql', line: 3, column: 4 });
    expect(err.hint).toContain('called from models/e.sql:2');
  });

  it('stops a macro that calls itself without end with a short error: name, line, limit, abbreviated chain', () => {
    const e = new TemplateEngine({
      adapterType: 'duckdb',
      macroFiles: [{ path: 'macros/loop.sql', contents: '{% macro helper() %}x{% endmacro %}\n\n{% macro loop_me(n) %}\n  {{ loop_me(n + 1) }}\n{% endmacro %}\n' }],
    });
    const err = error(() => e.renderString('models/a.sql', 'select\n{{ loop_me(0) }}', {}));
    expect(err.code).toBe('XFORM_MACRO_RECURSION');
    expect(err.message).toBe("macro 'loop_me' calls itself without end: more than 256 nested macro calls");
    expect(err.location).toEqual({ file: 'macros/loop.sql', line: 3 });
    expect(err.hint).toBe(
      'call chain: models/a.sql:2 -> loop_me (macros/loop.sql:3) -> loop_me (macros/loop.sql:3) -> loop_me (macros/loop.sql:3) -> ... 253 more -> loop_me (macros/loop.sql:3); give the recursion a condition that ends it',
    );
    // The engine is usable afterwards: the depth count unwound.
    expect(e.renderString('m.sql', '{{ helper() }}', {})).toBe('x');
  });

  it('names both macros of a mutual recursion', () => {
    const e = new TemplateEngine({
      adapterType: 'duckdb',
      macroFiles: [{ path: 'macros/ab.sql', contents: '{% macro a() %}{{ b() }}{% endmacro %}\n{% macro b() %}{{ a() }}{% endmacro %}' }],
    });
    const err = error(() => e.renderString('models/x.sql', '{{ a() }}', {}));
    expect(err.message).toBe("macros 'a' -> 'b' -> 'a' call each other without end: more than 256 nested macro calls");
    expect(err.location).toEqual({ file: 'macros/ab.sql', line: 1 });
    expect(`${err.message}\n${err.hint}`.length).toBeLessThan(400);
  });

  it('raises exceptions.raise_compiler_error as XFORM_COMPILER_ERROR at the macro line', () => {
    const err = error(() => engine().renderString('models/f.sql', '{{ fails() }}', {}));
    expect(err.code).toBe('XFORM_COMPILER_ERROR');
    expect(err.message).toBe('custom failure');
    expect(err.location).toMatchObject({ file: 'macros/broken_runtime.sql', line: 5 });
  });

  it('keeps the code of errors thrown by context functions and adds the template location', () => {
    const ref = pyFunction(() => {
      throw Object.assign(new Error('model "nope" not found'), {});
    });
    const err = error(() => engine().renderString('models/g.sql', 'select *\nfrom {{ ref("nope") }}', { ref }));
    expect(err.code).toBe('XFORM_TEMPLATE_ERROR');
    expect(err.message).toBe('model "nope" not found');
    expect(err.location).toMatchObject({ file: 'models/g.sql', line: 2 });
  });

  it('suggests a close name for an undefined one', () => {
    const err = error(() => engine().renderString('models/h.sql', '{{ generate_schema_nam(none, none) }}', {}));
    expect(err.message).toBe("'generate_schema_nam' is undefined");
    expect(err.hint).toBe("did you mean 'generate_schema_name'?");
  });

  it('reports syntax errors with file, line and column, and a did-you-mean for tags', () => {
    const err = error(() => engine().compile('models/i.sql', 'select 1\n{% if x %}\n  {% endfi %}'));
    expect(err.code).toBe('XFORM_TEMPLATE_SYNTAX');
    expect(err.location).toEqual({ file: 'models/i.sql', line: 3, column: 6 });
    expect(err.hint).toBe("did you mean 'endif'?");
  });

  it('refuses unsupported constructs at their line', () => {
    const err = error(() => engine().compile('models/j.sql', 'select 1\n\n{% include "x.sql" %}'));
    expect(err.code).toBe('XFORM_TEMPLATE_UNSUPPORTED');
    expect(err.location).toMatchObject({ file: 'models/j.sql', line: 3 });
    const filterErr = error(() => engine().renderString('models/k.sql', 'a\n{{ "x" | wordwrap }}', {}));
    expect(filterErr.location).toMatchObject({ file: 'models/k.sql', line: 2 });
    expect(filterErr.message).toContain("'wordwrap' filter is not supported");
  });

  it('collects macro file problems as diagnostics instead of failing', () => {
    const e = new TemplateEngine({
      adapterType: 'duckdb',
      macroFiles: [
        { path: 'macros/ok.sql', contents: '{% macro one() %}1{% endmacro %}' },
        { path: 'macros/broken.sql', contents: '{% macro two() %}\n{% if %}\n{% endmacro %}' },
        { path: 'macros/dupe.sql', contents: '\n{% macro one() %}2{% endmacro %}' },
      ],
    });
    expect(e.hasMacro('one')).toBe(true);
    expect(e.hasMacro('two')).toBe(false);
    expect(e.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([
      ['XFORM_TEMPLATE_SYNTAX', 'macros/broken.sql', 2],
      ['XFORM_MACRO_DUPLICATE', 'macros/dupe.sql', 2],
    ]);
    expect(e.renderString('m.sql', '{{ one() }}', {})).toBe('1');
  });

  it('ignores text outside macro blocks in macro files, as dbt does', () => {
    const e = new TemplateEngine({
      adapterType: 'duckdb',
      macroFiles: [{ path: 'macros/x.sql', contents: '{{ this_would_fail() }}\n{% set y = 1 %}\n{% macro m() %}{{ y }}{% endmacro %}' }],
    });
    expect(e.diagnostics).toEqual([]);
    expect(e.renderString('a.sql', '[{{ m() }}]', {})).toBe('[]');
  });

  it('sends log(), print() and exceptions.warn() to the log callback and renders nothing for them', () => {
    const messages: [string, string][] = [];
    const e = engine({ log: (message, level) => messages.push([level, message]) });
    const out = e.renderString('l.sql', "{{ log('debug me') }}{{ log('hello ' ~ 1, info=true) }}{{ exceptions.warn('careful') }}{{ print('p', 2) }}x", {});
    expect(out).toBe('x');
    expect(messages).toEqual([
      ['debug', 'debug me'],
      ['info', 'hello 1'],
      ['warn', 'careful'],
      ['info', 'p 2'],
    ]);
  });

  it('rejects callMacro of an unknown macro with a suggestion', () => {
    const err = error(() => engine().callMacro('anwser', [], {}));
    expect(err.code).toBe('XFORM_MACRO_NOT_FOUND');
    expect(err.hint).toBe("did you mean 'answer'?");
  });

  it('fails on return() outside a macro instead of rendering', () => {
    const err = error(() => engine().renderString('r.sql', 'a{{ return(1) }}', {}));
    expect(err.message).toContain('return() was called outside of a macro');
  });

  it('restores the per-render names after nested renders', () => {
    const e = engine();
    const inner = pyFunction(() => e.renderString('inner.sql', '{{ this }}', perModel('inner')));
    const out = e.renderString('outer.sql', '{{ this }} {{ inner() }} {{ this }}', { ...perModel('outer'), inner });
    expect(out).toBe('"main"."outer" "main"."inner" "main"."outer"');
  });

  it('prints values like Python', () => {
    expect(pyStr([1, 'a', null, true, { k: 2.5 }])).toBe("[1, 'a', None, True, {'k': 2.5}]");
    expect(pyStr(new Relation('s', 't'))).toBe('"s"."t"');
    expect(pyStr(undefined)).toBe('');
  });
});
