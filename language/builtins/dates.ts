// Date built-ins. DATE values are instants (JavaScript Date) shown as ISO-8601 UTC; calendar fields are read
// in UTC. Arguments may be DATEs or ISO-8601 strings.
import type { BuiltinDef } from './registry';
import { Value, typeOf } from '../values';
import { ScriptError } from '../errors';
import { isNumeric } from '../long-integers';
import { argError, num, str } from './core';

const D = 'date';
const DAY = 86400000;

export function toDate(fn: string, v: Value, what = 'date'): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'string') {
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) return d;
    throw new ScriptError('value_error', `${fn}: '${v}' is not a date`);
  }
  if (isNumeric(v)) return new Date(Number(v));
  return argError(fn, `${what} must be a DATE, got ${typeOf(v)}`);
}

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1, MILLISECONDS: 1, SECOND: 1000, SECONDS: 1000, MINUTE: 60000, MINUTES: 60000,
  HOUR: 3600000, HOURS: 3600000, DAY, DAYS: DAY, WEEK: 7 * DAY, WEEKS: 7 * DAY,
};

function shift(fn: string, dateV: Value, amountV: Value, unitV: Value, sign: number): Value {
  if (dateV === null || amountV === null) return null;
  const date = toDate(fn, dateV);
  const amount = num(fn, amountV, 'amount') * sign;
  const unit = unitV === undefined || unitV === null ? 'DAY' : str(fn, unitV, 'unit').toUpperCase();
  if (unit === 'MONTH' || unit === 'MONTHS' || unit === 'YEAR' || unit === 'YEARS') {
    const d = new Date(date.getTime());
    const months = unit.startsWith('MONTH') ? amount : amount * 12;
    d.setUTCMonth(d.getUTCMonth() + months);
    return d;
  }
  const ms = UNIT_MS[unit];
  if (ms === undefined) argError(fn, `unknown unit '${unit}' (use DAY, HOUR, MINUTE, SECOND, WEEK, MONTH, YEAR)`);
  return new Date(date.getTime() + amount * ms);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Formats with Java-style patterns: yyyy MM dd HH mm ss SSS (YYYY and DD accepted too), text in '...'. */
export function formatDate(d: Date, pattern: string): string {
  const tokens: Record<string, () => string> = {
    yyyy: () => pad(d.getUTCFullYear(), 4), YYYY: () => pad(d.getUTCFullYear(), 4), yy: () => pad(d.getUTCFullYear() % 100),
    MM: () => pad(d.getUTCMonth() + 1), M: () => String(d.getUTCMonth() + 1),
    dd: () => pad(d.getUTCDate()), DD: () => pad(d.getUTCDate()), d: () => String(d.getUTCDate()),
    HH: () => pad(d.getUTCHours()), H: () => String(d.getUTCHours()),
    mm: () => pad(d.getUTCMinutes()), ss: () => pad(d.getUTCSeconds()), SSS: () => pad(d.getUTCMilliseconds(), 3),
  };
  return pattern.replace(/'([^']*)'|yyyy|YYYY|yy|MM|M|dd|DD|d|HH|H|mm|ss|SSS/g, (m, lit: string | undefined) =>
    lit !== undefined ? lit : tokens[m]());
}

/** Parses with the same patterns (numeric fields only); without a pattern, ISO-8601. */
export function parseDate(fn: string, text: string, pattern?: string): Date {
  if (!pattern) return toDate(fn, text);
  const fields: string[] = [];
  const re = pattern.replace(/'([^']*)'|yyyy|YYYY|MM|dd|DD|HH|mm|ss|SSS|[.*+?^${}()|[\]\\]/g, (m, lit: string | undefined) => {
    if (lit !== undefined) return lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (/^[.*+?^${}()|[\]\\]$/.test(m)) return `\\${m}`;
    fields.push(m.toLowerCase() === 'dd' ? 'dd' : m === 'YYYY' ? 'yyyy' : m);
    return m === 'SSS' ? '(\\d{3})' : m.length === 4 ? '(\\d{4})' : '(\\d{1,2})';
  });
  const m = new RegExp(`^${re}$`).exec(text.trim());
  if (!m) throw new ScriptError('value_error', `${fn}: '${text}' does not match pattern '${pattern}'`);
  const get = (f: string, dflt: number) => { const i = fields.indexOf(f); return i < 0 ? dflt : Number(m[i + 1]); };
  return new Date(Date.UTC(get('yyyy', 1970), get('MM', 1) - 1, get('dd', 1), get('HH', 0), get('mm', 0), get('ss', 0), get('SSS', 0)));
}

