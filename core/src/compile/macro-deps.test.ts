import { describe, expect, it } from 'vitest';
import { macroResolver } from './macro-deps.js';

const macros = [
  { unique_id: 'macro.shop.cents', name: 'cents', package_name: 'shop' },
  { unique_id: 'macro.utils.cents', name: 'cents', package_name: 'utils' },
  { unique_id: 'macro.utils.star', name: 'star', package_name: 'utils' },
  { unique_id: 'macro.dbt.is_incremental', name: 'is_incremental', package_name: 'dbt' },
  { unique_id: 'macro.utils.default__star', name: 'default__star', package_name: 'utils' },
  { unique_id: 'macro.utils.duckdb__star', name: 'duckdb__star', package_name: 'utils' },
  { unique_id: 'macro.shop.postgres__star', name: 'postgres__star', package_name: 'shop' },
  { unique_id: 'macro.other.default__star', name: 'default__star', package_name: 'other' },
];

describe('depends_on.macros from a template', () => {
  const resolver = macroResolver(macros, 'shop', 'dbt');

  it('finds calls inside Jinja only, by package: own, root, dbt, then any; pkg.name names its package', () => {
    const sql = "select cents(x) from t -- not jinja\n{{ cents('a') }} {% if is_incremental() %}{{ utils.cents('b') }}{% endif %} {{ star (from=ref('x')) }}";
    expect(resolver.callsIn(sql, 'shop')).toEqual(['macro.dbt.is_incremental', 'macro.shop.cents', 'macro.utils.cents', 'macro.utils.star']);
    expect(resolver.callsIn("{{ cents('a') }}", 'utils')).toEqual(['macro.utils.cents']);
  });

  it("adapter.dispatch reaches every adapter's implementation in the namespace and the root project's overrides", () => {
    const sql = "{% macro star(from) %}{{ return(adapter.dispatch('star', 'utils')(from)) }}{% endmacro %}";
    expect(resolver.callsIn(sql, 'utils')).toEqual(['macro.shop.postgres__star', 'macro.utils.default__star', 'macro.utils.duckdb__star']);
    expect(resolver.callsIn("{{ adapter.dispatch('star', macro_namespace='utils')() }}", 'shop')).toContain('macro.utils.duckdb__star');
  });

  it('a macro definition is not a call of itself; unknown names are not macros', () => {
    expect(resolver.callsIn('{% macro cents(x) %}{{ round(x) }}{% endmacro %}', 'shop')).toEqual([]);
  });
});
