/**
 * Data-test entries of schema YAML (`tests:` / `data_tests:` on models, columns, sources), in every form
 * dbt accepts:
 *   - not_null
 *   - unique: {config: {severity: warn}}
 *   - accepted_values: {values: [a, b], quote: false, where: "...", severity: warn}
 *   - relationships: {to: "ref('customers')", field: id}
 *   - {name: my_test_name, test_name: accepted_values, values: [...]}
 * Arguments may also sit under `arguments:` (dbt 1.10). Config keys written beside the arguments count as
 * config, like in dbt.
 */
import type { DiagnosticBag } from '../errors.js';
import { normalizeConfig } from './node-config.js';
import type { ColumnTestDef } from './types.js';
import { describeYamlPath, formatYamlPath, isPlainObject, type YamlPath, type YamlSource } from './yaml-doc.js';

const INVALID = 'XFORM_TEST_INVALID';
const TEST_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Keys that configure a test rather than being one of its arguments. */
export const TEST_CONFIG_KEYS: readonly string[] = [
  'severity', 'where', 'limit', 'warn_if', 'error_if', 'store_failures', 'store_failures_as', 'tags', 'enabled',
  'meta', 'fail_calc', 'alias', 'schema', 'database',
];
const CONFIG_KEYS = new Set(TEST_CONFIG_KEYS);

/**
 * Parses a `tests:`/`data_tests:` list found at `path` of `src`. Invalid entries are reported and skipped.
 */
export function parseTestEntries(list: unknown, src: YamlSource, path: YamlPath, bag: DiagnosticBag): ColumnTestDef[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) {
    bag.error(INVALID, `'${formatYamlPath(path)}' in ${src.file} must be a list of tests`, src.locate(path));
    return [];
  }
  const out: ColumnTestDef[] = [];
  list.forEach((entry, i) => {
    const test = parseTestEntry(entry, src, [...path, i], bag);
    if (test) out.push(test);
  });
  return out;
}

function parseTestEntry(entry: unknown, src: YamlSource, path: YamlPath, bag: DiagnosticBag): ColumnTestDef | undefined {
  const location = src.locate(path);
  // For messages only: most entries have none.
  const where = (): string => describeYamlPath(src.value, path.slice(0, -2));
  if (typeof entry === 'string') {
    if (!checkName(entry, src, path, bag)) return undefined;
    return { name: entry, args: {}, config: {}, location };
  }
  if (!isPlainObject(entry)) {
    bag.error(INVALID, `test #${Number(path[path.length - 1]) + 1} of ${where()} in ${src.file} must be a test name or a mapping like {unique: {...}}`, location);
    return undefined;
  }
  let name: string;
  let customName: string | undefined;
  let body: Record<string, unknown>;
  let bodyPath: YamlPath;
  if ('test_name' in entry) {
    if (typeof entry.test_name !== 'string') {
      bag.error(INVALID, `'test_name' of a test of ${where()} in ${src.file} must be a string`, src.locate([...path, 'test_name']));
      return undefined;
    }
    name = entry.test_name;
    if (!checkName(name, src, [...path, 'test_name'], bag)) return undefined;
    const { test_name: _t, ...rest } = entry;
    body = rest;
    bodyPath = path;
  } else {
    const keys = Object.keys(entry);
    if (keys.length !== 1) {
      bag.error(
        INVALID,
        `a test of ${where()} in ${src.file} must have exactly one key, the test name (got ${keys.map((k) => `'${k}'`).join(', ') || 'none'})`,
        location,
        "write each test as its own list item, e.g. '- unique' and '- not_null'",
      );
      return undefined;
    }
    name = keys[0]!;
    if (!checkName(name, src, [...path, name], bag)) return undefined;
    const value = entry[name];
    bodyPath = [...path, name];
    if (value === null || value === undefined) body = {};
    else if (isPlainObject(value)) body = value;
    else {
      bag.error(INVALID, `the arguments of test '${name}' of ${where()} in ${src.file} must be a mapping`, src.locate(bodyPath));
      return undefined;
    }
  }
  if (body.name !== undefined) {
    if (typeof body.name !== 'string') {
      bag.error(INVALID, `the name of test '${name}' of ${where()} in ${src.file} must be a string`, src.locate([...bodyPath, 'name']));
      return undefined;
    }
    customName = body.name;
  }
  // dbt keeps a test's description out of its arguments (and so out of its name).
  if (body.description !== undefined && body.description !== null && typeof body.description !== 'string') {
    bag.error(INVALID, `the description of test '${name}' of ${where()} in ${src.file} must be a string`, src.locate([...bodyPath, 'description']));
    return undefined;
  }
  const args: Record<string, unknown> = {};
  const rawConfig: Record<string, unknown> = {};
  const configPaths = new Map<string, YamlPath>();
  for (const [key, value] of Object.entries(body)) {
    if (key === 'name' || key === 'description') continue;
    if (key === 'config' || key === 'arguments') {
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value)) {
        bag.error(INVALID, `'${key}' of test '${name}' of ${where()} in ${src.file} must be a mapping`, src.locate([...bodyPath, key]));
        return undefined;
      }
      if (key === 'arguments') Object.assign(args, value);
      continue;
    }
    if (CONFIG_KEYS.has(key)) {
      rawConfig[key] = value;
      configPaths.set(key, [...bodyPath, key]);
    } else {
      args[key] = value;
    }
  }
  // The config block wins over config keys written beside the arguments.
  if (isPlainObject(body.config)) {
    for (const [key, value] of Object.entries(body.config)) {
      rawConfig[key] = value;
      configPaths.set(key, [...bodyPath, 'config', key]);
    }
  }
  const errors = bag.errors.length;
  const config = normalizeConfig(rawConfig, (key) => src.locate(configPaths.get(key) ?? bodyPath, 'key'), bag);
  if (bag.errors.length > errors) return undefined;
  const test: ColumnTestDef = { name, args, config, location };
  if (customName !== undefined) test.customName = customName;
  if (typeof body.description === 'string') test.description = body.description;
  return test;
}

function checkName(name: string, src: YamlSource, path: YamlPath, bag: DiagnosticBag): boolean {
  if (TEST_NAME.test(name)) return true;
  bag.error(
    INVALID,
    `'${name}' in ${src.file} is not a valid test name (expected a name like 'not_null' or 'my_package.my_test')`,
    src.locate(path, 'key'),
  );
  return false;
}
