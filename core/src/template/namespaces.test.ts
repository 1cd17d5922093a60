/**
 * Macro namespaces and adapter.dispatch as dbt resolves them (dbt-core context/macros.py and
 * providers.py): packages' macros coexist, the node's package comes first, the root project overrides
 * packages and the internal `dbt` macros, `pkg.macro()` / `<project>.macro()` / `dbt.macro()` reach one
 * package, and dispatch follows the project's `dispatch:` search order.
 */
import { describe, expect, it } from 'vitest';
import { isXformError, type XformError } from '../errors.js';
import { INTERNAL_PACKAGE, TemplateEngine, type DispatchEntry, type MacroFile } from './index.js';

const BUILTINS: MacroFile = {
  path: '<xform>/builtin_tests.sql',
  packageName: INTERNAL_PACKAGE,
  contents: [
    '{% test not_null(model, column_name) %}builtin not_null {{ column_name }}{% endtest %}',
    '{% macro internal_only() %}internal{% endmacro %}',
    '{% macro greet() %}dbt hello{% endmacro %}',
  ].join('\n'),
};

const ROOT: MacroFile = {
  path: 'macros/root.sql',
  contents: [
    '{% macro greet() %}root hello{% endmacro %}',
    '{% test not_null(model, column_name) %}root not_null {{ column_name }} in {{ model }}{% endtest %}',
    '{% macro whoami() %}root{% endmacro %}',
  ].join('\n'),
};

const UTILS: MacroFile = {
  path: 'dbt_packages/utils/macros/utils.sql',
  packageName: 'utils',
  contents: [
    '{% macro greet() %}utils hello{% endmacro %}',
    '{% macro whoami() %}utils{% endmacro %}',
    '{% macro calls_greet() %}[{{ greet() }}]{% endmacro %}',
    '{% macro calls_own_helper() %}<{{ private_helper() }}>{% endmacro %}',
    '{% macro private_helper() %}utils private{% endmacro %}',
    '{% macro prefixed() %}{{ utils.whoami() }}{% endmacro %}',
  ].join('\n'),
};

const OTHER: MacroFile = {
  path: 'dbt_packages/other/macros/other.sql',
  packageName: 'other',
  contents: '{% macro whoami() %}other{% endmacro %}\n{% macro private_helper() %}other private{% endmacro %}',
};

function engine(options: { files?: MacroFile[]; adapterType?: string; dispatch?: DispatchEntry[] } = {}) {
  return new TemplateEngine({
    macroFiles: options.files ?? [BUILTINS, ROOT, UTILS, OTHER],
    adapterType: options.adapterType ?? 'duckdb',
    rootPackage: 'shop',
    dispatch: options.dispatch,
  });
}

function render(e: TemplateEngine, source: string, packageName?: string): string {
  return e.renderString('models/m.sql', source, {}, packageName);
}

function error(fn: () => unknown): XformError {
  try {
    fn();
  } catch (err) {
    if (isXformError(err)) return err;
    throw err;
  }
  throw new Error('expected an XformError');
}

