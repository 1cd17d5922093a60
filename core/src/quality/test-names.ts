/**
 * Generic test names and ids exactly as dbt builds them, so that a project's stored failures, selectors
 * (`-s accepted_values_orders_...`) and unique_ids are the same under xform as under dbt:
 *
 * - the name is `<test>_<target>_<argument values>`: values sorted by argument name (`column_name` is an
 *   argument), a list or mapping contributing its items one level deep, each as Python's `str()` would
 *   print it with every run of characters outside [0-9a-zA-Z_] turned into `_`, joined by `__`;
 * - a name of 64 characters or more stays the node's name, while its file and default alias become the
 *   first 30 characters of `<test>_<target>` plus the md5 of the whole name;
 * - the unique_id ends in the last 10 hex digits of md5(name + Python repr of the test's metadata).
 *
 * Python's str()/repr() matter because dbt prints YAML values with them (`True`, `None`, `['a', 'b']`).
 */
import { hash } from 'node:crypto';

/** Names of this length or more are shortened for files and relations (dbt's limit). */
const LONG_NAME = 64;
const ID_HASH_LENGTH = 10;

// One-shot hashing: a Hash object per test was a noticeable part of 15,000 tests' ids.
const md5 = (text: string) => hash('md5', text, 'hex');

function pyNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  // JS and Python agree on shortest round-trip digits; Python pads exponents to two digits.
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Characters pyReprString escapes whatever the quote: backslash and control characters. */
const NEEDS_ESCAPE = /[\\\x00-\x1f\x7f]/;

/** Python's repr() of a string: single quotes unless the text holds one and no double quote. */
export function pyReprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  // Most values (column names, relation calls) need no escape: one test instead of a loop per character.
  if (!NEEDS_ESCAPE.test(text) && !text.includes(quote)) return quote + text + quote;
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a YAML value. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return pyReprString(value);
  return pyStr(value);
}

/** Python's str() of a YAML value (strings as they are; containers print their items with repr()). */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyReprString(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

export interface TestNames {
  /** The node's name, fqn and unique_id part: never shortened. */
  name: string;
  /** The name of its compiled file and its default alias: `name`, or shortened with a hash when long. */
  shortName: string;
}

/**
 * @param testType the test, prefixed as dbt does: `source_` for tests on source tables, then the
 *   package namespace (`dbt_utils_expression_is_true`)
 * @param target the tested model/seed/snapshot name, or `<source>_<table>`
 * @param args the test's arguments including `column_name`, without config, `name` and `description`
 */
export function synthesizeTestNames(testType: string, target: string, args: Record<string, unknown>): TestNames {
  const parts: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const value = args[key];
    const items = Array.isArray(value) ? value : value !== null && typeof value === 'object' && !(value instanceof Date) ? Object.values(value) : [value];
    for (const item of items) parts.push(pyStr(item).replace(/[^0-9a-zA-Z_]+/g, '_'));
  }
  const identifier = `${testType}_${target}`;
  const name = `${identifier}_${parts.join('__')}`;
  if (name.length < LONG_NAME) return { name, shortName: name };
  return { name, shortName: `${identifier.slice(0, 30)}_${md5(name)}` };
}

/**
 * Python's repr() of the form dbt hashes test metadata in: mappings with their keys sorted, every leaf as its
 * str() (so `True` is `'True'`). Written straight from the value, without building that form first.
 */
function hashableRepr(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(hashableRepr).join(', ')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${pyReprString(key)}: ${hashableRepr(record[key])}`)
      .join(', ')}}`;
  }
  return pyReprString(pyStr(value));
}

/**
 * The hash ending a generic test's unique_id. `kwargs` are the macro's arguments as written in YAML plus
 * `column_name` and `model` (see modelArgument).
 */
export function testIdHash(name: string, test: { name: string; namespace?: string; kwargs: Record<string, unknown> }): string {
  const metadata = { kwargs: test.kwargs, name: test.name, namespace: test.namespace ?? null };
  return md5(name + hashableRepr(metadata)).slice(-ID_HASH_LENGTH);
}

/** The `model` argument dbt records for a test: the tested relation, as written in its generated SQL. */
export function modelArgument(target: { kind: 'ref'; name: string } | { kind: 'source'; source: string; table: string }): string {
  const call = target.kind === 'ref' ? `ref('${target.name}')` : `source('${target.source}', '${target.table}')`;
  return `{{ get_where_subquery(${call}) }}`;
}
