/**
 * Schema YAML files (`models:`, `sources:`, `seeds:`, `snapshots:`, `unit_tests:`): validated with strict zod
 * schemas — unknown keys are warnings with a did-you-mean (errors when they are likely typos: `colums:`
 * would drop every column test), wrong types and missing keys are errors at the
 * offending line — then turned into NodePatch / SourceDef / UnitTestDef with locations.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import * as z from 'zod';
import { hasJinja } from './config-render.js';
import { didYouMean, type DiagnosticBag } from '../errors.js';
import { MODEL_MATERIALIZATIONS, canonicalConfigKey, normalizeConfig } from './node-config.js';
import { parseTestEntries } from './test-entries.js';
import type { ColumnDef, ColumnTestDef, FreshnessConfig, NodeConfig, NodePatch, SchemaFile, SourceDef, SourceTableDef, UnitTestDef } from './types.js';
import { parseYaml, validateYaml, type YamlPath, type YamlSource } from './yaml-doc.js';

const INVALID = 'XFORM_SCHEMA_YAML_INVALID';

const text = z.string().nullable().optional();
const tags = z.union([z.string(), z.array(z.string())]).nullable().optional();
const mapping = z.record(z.string(), z.unknown()).nullable().optional();
const testList = z.array(z.unknown()).nullable().optional();
const constraints = z.array(z.record(z.string(), z.unknown())).nullable().optional();
const accepted = z.unknown().optional();

const columnSchema = z.strictObject({
  name: z.string(),
  description: text,
  data_type: text,
  meta: mapping,
  tags,
  quote: z.boolean().nullable().optional(),
  tests: testList,
  data_tests: testList,
  constraints,
  config: mapping,
  policy_tags: accepted,
  granularity: accepted,
});
const columns = z.array(columnSchema).nullable().optional();

const patchSchema = z.strictObject({
  name: z.string(),
  description: text,
  config: mapping,
  columns,
  tests: testList,
  data_tests: testList,
  meta: mapping,
  tags,
  docs: z.strictObject({ show: z.boolean().optional(), node_color: z.string().optional() }).nullable().optional(),
  access: z.enum(['private', 'protected', 'public']).optional(),
  latest_version: accepted,
  versions: accepted,
  constraints,
  group: z.string().optional(),
  deprecation_date: accepted,
  time_spine: accepted,
});

const rule = z.strictObject({ count: z.number().int().positive(), period: z.enum(['minute', 'hour', 'day']) });
const freshness = z
  .strictObject({ warn_after: rule.nullable().optional(), error_after: rule.nullable().optional(), filter: text })
  .nullable()
  .optional();

const tableSchema = z.strictObject({
  name: z.string(),
  identifier: z.string().optional(),
  description: text,
  loaded_at_field: text,
  loaded_at_query: text,
  freshness,
  columns,
  tests: testList,
  data_tests: testList,
  meta: mapping,
  tags,
  config: mapping,
  quoting: mapping,
  external: accepted,
  loader: text,
});

const sourceSchema = z.strictObject({
  name: z.string(),
  description: text,
  database: text,
  schema: text,
  loader: text,
  loaded_at_field: text,
  loaded_at_query: text,
  freshness,
  meta: mapping,
  tags,
  config: mapping,
  quoting: mapping,
  overrides: z.string().optional(),
  tables: z.array(tableSchema).nullable().optional(),
});

const rows = z.union([z.array(z.record(z.string(), z.unknown())), z.string()]).nullable().optional();
const format = z.enum(['dict', 'csv']).optional();
const unitTestSchema = z.strictObject({
  name: z.string(),
  model: z.string(),
  description: text,
  given: z.array(z.strictObject({ input: z.string(), rows, format, fixture: z.string().optional() })).nullable().optional(),
  expect: z.strictObject({ rows, format, fixture: z.string().optional() }),
  overrides: z.strictObject({ vars: mapping, macros: mapping, env_vars: mapping }).nullable().optional(),
  config: mapping,
  versions: accepted,
});

/** dbt's exposure: type and owner are required there too. */
const exposureSchema = z.looseObject({
  name: z.string(),
  label: text,
  description: text,
  type: z.enum(['dashboard', 'notebook', 'analysis', 'ml', 'application']),
  owner: z.looseObject({ name: text, email: text }),
  maturity: z.enum(['low', 'medium', 'high']).nullable().optional(),
  url: text,
  depends_on: z.array(z.string()).nullable().optional(),
  meta: mapping,
  tags,
});

