/**
 * dbt's toyaml/fromyaml are PyYAML's safe_dump/safe_load: YAML 1.1 (yes/no/on/off are booleans, and
 * strings that read as one are quoted), single-quoted strings, floats kept as floats (`1.0`). Dates are
 * left as text: a template prints them the same way.
 */
import type { Tags } from 'yaml';
import { yamlLib } from '../../project/yaml-lib.js';
import { toJs } from '../runtime/callables.js';
import { PyFloat, Undefined, isDict, makeFloat } from '../runtime/values.js';

const TIMESTAMP = 'tag:yaml.org,2002:timestamp';
const withoutTimestamps = (tags: Tags) => tags.filter((t) => (typeof t === 'string' ? t !== 'timestamp' : t.tag !== TIMESTAMP));

function yamlValue(value: unknown, sortKeys: boolean): unknown {
  if (value instanceof PyFloat) {
    const scalar = new (yamlLib().Scalar)(value.value);
    if (Number.isInteger(value.value)) scalar.minFractionDigits = 1;
    return scalar;
  }
  if (value instanceof Undefined) return null;
  if (Array.isArray(value)) return value.map((v) => yamlValue(v, sortKeys));
  if (isDict(value)) {
    const keys = sortKeys ? Object.keys(value).sort() : Object.keys(value);
    return Object.fromEntries(keys.map((k) => [k, yamlValue(value[k], sortKeys)]));
  }
  return toJs(value);
}

export function toYaml(value: unknown, sortKeys: boolean): string {
  const doc = new (yamlLib().Document)(yamlValue(value, sortKeys), { version: '1.1', customTags: withoutTimestamps });
  // PyYAML's block style: sequences inside mappings are not indented.
  return doc.toString({ indentSeq: false, singleQuote: true });
}

export function fromYaml(text: string): unknown {
  const { isScalar, parseDocument, visit } = yamlLib();
  const doc = parseDocument(text, { version: '1.1', customTags: withoutTimestamps });
  if (doc.errors.length > 0) throw doc.errors[0];
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'number') return;
      const source = node.source === undefined ? '' : String(node.source);
      // PyYAML's YAML 1.1 floats need a dot: `1e3` stays text.
      if (/^[-+]?[0-9][0-9_]*[eE]/.test(source)) node.value = source;
      else if (/[.eE]|inf|nan/i.test(source)) node.value = makeFloat(node.value);
    },
  });
  return doc.toJS() ?? null;
}
