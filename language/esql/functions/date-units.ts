// The units of DATE_DIFF and DATE_UNIT_COUNT (with their aliases), the difference between two instants in a unit
// as java.time counts it in the query's time zone, and how many of one unit one period of another holds.
import { EvalFailure } from '../errors';
import { fromLocal, toLocal } from './zone';
import { editDistance } from './common';

export type DateUnit = 'year' | 'quarter' | 'month' | 'dayofyear' | 'day' | 'week' | 'weekday' | 'hour' | 'minute' |
  'second' | 'millisecond' | 'microsecond' | 'nanosecond';

const UNITS: [DateUnit, string[]][] = [
  ['year', ['years', 'yy', 'yyyy']], ['quarter', ['quarters', 'qq', 'q']], ['month', ['months', 'mm', 'm']],
  ['dayofyear', ['dy', 'y']], ['day', ['days', 'dd', 'd']], ['week', ['weeks', 'wk', 'ww']],
  ['weekday', ['weekdays', 'dw']], ['hour', ['hours', 'hh']], ['minute', ['minutes', 'mi', 'n']],
  ['second', ['seconds', 'ss', 's']], ['millisecond', ['milliseconds', 'ms']], ['microsecond', ['microseconds', 'mcs']],
  ['nanosecond', ['nanoseconds', 'ns']],
];
const BY_NAME = new Map<string, DateUnit>(UNITS.flatMap(([u, aliases]) => [[u, u], ...aliases.map((a): [string, DateUnit] => [a, u])]));

/** Lucene's Levenshtein similarity: 1 - distance / longer length. */
function similarity(a: string, b: string): number {
  return 1 - editDistance(a, b) / Math.max(a.length, b.length);
}

/** A unit by name or alias (any case); Elasticsearch's errors otherwise, with a suggestion when one is close. */
export function dateUnit(name: string): DateUnit {
  const u = BY_NAME.get(name.toLowerCase());
  if (u) return u;
  const similar = [...BY_NAME.keys()].map((k) => ({ k, s: similarity(name, k) })).filter((x) => x.s >= 0.5)
    .sort((a, b) => b.s - a.s).map((x) => x.k);
  if (similar.length) {
    throw new EvalFailure('java.lang.IllegalArgumentException', `Received value [${name}] is not valid date part to add; did you mean [${similar.join(', ')}]?`);
  }
  throw new EvalFailure('java.lang.IllegalArgumentException',
    `A value of [${UNITS.map(([u]) => u.toUpperCase()).join(', ')}] or their aliases is required; received [${name}]`);
}

const FIXED_MS: Partial<Record<DateUnit, number>> = { hour: 3600000, minute: 60000, second: 1000, millisecond: 1 };

/** Whole months from local time `a` to local time `b` (java.time: the day-and-time remainder must be reached). */
function monthsBetween(a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  let months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + (db.getUTCMonth() - da.getUTCMonth());
  const restA = a - Date.UTC(da.getUTCFullYear(), da.getUTCMonth(), 1);
  const restB = b - Date.UTC(db.getUTCFullYear(), db.getUTCMonth(), 1);
  if (months > 0 && restB < restA) months--;
  if (months < 0 && restB > restA) months++;
  return months;
}

/**
 * `end - start` in whole units, truncated toward zero: hours and smaller on the instants, days and larger on the
 * local date-times of the zone (so a day across a daylight-saving change is still one day).
 */
export function unitsBetween(unit: DateUnit, start: number, end: number, zone?: string): number {
  const fixed = FIXED_MS[unit];
  if (fixed !== undefined) return Math.trunc((end - start) / fixed);
  if (unit === 'microsecond') return (end - start) * 1000;
  if (unit === 'nanosecond') return (end - start) * 1000000;
  const a = toLocal(start, zone);
  const b = toLocal(end, zone);
  switch (unit) {
    case 'day': case 'dayofyear': case 'weekday': return Math.trunc((b - a) / 86400000);
    case 'week': return Math.trunc((b - a) / 604800000);
    case 'month': return monthsBetween(a, b);
    case 'quarter': return Math.trunc(monthsBetween(a, b) / 3);
    default: return Math.trunc(monthsBetween(a, b) / 12);
  }
}

const FIXED_NANOS: Partial<Record<DateUnit, bigint>> = {
  nanosecond: 1n, microsecond: 1000n, millisecond: 1000000n, second: 1000000000n, minute: 60000000000n, hour: 3600000000000n,
};

/** How many `unit`s one `container` period holds: fixed ratios, else the period around `date` in the zone. */
export function unitCount(unit: DateUnit, container: DateUnit, date: number, zone?: string): number {
  if (unit === container) return 1;
  const small = FIXED_NANOS[unit];
  const big = FIXED_NANOS[container];
  if (small !== undefined && big !== undefined) return Number(big / small);
  if (container === 'week' && (unit === 'day' || unit === 'dayofyear' || unit === 'weekday')) return 7;
  if (container === 'year' && unit === 'month') return 12;
  if (container === 'year' && unit === 'quarter') return 4;
  const local = new Date(toLocal(date, zone));
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  let from: number;
  let to: number;
  switch (container) {
    case 'day': from = Date.UTC(y, m, d); to = Date.UTC(y, m, d + 1); break;
    case 'week': {
      const back = (local.getUTCDay() + 6) % 7;
      from = Date.UTC(y, m, d - back);
      to = Date.UTC(y, m, d - back + 7);
      break;
    }
    case 'month': from = Date.UTC(y, m, 1); to = Date.UTC(y, m + 1, 1); break;
    case 'year': from = Date.UTC(y, 0, 1); to = Date.UTC(y + 1, 0, 1); break;
    default: throw new EvalFailure('java.lang.IllegalArgumentException', `Unsupported unit [${container.toUpperCase()}]`);
  }
  return unitsBetween(unit, fromLocal(from, zone), fromLocal(to, zone), zone);
}
