// Value helpers shared by operators and functions: comparison in ES|QL's order, whole-number arithmetic with
// Java's overflow rules, conversions that fail the way Elasticsearch's do, and date arithmetic.
import { DataType, Duration, INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, Period, ULONG_MAX, canonicalWkt, javaDouble, normalizeLong } from './types';
import { EvalFailure } from './errors';
import { compareUtf8, parseDateMillis } from '../store/mapping';
import { compareVersions } from './functions/version';
import { parseIp } from './functions/ip-address';
import { fromLocal, toLocal } from './functions/zone';

export function overflow(type: DataType): EvalFailure {
  const what = type === 'integer' ? 'integer' : type === 'unsigned_long' ? 'unsigned_long' : 'long';
  return new EvalFailure('java.lang.ArithmeticException', `${what} overflow`);
}

/** Applies an integer result: within int range, or overflow. */
export function checkInt(v: number): number {
  if (v < INT_MIN || v > INT_MAX || !Number.isFinite(v)) throw overflow('integer');
  return v;
}

/** Whole-number arithmetic for long/unsigned_long: exact as numbers when safe, bigint otherwise. */
export function longOp(op: '+' | '-' | '*' | '/' | '%', a: unknown, b: unknown, type: DataType): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case '+': r = a + b; break;
      case '-': r = a - b; break;
      case '*': r = a * b; break;
      case '/': if (b === 0) throw divByZero(); r = Math.trunc(a / b); break;
      case '%': if (b === 0) throw divByZero(); r = a % b; break;
    }
    if (Number.isSafeInteger(r)) {
      if (type === 'unsigned_long' && r < 0) throw overflow('unsigned_long');
      return r === 0 ? 0 : r;
    }
  }
  const x = BigInt(a as number | bigint);
  const y = BigInt(b as number | bigint);
  let r: bigint;
  switch (op) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/': if (y === 0n) throw divByZero(); r = x / y; break;
    case '%': if (y === 0n) throw divByZero(); r = x % y; break;
  }
  if (type === 'unsigned_long') {
    if (r < 0n || r > ULONG_MAX) throw overflow('unsigned_long');
  } else if (r < LONG_MIN || r > LONG_MAX) throw overflow('long');
  return normalizeLong(r);
}

export function divByZero(): EvalFailure {
  return new EvalFailure('java.lang.ArithmeticException', '/ by zero');
}

/** Compares two non-null single values of the same ES|QL family. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if (typeof a === 'number' && !Number.isInteger(a)) return a < Number(b) ? -1 : a > Number(b) ? 1 : 0;
    if (typeof b === 'number' && !Number.isInteger(b)) return Number(a) < b ? -1 : Number(a) > b ? 1 : 0;
    const x = BigInt(a as number | bigint);
    const y = BigInt(b as number | bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = a as number;
  const y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  // NaN sorts after everything, as Double.compare does.
  return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
}

export { compareVersions } from './functions/version';

/** IPs compare by their 16-byte (IPv4-mapped) form, as Elasticsearch stores them. */
export function ipBytes(ip: string): number[] {
  const b = parseIp(ip, 'decimal');
  if (!b) throw new EvalFailure('java.lang.IllegalArgumentException', `'${ip}' is not an IP string literal.`);
  return b;
}