const patches = z.array(patchSchema).nullable().optional();
/** dbt 1.9: a `snapshots:` entry with `relation:` is a snapshot of its own, without a SQL file. */
const snapshotSchema = patchSchema.extend({ relation: z.string().optional() });
const fileSchema = z.strictObject({
  version: z.union([z.number(), z.string()]).optional(),
  models: patches,
  seeds: patches,
  snapshots: z.array(snapshotSchema).nullable().optional(),
  sources: z.array(sourceSchema).nullable().optional(),
  unit_tests: z.array(unitTestSchema).nullable().optional(),
  macros: z.array(z.looseObject({ name: z.string(), description: text, arguments: z.array(z.looseObject({ name: z.string(), description: text })).nullable().optional() })).nullable().optional(),
  // What the docs site shows is read; other keys (config...) are accepted so that dbt projects load.
  exposures: z.array(exposureSchema).nullable().optional(),
  metrics: accepted,
  semantic_models: accepted,
  saved_queries: accepted,
  groups: accepted,
  analyses: accepted,
});

type RawPatch = z.infer<typeof patchSchema> & { relation?: string };
type RawColumn = z.infer<typeof columnSchema>;
type RawSource = z.infer<typeof sourceSchema>;
type RawUnitTest = z.infer<typeof unitTestSchema>;

function toTags(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return [...new Set(Array.isArray(value) ? value : [value])];
}

/** Parses one schema YAML file. Returns undefined when it has errors (they are in `bag`). */
export function parseSchemaFile(textValue: string, file: string, bag: DiagnosticBag): SchemaFile | undefined {
  const src = parseYaml(textValue, file, bag);
  if (!src) return undefined;
  const result: SchemaFile = { path: file, models: [], seeds: [], snapshots: [], sources: [], unitTests: [] };
  if (src.value === undefined) return result;
  const errors = bag.errors.length;
  const raw = validateYaml(fileSchema, { src, bag, errorCode: INVALID, typosAreErrors: true });
  if (!raw) return undefined;
  const b = new Builder(src, bag);
  result.models = (raw.models ?? []).map((p, i) => b.patch(p, ['models', i]));
  result.seeds = (raw.seeds ?? []).map((p, i) => b.patch(p, ['seeds', i]));
  result.snapshots = (raw.snapshots ?? []).map((p, i) => b.patch(p, ['snapshots', i]));
  result.sources = (raw.sources ?? []).map((s, i) => b.source(s, ['sources', i]));
  result.unitTests = (raw.unit_tests ?? []).map((u, i) => b.unitTest(u, ['unit_tests', i]));
  result.exposures = (raw.exposures ?? []).map((e, i) => ({
    name: e.name,
    ...(e.label ? { label: e.label } : {}),
    description: e.description ?? '',
    type: e.type,
    owner: { ...(e.owner.name ? { name: e.owner.name } : {}), ...(e.owner.email ? { email: e.owner.email } : {}) },
    ...(e.maturity ? { maturity: e.maturity } : {}),
    ...(e.url ? { url: e.url } : {}),
    dependsOn: (e.depends_on ?? []).map((d, j) => ({ text: d, location: src.locate(['exposures', i, 'depends_on', j]) })),
    meta: e.meta ?? {},
    tags: toTags(e.tags),
    location: src.locate(['exposures', i]),
  }));
  result.described = [
    ...(raw.macros ?? []).flatMap((m, i) => [
      { kind: 'macro' as const, name: m.name, description: m.description ?? '', location: src.locate(['macros', i]) },
      ...(m.arguments ?? []).map((a, j) => ({ kind: 'macro_argument' as const, name: `${m.name}.${a.name}`, description: a.description ?? '', location: src.locate(['macros', i, 'arguments', j]) })),
    ]),
    ...(raw.exposures ?? []).map((e, i) => ({ kind: 'exposure' as const, name: e.name, description: e.description ?? '', location: src.locate(['exposures', i]) })),
  ].filter((d) => d.description !== '');
  return bag.errors.length > errors ? undefined : result;
}

