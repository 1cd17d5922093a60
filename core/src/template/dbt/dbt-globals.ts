/**
 * The dbt context functions that do not depend on the node being rendered: `return`, `log`, `print`,
 * `exceptions`, `adapter.dispatch`, `modules` (datetime, re, itertools), `tojson`/`fromjson`,
 * `toyaml`/`fromyaml`, `set`, `zip` (and their `_strict` forms), `diff_of_two_dicts`, `local_md5`. The compile layer adds the per-node ones (ref, source, config, this...).
 */
import { createHash } from 'node:crypto';
import { XformError, didYouMeanHint } from '../../errors.js';
import { nativeFunction, type Kwargs } from '../runtime/callables.js';
import { pyJsonDumps } from '../runtime/json.js';
import { ReturnSignal } from '../runtime/macro.js';
import { pyStr } from '../runtime/repr.js';
import { arg } from '../runtime/str-methods.js';
import { isDict, isUndefined, truthy } from '../runtime/values.js';
import type { MacroNamespaces } from '../namespaces.js';
import { datetimeModule } from './py-datetime.js';
import { itertoolsModule, pySet, pyZip } from './py-itertools.js';
import { reModule } from './py-re.js';
import { fromYaml, toYaml } from './py-yaml.js';

/** Where `log()`, `print()` and `exceptions.warn()` messages go. */
export type LogFn = (message: string, level: 'debug' | 'info' | 'warn') => void;

/** One entry of the project's `dispatch:` config. */
export interface DispatchEntry {
  macro_namespace: string;
  /** Packages searched in order (the root project's name, installed packages, `dbt`). */
  search_order: string[];
}

export interface DbtGlobalsOptions {
  adapterType: string;
  /** The project's macros, looked up by `adapter.dispatch` at call time. */
  macros: MacroNamespaces;
  /** The project's `dispatch:` config. Default: none. */
  dispatch?: DispatchEntry[];
  log?: LogFn;
}

/**
 * Adapters whose dispatch falls back to a parent's implementations before `default__` (dbt: the plugin's
 * `dependencies`). None of xform's adapters has one: dbt-duckdb, dbt-postgres, dbt-bigquery and
 * dbt-snowflake declare no parent, so `duckdb__` falls back to `default__`, never to `postgres__`.
 */
const ADAPTER_PARENTS: Record<string, string[]> = {};

function adapterPrefixes(adapterType: string): string[] {
  return [adapterType, ...(ADAPTER_PARENTS[adapterType] ?? []), 'default'];
}

/** The packages dispatch searches for `namespace`; null stands for the ordinary lookup of a bare name. */
function searchOrder(options: DbtGlobalsOptions, namespace: string | null): (string | null)[] {
  if (namespace === null) return [null];
  const configured = options.dispatch?.find((d) => d.macro_namespace === namespace)?.search_order;
  if (configured && configured.length > 0) return configured;
  return options.macros.hasPackage(namespace) ? [options.macros.root, namespace] : [null];
}

/** The name a dispatch on `namespace` records among a render's lookups. */
export const DISPATCH_LOOKUP = 'dispatch:';

/**
 * What decides a dispatch on the namespace in `lookup` (`dispatch:<namespace>`, empty for none) besides
 * the macros it probes: the adapter prefixes and the search order. The partial-parse cache compares it,
 * so a changed `dispatch:` config or target type renders again.
 */
export function describeDispatch(options: DbtGlobalsOptions, lookup: string): string {
  const namespace = lookup.slice(DISPATCH_LOOKUP.length);
  const order = searchOrder(options, namespace === '' ? null : namespace);
  return `${adapterPrefixes(options.adapterType).join(',')}|${order.map((p) => p ?? '').join(',')}`;
}

/**
 * dbt's adapter.dispatch(macro_name, macro_namespace=None): the packages to search are the `dispatch:`
 * search order of the namespace, else [root project, namespace] when the namespace is a known package,
 * else the ordinary lookup of a bare name; in each, `<adapter>__name`, the parents', then `default__name`.
 */