export function compareIps(a: string, b: string): number {
  const x = ipBytes(a);
  const y = ipBytes(b);
  for (let i = 0; i < 16; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** Comparator for a column of `type` (single values). */
export function comparatorFor(type: DataType): (a: unknown, b: unknown) => number {
  if (type === 'version') return (a, b) => compareVersions(String(a), String(b));
  // Compared as doubles, a long is first converted to the nearest double (as Java widens it).
  if (type === 'double') return (a, b) => compareValues(Number(a), Number(b));
  if (type === 'ip') return (a, b) => compareIps(String(a), String(b));
  return compareValues;
}

// ---- conversions ------------------------------------------------------------------------------------

function numberFormat(s: string): EvalFailure {
  return new EvalFailure('java.lang.NumberFormatException', `For input string: "${s}"`);
}

/** `v` is shown as Java shows it: doubles as doubles (`1.0E19`), whole numbers as digits. */
function outOfRange(v: unknown, type: string, fromDouble = false): EvalFailure {
  const shown = fromDouble && typeof v === 'number' ? javaDouble(v) : String(v);
  return new EvalFailure('org.elasticsearch.xpack.esql.core.InvalidArgumentException', `[${shown}] out of [${type}] range`);
}

function parseJavaNumber(s: string): number {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw numberFormat(s);
  return Number(t);
}

export function toDouble(v: unknown, from: DataType): number {
  switch (from) {
    case 'boolean': return v ? 1 : 0;
    case 'keyword': case 'text': return parseJavaNumber(String(v));
    default: return Number(v);
  }
}

export function toLong(v: unknown, from: DataType): number | bigint {
  switch (from) {
    case 'boolean': return v ? 1 : 0;
    case 'integer': case 'long': case 'date': return v as number;
    // date_nanos values are held as epoch millis; a long of one counts nanoseconds.
    case 'date_nanos': return normalizeLong(BigInt(Math.trunc(v as number)) * 1000000n);
    case 'unsigned_long': {
      const b = BigInt(v as number | bigint);
      if (b > LONG_MAX) throw outOfRange(v, 'long');
      return normalizeLong(b);
    }
    case 'keyword': case 'text': return stringToLong(String(v));
    default: return doubleToLong(Number(v));
  }
}

function cannotParse(s: string): EvalFailure {
  return new EvalFailure('org.elasticsearch.xpack.esql.core.InvalidArgumentException', `Cannot parse number [${s}]`);
}

/** Whole-number text as Java's Long.parseLong reads it; otherwise a double, rounded; else "Cannot parse number". */
function stringToLong(s: string): number | bigint {
  if (/^[+-]?\d+$/.test(s)) {
    const b = BigInt(s);
    if (b >= LONG_MIN && b <= LONG_MAX) return normalizeLong(b);
  }
  try {
    return doubleToLong(javaParseDouble(s));
  } catch {
    throw cannotParse(s);
  }
}

/** Java's Double.parseDouble: surrounding blanks ignored, `NaN`/`Infinity`, an optional d/f suffix; finite only. */
function javaParseDouble(s: string): number {
  const t = s.trim();
  if (!/^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[dDfF]?)$/.test(t)) throw cannotParse(s);
  const n = Number(t.replace(/[dDfF]$/, ''));
  if (!Number.isFinite(n)) throw cannotParse(s);
  return n;
}

/** A double to long as Elasticsearch converts it: rounded half up, refused beyond the long range. */
function doubleToLong(d: number): number | bigint {
  if (Number.isNaN(d) || d > 9223372036854775807 || d < -9223372036854775808) throw outOfRange(d, 'long', true);
  const r = BigInt(Math.round(d));
  return normalizeLong(r > LONG_MAX ? LONG_MAX : r);
}

export function toInteger(v: unknown, from: DataType): number {
  switch (from) {
    case 'boolean': return v ? 1 : 0;
    case 'integer': return v as number;
    case 'keyword': case 'text': {
      const s = String(v).trim();
      if (/^[+-]?\d+$/.test(s)) {
        const n = Number(s);
        if (n < INT_MIN || n > INT_MAX) throw numberFormat(String(v));
        return n;
      }
      return doubleToInt(parseJavaNumber(String(v)));
    }
    case 'double': return doubleToInt(v as number);
    default: {
      const n = typeof v === 'bigint' ? v : BigInt(Math.trunc(v as number));
      if (n < BigInt(INT_MIN) || n > BigInt(INT_MAX)) throw outOfRange(n, 'integer');
      return Number(n);
    }
  }
}

/** A double to integer as Elasticsearch converts it: rounded half up, refused beyond the integer range. */
function doubleToInt(d: number): number {
  if (Number.isNaN(d) || d > INT_MAX || d < INT_MIN) throw outOfRange(d, 'integer', true);
  return Math.round(d);
}

export function toUnsignedLong(v: unknown, from: DataType): number | bigint {
  let b: bigint;
  switch (from) {
    case 'boolean': return v ? 1 : 0;
    case 'keyword': case 'text': {
      // Parsed as a BigDecimal, whose error names the first character it cannot read.
      const s = String(v).trim();
      const bad = /[^0-9.eE+-]/.exec(s);
      if (bad || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
        const c = bad ? bad[0] : s.slice(-1);
        throw new EvalFailure('java.lang.NumberFormatException', `Character ${c} is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`);
      }
      b = /^\+?\d+$/.test(s) ? BigInt(s.replace('+', '')) : BigInt(Math.trunc(Number(s)));
      break;
    }
    case 'double': {
      const d = v as number;
      if (!Number.isFinite(d)) throw outOfRange(d, 'unsigned_long', true);
      b = BigInt(Math.trunc(d));
      break;
    }
    default: b = BigInt(v as number | bigint);
  }
  if (b < 0n || b > ULONG_MAX) throw outOfRange(v, 'unsigned_long', from === 'double');
  return normalizeLong(b);
}

export function toBoolean(v: unknown, from: DataType): boolean {
  switch (from) {
    case 'keyword': case 'text': return String(v).toLowerCase() === 'true';
    case 'boolean': return v as boolean;
    default: return typeof v === 'bigint' ? v !== 0n : (v as number) !== 0;
  }
}

export function toDatetime(v: unknown, from: DataType): number {
  switch (from) {
    case 'keyword': case 'text': {
      checkDayOfMonth(String(v));
      const ms = parseDateMillis(String(v));
      if (Number.isNaN(ms) || /^-?\d+$/.test(String(v).trim())) {
        throw new EvalFailure('java.lang.IllegalArgumentException',
          `failed to parse date field [${String(v)}] with format [strict_date_optional_time]`);
      }
      return ms;
    }
    case 'double': return Math.trunc(v as number);
    case 'unsigned_long':
      if (typeof v === 'bigint' && v > LONG_MAX) throw outOfRange(v, 'long');
      return Number(v);
    default: return Number(v);
  }
}

// date_nanos values are held as epoch millis, as dates are; a nanosecond long covers 1970 to 2262-04-11.
const NANOS_MAX_MILLIS = 9223372036854;

/** TO_DATE_NANOS: a date, date text, or a count of nanoseconds since the epoch, within the nanosecond range. */
export function toDateNanos(v: unknown, from: DataType): number {
  switch (from) {
    case 'date_nanos': return v as number;
    case 'integer': case 'long': case 'unsigned_long': case 'double': {
      const nanos = from === 'double' ? BigInt(Math.trunc(v as number)) : BigInt(v as number | bigint);
      if (nanos < 0n) throw new EvalFailure('java.lang.IllegalArgumentException', 'Nanosecond dates before 1970-01-01T00:00:00.000Z are not supported.');
      if (nanos > LONG_MAX) throw outOfRange(v, 'long');
      return Number(nanos / 1000000n);
    }
    case 'date': {
      const ms = v as number;
      if (ms < 0) throw new EvalFailure('java.lang.IllegalArgumentException', `milliSeconds [${ms}] are before the epoch in 1970 and cannot be processed in nanosecond resolution`);
      if (ms > NANOS_MAX_MILLIS) throw new EvalFailure('java.lang.IllegalArgumentException', `milliSeconds [${ms}] are after 2262-04-11T23:47:16.854775807 and cannot be processed in nanosecond resolution`);
      return ms;
    }
    default: {
      const ms = toDatetime(v, from);
      const text = () => new Date(ms).toISOString();
      if (ms < 0) throw new EvalFailure('java.lang.IllegalArgumentException', `date[${text()}] is before the epoch in 1970 and cannot be stored in nanosecond resolution`);
      if (ms > NANOS_MAX_MILLIS) throw new EvalFailure('java.lang.IllegalArgumentException', `date[${text()}] is after 2262-04-11T23:47:16.854775807 and cannot be stored in nanosecond resolution`);
      return ms;
    }
  }
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];

/** java.time refuses a day the month does not have (`2026-04-31`) instead of rolling over. */
function checkDayOfMonth(s: string): void {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return;
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  if (mo < 1 || mo > 12 || d < 1) return;
  const last = new Date(Date.UTC(2000, mo, 0)).getUTCDate();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > last) throw new EvalFailure('java.lang.IllegalArgumentException', `Invalid date '${MONTHS[mo - 1]} ${d}'`);
  if (mo === 2 && d === 29 && !leap) throw new EvalFailure('java.lang.IllegalArgumentException', `Invalid date 'February 29' as '${y}' is not a leap year`);
}

