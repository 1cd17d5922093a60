import { describe, expect, test } from 'vitest';
import { DiagnosticBag } from '../errors.js';
import { resolveFolderConfig } from './folder-config.js';
import { parseProjectConfig } from './project-config.js';
import { xformVersion } from './version.js';

function parse(text: string) {
  const bag = new DiagnosticBag();
  const config = parseProjectConfig(text, bag);
  return { config, bag };
}

describe('xform_project.yml', () => {
  test('a minimal file gets dbt defaults', () => {
    const { config, bag } = parse('name: shop\n');
    expect(bag.items).toEqual([]);
    expect(config).toMatchObject({
      name: 'shop',
      version: '1.0.0',
      modelPaths: ['models'],
      seedPaths: ['seeds'],
      testPaths: ['tests'],
      macroPaths: ['macros'],
      snapshotPaths: ['snapshots'],
      targetPath: 'target',
      cleanTargets: ['target', 'dbt_packages'],
      vars: {},
      layers: ['bronze', 'silver', 'gold'],
      layerRules: { forbidBackward: false, forbidSkip: false },
      onRunStart: [],
      onRunEnd: [],
      file: 'xform_project.yml',
    });
  });

  test('every documented key is read', () => {
    const { config, bag } = parse(
      [
        'name: shop',
        'version: 2.1',
        'config-version: 2',
        'profile: warehouse',
        'model-paths: ["./transform/", "more"]',
        'seed-paths: [data]',
        'target-path: build',
        'clean-targets: [build, dbt_packages]',
        'vars: {start: "2024-01-01", n: 3}',
        'layers: [raw, clean, mart]',
        'layer-rules: {forbid-backward: true, forbid-skip: true}',
        'on-run-start: "create schema if not exists audit"',
        'on-run-end: ["select 1", "select 2"]',
        `require-xform-version: [">=0.0.1", "<999"]`,
        'quoting: {identifier: false}',
        'flags: {send_anonymous_usage_stats: false}',
      ].join('\n'),
    );
    expect(bag.items).toEqual([]);
    expect(config).toMatchObject({
      version: '2.1',
      profile: 'warehouse',
      modelPaths: ['transform', 'more'],
      seedPaths: ['data'],
      targetPath: 'build',
      cleanTargets: ['build', 'dbt_packages'],
      vars: { start: '2024-01-01', n: 3 },
      layers: ['raw', 'clean', 'mart'],
      layerRules: { forbidBackward: true, forbidSkip: true },
      onRunStart: ['create schema if not exists audit'],
      onRunEnd: ['select 1', 'select 2'],
      quoting: { identifier: false },
      requireXformVersion: ['>=0.0.1', '<999'],
    });
  });

  test('a missing name is an error at the top of the file', () => {
    const { config, bag } = parse('version: 1\nprofile: x\n');
    expect(config).toBeUndefined();
    expect(bag.errors).toEqual([
      expect.objectContaining({
        code: 'XFORM_PROJECT_CONFIG_INVALID',
        message: "missing required key 'name' in the top level (xform_project.yml): expected a string",
        location: { file: 'xform_project.yml', line: 1, column: 1, yamlPath: 'name' },
      }),
    ]);
  });

  test('a name that is not an identifier is an error with a suggestion', () => {
    const { bag } = parse('version: 1\nname: my-shop\n');
    expect(bag.errors[0]).toMatchObject({
      location: { file: 'xform_project.yml', line: 2, column: 7, yamlPath: 'name' },
      hint: "did you mean 'my_shop'?",
    });
  });

  test('wrong types are errors at the value, with what was expected', () => {
    const { bag } = parse('name: shop\nmodel-paths: {a: 1}\nlayer-rules:\n  forbid-skip: "yes"\n');
    expect(bag.errors.map((d) => [d.message, d.location?.line, d.location?.yamlPath])).toEqual([
      ["'model-paths' in xform_project.yml must be a string or a list, got a mapping", 2, 'model-paths'],
      ["'layer-rules.forbid-skip' in xform_project.yml must be true or false, got a string", 4, 'layer-rules.forbid-skip'],
    ]);
  });

  test('unknown keys are warnings; typos of a valid key are errors with that key', () => {
    const { bag } = parse('name: shop\nmodel-path: [src]\nowner: ann\n');
    expect(bag.warnings.map((d) => [d.code, d.message, d.location?.line])).toEqual([['XFORM_UNKNOWN_KEY', "unknown key 'owner' in the top level", 3]]);
    expect(bag.errors).toEqual([
      {
        severity: 'error',
        code: 'XFORM_UNKNOWN_KEY',
        message: "unknown key 'model-path' in the top level — did you mean 'model-paths'?",
        location: { file: 'xform_project.yml', line: 2, column: 1, yamlPath: 'model-path' },
        hint: "did you mean 'model-paths'?",
      },
    ]);
  });

  test('YAML syntax errors carry the parser line and column', () => {
    const { config, bag } = parse('name: shop\nvars: {a: 1\nmodels: {}\n');
    expect(config).toBeUndefined();
    expect(bag.errors[0]).toMatchObject({ code: 'XFORM_YAML_SYNTAX', location: { file: 'xform_project.yml', line: 3 } });
    expect(bag.errors[0]!.location!.column).toBeGreaterThan(0);
  });

  test('duplicate layers and layers not in the list are errors', () => {
    const { bag } = parse('name: shop\nlayers: [bronze, silver, bronze]\nmodels:\n  shop:\n    marts:\n      +layer: gld\n');
    expect(bag.errors.map((d) => [d.code, d.location?.line, d.location?.yamlPath, d.hint])).toEqual([
      ['XFORM_PROJECT_CONFIG_INVALID', 2, 'layers[2]', undefined],
      ['XFORM_LAYER_UNKNOWN', 6, 'models.shop.marts.+layer', undefined],
    ]);
    const withDefaults = parse('name: shop\nmodels:\n  shop:\n    marts:\n      +layer: gld\n').bag;
    expect(withDefaults.errors[0]).toMatchObject({ code: 'XFORM_LAYER_UNKNOWN', hint: "did you mean 'gold'?" });
    expect(withDefaults.errors[0]!.message).toContain("unknown layer 'gld' (layers: bronze, silver, gold)");
  });

  test('require-xform-version is checked against the running version', () => {
    expect(parse(`name: shop\nrequire-xform-version: ">=${xformVersion()}"\n`).bag.items).toEqual([]);
    const { bag } = parse('name: shop\nrequire-xform-version: [">=0.0.1", ">=99.0.0"]\n');
    expect(bag.errors).toEqual([
      expect.objectContaining({
        code: 'XFORM_VERSION_MISMATCH',
        message: `this project requires xform >=99.0.0, but this is xform ${xformVersion()}`,
        location: expect.objectContaining({ line: 2, yamlPath: 'require-xform-version[1]' }),
      }),
    ]);
    expect(parse('name: shop\nrequire-xform-version: "about one"\n').bag.errors[0]!.code).toBe('XFORM_PROJECT_CONFIG_INVALID');
  });
});

