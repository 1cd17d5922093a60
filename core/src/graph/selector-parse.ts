/**
 * dbt's node selection syntax, parsed. Within one `--select` argument a space is a union and a comma an
 * intersection (comma binds tighter: `a,b c` = (a ∩ b) ∪ c). Each atom is
 *
 *     [@ | [N]+] [method[.key]:]value [+[N]]
 *
 * e.g. `stg_orders`, `+fct_sales`, `2+dim_customer+1`, `@stg_orders`, `tag:nightly+`,
 * `config.materialized:incremental`, `source:shop.orders`.
 */
import { XformError, didYouMeanHint } from '../errors.js';
import type { ResourceType } from './types.js';

export type SelectorMethod =
  | 'name'
  | 'fqn'
  | 'tag'
  | 'path'
  | 'layer'
  | 'config'
  | 'source'
  | 'resource_type'
  | 'package'
  | 'test_type'
  | 'test_name'
  | 'file'
  | 'state'
  | 'result'
  | 'source_status';

/** Methods a user can write before `:` (`name` is the implicit default and cannot be written). */
export const SELECTOR_METHODS: readonly SelectorMethod[] = [
  'fqn',
  'tag',
  'path',
  'layer',
  'config',
  'source',
  'resource_type',
  'package',
  'test_type',
  'test_name',
  'file',
  'state',
  'result',
  'source_status',
];

/** `state:` values, as in dbt. */
export const STATE_VALUES = [
  'new',
  'old',
  'modified',
  'unmodified',
  'modified.body',
  'modified.configs',
  'modified.relation',
  'modified.persisted_descriptions',
  'modified.macros',
  'modified.contract',
] as const;
export type StateValue = (typeof STATE_VALUES)[number];

/** `source_status:` values dbt knows. */
export const SOURCE_STATUS_VALUES = ['fresher'] as const;

export const RESOURCE_TYPES: readonly ResourceType[] = ['model', 'seed', 'source', 'test', 'snapshot', 'unit_test'];

/** `data`/`schema` are dbt's older names for singular/generic tests. */
export const TEST_TYPES = ['generic', 'singular', 'unit', 'data', 'schema'] as const;

export interface GraphOperator {
  /** Edges to follow; undefined = no limit. */
  depth?: number;
}

export interface SelectorAtom {
  kind: 'atom';
  /** The atom as written. */
  raw: string;
  method: SelectorMethod;
  /** For `config.<key>:`, the key path, e.g. ['materialized'] or ['meta', 'owner']. */
  configKey?: string[];
  value: string;
  /** Leading `+` / `N+`: also select ancestors. */
  parents?: GraphOperator;
  /** Trailing `+` / `+N`: also select descendants. */
  children?: GraphOperator;
  /** Leading `@`: the node, its descendants, and every ancestor of those descendants. */
  childrensParents: boolean;
}

export interface SelectorSet {
  kind: 'union' | 'intersection';
  raw: string;
  items: SelectorExpr[];
}

export type SelectorExpr = SelectorAtom | SelectorSet;

const ATOM = /^(@)?(?:(\d*)\+)?(?:([\w.]+):)?(.*?)(?:\+(\d*))?$/s;

/** Parses one selection argument. Throws XFORM_BAD_SELECTOR for an unknown method or a malformed atom. */
export function parseSelector(text: string): SelectorExpr {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) throw bad(text, 'the selector is empty');
  const union = words.map((word): SelectorExpr => {
    const parts = word.split(',');
    if (parts.some((p) => p === '')) throw bad(word, "an intersection needs a selector on both sides of ','");
    const atoms = parts.map(parseAtom);
    return atoms.length === 1 ? atoms[0]! : { kind: 'intersection', raw: word, items: atoms };
  });
  return union.length === 1 ? union[0]! : { kind: 'union', raw: text.trim(), items: union };
}

function parseAtom(raw: string): SelectorAtom {
  const m = ATOM.exec(raw);
  if (m === null) throw bad(raw, 'expected [@|N+][method:]value[+N]');
  const [, at, parentsDepth, methodText, value = '', childrenDepth] = m;
  if (value === '') throw bad(raw, 'the selector has no value');
  if (at !== undefined && parentsDepth !== undefined) throw bad(raw, "'@' cannot be combined with a leading '+'");

  let method: SelectorMethod = 'name';
  let configKey: string[] | undefined;
  if (methodText !== undefined) {
    const [head, ...rest] = methodText.split('.');
    if (head === 'config') {
      if (rest.length === 0 || rest.some((k) => k === '')) {
        throw bad(raw, "'config' needs a key, e.g. config.materialized:table");
      }
      configKey = rest;
      method = 'config';
    } else if (rest.length === 0 && (SELECTOR_METHODS as readonly string[]).includes(head!)) {
      method = head as SelectorMethod;
    } else {
      throw new XformError('XFORM_BAD_SELECTOR', `unknown selector method '${methodText}' in '${raw}'`, {
        hint: didYouMeanHint(methodText, [...SELECTOR_METHODS.filter((x) => x !== 'config'), 'config.materialized']) ?? `methods: ${SELECTOR_METHODS.join(', ')}`,
      });
    }
  } else if (value.includes('/') || value.includes('\\') || /\.(sql|csv|ya?ml|py)$/.test(value)) {
    // A bare path is a path selector, as in dbt.
    method = 'path';
  }

  if (method === 'resource_type' && !(RESOURCE_TYPES as readonly string[]).includes(value)) {
    throw new XformError('XFORM_BAD_SELECTOR', `unknown resource type '${value}' in '${raw}'`, {
      hint: didYouMeanHint(value, RESOURCE_TYPES) ?? `resource types: ${RESOURCE_TYPES.join(', ')}`,
    });
  }
  if (method === 'test_type' && !(TEST_TYPES as readonly string[]).includes(value)) {
    throw new XformError('XFORM_BAD_SELECTOR', `unknown test type '${value}' in '${raw}'`, {
      hint: didYouMeanHint(value, TEST_TYPES) ?? 'test types: generic, singular, unit',
    });
  }

  if (method === 'state' && !(STATE_VALUES as readonly string[]).includes(value)) {
    throw new XformError('XFORM_BAD_SELECTOR', `unknown state '${value}' in '${raw}'`, {
      hint: didYouMeanHint(value, STATE_VALUES) ?? `states: ${STATE_VALUES.join(', ')}`,
    });
  }
  if (method === 'source_status' && !(SOURCE_STATUS_VALUES as readonly string[]).includes(value)) {
    throw new XformError('XFORM_BAD_SELECTOR', `unknown source status '${value}' in '${raw}'`, {
      hint: didYouMeanHint(value, SOURCE_STATUS_VALUES) ?? `source statuses: ${SOURCE_STATUS_VALUES.join(', ')}`,
    });
  }

  const atom: SelectorAtom = { kind: 'atom', raw, method, value, childrensParents: at !== undefined };
  if (configKey !== undefined) atom.configKey = configKey;
  if (parentsDepth !== undefined) atom.parents = operator(parentsDepth);
  if (childrenDepth !== undefined) atom.children = operator(childrenDepth);
  return atom;
}

function operator(depth: string): GraphOperator {
  return depth === '' ? {} : { depth: Number(depth) };
}

function bad(raw: string, why: string): XformError {
  return new XformError('XFORM_BAD_SELECTOR', `invalid selector '${raw}': ${why}`, {
    hint: 'selectors look like name, +name, name+, 2+name+1, @name, tag:x, path:models/staging, config.materialized:table',
  });
}
