/**
 * Python string formatting: printf-style `'%s and %05.2f' % (a, b)` (also the `format` filter) and
 * `'{} {name:>10}'.format(...)` with the format-spec mini-language. Numbers round like Python (half to even
 * on the exact binary value), not like JavaScript's toFixed (half up).
 */
import { pyRepr, pyStr } from './repr.js';
import { PyFloat, PyError, hasOwn, isDict, isFloat, isTuple, typeError, typeName, valueError } from './values.js';

/** `x.toFixed(digits)` with Python's tie-breaking (half to even). */
export function toFixedHalfEven(x: number, digits: number): string {
  const plain = x.toFixed(digits);
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return plain;
  // An exact tie: toFixed rounded away from zero; Python keeps the even neighbour.
  const truncated = exact.slice(0, dot + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(truncated.replace('.', '').slice(-1));
  if (lastDigit % 2 === 1) return plain;
  return (x < 0 && Number(truncated) !== 0 ? '-' : x < 0 ? '-' : '') + truncated;
}

/** Python's round(x, ndigits) on floats. */
export function roundHalfEven(x: number, digits = 0): number {
  if (!Number.isFinite(x)) return x;
  if (digits < 0) {
    const factor = 10 ** -digits;
    return Number(toFixedHalfEven(x / factor, 0)) * factor;
  }
  return Number(toFixedHalfEven(x, Math.min(digits, 100)));
}

interface Spec {
  fill: string;
  align: string;
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  grouping: string;
  precision: number | null;
  type: string;
}

const SPEC_RE = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function parseSpec(spec: string): Spec {
  const m = SPEC_RE.exec(spec);
  if (!m) throw valueError(`Invalid format specifier '${spec}'`);
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[6] ? '=' : ''),
    sign: m[3] ?? '-',
    alt: !!m[5],
    zero: !!m[6],
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] ?? '',
    precision: m[9] !== undefined ? Number(m[9]) : null,
    type: m[10] ?? '',
  };
}

function group(intPart: string, sep: string): string {
  if (!sep) return intPart;
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

function expForm(x: number, precision: number, upper: boolean): string {
  const [m, e] = x.toExponential(precision).split('e') as [string, string];
  const exp = Number(e);
  const text = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return upper ? text.toUpperCase() : text;
}

/** The `g` presentation: fixed or exponential depending on the exponent, trailing zeros dropped. */
function generalForm(x: number, precision: number, alt: boolean, upper: boolean, keepPoint = false): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alt ? `0.${'0'.repeat(p - 1)}` : keepPoint ? '0.0' : '0';
  const exp = Number(x.toExponential(p - 1).split('e')[1]);
  let text: string;
  if (exp >= -4 && exp < p) {
    text = toFixedHalfEven(x, p - 1 - exp);
    if (!alt && text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, keepPoint ? '.0' : '');
    else if (keepPoint && !text.includes('.')) text += '.0';
  } else {
    text = expForm(x, p - 1, upper);
    if (!alt) text = text.replace(/\.?0+(e)/i, '$1');
  }
  return upper ? text.toUpperCase() : text;
}

function formatNumber(value: number, floaty: boolean, spec: Spec): string {
  let type = spec.type;
  if (type === '' && spec.precision === null && !floaty) type = 'd';
  if (type === 'n') type = floaty ? 'g' : 'd';
  if (type !== '' && 'bcdoxX'.includes(type) && floaty) throw valueError(`Unknown format code '${type}' for object of type 'float'`);
  const negative = value < 0 || Object.is(value, -0);
  const abs = Math.abs(value);
  let body: string;
  let prefix = '';
  switch (type) {
    case 'd':
      body = group(String(abs), spec.grouping);
      break;
    case 'b':
    case 'o':
    case 'x':
    case 'X':
      body = abs.toString(type === 'b' ? 2 : type === 'o' ? 8 : 16);
      if (type === 'X') body = body.toUpperCase();
      if (spec.alt) prefix = type === 'X' ? '0X' : `0${type}`;
      break;
    case 'c':
      body = String.fromCodePoint(abs);
      break;
    case 'e':
    case 'E':
      body = expForm(abs, spec.precision ?? 6, type === 'E');
      break;
    case 'f':
    case 'F':
    case '%': {
      const scaled = type === '%' ? abs * 100 : abs;
      const fixed = Number.isFinite(scaled) ? toFixedHalfEven(scaled, spec.precision ?? 6) : scaled === Infinity ? 'inf' : 'nan';
      const [i, f] = fixed.split('.') as [string, string | undefined];
      body = group(i, spec.grouping) + (f !== undefined ? `.${f}` : spec.alt ? '.' : '') + (type === '%' ? '%' : '');
      break;
    }
    case 'g':
    case 'G':
      body = generalForm(abs, spec.precision ?? 6, spec.alt, type === 'G');
      break;
    default: {
      // No type on a float: like 'g', but never without a digit after the point (`2.0`, not `2`).
      body = spec.precision === null ? pyStr(new PyFloat(abs)).replace(/^-/, '') : generalForm(abs, spec.precision, spec.alt, false, true);
      if (spec.grouping) body = body.replace(/^\d+/, (i) => group(i, spec.grouping));
    }
  }
  const sign = negative && !(abs === 0 && !floaty) ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  return pad(sign + prefix, body, spec, '>');
}