export function toStringValue(v: unknown, from: DataType): string {
  switch (from) {
    case 'double': return javaDouble(v as number);
    case 'date': case 'date_nanos': return new Date(v as number).toISOString();
    case 'geo_point': case 'geo_shape': case 'cartesian_point': case 'cartesian_shape': return canonicalWkt(String(v));
    default: return String(v);
  }
}

// ---- dates --------------------------------------------------------------------------------------------

const MAX_YEAR = 999999999;

export function addPeriod(ms: number, p: Period, sign: 1 | -1): number {
  const d = new Date(ms);
  if (p.months) {
    // java.time refuses years beyond ±999999999 (JavaScript dates would silently become invalid).
    const totalMonths = d.getUTCFullYear() * 12 + d.getUTCMonth() + sign * p.months;
    const year = Math.floor(totalMonths / 12);
    if (Math.abs(year) > MAX_YEAR) {
      throw new EvalFailure('java.time.DateTimeException', `Invalid value for Year (valid values -${MAX_YEAR} - ${MAX_YEAR}): ${year}`);
    }
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + sign * p.months);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  return d.getTime() + sign * p.days * 86400000;
}

/** Date plus or minus an interval; a period counts on the local calendar of `zone` (default UTC). */
export function addInterval(ms: number, interval: Duration | Period, sign: 1 | -1, zone?: string): number {
  const r = interval.kind === 'duration' ? ms + sign * interval.ms
    : zone === undefined ? addPeriod(ms, interval, sign) : fromLocal(addPeriod(toLocal(ms, zone), interval, sign), zone);
  if (!Number.isFinite(r) || r > 9223372036854775807 || r < -9223372036854775808) throw overflow('long');
  return r;
}