class Builder {
  constructor(
    private readonly src: YamlSource,
    private readonly bag: DiagnosticBag,
  ) {}

  config(raw: Record<string, unknown> | null | undefined, path: YamlPath): NodeConfig {
    if (!raw) return {};
    return normalizeConfig(raw, (key) => this.src.locate([...path, 'config', key], 'key'), this.bag);
  }

  /** `tests:` or dbt 1.8's `data_tests:` — one of them. */
  tests(entity: { tests?: unknown[] | null; data_tests?: unknown[] | null }, path: YamlPath): ColumnTestDef[] {
    if (entity.tests != null && entity.data_tests != null) {
      this.bag.error(INVALID, `use either 'tests' or 'data_tests' in ${this.src.file}, not both`, this.src.locate([...path, 'data_tests'], 'key'));
      return [];
    }
    const key = entity.data_tests != null ? 'data_tests' : 'tests';
    return parseTestEntries(entity[key], this.src, [...path, key], this.bag);
  }

  columns(list: RawColumn[] | null | undefined, path: YamlPath): ColumnDef[] {
    return (list ?? []).map((c, i) => {
      const at = [...path, 'columns', i];
      // dbt 1.10 moves column meta/tags under config:; read both places.
      const config = this.config(c.config, at);
      const column: ColumnDef = {
        name: c.name,
        description: c.description ?? '',
        meta: { ...(c.meta ?? {}), ...((config.meta as Record<string, unknown> | undefined) ?? {}) },
        tags: [...new Set([...toTags(c.tags), ...(config.tags ?? [])])],
        tests: this.tests(c, at),
        location: this.src.locate(at),
      };
      if (c.data_type != null) column.data_type = c.data_type;
      if (c.quote != null) column.quote = c.quote;
      if (c.constraints != null) column.constraints = c.constraints;
      return column;
    });
  }

  /** A model's `config: {materialized: ...}` here is checked here, at its line, not later at the model. */
  private checkMaterialized(name: string, config: NodeConfig, path: YamlPath): void {
    const value = config.materialized;
    if (path[0] !== 'models' || typeof value !== 'string' || (MODEL_MATERIALIZATIONS as readonly string[]).includes(value)) return;
    // Rendered when the project loads (target, vars): the model checks the value it renders to.
    if (hasJinja(value)) return;
    const suggestion = didYouMean(value, MODEL_MATERIALIZATIONS);
    this.bag.error(
      'XFORM_UNKNOWN_MATERIALIZATION',
      `unknown materialization '${value}' for model '${name}' in ${this.src.file}; expected one of ${MODEL_MATERIALIZATIONS.join(', ')}`,
      this.src.locate([...path, 'config', 'materialized']),
      suggestion ? `did you mean '${suggestion}'?` : undefined,
    );
  }

  patch(p: RawPatch, path: YamlPath): NodePatch {
    const config = this.config(p.config, path);
    this.checkMaterialized(p.name, config, path);
    const patch: NodePatch = {
      name: p.name,
      description: p.description ?? '',
      config,
      columns: this.columns(p.columns, path),
      tests: this.tests(p, path),
      meta: p.meta ?? {},
      tags: toTags(p.tags),
      location: this.src.locate(path),
    };
    if (p.docs != null) patch.docs = p.docs;
    if (p.constraints != null) patch.constraints = p.constraints;
    if (path[0] === 'snapshots') {
      if (p.relation !== undefined) patch.relation = { text: p.relation, location: this.src.locate([...path, 'relation']) };
      patch.configLocations = Object.fromEntries(Object.keys(p.config ?? {}).map((key) => [canonicalConfigKey(key), this.src.locate([...path, 'config', key], 'key')]));
    }
    return patch;
  }

  freshness(value: z.infer<typeof freshness>): FreshnessConfig | null | undefined {
    if (value === null || value === undefined) return value;
    const out: FreshnessConfig = {};
    if (value.warn_after) out.warn_after = value.warn_after;
    if (value.error_after) out.error_after = value.error_after;
    if (value.filter != null) out.filter = value.filter;
    return out;
  }

