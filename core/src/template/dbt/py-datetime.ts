/**
 * `modules.datetime` as far as dbt projects use it: datetime/date/timedelta/timezone.utc with now(),
 * utcnow(), today(), strptime(), strftime(), isoformat(), fromisoformat(), replace(), arithmetic and
 * comparisons. Time zones are limited to fixed offsets (no tz database); sub-microsecond precision and
 * `time` objects are not modelled.
 */
import { PY_GETATTR, nativeFunction, type Kwargs } from '../runtime/callables.js';
import { arg } from '../runtime/str-methods.js';
import { Undefined, dateBridge, makeFloat, num, typeError, typeName, valueError } from '../runtime/values.js';

const US_PER_DAY = 86_400_000_000;
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

function int(value: unknown, name: string): number {
  const n = num(value);
  if (typeof n !== 'number') throw typeError(`'${name}' must be a number, not ${typeName(value)}`);
  return n;
}

type Method = (self: never, args: unknown[], kwargs: Kwargs) => unknown;

/** Attribute access through a method table plus plain fields. */
abstract class PyObject {
  protected abstract methods(): Record<string, Method>;
  [PY_GETATTR](name: string): unknown {
    const method = this.methods()[name];
    if (method) return nativeFunction((args: unknown[], kwargs: Kwargs) => method(this as never, args, kwargs));
    if (Object.prototype.hasOwnProperty.call(this, name)) return (this as unknown as Record<string, unknown>)[name];
    return new Undefined(`'${this.constructor.name.replace(/^Py/, '').toLowerCase()} object' has no attribute '${name}'`);
  }
}

export class PyTimezone {
  constructor(readonly offsetMinutes: number) {}
  toString(): string {
    if (this.offsetMinutes === 0) return 'UTC';
    const sign = this.offsetMinutes < 0 ? '-' : '+';
    return `UTC${sign}${pad(Math.trunc(Math.abs(this.offsetMinutes) / 60))}:${pad(Math.abs(this.offsetMinutes) % 60)}`;
  }
}
const UTC = new PyTimezone(0);

export class PyTimedelta extends PyObject {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;
  constructor(readonly totalUs: number) {
    super();
    this.days = Math.floor(totalUs / US_PER_DAY);
    const rest = totalUs - this.days * US_PER_DAY;
    this.seconds = Math.floor(rest / 1e6);
    this.microseconds = rest - this.seconds * 1e6;
  }
  protected override methods(): Record<string, Method> {
    return { total_seconds: (self: PyTimedelta) => makeFloat(self.totalUs / 1e6) };
  }
  __add__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return new PyTimedelta(this.totalUs + other.totalUs);
    if (other instanceof PyDate) return other.__add__(this);
    throw typeError(`unsupported operand type(s) for +: 'timedelta' and '${typeName(other)}'`);
  }
  __radd__(other: unknown): unknown {
    return this.__add__(other);
  }
  __sub__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return new PyTimedelta(this.totalUs - other.totalUs);
    throw typeError(`unsupported operand type(s) for -: 'timedelta' and '${typeName(other)}'`);
  }
  __lt__(other: unknown): boolean {
    if (!(other instanceof PyTimedelta)) throw typeError(`'<' not supported between instances of 'timedelta' and '${typeName(other)}'`);
    return this.totalUs < other.totalUs;
  }
  __eq__(other: unknown): boolean {
    return other instanceof PyTimedelta && other.totalUs === this.totalUs;
  }
  override toString(): string {
    const hh = Math.floor(this.seconds / 3600);
    const mm = Math.floor((this.seconds % 3600) / 60);
    const ss = this.seconds % 60;
    let out = `${hh}:${pad(mm)}:${pad(ss)}`;
    if (this.microseconds) out += `.${pad(this.microseconds, 6)}`;
    if (this.days) out = `${this.days} day${Math.abs(this.days) !== 1 ? 's' : ''}, ${out}`;
    return out;
  }
}

