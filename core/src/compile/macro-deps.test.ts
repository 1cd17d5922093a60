import { describe, expect, it } from 'vitest';
import { macroResolver } from './macro-deps.js';

const macros = [
  { unique_id: 'macro.shop.cents', name: 'cents', package_name: 'shop' },
  { unique_id: 'macro.utils.cents', name: 'cents', package_name: 'utils' },
  { unique_id: 'macro.utils.star', name: 'star', package_name: 'utils' },
  { unique_id: 'macro.dbt.is_incremental', name: 'is_incremental', package_name: 'dbt' },
];

describe('depends_on.macros from a template', () => {
  const resolver = macroResolver(macros, 'shop', 'dbt');

  it('finds calls inside Jinja only, by package: own, root, dbt, then any; pkg.name names its package', () => {
    const sql = "select cents(x) from t -- not jinja\n{{ cents('a') }} {% if is_incremental() %}{{ utils.cents('b') }}{% endif %} {{ star (from=ref('x')) }}";
    expect(resolver.callsIn(sql, 'shop')).toEqual(['macro.dbt.is_incremental', 'macro.shop.cents', 'macro.utils.cents', 'macro.utils.star']);
    expect(resolver.callsIn("{{ cents('a') }}", 'utils')).toEqual(['macro.utils.cents']);
  });

  it('a macro definition is not a call of itself; unknown names are not macros', () => {
    expect(resolver.callsIn('{% macro cents(x) %}{{ round(x) }}{% endmacro %}', 'shop')).toEqual([]);
  });
});