function dispatch(options: DbtGlobalsOptions) {
  const { macros } = options;
  const prefixes = adapterPrefixes(options.adapterType);
  return nativeFunction((args: unknown[], kwargs: Kwargs) => {
    const name = pyStr(arg(args, kwargs, 0, 'macro_name'));
    const namespace = arg(args, kwargs, 1, 'macro_namespace', null);
    if (name.includes('.')) {
      const [pkg, rest] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
      throw new XformError('XFORM_DISPATCH_ARGUMENT', `adapter.dispatch() got the macro name '${name}', but '.' is not part of a macro name`, {
        hint: `did you mean adapter.dispatch('${rest}', macro_namespace='${pkg}')?`,
      });
    }
    if (arg(args, kwargs, 2, 'packages', null) !== null) {
      throw new XformError('XFORM_DISPATCH_ARGUMENT', `adapter.dispatch('${name}') got 'packages', which dbt no longer accepts`, {
        hint: "give macro_namespace='<package>' and list the packages under dispatch: in the project file",
      });
    }
    if (namespace !== null && !isUndefined(namespace) && typeof namespace !== 'string') {
      throw new XformError('XFORM_DISPATCH_ARGUMENT', `adapter.dispatch('${name}') got a macro_namespace that is not a string: ${pyStr(namespace)}`);
    }
    const ns = typeof namespace === 'string' ? namespace : null;
    macros.lookups?.add(`${DISPATCH_LOOKUP}${ns ?? ''}`);
    const search = searchOrder(options, ns);
    const attempts: string[] = [];
    for (const pkg of search) {
      for (const prefix of prefixes) {
        const candidate = `${prefix}__${name}`;
        const macro = pkg === null ? macros.find(candidate) : macros.fromPackage(pkg, candidate);
        attempts.push(pkg === null ? candidate : `${pkg}.${candidate}`);
        if (macro) return macro;
      }
    }
    const where = typeof namespace === 'string' ? ` in namespace '${namespace}'` : '';
    throw new XformError('XFORM_MACRO_NOT_FOUND', `adapter.dispatch('${name}') found no macro${where}: searched for ${attempts.map((a) => `'${a}'`).join(', ')}`, {
      hint: didYouMeanHint(`default__${name}`, macros.names()) ?? `define one of them in a macro file`,
    });
  });
}

function withDefault(fn: (value: unknown, kwargs: Kwargs, args: unknown[]) => unknown) {
  return nativeFunction((args: unknown[], kwargs: Kwargs) => {
    try {
      return fn(args[0], kwargs, args);
    } catch {
      const fallback = arg(args, kwargs, 1, 'default', null);
      return fallback;
    }
  });
}

/** dbt's diff_of_two_dicts: dict_a's values missing from dict_b under the same key, compared without case. */
function diffOfTwoDicts(a: unknown, b: unknown): Record<string, unknown> {
  if (!isDict(a) || !isDict(b)) return {};
  const fold = (v: unknown) => pyStr(v).toLowerCase();
  const lowered = new Map(Object.entries(b).map(([k, v]) => [fold(k), Array.isArray(v) ? v.map(fold) : []]));
  const out: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(a)) {
    const other = lowered.get(fold(key));
    if (other === undefined) out[key] = values;
    else {
      const diff = (Array.isArray(values) ? values : []).filter((v) => !other.includes(fold(v)));
      if (diff.length > 0) out[key] = diff;
    }
  }
  return out;
}

/** The error dbt's `exceptions.<name>(...)` raises, as an XformError with a stable code. */
function raiser(code: string, message: (args: unknown[], kwargs: Kwargs) => string) {
  return nativeFunction((args: unknown[], kwargs: Kwargs) => {
    throw new XformError(code, message(args, kwargs));
  });
}

const nameOf = (value: unknown): string => {
  const name = isDict(value) ? value.name : undefined;
  return pyStr(name ?? value);
};

