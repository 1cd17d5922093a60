/**
 * The dbt context helpers whose results cannot come from the Jinja2 fixture (clock-dependent, or tied to
 * JavaScript values the compile layer passes in). Deterministic datetime/re/json behaviour is checked
 * against Python in conformance.test.ts (cases named dbt.*).
 */
import { describe, expect, it } from 'vitest';
import { TemplateEngine } from '../index.js';

const engine = new TemplateEngine({
  adapterType: 'postgres',
  macroFiles: [{ path: 'macros/m.sql', contents: '{% macro shout(m) %}{{ m.group(0) | upper }}{% endmacro %}' }],
});
const render = (source: string, context: Record<string, unknown> = {}) => engine.renderString('t.sql', source, context);

describe('dbt globals', () => {
  it('reads the clock like Python datetime', () => {
    const now = new Date();
    expect(render("{{ modules.datetime.datetime.now().strftime('%Y') }}")).toBe(String(now.getFullYear()));
    expect(render("{{ modules.datetime.datetime.utcnow().strftime('%Y-%m') }}")).toBe(now.toISOString().slice(0, 7));
    expect(render('{{ modules.datetime.date.today().isoformat() | length }}')).toBe('10');
    expect(render('{{ modules.datetime.datetime.now(modules.datetime.timezone.utc).isoformat()[-6:] }}')).toBe('+00:00');
  });

  it('treats a JavaScript Date (run_started_at) as an aware UTC datetime', () => {
    const run_started_at = new Date(Date.UTC(2024, 0, 31, 23, 5, 9, 120));
    const out = render(
      "{{ run_started_at }}|{{ run_started_at.strftime('%Y%m%d') }}|{{ run_started_at.isoformat() }}|{{ (run_started_at - modules.datetime.timedelta(days=31)).date() }}|{{ run_started_at.year }}",
      { run_started_at },
    );
    expect(out).toBe('2024-01-31 23:05:09.120000+00:00|20240131|2024-01-31T23:05:09.120000+00:00|2023-12-31|2024');
  });

  it('converts to and from YAML and JSON, with defaults on failure', () => {
    expect(render("{{ toyaml({'b': [1, 2], 'a': 'x'}) }}")).toBe('b:\n- 1\n- 2\na: x\n');
    expect(render("{{ toyaml({'b': 1, 'a': 2}, sort_keys=true) }}")).toBe('a: 2\nb: 1\n');
    expect(render("{% set d = fromyaml('a: [1, two]') %}{{ d.a }}")).toBe("[1, 'two']");
    expect(render("{{ tojson(modules.re, 'unserializable') }}")).toBe('unserializable');
    expect(render("{{ fromjson('{bad') is none }}")).toBe('True');
  });

  it('hashes with local_md5', () => {
    expect(render("{{ local_md5('abc') }}")).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('calls a macro as the replacement function of re.sub', () => {
    expect(render("{{ modules.re.sub('[a-z]+', shout, 'ab-cd') }}")).toBe('AB-CD');
  });

  it('dispatches by adapter type and accepts macro_namespace', () => {
    const e = new TemplateEngine({
      adapterType: 'postgres',
      macroFiles: [{ path: 'macros/d.sql', contents: '{% macro postgres__hi() %}pg{% endmacro %}{% macro default__hi() %}default{% endmacro %}' }],
    });
    expect(e.renderString('t.sql', "{{ adapter.dispatch('hi', macro_namespace='my_project')() }}", {})).toBe('pg');
  });

  it("raises dbt's exceptions as errors at the calling line, and sends warn/log/print to the log", () => {
    const messages: string[] = [];
    const e = new TemplateEngine({
      adapterType: 'duckdb',
      log: (message, level) => messages.push(`${level}:${message}`),
      macroFiles: [{ path: 'macros/m.sql', contents: "{% macro boom() %}\n{{ exceptions.raise_compiler_error('bad thing') }}\n{% endmacro %}" }],
    });
    const fail = (source: string) => {
      try {
        e.renderString('models/x.sql', source, {});
      } catch (err) {
        const x = err as { code: string; message: string; location?: { file: string; line?: number } };
        return `${x.code} ${x.message} ${x.location?.file}:${x.location?.line}`;
      }
      return 'rendered';
    };
    expect(fail('select 1\n{{ boom() }}')).toBe('XFORM_COMPILER_ERROR bad thing macros/m.sql:2');
    expect(fail("{{ exceptions.raise_not_implemented('nope') }}")).toBe('XFORM_NOT_IMPLEMENTED nope models/x.sql:1');
    expect(fail("\n{{ exceptions.missing_relation('db.s.t') }}")).toBe('XFORM_RELATION_NOT_FOUND relation db.s.t not found models/x.sql:2');
    expect(fail("{{ exceptions.relation_wrong_type('s.t', 'view') }}")).toBe('XFORM_RELATION_WRONG_TYPE relation s.t is not a view models/x.sql:1');
    expect(e.renderString('models/x.sql', "{{ exceptions.warn('careful') }}{% do log('quiet') %}{% do log('loud', info=true) %}{{ print('shown', 2) }}{% macro r() %}{{ return([1, 2]) }}{% endmacro %}{{ r() | length }}", {})).toBe('2');
    expect(messages).toEqual(['warn:careful', 'debug:quiet', 'info:loud', 'info:shown 2']);
  });
});