/** A date, and the base of datetime: y/m/d plus, for datetimes, a time and an optional fixed offset. */
export class PyDate extends PyObject {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {
    super();
    if (month < 1 || month > 12) throw valueError('month must be in 1..12');
    const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > dim) throw valueError('day is out of range for month');
  }
  /** Microseconds since the epoch, reading the fields as UTC. */
  get epochUs(): number {
    return Date.UTC(this.year, this.month - 1, this.day) * 1000;
  }
  protected override methods(): Record<string, Method> {
    return DATE_METHODS;
  }
  protected withEpoch(us: number): PyDate {
    const d = new Date(Math.floor(us / 1000));
    return new PyDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  weekday(): number {
    return (new Date(this.epochUs / 1000).getUTCDay() + 6) % 7;
  }
  __add__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return this.withEpoch(this.epochUs + (this instanceof PyDateTime ? other.totalUs : other.days * US_PER_DAY));
    throw typeError(`unsupported operand type(s) for +: '${typeName(this)}' and '${typeName(other)}'`);
  }
  __radd__(other: unknown): unknown {
    return this.__add__(other);
  }
  __sub__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return this.__add__(new PyTimedelta(-other.totalUs));
    if (other instanceof PyDate && other instanceof PyDateTime === this instanceof PyDateTime) return new PyTimedelta(this.absoluteUs() - other.absoluteUs());
    throw typeError(`unsupported operand type(s) for -: '${typeName(this)}' and '${typeName(other)}'`);
  }
  absoluteUs(): number {
    return this.epochUs;
  }
  __lt__(other: unknown): boolean {
    if (!(other instanceof PyDate)) throw typeError(`'<' not supported between instances of '${typeName(this)}' and '${typeName(other)}'`);
    return this.absoluteUs() < other.absoluteUs();
  }
  __eq__(other: unknown): boolean {
    return other instanceof PyDate && other instanceof PyDateTime === this instanceof PyDateTime && other.absoluteUs() === this.absoluteUs();
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
  override toString(): string {
    return this.isoformat();
  }
}

export class PyDateTime extends PyDate {
  constructor(
    year: number,
    month: number,
    day: number,
    readonly hour = 0,
    readonly minute = 0,
    readonly second = 0,
    readonly microsecond = 0,
    readonly tzinfo: PyTimezone | null = null,
  ) {
    super(year, month, day);
  }
  override get epochUs(): number {
    return Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second) * 1000 + this.microsecond;
  }
  override absoluteUs(): number {
    return this.epochUs - (this.tzinfo ? this.tzinfo.offsetMinutes * 60_000_000 : 0);
  }
  static fromEpochUs(us: number, tz: PyTimezone | null): PyDateTime {
    const ms = Math.floor(us / 1000);
    const d = new Date(ms);
    const micro = us - ms * 1000 + d.getUTCMilliseconds() * 1000;
    return new PyDateTime(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), micro, tz);
  }
  protected override withEpoch(us: number): PyDate {
    return PyDateTime.fromEpochUs(us, this.tzinfo);
  }
  protected override methods(): Record<string, Method> {
    return DATETIME_METHODS;
  }
  override isoformat(sep = 'T'): string {
    let out = `${super.isoformat()}${sep}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}`;
    if (this.microsecond) out += `.${pad(this.microsecond, 6)}`;
    if (this.tzinfo) out += offsetText(this.tzinfo, ':');
    return out;
  }
  override toString(): string {
    return this.isoformat(' ');
  }
}

function offsetText(tz: PyTimezone | null, sep: string): string {
  if (!tz) return '';
  const m = tz.offsetMinutes;
  return `${m < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(m) / 60))}${sep}${pad(Math.abs(m) % 60)}`;
}

/** Python strftime for the directives dbt projects use. */
export function strftime(value: PyDate, fmt: string): string {
  const dt = value instanceof PyDateTime ? value : null;
  const hour = dt?.hour ?? 0;
  const dayOfYear = Math.floor((Date.UTC(value.year, value.month - 1, value.day) - Date.UTC(value.year, 0, 1)) / 86_400_000) + 1;
  const weekday = value.weekday();
  const jan1 = (new Date(Date.UTC(value.year, 0, 1)).getUTCDay() + 6) % 7;
  const week = (firstDay: number) => Math.floor((dayOfYear - 1 + ((jan1 - firstDay + 7) % 7)) / 7);
  const table: Record<string, () => string> = {
    a: () => DAYS[weekday]!.slice(0, 3),
    A: () => DAYS[weekday]!,
    w: () => String((weekday + 1) % 7),
    u: () => String(weekday + 1),
    d: () => pad(value.day),
    b: () => MONTHS[value.month - 1]!.slice(0, 3),
    B: () => MONTHS[value.month - 1]!,
    m: () => pad(value.month),
    y: () => pad(value.year % 100),
    Y: () => String(value.year),
    H: () => pad(hour),
    I: () => pad(hour % 12 === 0 ? 12 : hour % 12),
    p: () => (hour < 12 ? 'AM' : 'PM'),
    M: () => pad(dt?.minute ?? 0),
    S: () => pad(dt?.second ?? 0),
    f: () => pad(dt?.microsecond ?? 0, 6),
    z: () => offsetText(dt?.tzinfo ?? null, ''),
    Z: () => (dt?.tzinfo ? String(dt.tzinfo) : ''),
    j: () => pad(dayOfYear, 3),
    U: () => pad(week(6)),
    W: () => pad(week(0)),
    c: () => `${table.a!()} ${table.b!()} ${String(value.day).padStart(2, ' ')} ${table.H!()}:${table.M!()}:${table.S!()} ${value.year}`,
    x: () => `${table.m!()}/${table.d!()}/${table.y!()}`,
    X: () => `${table.H!()}:${table.M!()}:${table.S!()}`,
    '%': () => '%',
  };
  return fmt.replace(/%([a-zA-Z%])/g, (m, d: string) => (table[d] ? table[d]!() : m));
}