const DURATION_UNITS: Record<string, number> = {
  millisecond: 1, milliseconds: 1, ms: 1, second: 1000, seconds: 1000, sec: 1000, s: 1000,
  minute: 60000, minutes: 60000, min: 60000, m: 60000, hour: 3600000, hours: 3600000, h: 3600000,
};
const PERIOD_UNITS: Record<string, { months: number; days: number }> = {
  day: { months: 0, days: 1 }, days: { months: 0, days: 1 }, d: { months: 0, days: 1 },
  week: { months: 0, days: 7 }, weeks: { months: 0, days: 7 }, w: { months: 0, days: 7 },
  month: { months: 1, days: 0 }, months: { months: 1, days: 0 }, mo: { months: 1, days: 0 },
  quarter: { months: 3, days: 0 }, quarters: { months: 3, days: 0 }, q: { months: 3, days: 0 },
  year: { months: 12, days: 0 }, years: { months: 12, days: 0 }, yr: { months: 12, days: 0 }, y: { months: 12, days: 0 },
};

/** `1 hour` -> a time_duration, `1 day` -> a date_period; null for an unknown unit. */
export function makeInterval(amount: number, unit: string): { type: DataType; value: Duration | Period } | null {
  const u = unit.toLowerCase();
  if (u in DURATION_UNITS) return { type: 'time_duration', value: { kind: 'duration', ms: amount * DURATION_UNITS[u] } };
  if (u in PERIOD_UNITS) {
    const p = PERIOD_UNITS[u];
    return { type: 'date_period', value: { kind: 'period', months: p.months * amount, days: p.days * amount } };
  }
  return null;
}

/**
 * Rounds a date down to the interval, on the local time of `zone` (default UTC): calendar units for periods
 * (weeks start on Monday), fixed milliseconds for durations.
 */
export function truncateDate(ms: number, interval: Duration | Period, zone?: string): number {
  if (zone !== undefined) return fromLocal(truncateDate(toLocal(ms, zone), interval), zone);
  if (interval.kind === 'duration') {
    if (interval.ms <= 0) throw new EvalFailure('java.lang.IllegalArgumentException', 'Zero or negative time interval is not supported');
    return Math.floor(ms / interval.ms) * interval.ms;
  }
  const d = new Date(ms);
  if (interval.months) {
    // Several months or years are counted from 0001-01-01 (Elasticsearch's arbitrary calendar intervals).
    const total = (d.getUTCFullYear() - 1) * 12 + d.getUTCMonth();
    const rounded = Math.floor(total / interval.months) * interval.months;
    const out = new Date(0);
    out.setUTCFullYear(Math.floor(rounded / 12) + 1, rounded % 12, 1);
    return out.getTime();
  }
  const dayMs = 86400000;
  if (interval.days === 7) {
    // Weeks start on Monday; 1970-01-05 was a Monday.
    const monday = 4 * dayMs;
    return Math.floor((ms - monday) / (7 * dayMs)) * 7 * dayMs + monday;
  }
  if (interval.days <= 0) throw new EvalFailure('java.lang.IllegalArgumentException', 'Zero or negative time interval is not supported');
  return Math.floor(ms / (interval.days * dayMs)) * interval.days * dayMs;
}