/** dbt's `exceptions` context namespace (dbt/context/exceptions_jinja.py), for what packages call. */
function exceptionsNamespace(log: (message: unknown, level: 'debug' | 'info' | 'warn') => void): Record<string, unknown> {
  const msg = (args: unknown[], kwargs: Kwargs) => pyStr(arg(args, kwargs, 0, 'msg', ''));
  return {
    raise_compiler_error: raiser('XFORM_COMPILER_ERROR', msg),
    raise_not_implemented: raiser('XFORM_NOT_IMPLEMENTED', msg),
    raise_database_error: raiser('XFORM_DATABASE_ERROR', msg),
    raise_dependency_error: raiser('XFORM_DEPENDENCY_ERROR', msg),
    raise_fail_fast_error: raiser('XFORM_FAIL_FAST', msg),
    raise_cache_inconsistent: raiser('XFORM_CACHE_INCONSISTENT', (args, kwargs) => pyStr(arg(args, kwargs, 0, 'message', ''))),
    missing_relation: raiser('XFORM_RELATION_NOT_FOUND', (args, kwargs) => `relation ${pyStr(arg(args, kwargs, 0, 'relation'))} not found`),
    relation_wrong_type: raiser(
      'XFORM_RELATION_WRONG_TYPE',
      (args, kwargs) => `relation ${pyStr(arg(args, kwargs, 0, 'relation'))} is not a ${pyStr(arg(args, kwargs, 1, 'expected_type'))}`,
    ),
    missing_config: raiser('XFORM_CONFIG_REQUIRED', (args, kwargs) => `config '${pyStr(arg(args, kwargs, 1, 'name'))}' is required by ${nameOf(arg(args, kwargs, 0, 'model'))}`),
    missing_materialization: raiser(
      'XFORM_MATERIALIZATION_NOT_FOUND',
      (args, kwargs) => `no materialization for ${nameOf(arg(args, kwargs, 0, 'model'))} on adapter ${pyStr(arg(args, kwargs, 1, 'adapter_type'))}`,
    ),
    column_type_missing: raiser('XFORM_CONTRACT_ERROR', (args, kwargs) => `contracted columns have no data_type: ${pyStr(arg(args, kwargs, 0, 'column_names'))}`),
    raise_contract_error: raiser('XFORM_CONTRACT_ERROR', () => "the model's columns do not match its contract"),
    warn: nativeFunction((args: unknown[], kwargs: Kwargs) => {
      log(arg(args, kwargs, 0, 'msg', ''), 'warn');
      return '';
    }),
  };
}

export function dbtGlobals(options: DbtGlobalsOptions): Record<string, unknown> {
  const log = (message: unknown, level: 'debug' | 'info' | 'warn') => options.log?.(pyStr(message), level);
  return {
    return: nativeFunction((args: unknown[]) => {
      throw new ReturnSignal(args.length > 0 ? args[0] : null);
    }),
    log: nativeFunction((args: unknown[], kwargs: Kwargs) => {
      log(arg(args, kwargs, 0, 'msg', ''), truthy(arg(args, kwargs, 1, 'info', false)) ? 'info' : 'debug');
      return '';
    }),
    print: nativeFunction((args: unknown[]) => {
      log(args.map(pyStr).join(' '), 'info');
      return '';
    }),
    exceptions: exceptionsNamespace(log),
    adapter: { dispatch: dispatch(options) },
    modules: { datetime: datetimeModule, re: reModule, itertools: itertoolsModule },
    set: withDefault((value) => pySet(value)),
    set_strict: nativeFunction((args: unknown[]) => pySet(args[0])),
    zip: nativeFunction((args: unknown[], kwargs: Kwargs) => {
      try {
        return pyZip(args);
      } catch {
        return kwargs.default ?? null;
      }
    }),
    zip_strict: nativeFunction((args: unknown[]) => pyZip(args)),
    diff_of_two_dicts: nativeFunction((args: unknown[], kwargs: Kwargs) => diffOfTwoDicts(arg(args, kwargs, 0, 'dict_a'), arg(args, kwargs, 1, 'dict_b'))),
    tojson: withDefault((value, kwargs, args) => pyJsonDumps(value, { sortKeys: truthy(arg(args, kwargs, 2, 'sort_keys', false)) })),
    fromjson: withDefault((value) => JSON.parse(pyStr(value))),
    toyaml: withDefault((value, kwargs, args) => toYaml(value, truthy(arg(args, kwargs, 2, 'sort_keys', false)))),
    fromyaml: withDefault((value) => fromYaml(pyStr(value))),
    local_md5: nativeFunction((args: unknown[]) => createHash('md5').update(pyStr(args[0]), 'utf8').digest('hex')),
  };
}