function today(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const d1 = [{ name: 'date', type: 'DATE' }];

export const dateBuiltins: BuiltinDef[] = [
  { name: 'CURRENT_DATE', category: D, params: [], returns: 'DATE', doc: "Today's date (UTC midnight).", impl: () => today() },
  { name: 'CURRENT_TIMESTAMP', category: D, params: [], returns: 'DATE', doc: 'The current date and time.', impl: () => new Date() },
  { name: 'NOW', category: D, params: [], returns: 'DATE', doc: 'The current date and time (same as CURRENT_TIMESTAMP).', impl: () => new Date() },
  { name: 'DATE_ADD', category: D, params: [{ name: 'date', type: 'DATE' }, { name: 'amount', type: 'NUMBER' }, { name: 'unit', type: 'STRING', optional: true }],
    returns: 'DATE', doc: "date plus amount units (unit: 'DAY' by default, or WEEK, HOUR, MINUTE, SECOND, MONTH, YEAR).",
    impl: ([d, n, u]) => shift('DATE_ADD', d, n, u, 1) },
  { name: 'DATE_SUB', category: D, params: [{ name: 'date', type: 'DATE' }, { name: 'amount', type: 'NUMBER' }, { name: 'unit', type: 'STRING', optional: true }],
    returns: 'DATE', doc: "date minus amount units (unit: 'DAY' by default, or WEEK, HOUR, MINUTE, SECOND, MONTH, YEAR).",
    impl: ([d, n, u]) => shift('DATE_SUB', d, n, u, -1) },
  { name: 'EXTRACT_YEAR', category: D, params: d1, returns: 'NUMBER', doc: 'The year of date (UTC).',
    impl: ([d]) => (d === null ? null : toDate('EXTRACT_YEAR', d).getUTCFullYear()) },
  { name: 'EXTRACT_MONTH', category: D, params: d1, returns: 'NUMBER', doc: 'The month of date, 1 to 12 (UTC).',
    impl: ([d]) => (d === null ? null : toDate('EXTRACT_MONTH', d).getUTCMonth() + 1) },
  { name: 'EXTRACT_DAY', category: D, params: d1, returns: 'NUMBER', doc: 'The day of the month of date (UTC).',
    impl: ([d]) => (d === null ? null : toDate('EXTRACT_DAY', d).getUTCDate()) },
  { name: 'DATEDIFF', category: D, params: [{ name: 'date1', type: 'DATE' }, { name: 'date2', type: 'DATE' }], returns: 'NUMBER',
    doc: 'Whole days from date2 to date1 (date1 - date2).',
    impl: ([a, b]) => (a === null || b === null ? null : Math.trunc((toDate('DATEDIFF', a, 'date1').getTime() - toDate('DATEDIFF', b, 'date2').getTime()) / DAY)) },
  { name: 'DATE_FORMAT', category: D, params: [{ name: 'date', type: 'DATE' }, { name: 'pattern', type: 'STRING', optional: true }], returns: 'STRING',
    doc: "date as text with a pattern such as 'yyyy-MM-dd HH:mm:ss' (default 'yyyy-MM-dd').",
    impl: ([d, p]) => (d === null ? null : formatDate(toDate('DATE_FORMAT', d), p === undefined || p === null ? 'yyyy-MM-dd' : str('DATE_FORMAT', p, 'pattern'))) },
  { name: 'DATE_PARSE', category: D, params: [{ name: 'text', type: 'STRING' }, { name: 'pattern', type: 'STRING', optional: true }], returns: 'DATE',
    doc: "text read as a DATE, with a pattern such as 'dd/MM/yyyy' or as ISO-8601 when none is given.",
    impl: ([t, p]) => (t === null ? null : parseDate('DATE_PARSE', str('DATE_PARSE', t, 'text'), p === undefined || p === null ? undefined : str('DATE_PARSE', p, 'pattern'))) },
];
