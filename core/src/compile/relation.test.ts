/**
 * Relation objects on their own: rendering through the dialect's quoting, policies as dbt reports them per
 * adapter, and which uses of a pending ref() need the model rendered again with final relations.
 */
import { describe, expect, it } from 'vitest';
import type { RelationRef } from '../graph/types.js';
import { TemplateEngine } from '../template/index.js';
import { PendingRelation, RelationValue, relationApi, type RelationOptions, type RelationPath } from './relation.js';

// Quotes like xform's Snowflake dialect: plain lower-case names stay bare.
const snowflakeQuote = (r: RelationRef) =>
  [r.database, r.schema, r.identifier].filter((p): p is string => !!p).map((p) => (/^[a-z_][a-z0-9_]*$/.test(p) ? p : `"${p}"`)).join('.');
const engine = new TemplateEngine({ adapterType: 'snowflake', macroFiles: [] });
const make = (path: RelationPath, options: RelationOptions = {}) => new RelationValue(path, snowflakeQuote, { quoteDefault: false, ...options });
const render = (source: string, context: Record<string, unknown>) =>
  engine.renderString('m.sql', source, { api: { Relation: relationApi(make) }, ...context });

describe('relations', () => {
  it("render through the dialect's quoting and report dbt-snowflake's quote policy", () => {
    const r = make({ database: 'analytics', schema: 'Marts', identifier: 'orders' });
    expect(render('{{ r }}|{{ r.quote_policy }}|{{ r.include_policy.schema }}|{{ r.include(database=false) }}|{{ r.quote(schema=false) }}', { r })).toBe(
      "analytics.\"Marts\".orders|{'database': False, 'schema': False, 'identifier': False}|True|\"Marts\".orders|analytics.Marts.orders",
    );
    expect(render("{{ api.Relation.create('db', 's', 't', 'view').is_view }}|{{ api.Relation.create(identifier='t').incorporate(path={'schema': 'x'}, type='table') }}", {})).toBe('True|x.t');
  });

  it('make a template that reads a pending relation render again, but not one that only prints it', () => {
    let reads = 0;
    const pending = () => new PendingRelation(0, () => make({ schema: 's', identifier: 't' }), () => reads++);
    expect(render('{{ r }}{{ r.render() }}', { r: pending() })).toBe('\u00010\u0002\u00010\u0002');
    expect(reads).toBe(0);
    expect(render('{{ r.identifier }}|{{ r.include(schema=false) }}|{{ r == other }}', { r: pending(), other: make({ schema: 's', identifier: 't' }) })).toBe('t|t|True');
    expect(reads).toBe(3);
    expect(render("{% set d = {r: 1} %}{{ d[other] }}", { r: pending(), other: make({ schema: 's', identifier: 't' }) })).toBe('1');
    expect(reads).toBe(4);
  });

  it("render with a limit as dbt's render_limited does (--empty: limit 0), keeping the parts a template reads", () => {
    const r = make({ database: 'analytics', schema: 'marts', identifier: 'orders' }, { limit: 0 });
    expect(render('{{ r }}|{{ r.identifier }}|{{ r.include(database=false) }}', { r })).toBe(
      '(select * from analytics.marts.orders where false limit 0) _dbt_limit_subq_orders|orders|(select * from marts.orders where false limit 0) _dbt_limit_subq_orders',
    );
    const five = make({ schema: 's', identifier: 't' }, { limit: 5 });
    expect(String(five)).toBe('(select * from s.t limit 5) _dbt_limit_subq_t');
    // render() is the bare name, as dbt's (its way to opt out); a batch filter wraps the limited form.
    expect(five.render()).toBe('s.t');
    expect(String(five.with({}, { eventTimeFilter: 'at >= 1' }))).toBe('(select * from (select * from s.t limit 5) _dbt_limit_subq_t where at >= 1) _dbt_et_filter_subq_t');
  });
});