function pad(signPrefix: string, body: string, spec: Spec, defaultAlign: string): string {
  const total = signPrefix.length + [...body].length;
  if (spec.width <= total) return signPrefix + body;
  const padding = spec.width - total;
  const align = spec.align || defaultAlign;
  const fill = (n: number) => spec.fill.repeat(n);
  if (align === '<') return signPrefix + body + fill(padding);
  if (align === '^') return fill(Math.floor(padding / 2)) + signPrefix + body + fill(padding - Math.floor(padding / 2));
  if (align === '=') return signPrefix + fill(padding) + body;
  return fill(padding) + signPrefix + body;
}

/** Python's format(value, spec). */
export function formatValue(value: unknown, specText: string): string {
  if (specText === '') return pyStr(value);
  const spec = parseSpec(specText);
  if (typeof value === 'number' || value instanceof PyFloat || typeof value === 'boolean') {
    const n = typeof value === 'boolean' ? Number(value) : Number(value);
    return formatNumber(n, isFloat(value), spec);
  }
  if (value === null || Array.isArray(value) || isDict(value)) {
    throw typeError(`unsupported format string passed to ${typeName(value)}.__format__`);
  }
  if (spec.type && spec.type !== 's') throw valueError(`Unknown format code '${spec.type}' for object of type '${typeName(value)}'`);
  let text = pyStr(value);
  if (spec.precision !== null) text = [...text].slice(0, spec.precision).join('');
  return pad('', text, spec, '<');
}

// ---------------------------------------------------------------- printf style

const PERCENT_RE = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g;

/** `fmt % values`: a tuple supplies positional values, a dict named ones, anything else a single value. */
export function formatPercent(fmt: string, values: unknown): string {
  const positional = isTuple(values) ? [...values] : [values];
  const mapping = isDict(values) ? values : null;
  let index = 0;
  const result = fmt.replace(PERCENT_RE, (_m, key: string | undefined, flags: string, width?: string, precision?: string, type?: string) => {
    if (type === '%') return '%';
    let value: unknown;
    if (key !== undefined) {
      if (!mapping) throw typeError('format requires a mapping');
      if (!hasOwn(mapping, key)) throw new PyError('KeyError', `'${key}'`);
      value = mapping[key];
    } else {
      if (index >= positional.length) throw typeError('not enough arguments for format string');
      value = positional[index++];
    }
    const spec: Spec = {
      fill: flags.includes('0') && !flags.includes('-') ? '0' : ' ',
      align: flags.includes('-') ? '<' : flags.includes('0') ? '=' : '>',
      sign: flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '-',
      alt: flags.includes('#'),
      zero: flags.includes('0'),
      width: width ? Number(width) : 0,
      grouping: '',
      precision: precision !== undefined ? Number(precision) : null,
      type: type!,
    };
    if (type === 's' || type === 'r' || type === 'a') {
      let text = type === 's' ? pyStr(value) : pyRepr(value);
      if (spec.precision !== null) text = text.slice(0, spec.precision);
      return pad('', text, { ...spec, fill: ' ', align: spec.align === '=' ? '>' : spec.align }, '>');
    }
    const n = typeof value === 'boolean' ? Number(value) : value instanceof PyFloat ? value.value : value;
    if (typeof n !== 'number') throw typeError(`%${type} format: a real number is required, not ${typeName(value)}`);
    if ('diu'.includes(type!)) return formatNumber(Math.trunc(n), false, { ...spec, type: 'd' });
    if ('oxX'.includes(type!)) return formatNumber(Math.trunc(n), false, spec);
    if (type === 'c') return String.fromCodePoint(n);
    return formatNumber(n, true, { ...spec, precision: spec.precision ?? 6 });
  });
  const unused = !mapping && index < positional.length && (isTuple(values) || !Array.isArray(values));
  if (unused) throw typeError('not all arguments converted during string formatting');
  return result;
}