describe('macro namespaces', () => {
  it('lets same-named macros of different packages coexist, and rejects a name twice in one package', () => {
    const e = engine();
    expect(e.diagnostics).toEqual([]);
    expect(render(e, '{{ shop.whoami() }} {{ utils.whoami() }} {{ other.whoami() }}')).toBe('root utils other');
    const twice = engine({ files: [UTILS, { path: 'dbt_packages/utils/macros/more.sql', packageName: 'utils', contents: '\n{% macro whoami() %}again{% endmacro %}' }] });
    expect(twice.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line])).toEqual([['XFORM_MACRO_DUPLICATE', 'dbt_packages/utils/macros/more.sql', 2]]);
    expect(twice.diagnostics[0]!.message).toContain("in package 'utils'");
  });

  it("looks up a bare name in the node's package first, then the root project, then dbt's", () => {
    const e = engine();
    expect(render(e, '{{ whoami() }}')).toBe('root');
    expect(render(e, '{{ whoami() }}', 'utils')).toBe('utils');
    expect(render(e, '{{ whoami() }}', 'other')).toBe('other');
    // A package node still sees the root's and the internal macros it does not define itself.
    expect(render(e, '{{ internal_only() }}', 'utils')).toBe('internal');
    expect(render(e, '{{ greet() }}', 'other')).toBe('root hello');
    // Generic tests of a package's YAML find their macros the same way.
    expect(e.hasMacro('private_helper')).toBe(false);
    expect(e.hasMacro('private_helper', 'utils')).toBe(true);
    expect(e.macroInfoOf('whoami', 'utils')).toMatchObject({ packageName: 'utils' });
    expect(e.macroInfoOf('whoami')).toMatchObject({ packageName: 'shop' });
  });

  it('lets root macros override package macros called bare from inside the package, as dbt does for root nodes', () => {
    const e = engine();
    expect(render(e, '{{ utils.calls_greet() }}')).toBe('[root hello]');
    expect(render(e, '{{ utils.calls_greet() }}', 'utils')).toBe('[utils hello]');
  });

  it("falls back to the calling macro's own package for a name nothing else defines", () => {
    const e = engine();
    expect(render(e, '{{ utils.calls_own_helper() }}')).toBe('<utils private>');
    // The node's package still comes first: a node of `other` gets other's helper.
    expect(render(e, '{{ utils.calls_own_helper() }}', 'other')).toBe('<other private>');
  });

  it('lets the root project replace a built-in generic test for the whole project, and keeps it as dbt.*', () => {
    const e = engine();
    expect(e.diagnostics).toEqual([]);
    expect(e.hasMacro('test_not_null')).toBe(true);
    expect(e.macroInfoOf('test_not_null')).toMatchObject({ packageName: 'shop', path: 'macros/root.sql' });
    expect(e.callMacro('test_not_null', ['orders', 'id'], {})).toBe('root not_null id in orders');
    expect(e.callMacro('test_not_null', ['orders', 'id'], {}, 'utils')).toBe('root not_null id in orders');
    expect(e.callMacro('dbt.test_not_null', ['orders', 'id'], {})).toBe('builtin not_null id');
    expect(render(e, '{{ dbt.greet() }} / {{ greet() }}')).toBe('dbt hello / root hello');
    const noOverride = engine({ files: [BUILTINS] });
    expect(noOverride.callMacro('test_not_null', ['orders', 'id'], {})).toBe('builtin not_null id');
    expect(noOverride.macroInfoOf('test_not_null')).toMatchObject({ packageName: 'dbt' });
  });

  it('reaches one package with pkg.macro(), the project name and dbt., and names a missing one', () => {
    const e = engine();
    expect(render(e, '{{ utils.greet() }}|{{ shop.greet() }}|{{ dbt.greet() }}|{{ utils.prefixed() }}')).toBe('utils hello|root hello|dbt hello|utils');
    const err = error(() => render(e, '{{ utils.nope() }}'));
    expect(err.message).toContain("package 'utils' has no macro named 'nope'");
    expect(error(() => render(e, '{{ utils.gret() }}')).message).toContain("package 'utils' has no macro named 'gret' (did you mean 'greet'?)");
    expect(error(() => render(e, '{{ utlis.greet() }}')).hint).toBe("did you mean 'utils'?");
    expect(e.macroSource('utils.greet')).toBe('{% macro greet() %}utils hello{% endmacro %}');
    expect(e.macroSource('greet')).toBe('{% macro greet() %}root hello{% endmacro %}');
  });

  it('records names looked up in a package as pkg.name, for the partial-parse cache', () => {
    const e = engine();
    const names = new Set<string>();
    e.trackLookups(names);
    render(e, '{{ utils.greet() }}{{ whoami() }}', 'other');
    e.trackLookups(null);
    expect([...names]).toEqual(expect.arrayContaining(['utils', 'utils.greet', 'whoami', 'other.whoami']));
  });
});

const DISPATCHING: MacroFile[] = [
  BUILTINS,
  {
    path: 'macros/root_dispatch.sql',
    contents: [
      "{% macro cast_text(c) %}{{ return(adapter.dispatch('cast_text', 'utils')(c)) }}{% endmacro %}",
      '{% macro duckdb__concat(a) %}root duckdb concat {{ a }}{% endmacro %}',
    ].join('\n'),
  },
  {
    path: 'dbt_packages/utils/macros/dispatch.sql',
    packageName: 'utils',
    contents: [
      "{% macro concat(a) %}{{ return(adapter.dispatch('concat', 'utils')(a)) }}{% endmacro %}",
      '{% macro default__concat(a) %}utils default concat {{ a }}{% endmacro %}',
      '{% macro postgres__concat(a) %}utils postgres concat {{ a }}{% endmacro %}',
      '{% macro default__cast_text(c) %}cast({{ c }} as text){% endmacro %}',
      '{% macro postgres__cast_text(c) %}{{ c }}::text{% endmacro %}',
      '{% macro duckdb__only_here() %}utils duckdb only{% endmacro %}',
    ].join('\n'),
  },
  {
    path: 'dbt_packages/shim/macros/shim.sql',
    packageName: 'shim',
    contents: '{% macro default__concat(a) %}shim concat {{ a }}{% endmacro %}',
  },
];