const STRPTIME: Record<string, [string, string]> = {
  Y: ['year', '\\d{4}'],
  y: ['year2', '\\d{2}'],
  m: ['month', '\\d{1,2}'],
  d: ['day', '\\d{1,2}'],
  H: ['hour', '\\d{1,2}'],
  I: ['hour12', '\\d{1,2}'],
  M: ['minute', '\\d{1,2}'],
  S: ['second', '\\d{1,2}'],
  f: ['micro', '\\d{1,6}'],
  p: ['ampm', 'AM|PM|am|pm'],
  b: ['monthName', '[A-Za-z]{3}'],
  B: ['monthName', '[A-Za-z]+'],
  a: ['dayName', '[A-Za-z]{3}'],
  A: ['dayName', '[A-Za-z]+'],
  j: ['yday', '\\d{1,3}'],
  z: ['offset', 'Z|[+-]\\d{2}:?\\d{2}'],
};

export function strptime(text: string, fmt: string): PyDateTime {
  const names: string[] = [];
  const source = fmt.replace(/%([a-zA-Z%])|([^%]+)/g, (_m, d: string | undefined, literal: string | undefined) => {
    if (literal !== undefined) return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    if (d === '%') return '%';
    const spec = STRPTIME[d!];
    if (!spec) throw valueError(`'${d}' is a bad directive in format '%${d}'`);
    names.push(spec[0]);
    return `(${spec[1]})`;
  });
  const m = new RegExp(`^${source}$`).exec(text);
  if (!m) throw valueError(`time data '${text}' does not match format '${fmt}'`);
  const f: Record<string, string> = {};
  names.forEach((n, i) => (f[n] = m[i + 1]!));
  const year = f.year ? Number(f.year) : f.year2 ? 2000 + Number(f.year2) - (Number(f.year2) >= 69 ? 100 : 0) : 1900;
  let month = f.month ? Number(f.month) : 1;
  if (f.monthName) month = MONTHS.findIndex((n) => n.toLowerCase().startsWith(f.monthName!.toLowerCase())) + 1;
  let day = f.day ? Number(f.day) : 1;
  if (f.yday) {
    const d = new Date(Date.UTC(year, 0, Number(f.yday)));
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  let hour = f.hour ? Number(f.hour) : f.hour12 ? Number(f.hour12) % 12 : 0;
  if (f.ampm && /pm/i.test(f.ampm) && f.hour12) hour += 12;
  const micro = f.micro ? Number(f.micro.padEnd(6, '0')) : 0;
  let tz: PyTimezone | null = null;
  if (f.offset) {
    const o = f.offset === 'Z' ? 0 : (f.offset[0] === '-' ? -1 : 1) * (Number(f.offset.slice(1, 3)) * 60 + Number(f.offset.slice(-2)));
    tz = new PyTimezone(o);
  }
  return new PyDateTime(year, month, day, hour, Number(f.minute ?? 0), Number(f.second ?? 0), micro, tz);
}

function fromIso(text: string, dateOnly: boolean): PyDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!m) throw valueError(`Invalid isoformat string: '${text}'`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (dateOnly) return new PyDate(y, mo, d);
  const tz = m[8] ? new PyTimezone(m[8] === 'Z' ? 0 : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(-2)))) : null;
  return new PyDateTime(y, mo, d, Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(6, '0')), tz);
}

const DATE_METHODS: Record<string, Method> = {
  strftime: (self: PyDate, args) => strftime(self, String(args[0])),
  isoformat: (self: PyDate, args, kw) => (self instanceof PyDateTime ? self.isoformat(String(arg(args, kw, 0, 'sep', 'T'))) : self.isoformat()),
  weekday: (self: PyDate) => self.weekday(),
  isoweekday: (self: PyDate) => self.weekday() + 1,
  replace: (self: PyDate, _args, kw) => {
    const v = (k: string, d: number) => (kw[k] === undefined ? d : int(kw[k], k));
    if (!(self instanceof PyDateTime)) return new PyDate(v('year', self.year), v('month', self.month), v('day', self.day));
    const tz = 'tzinfo' in kw ? ((kw.tzinfo as PyTimezone | null) ?? null) : self.tzinfo;
    return new PyDateTime(v('year', self.year), v('month', self.month), v('day', self.day), v('hour', self.hour), v('minute', self.minute), v('second', self.second), v('microsecond', self.microsecond), tz);
  },
};

