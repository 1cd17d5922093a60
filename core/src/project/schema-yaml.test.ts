import { describe, expect, test } from 'vitest';
import { DiagnosticBag } from '../errors.js';
import { parseSchemaFile } from './schema-yaml.js';

function parse(text: string) {
  const bag = new DiagnosticBag();
  const file = parseSchemaFile(text, 'models/schema.yml', bag);
  return { file, bag };
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('models, columns and tests', () => {
  const text = lines(
    'version: 2',
    'models:',
    '  - name: orders',
    '    description: One row per order',
    '    config:',
    '      materialized: table',
    '      tags: finance',
    '      post-hook: "analyze {{ this }}"',
    '    meta: {owner: ann}',
    '    tags: [core]',
    '    docs: {show: false}',
    '    columns:',
    '      - name: id',
    '        data_type: integer',
    '        tests:',
    '          - not_null',
    '          - unique:',
    '              config: {severity: warn}',
    '      - name: status',
    '        data_tests:',
    '          - accepted_values:',
    "              values: [placed, shipped]",
    '              quote: false',
    '              where: "status is not null"',
    '              severity: error',
    '          - name: status_today',
    '            test_name: accepted_values',
    '            values: [placed]',
    '            config: {limit: 10}',
    '      - name: customer_id',
    '        tests:',
    "          - relationships: {to: \"ref('customers')\", field: id, arguments: {extra: 1}}",
    '          - dbt_utils.not_empty_string',
    '    tests:',
    '      - dbt_utils.expression_is_true: {expression: "amount >= 0", name: amount_positive}',
  );

  test('every test form becomes {name, args, config, location}', () => {
    const { file, bag } = parse(text);
    expect(bag.items).toEqual([]);
    const orders = file!.models[0]!;
    expect(orders).toMatchObject({
      name: 'orders',
      description: 'One row per order',
      config: { materialized: 'table', tags: ['finance'], post_hook: ['analyze {{ this }}'] },
      meta: { owner: 'ann' },
      tags: ['core'],
      docs: { show: false },
      location: { file: 'models/schema.yml', line: 3, column: 5, yamlPath: 'models[0]' },
    });
    const [id, status, customer] = orders.columns;
    expect(id).toMatchObject({ name: 'id', data_type: 'integer', description: '', tags: [], meta: {} });
    expect(id!.tests.map(({ name, args, config }) => ({ name, args, config }))).toEqual([
      { name: 'not_null', args: {}, config: {} },
      { name: 'unique', args: {}, config: { severity: 'warn' } },
    ]);
    expect(id!.tests[1]!.location).toEqual({ file: 'models/schema.yml', line: 17, column: 13, yamlPath: 'models[0].columns[0].tests[1]' });
    expect(status!.tests.map(({ name, args, config, customName }) => ({ name, args, config, customName }))).toEqual([
      { name: 'accepted_values', args: { values: ['placed', 'shipped'], quote: false }, config: { where: 'status is not null', severity: 'error' }, customName: undefined },
      { name: 'accepted_values', args: { values: ['placed'] }, config: { limit: 10 }, customName: 'status_today' },
    ]);
    expect(customer!.tests.map(({ name, args }) => ({ name, args }))).toEqual([
      { name: 'relationships', args: { to: "ref('customers')", field: 'id', extra: 1 } },
      { name: 'dbt_utils.not_empty_string', args: {} },
    ]);
    expect(orders.tests).toEqual([
      expect.objectContaining({ name: 'dbt_utils.expression_is_true', args: { expression: 'amount >= 0' }, customName: 'amount_positive' }),
    ]);
  });

  test('a misspelt key is an error naming file, line, key and the valid key it is a typo of', () => {
    const { bag } = parse(lines('models:', '  - name: orders', '    desciption: x', '    columns:', '      - name: id', '        data_typ: int'));
    expect(bag.warnings).toEqual([]);
    expect(bag.errors).toEqual([
      {
        severity: 'error',
        code: 'XFORM_UNKNOWN_KEY',
        message: "unknown key 'desciption' in model 'orders' — did you mean 'description'?",
        location: { file: 'models/schema.yml', line: 3, column: 5, yamlPath: 'models[0].desciption' },
        hint: "did you mean 'description'?",
      },
      {
        severity: 'error',
        code: 'XFORM_UNKNOWN_KEY',
        message: "unknown key 'data_typ' in column 'id' of model 'orders' — did you mean 'data_type'?",
        location: { file: 'models/schema.yml', line: 6, column: 9, yamlPath: 'models[0].columns[0].data_typ' },
        hint: "did you mean 'data_type'?",
      },
    ]);
  });

  test('an unknown key that is no typo is a warning listing the valid keys, and is dropped', () => {
    const { file, bag } = parse(lines('models:', '  - name: orders', '    owner: ann', '    columns:', '      - name: id', '        pii: true'));
    expect(file!.models[0]!.columns.map((c) => c.name)).toEqual(['id']);
    expect(bag.errors).toEqual([]);
    expect(bag.warnings.map((d) => [d.message, d.location?.line, d.hint?.startsWith('valid keys: name, description')])).toEqual([
      ["unknown key 'owner' in model 'orders'", 3, true],
      ["unknown key 'pii' in column 'id' of model 'orders'", 6, true],
    ]);
  });

  test.each([
    ['colums', 'columns', "model 'orders'"],
    ['tets', 'tests', "model 'orders'"],
    ['data_test', 'data_tests', "model 'orders'"],
    ['descripton', 'description', "model 'orders'"],
  ])('%s: at model level is an error with did-you-mean', (typo, meant, where) => {
    const { file, bag } = parse(lines('models:', '  - name: orders', `    ${typo}: []`));
    expect(file).toBeUndefined();
    expect(bag.errors.map((d) => [d.code, d.message, d.location?.line, d.hint])).toEqual([
      ['XFORM_UNKNOWN_KEY', `unknown key '${typo}' in ${where} — did you mean '${meant}'?`, 3, `did you mean '${meant}'?`],
    ]);
  });

  test('typos in columns and sources are errors too, every one reported', () => {
    const { bag } = parse(
      lines('sources:', '  - name: raw', '    tabels:', '      - name: orders', 'models:', '  - name: orders', '    columns:', '      - name: id', '        tets: [unique]'),
    );
    expect(bag.errors.map((d) => [d.message, d.location?.line])).toEqual([
      ["unknown key 'tabels' in source 'raw' — did you mean 'tables'?", 3],
      ["unknown key 'tets' in column 'id' of model 'orders' — did you mean 'tests'?", 9],
    ]);
  });

  test('a misspelt top-level key is an error; dbt-only sections are accepted silently', () => {
    const { bag } = parse(lines('version: 2', 'exposures: []', 'metrics: []', 'semantic_models: []', 'macros: []', 'modles: []'));
    expect(bag.warnings).toEqual([]);
    expect(bag.errors.map((d) => [d.message, d.location?.line])).toEqual([["unknown key 'modles' in the top level — did you mean 'models'?", 6]]);
  });

  test('wrong types and missing required keys are errors with file, line and yamlPath', () => {
    const { file, bag } = parse(lines('models:', '  - name: orders', '    columns:', '      - description: no name', '      - name: x', '        tags: {a: 1}', '  - name: 3'));
    expect(file).toBeUndefined();
    expect(bag.errors.map((d) => [d.message, d.location])).toEqual([
      [
        "missing required key 'name' in column #1 of model 'orders' (models/schema.yml): expected a string",
        { file: 'models/schema.yml', line: 4, column: 9, yamlPath: 'models[0].columns[0].name' },
      ],
      [
        "'models[0].columns[1].tags' in models/schema.yml must be a string or a list, got a mapping",
        { file: 'models/schema.yml', line: 6, column: 15, yamlPath: 'models[0].columns[1].tags' },
      ],
      ["'models[1].name' in models/schema.yml must be a string, got a number", { file: 'models/schema.yml', line: 7, column: 11, yamlPath: 'models[1].name' }],
    ]);
  });

  test('bad test entries and config values are errors at their line', () => {
    const { bag } = parse(
      lines(
        'models:',
        '  - name: orders',
        '    config: {materialized: [table]}',
        '    tests:',
        '      - {unique: {}, not_null: {}}',
        '      - not null',
        '      - accepted_values: [a, b]',
        '      - unique: {severity: fatal}',
        '    columns:',
        '      - name: id',
        '        tests: [unique]',
        '        data_tests: [not_null]',
      ),
    );
    const byLine = [...bag.errors].sort((a, b) => a.location!.line! - b.location!.line!);
    expect(byLine.map((d) => [d.code, d.location?.line, d.message])).toEqual([
      ['XFORM_CONFIG_INVALID', 3, "config 'materialized' must be a string, got a list"],
      ['XFORM_TEST_INVALID', 5, expect.stringContaining("must have exactly one key, the test name (got 'unique', 'not_null')")],
      ['XFORM_TEST_INVALID', 6, expect.stringContaining("'not null' in models/schema.yml is not a valid test name")],
      ['XFORM_TEST_INVALID', 7, expect.stringContaining("the arguments of test 'accepted_values' of model 'orders'")],
      ['XFORM_CONFIG_INVALID', 8, "config 'severity' must be one of 'error', 'warn', got 'fatal'"],
      ['XFORM_SCHEMA_YAML_INVALID', 12, "use either 'tests' or 'data_tests' in models/schema.yml, not both"],
    ]);
    expect(byLine[4]!.location!.yamlPath).toBe('models[0].tests[3].unique.severity');
  });

  test('YAML syntax errors carry the line and column', () => {
    const { file, bag } = parse('models:\n  - name: a\n    description: "unclosed\n');
    expect(file).toBeUndefined();
    // The parser notices the missing quote at the end of the input.
    expect(bag.errors[0]).toMatchObject({
      code: 'XFORM_YAML_SYNTAX',
      message: 'invalid YAML in models/schema.yml: Missing closing "quote',
      location: { file: 'models/schema.yml', line: 4, column: 1 },
    });
    const indent = parse('models:\n  - name: a\n    columns: [a, b\n  - name: b\n').bag.errors[0]!;
    expect(indent).toMatchObject({ code: 'XFORM_YAML_SYNTAX', location: { line: 4, column: 3 } });
  });

  test('an empty file is an empty schema file', () => {
    expect(parse('# nothing yet\n').file).toEqual({ path: 'models/schema.yml', models: [], seeds: [], snapshots: [], sources: [], unitTests: [] });
  });

  test('YAML anchors and merge keys work', () => {
    const { file, bag } = parse(lines('x-cols: &cols', '  - name: id', '    tests: [not_null]', 'models:', '  - name: a', '    columns: *cols', '  - name: b', '    columns: *cols'));
    // The anchor holder itself is an unknown top-level key (warned), the aliases resolve.
    expect(bag.errors).toEqual([]);
    expect(file!.models.map((m) => m.columns[0]!.tests[0]!.name)).toEqual(['not_null', 'not_null']);
  });
});

describe('sources', () => {
  test('schema defaults to the source name; tables inherit loaded_at_field and freshness; null disables', () => {
    const { file, bag } = parse(
      lines(
        'sources:',
        '  - name: raw',
        '    database: lake',
        '    loaded_at_field: _loaded_at',
        '    freshness:',
        '      warn_after: {count: 12, period: hour}',
        '      error_after: {count: 1, period: day}',
        '    tables:',
        '      - name: orders',
        '        identifier: raw_orders',
        '        columns: [{name: id, tests: [unique]}]',
        '      - name: customers',
        '        freshness: null',
        '      - name: events',
        '        loaded_at_field: ts',
        '        freshness: {warn_after: {count: 5, period: minute}, filter: "ts > now() - interval 1 day"}',
      ),
    );
    expect(bag.items).toEqual([]);
    const raw = file!.sources[0]!;
    expect(raw).toMatchObject({ name: 'raw', schema: 'raw', database: 'lake', loaded_at_field: '_loaded_at', location: { line: 2 } });
    const [orders, customers, events] = raw.tables;
    expect(orders).toMatchObject({
      name: 'orders',
      identifier: 'raw_orders',
      loaded_at_field: '_loaded_at',
      freshness: { warn_after: { count: 12, period: 'hour' }, error_after: { count: 1, period: 'day' } },
      location: { line: 9, yamlPath: 'sources[0].tables[0]' },
    });
    expect(orders!.columns[0]!.tests[0]!.name).toBe('unique');
    expect(customers!.freshness).toBeNull();
    expect(events).toMatchObject({ loaded_at_field: 'ts', freshness: { warn_after: { count: 5, period: 'minute' }, filter: 'ts > now() - interval 1 day' } });
  });

  test('a bad freshness period is an error with a did-you-mean', () => {
    const { bag } = parse(lines('sources:', '  - name: raw', '    freshness:', '      warn_after: {count: 1, period: hours}'));
    expect(bag.errors[0]).toMatchObject({
      message: "'sources[0].freshness.warn_after.period' in models/schema.yml must be one of 'minute', 'hour', 'day', got 'hours' — did you mean 'hour'?",
      location: { line: 4, yamlPath: 'sources[0].freshness.warn_after.period' },
      hint: "did you mean 'hour'?",
    });
  });
});

describe('unit tests', () => {
  test('dict and csv rows; input must be ref(), source() or this', () => {
    const { file, bag } = parse(
      lines(
        'unit_tests:',
        '  - name: test_totals',
        '    model: orders',
        '    given:',
        "      - input: ref('stg_orders')",
        '        rows:',
        '          - {id: 1, amount: 10}',
        "      - input: source('raw', 'customers')",
        '        format: csv',
        '        rows: |',
        '          id,name',
        '          1,ann',
        '          2,',
        '    expect:',
        '      rows: [{id: 1, total: 10}]',
        '    overrides:',
        '      vars: {run_date: "2024-01-01"}',
      ),
    );
    expect(bag.items).toEqual([]);
    expect(file!.unitTests[0]).toMatchObject({
      name: 'test_totals',
      model: 'orders',
      given: [
        { input: "ref('stg_orders')", format: 'dict', rows: [{ id: 1, amount: 10 }] },
        { input: "source('raw', 'customers')", format: 'csv', rows: [{ id: '1', name: 'ann' }, { id: '2', name: null }] },
      ],
      expect: { format: 'dict', rows: [{ id: 1, total: 10 }] },
      overrides: { vars: { run_date: '2024-01-01' } },
      location: { line: 2 },
    });
    const bad = parse(lines('unit_tests:', '  - name: t', '    model: m', '    given:', '      - input: orders', '        rows: "a,b"', '    expect: {rows: []}'));
    expect(bad.bag.errors.map((d) => [d.location?.line, d.message])).toEqual([
      [5, `input 'orders' of unit test 't' in models/schema.yml must be "ref('model')", "source('source', 'table')" or "this"`],
      [6, "rows of unit test 't' in models/schema.yml are text: add 'format: csv', or write them as a list of mappings"],
    ]);
  });
});
