/**
 * Python's json.dumps output (`{"a": 1, "b": [1.0, null]}`: ", " and ": " separators, ASCII-only, floats
 * printed like Python), used by the `tojson` filter (Jinja2 sorts keys and escapes <, >, &, ') and by dbt's
 * `tojson()` global.
 */
import { floatRepr } from './repr.js';
import { PyFloat, Undefined, isDict, typeError, typeName } from './values.js';

export interface JsonOptions {
  /** Sort dict keys. Default false (json.dumps' default). */
  sortKeys?: boolean;
  /** Pretty-print with this many spaces (or this string) per level. Default: one line. */
  indent?: number | string | null;
  /** Escape non-ASCII characters as \uXXXX. Default true, like json.dumps. */
  ensureAscii?: boolean;
}

function quote(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

export function pyJsonDumps(value: unknown, options: JsonOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indentUnit = typeof options.indent === 'number' ? ' '.repeat(options.indent) : (options.indent ?? null);
  const dump = (v: unknown, depth: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return quote(v, ensureAscii);
    if (typeof v === 'number' || v instanceof PyFloat) {
      const n = Number(v);
      if (Number.isNaN(n)) return 'NaN';
      if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
      return v instanceof PyFloat || !Number.isInteger(n) ? floatRepr(n) : String(n);
    }
    let entries: [string | null, unknown][];
    let open: string;
    let close: string;
    if (Array.isArray(v)) {
      entries = v.map((item) => [null, item]);
      [open, close] = ['[', ']'];
    } else if (isDict(v)) {
      const keys = Object.keys(v);
      if (options.sortKeys) keys.sort();
      entries = keys.map((k) => [k, v[k]]);
      [open, close] = ['{', '}'];
    } else {
      const what = v instanceof Undefined || v === undefined ? 'Undefined' : typeName(v);
      throw typeError(`Object of type ${what} is not JSON serializable`);
    }
    if (entries.length === 0) return open + close;
    const parts = entries.map(([k, item]) => (k === null ? '' : quote(k, ensureAscii) + ': ') + dump(item, depth + 1));
    if (indentUnit === null) return open + parts.join(', ') + close;
    const inner = '\n' + indentUnit.repeat(depth + 1);
    return open + inner + parts.join(',' + inner) + '\n' + indentUnit.repeat(depth) + close;
  };
  return dump(value, 0);
}

/** Jinja2's `tojson` filter: sorted keys, and HTML-significant characters escaped. */
export function htmlSafeJson(value: unknown, indent: number | string | null = null): string {
  return pyJsonDumps(value, { sortKeys: true, indent })
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/'/g, '\\u0027');
}
