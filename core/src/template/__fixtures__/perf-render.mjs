// Performance check (not a test): compile 10,000 small models once, then render them all, each calling a
// project macro and ref(). Run after `pnpm build`:  node core/src/template/__fixtures__/perf-render.mjs
// (or pass the directory of a build of core/src/template as the first argument).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dir = process.argv[2] ?? new URL('../../../dist/template/', import.meta.url).pathname;
const { TemplateEngine, pyFunction } = await import(pathToFileURL(resolve(dir, 'index.js')).href);

class Relation {
  constructor(schema, name) {
    this.schema = schema;
    this.name = name;
  }
  toString() {
    return `"${this.schema}"."${this.name}"`;
  }
}

const engine = new TemplateEngine({
  adapterType: 'duckdb',
  macroFiles: [
    {
      path: 'macros/cents.sql',
      contents: "{% macro cents_to_dollars(col, scale=2) %}round({{ col }} / 100.0, {{ scale }}){% endmacro %}",
    },
  ],
});
const N = 10_000;
const sources = Array.from(
  { length: N },
  (_, i) => `{{ config(materialized='view') }}\nselect id, {{ cents_to_dollars('amount_' ~ ${i % 7}) }} as amount\nfrom {{ ref('stg_${i}') }}\n{% if is_incremental() %}where id > 0{% endif %}\n`,
);
let t0 = performance.now();
const templates = sources.map((src, i) => engine.compile(`models/m${i}.sql`, src));
const compileMs = performance.now() - t0;
const ref = pyFunction((args) => new Relation('main', String(args[0])));
const config = pyFunction(() => '');
const isIncremental = pyFunction(() => false);
t0 = performance.now();
let bytes = 0;
for (let i = 0; i < N; i++) {
  const out = engine.render(templates[i], { ref, config, is_incremental: isIncremental, this: new Relation('main', `m${i}`) });
  bytes += out.length;
}
const renderMs = performance.now() - t0;
console.log(`compiled ${N} templates in ${compileMs.toFixed(0)} ms; rendered them in ${renderMs.toFixed(0)} ms (${bytes} bytes)`);