  /**
   * Tables inherit the source's `loaded_at_field` and `freshness` unless they set their own; a table's
   * `freshness: null` turns freshness off for that table.
   */
  source(s: RawSource, path: YamlPath): SourceDef {
    const sourceFreshness = this.freshness(s.freshness);
    const tables: SourceTableDef[] = (s.tables ?? []).map((t, i) => {
      const at = [...path, 'tables', i];
      const table: SourceTableDef = {
        name: t.name,
        description: t.description ?? '',
        columns: this.columns(t.columns, at),
        tests: this.tests(t, at),
        meta: t.meta ?? {},
        tags: toTags(t.tags),
        config: this.config(t.config, at),
        location: this.src.locate(at),
      };
      if (t.identifier !== undefined) table.identifier = t.identifier;
      const loadedAt = t.loaded_at_field ?? s.loaded_at_field;
      if (loadedAt != null) table.loaded_at_field = loadedAt;
      const tableFreshness = t.freshness === undefined ? sourceFreshness : this.freshness(t.freshness);
      if (tableFreshness !== undefined) table.freshness = tableFreshness;
      return table;
    });
    const source: SourceDef = {
      name: s.name,
      description: s.description ?? '',
      schema: s.schema ?? s.name,
      tables,
      meta: s.meta ?? {},
      tags: toTags(s.tags),
      config: this.config(s.config, path),
      location: this.src.locate(path),
    };
    if (s.database != null) source.database = s.database;
    if (s.loaded_at_field != null) source.loaded_at_field = s.loaded_at_field;
    if (sourceFreshness !== undefined) source.freshness = sourceFreshness;
    return source;
  }

  unitTest(u: RawUnitTest, path: YamlPath): UnitTestDef {
    const given = (u.given ?? []).map((g, i) => {
      const at = [...path, 'given', i];
      if (!/^\s*(ref\s*\(.+\)|source\s*\(.+\)|this)\s*$/.test(g.input)) {
        this.bag.error(
          INVALID,
          `input '${g.input}' of unit test '${u.name}' in ${this.src.file} must be "ref('model')", "source('source', 'table')" or "this"`,
          this.src.locate([...at, 'input']),
        );
      }
      const out: UnitTestDef['given'][number] = { input: g.input.trim(), format: g.format ?? 'dict' };
      const parsedRows = this.rows(g.rows, g.format, [...at, 'rows'], u.name);
      if (parsedRows) out.rows = parsedRows;
      if (g.fixture !== undefined) out.fixture = g.fixture;
      return out;
    });
    const expect: UnitTestDef['expect'] = { format: u.expect.format ?? 'dict' };
    const expectRows = this.rows(u.expect.rows, u.expect.format, [...path, 'expect', 'rows'], u.name);
    if (expectRows) expect.rows = expectRows;
    const test: UnitTestDef = {
      name: u.name,
      model: u.model,
      description: u.description ?? '',
      given,
      expect,
      config: this.config(u.config, path),
      location: this.src.locate(path),
    };
    if (u.overrides) {
      test.overrides = {};
      if (u.overrides.vars) test.overrides.vars = u.overrides.vars;
      if (u.overrides.macros) test.overrides.macros = u.overrides.macros;
      if (u.overrides.env_vars) test.overrides.env_vars = u.overrides.env_vars;
    }
    return test;
  }

  /** `rows:` as a list of mappings, or CSV text with `format: csv` (cells are text; an empty cell is null). */
  rows(value: Record<string, unknown>[] | string | null | undefined, fmt: 'dict' | 'csv' | undefined, path: YamlPath, test: string) {
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'string') return value.map((row) => ({ ...row }));
    if (fmt !== 'csv') {
      this.bag.error(INVALID, `rows of unit test '${test}' in ${this.src.file} are text: add 'format: csv', or write them as a list of mappings`, this.src.locate(path));
      return undefined;
    }
    try {
      const records = parseCsv(value, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
      return records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v])));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.bag.error(INVALID, `cannot read the CSV rows of unit test '${test}' in ${this.src.file}: ${message}`, this.src.locate(path));
      return undefined;
    }
  }
}