const DATETIME_METHODS: Record<string, Method> = {
  ...DATE_METHODS,
  date: (self: PyDateTime) => new PyDate(self.year, self.month, self.day),
  timestamp: (self: PyDateTime) => self.absoluteUs() / 1e6,
  astimezone: (self: PyDateTime, args) => {
    const tz = (args[0] as PyTimezone | undefined) ?? UTC;
    return PyDateTime.fromEpochUs(self.absoluteUs() + tz.offsetMinutes * 60_000_000, tz);
  },
};

function nowIn(tz: unknown): PyDateTime {
  const nowUs = Date.now() * 1000;
  if (tz instanceof PyTimezone) return PyDateTime.fromEpochUs(nowUs + tz.offsetMinutes * 60_000_000, tz);
  const local = new Date(nowUs / 1000);
  return new PyDateTime(local.getFullYear(), local.getMonth() + 1, local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds() * 1000);
}

function timedelta(args: unknown[], kwargs: Kwargs): PyTimedelta {
  const units: [string, number][] = [['days', US_PER_DAY], ['seconds', 1e6], ['microseconds', 1], ['milliseconds', 1000], ['minutes', 60e6], ['hours', 3600e6], ['weeks', 7 * US_PER_DAY]];
  let total = 0;
  units.forEach(([name, factor], i) => {
    const value = arg(args, kwargs, i, name, 0);
    total += int(value, name) * factor;
  });
  return new PyTimedelta(Math.round(total));
}

const callableWith = (fn: (args: unknown[], kwargs: Kwargs) => unknown, attrs: Record<string, unknown>) => Object.assign(nativeFunction(fn), attrs);

export const datetimeModule = {
  datetime: callableWith(
    (args, kw) => {
      const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'];
      const v = names.map((n, i) => int(arg(args, kw, i, n, i < 3 ? undefined : 0), n));
      const tz = (arg(args, kw, 7, 'tzinfo', null) as PyTimezone | null) ?? null;
      return new PyDateTime(v[0]!, v[1]!, v[2]!, v[3], v[4], v[5], v[6], tz);
    },
    {
      now: nativeFunction((args: unknown[], kw: Kwargs) => nowIn(arg(args, kw, 0, 'tz', null))),
      today: nativeFunction(() => nowIn(null)),
      utcnow: nativeFunction(() => PyDateTime.fromEpochUs(Date.now() * 1000, null)),
      strptime: nativeFunction((args: unknown[]) => strptime(String(args[0]), String(args[1]))),
      fromisoformat: nativeFunction((args: unknown[]) => fromIso(String(args[0]), false)),
      fromtimestamp: nativeFunction((args: unknown[], kw: Kwargs) => {
        const tz = arg(args, kw, 1, 'tz', null);
        const us = Math.round(int(args[0], 'timestamp') * 1e6);
        if (tz instanceof PyTimezone) return PyDateTime.fromEpochUs(us + tz.offsetMinutes * 60_000_000, tz);
        const d = new Date(us / 1000);
        return new PyDateTime(d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), us % 1_000_000);
      }),
      utcfromtimestamp: nativeFunction((args: unknown[]) => PyDateTime.fromEpochUs(Math.round(int(args[0], 'timestamp') * 1e6), null)),
    },
  ),
  date: callableWith((args, kw) => new PyDate(int(arg(args, kw, 0, 'year'), 'year'), int(arg(args, kw, 1, 'month'), 'month'), int(arg(args, kw, 2, 'day'), 'day')), {
    today: nativeFunction(() => {
      const now = nowIn(null);
      return new PyDate(now.year, now.month, now.day);
    }),
    fromisoformat: nativeFunction((args: unknown[]) => fromIso(String(args[0]), true)),
  }),
  timedelta: nativeFunction(timedelta),
  timezone: callableWith((args) => {
    const offset = args[0];
    if (!(offset instanceof PyTimedelta)) throw typeError('timezone() argument 1 must be datetime.timedelta');
    return new PyTimezone(Math.round(offset.totalUs / 60_000_000));
  }, { utc: UTC }),
};

dateBridge.wrap = (date) => PyDateTime.fromEpochUs(date.getTime() * 1000, UTC);
