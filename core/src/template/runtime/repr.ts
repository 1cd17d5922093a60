/**
 * Printing values the way Jinja2 (that is, Python's str() and repr()) prints them: `None`, `True`,
 * `['a', 1, None]`, `{'a': 1}`, `(1,)`, `2.0`, `1e+16`. Objects with their own toString (a Relation returned
 * by ref()) print with it.
 */
import { PyFloat, TUPLE, Undefined, VIEW, fromJsDate, isDict, isTuple } from './values.js';

/** Python's repr() of a float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Python repr() of a str. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code === 0x2028 || code === 0x2029) out += '\\u' + code.toString(16);
    else out += ch;
  }
  return out + quote;
}

function hasCustomToString(value: object): boolean {
  const fn = (value as { toString?: unknown }).toString;
  return typeof fn === 'function' && fn !== Object.prototype.toString && fn !== Function.prototype.toString;
}

function numberStr(value: number): string {
  if (Number.isInteger(value)) return Object.is(value, -0) ? '0' : Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  return floatRepr(value);
}

/** Python str() of a value, as `{{ value }}` prints it. */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberStr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return '';
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (value === null) return 'None';
  if (value instanceof Undefined) return '';
  return pyRepr(value);
}

/** Python repr() of a value, as it appears inside a printed list or dict. */
export function pyRepr(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return strRepr(value);
    case 'number':
      return numberStr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'undefined':
      return 'Undefined';
    case 'bigint':
      return value.toString();
    case 'function':
      return hasCustomToString(value) ? String(value) : `<function ${value.name || '<lambda>'}>`;
    default:
      break;
  }
  if (value === null) return 'None';
  if (value instanceof Date) return String(fromJsDate(value));
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof Undefined) return 'Undefined';
  if (Array.isArray(value)) {
    const label = (value as { [VIEW]?: string })[VIEW];
    if (label !== undefined && label.includes('(')) return label;
    const inner = value.map(pyRepr).join(', ');
    if (label !== undefined) return `${label}([${inner}])`;
    if ((value as { [TUPLE]?: boolean })[TUPLE] && isTuple(value)) return value.length === 1 ? `(${inner},)` : `(${inner})`;
    return `[${inner}]`;
  }
  if (isDict(value)) {
    const parts: string[] = [];
    for (const key of Object.keys(value)) parts.push(`${strRepr(key)}: ${pyRepr(value[key])}`);
    return `{${parts.join(', ')}}`;
  }
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  if (value instanceof Set) return value.size === 0 ? 'set()' : `{${[...value].map(pyRepr).join(', ')}}`;
  if (hasCustomToString(value as object)) return String(value);
  const ctor = (value as object).constructor;
  return `<${ctor && ctor.name ? ctor.name : 'object'} object>`;
}