describe('folder config trees', () => {
  const text = [
    'name: shop',
    'models:',
    '  +materialized: view', // applies to everything, packages too
    '  shop:',
    '    tags: base', // bare known key: config
    '    staging:', // bare other key: folder
    '      +schema: stg',
    '      +tags: [staging, base]',
    '      +pre-hook: "select 1"',
    '      orders:',
    '        materialized: table',
    '        +meta: {owner: ann}',
    '    docs:', // a folder that happens to be named like a config key
    '      +enabled: false',
    '',
  ].join('\n');

  test('+keys and bare known keys are config; other keys are folders', () => {
    const { config, bag } = parse(text);
    expect(bag.items).toEqual([]);
    const tree = config!.models;
    expect(tree.config).toEqual({ materialized: 'view' });
    expect(tree.children.shop!.config).toEqual({ tags: ['base'] });
    expect(Object.keys(tree.children.shop!.children)).toEqual(['staging', 'docs']);
    expect(tree.children.shop!.children.staging!.children.orders!.config).toEqual({ materialized: 'table', meta: { owner: 'ann' } });
    expect(tree.children.shop!.children.staging!.location).toMatchObject({ line: 6, yamlPath: 'models.shop.staging' });
  });

  test('resolveFolderConfig merges from the root to the deepest matching folder', () => {
    const tree = parse(text).config!.models;
    expect(resolveFolderConfig(tree, ['shop', 'staging', 'orders'])).toEqual({
      materialized: 'table',
      tags: ['base', 'staging'],
      schema: 'stg',
      pre_hook: ['select 1'],
      meta: { owner: 'ann' },
    });
    expect(resolveFolderConfig(tree, ['shop', 'staging', 'customers'])).toEqual({
      materialized: 'view',
      tags: ['base', 'staging'],
      schema: 'stg',
      pre_hook: ['select 1'],
    });
    expect(resolveFolderConfig(tree, ['shop', 'docs'])).toEqual({ materialized: 'view', tags: ['base'], enabled: false });
    expect(resolveFolderConfig(tree, ['other_package', 'x'])).toEqual({ materialized: 'view' });
  });

  test('config typos in a tree are errors at their line; custom keys warn; wrong types are errors', () => {
    const { bag } = parse('name: shop\nmodels:\n  shop:\n    +materialised: view\n    +enabled: "no"\n    +owner: ann\n');
    expect(bag.errors[0]).toMatchObject({
      code: 'XFORM_CONFIG_UNKNOWN_KEY',
      message: "unknown config key '+materialised' — did you mean 'materialized'?",
      location: { line: 4, yamlPath: 'models.shop.+materialised' },
    });
    expect(bag.errors[1]).toMatchObject({ code: 'XFORM_CONFIG_INVALID', location: { line: 5, column: 5, yamlPath: 'models.shop.+enabled' } });
    expect(bag.warnings).toEqual([expect.objectContaining({ code: 'XFORM_CONFIG_UNKNOWN_KEY', message: "unknown config key '+owner' (kept: macros can read it with config.get)" })]);
  });

  test('a first level that is a near miss of the project name is warned about', () => {
    const { bag } = parse('name: shop\nmodels:\n  shopp:\n    +materialized: table\n');
    expect(bag.warnings[0]).toMatchObject({ code: 'XFORM_CONFIG_UNUSED_PATH', hint: "did you mean 'shop'?", location: { line: 3 } });
  });

  test('tests: and data_tests: both configure the tests tree; sources have a tree', () => {
    const { config } = parse('name: shop\ndata_tests:\n  +severity: warn\nsources:\n  shop:\n    raw:\n      +enabled: false\n');
    expect(config!.tests.config).toEqual({ severity: 'warn' });
    expect(resolveFolderConfig(config!.sources!, ['shop', 'raw'])).toEqual({ enabled: false });
  });
});