describe('adapter.dispatch', () => {
  it('searches [root project, namespace] without a dispatch: config, so root implementations win', () => {
    const e = engine({ files: DISPATCHING });
    expect(render(e, "{{ utils.concat('x') }}")).toBe('root duckdb concat x');
    expect(render(e, "{{ adapter.dispatch('concat', macro_namespace='utils')('y') }}")).toBe('root duckdb concat y');
  });

  it('falls back from <adapter>__ to default__, never to another adapter', () => {
    const e = engine({ files: DISPATCHING });
    // duckdb has no parent adapter (dbt-duckdb declares none): postgres__cast_text is not a candidate.
    expect(render(e, "{{ cast_text('c') }}")).toBe('cast(c as text)');
    const pg = engine({ files: DISPATCHING, adapterType: 'postgres' });
    expect(render(pg, "{{ cast_text('c') }}")).toBe('c::text');
    expect(render(pg, "{{ utils.concat('x') }}")).toBe('utils postgres concat x');
  });

  it("follows the project's dispatch: search order", () => {
    const dispatch = [{ macro_namespace: 'utils', search_order: ['shim', 'utils'] }];
    const e = engine({ files: DISPATCHING, dispatch });
    // shim's default__ comes before utils' and the root is not searched at all.
    expect(render(e, "{{ utils.concat('x') }}")).toBe('shim concat x');
    const withRoot = engine({ files: DISPATCHING, dispatch: [{ macro_namespace: 'utils', search_order: ['shop', 'utils'] }] });
    expect(render(withRoot, "{{ utils.concat('x') }}")).toBe('root duckdb concat x');
  });

  it('uses the ordinary lookup without a namespace or for an unknown one', () => {
    const e = engine({ files: DISPATCHING });
    expect(render(e, "{{ adapter.dispatch('concat')('x') }}")).toBe('root duckdb concat x');
    expect(render(e, "{{ adapter.dispatch('concat', 'no_such_package')('x') }}")).toBe('root duckdb concat x');
    // A package's implementation is reachable only through its namespace.
    expect(render(e, "{{ adapter.dispatch('only_here', 'utils')() }}")).toBe('utils duckdb only');
    const err = error(() => render(e, "{{ adapter.dispatch('only_here')() }}"));
    expect(err.code).toBe('XFORM_MACRO_NOT_FOUND');
  });

  it('lists what it searched when nothing matches, and rejects a dotted macro name', () => {
    const e = engine({ files: DISPATCHING });
    const missing = error(() => render(e, "{{ adapter.dispatch('nothing', 'utils')() }}"));
    expect(missing.code).toBe('XFORM_MACRO_NOT_FOUND');
    expect(missing.message).toBe(
      "adapter.dispatch('nothing') found no macro in namespace 'utils': searched for 'shop.duckdb__nothing', 'shop.default__nothing', 'utils.duckdb__nothing', 'utils.default__nothing'",
    );
    const dotted = error(() => render(e, "{{ adapter.dispatch('utils.concat')('x') }}"));
    expect(dotted.code).toBe('XFORM_DISPATCH_ARGUMENT');
    expect(dotted.hint).toBe("did you mean adapter.dispatch('concat', macro_namespace='utils')?");
    expect(error(() => render(e, "{{ adapter.dispatch('concat', packages=['utils'])('x') }}")).code).toBe('XFORM_DISPATCH_ARGUMENT');
  });

  it('records the dispatch probes as pkg.name, and the search order as dispatch:<namespace>', () => {
    const e = engine({ files: DISPATCHING });
    const names = new Set<string>();
    e.trackLookups(names);
    render(e, "{{ adapter.dispatch('only_here', 'utils')() }}");
    e.trackLookups(null);
    expect([...names]).toEqual(expect.arrayContaining(['dispatch:utils', 'shop.duckdb__only_here', 'shop.default__only_here', 'utils.duckdb__only_here']));
    // A changed dispatch: config or adapter changes what the cache compares, so renders are redone.
    const configured = engine({ files: DISPATCHING, dispatch: [{ macro_namespace: 'utils', search_order: ['utils'] }] });
    const postgres = engine({ files: DISPATCHING, adapterType: 'postgres' });
    const sources = [e, configured, postgres].map((x) => x.lookupSource('dispatch:utils'));
    expect(new Set(sources).size).toBe(3);
  });
});
