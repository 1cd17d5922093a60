/**
 * The dbt context functions that do not depend on the node being rendered: `return`, `log`, `print`,
 * `exceptions`, `adapter.dispatch`, `modules` (datetime, re), `tojson`/`fromjson`, `toyaml`/`fromyaml`,
 * `local_md5`. The compile layer adds the per-node ones (ref, source, config, this...).
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { XformError, didYouMeanHint } from '../../errors.js';
import { nativeFunction, toJs, type Kwargs } from '../runtime/callables.js';
import { pyJsonDumps } from '../runtime/json.js';
import { ReturnSignal, type Macro } from '../runtime/macro.js';
import { pyStr } from '../runtime/repr.js';
import { arg } from '../runtime/str-methods.js';
import { isDict, truthy } from '../runtime/values.js';
import { datetimeModule } from './py-datetime.js';
import { reModule } from './py-re.js';

/** Where `log()`, `print()` and `exceptions.warn()` messages go. */
export type LogFn = (message: string, level: 'debug' | 'info' | 'warn') => void;

export interface DbtGlobalsOptions {
  adapterType: string;
  /** The project's macros, looked up by `adapter.dispatch` at call time. */
  macros: ReadonlyMap<string, Macro>;
  log?: LogFn;
}

function dispatch(options: DbtGlobalsOptions) {
  return nativeFunction((args: unknown[], kwargs: Kwargs) => {
    const name = pyStr(arg(args, kwargs, 0, 'macro_name'));
    const candidates = [`${options.adapterType}__${name}`, `default__${name}`];
    for (const candidate of candidates) {
      const macro = options.macros.get(candidate);
      if (macro) return macro;
    }
    throw new XformError(
      'XFORM_MACRO_NOT_FOUND',
      `adapter.dispatch('${name}') found no macro named '${candidates[0]}' or '${candidates[1]}'`,
      { hint: didYouMeanHint(candidates[1]!, options.macros.keys()) ?? `define one of them in a macro file` },
    );
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

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (isDict(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeysDeep(value[k])]),
    );
  }
  return value;
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
    exceptions: {
      raise_compiler_error: nativeFunction((args: unknown[], kwargs: Kwargs) => {
        throw new XformError('XFORM_COMPILER_ERROR', pyStr(arg(args, kwargs, 0, 'msg', '')));
      }),
      raise_not_implemented: nativeFunction((args: unknown[], kwargs: Kwargs) => {
        throw new XformError('XFORM_NOT_IMPLEMENTED', pyStr(arg(args, kwargs, 0, 'msg', '')));
      }),
      warn: nativeFunction((args: unknown[], kwargs: Kwargs) => {
        log(arg(args, kwargs, 0, 'msg', ''), 'warn');
        return '';
      }),
    },
    adapter: { dispatch: dispatch(options) },
    modules: { datetime: datetimeModule, re: reModule },
    tojson: withDefault((value, kwargs, args) => pyJsonDumps(value, { sortKeys: truthy(arg(args, kwargs, 2, 'sort_keys', false)) })),
    fromjson: withDefault((value) => JSON.parse(pyStr(value))),
    toyaml: withDefault((value, kwargs, args) => {
      const sortKeys = truthy(arg(args, kwargs, 2, 'sort_keys', false));
      const plain = toJs(value);
      // PyYAML's block style: sequences inside mappings are not indented.
      return stringifyYaml(sortKeys ? sortKeysDeep(plain) : plain, { indentSeq: false });
    }),
    fromyaml: withDefault((value) => parseYaml(pyStr(value)) ?? null),
    local_md5: nativeFunction((args: unknown[]) => createHash('md5').update(pyStr(args[0]), 'utf8').digest('hex')),
  };
}
