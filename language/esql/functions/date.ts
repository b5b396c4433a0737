// Date functions: NOW, DATE_TRUNC, DATE_FORMAT, DATE_PARSE, DATE_EXTRACT, DATE_DIFF.
import type { Duration, Period } from '../types';
import { EvalFailure } from '../errors';
import { formatJavaDate, parseJavaDate, toDatetime, truncateDate } from '../values';
import { expect, scalar, standardEvaluator } from './common';
import type { FunctionRegistry } from '../registry';

export function defineDateFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'now', category: 'date', args: 0, signature: 'NOW() -> date', doc: 'The time the query started.',
    resolve: () => 'date', build: (_a, ctx) => () => ctx.now,
  }));
  r.define(scalar({
    name: 'date_trunc', category: 'date', args: 2, signature: 'DATE_TRUNC(interval, date) -> date',
    doc: 'Rounds a date down to the interval (`1 hour`, `1 month`, ...).',
    resolve: (t, a) => {
      if (t[0] === 'date' && (t[1] === 'time_duration' || t[1] === 'date_period')) return 'date'; // older (date, interval) order
      return expect(`DATE_TRUNC(${a[0].text}, ${a[1].text})`, a, 0, (x) => x === 'time_duration' || x === 'date_period', 'dateperiod or timeduration') ??
        expect(`DATE_TRUNC(${a[0].text}, ${a[1].text})`, a, 1, (x) => x === 'date', 'datetime') ?? 'date';
    },
    impl: ([i, d], [t0]) => (t0 === 'date' ? truncateDate(i as number, d as Duration | Period) : truncateDate(d as number, i as Duration | Period)),
  }));
  r.define(scalar({
    name: 'date_format', category: 'date', args: [1, 2], signature: 'DATE_FORMAT([format,] date) -> keyword',
    doc: 'Formats a date with a Java date pattern (default ISO-8601).',
    resolve: () => 'keyword',
    build: (args, ctx) => {
      // Elasticsearch warns that month and day names may change with the JDK's locale data.
      const format = args.length === 2 ? args[args[0].type === 'date' ? 1 : 0].constant?.value : undefined;
      if (typeof format === 'string' && /MMM|E|a|G/.test(format.replace(/'[^']*'/g, ''))) {
        ctx.note(`Date format [${format}] contains textual field specifiers that could change in JDK 23`);
      }
      return standardEvaluator(args, ctx, (v, t) => {
        if (v.length === 1) return new Date(v[0] as number).toISOString();
        // Older releases took (date, format): accept both orders, told apart by type.
        return t[0] === 'date' ? formatJavaDate(v[0] as number, String(v[1])) : formatJavaDate(v[1] as number, String(v[0]));
      });
    },
  }));
  r.define(scalar({
    name: 'date_parse', category: 'date', args: [1, 2], signature: 'DATE_PARSE([format,] string) -> date',
    doc: 'Parses a date with a Java date pattern (default ISO-8601).',
    resolve: () => 'date',
    impl: (v) => {
      if (v.length === 1) return toDatetime(v[0], 'keyword');
      const ms = parseJavaDate(String(v[1]), String(v[0]));
      if (Number.isNaN(ms)) {
        throw new EvalFailure('java.lang.IllegalArgumentException', `failed to parse date field [${v[1]}] with format [${v[0]}]`);
      }
      return ms;
    },
  }));
  r.define(scalar({
    name: 'date_extract', category: 'date', args: 2, signature: 'DATE_EXTRACT(part, date) -> long',
    doc: 'A part of a date: year, month_of_year, day_of_month, hour_of_day, minute_of_hour, day_of_week, ...',
    resolve: () => 'long',
    impl: ([part, d]) => dateExtract(String(part), d as number),
  }));
  r.define(scalar({
    name: 'date_diff', category: 'date', args: 3, signature: 'DATE_DIFF(unit, start, end) -> integer',
    doc: 'end - start in whole units (millisecond, second, minute, hour, day, week, month, quarter, year).',
    resolve: () => 'integer',
    impl: ([unit, a, b]) => dateDiff(String(unit), a as number, b as number),
  }));
  r.define(scalar({
    name: 'day_name', category: 'date', args: 1, signature: 'DAY_NAME(date) -> keyword', doc: 'The English day name.',
    resolve: () => 'keyword', impl: ([d]) => formatJavaDate(d as number, 'EEEE'),
  }));
  r.define(scalar({
    name: 'month_name', category: 'date', args: 1, signature: 'MONTH_NAME(date) -> keyword', doc: 'The English month name.',
    resolve: () => 'keyword', impl: ([d]) => formatJavaDate(d as number, 'MMMM'),
  }));
}
/** java.time ChronoField values of a UTC date-time. */
function dateExtract(part: string, ms: number): number | bigint {
  const d = new Date(ms);
  const dayMs = 86400000;
  const milliOfDay = ms - Math.floor(ms / dayMs) * dayMs;
  const dayOfYear = Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / dayMs) + 1;
  const dayOfWeek = ((d.getUTCDay() + 6) % 7) + 1;
  const hour = d.getUTCHours();
  switch (part.toLowerCase()) {
    case 'year': case 'year_of_era': return d.getUTCFullYear();
    case 'era': return d.getUTCFullYear() > 0 ? 1 : 0;
    case 'month_of_year': return d.getUTCMonth() + 1;
    case 'proleptic_month': return d.getUTCFullYear() * 12 + d.getUTCMonth();
    case 'day_of_month': return d.getUTCDate();
    case 'day_of_week': return dayOfWeek;
    case 'day_of_year': return dayOfYear;
    case 'aligned_day_of_week_in_month': return ((d.getUTCDate() - 1) % 7) + 1;
    case 'aligned_day_of_week_in_year': return ((dayOfYear - 1) % 7) + 1;
    case 'aligned_week_of_month': return Math.floor((d.getUTCDate() - 1) / 7) + 1;
    case 'aligned_week_of_year': return Math.floor((dayOfYear - 1) / 7) + 1;
    case 'epoch_day': return Math.floor(ms / dayMs);
    case 'hour_of_day': return hour;
    case 'clock_hour_of_day': return hour === 0 ? 24 : hour;
    case 'hour_of_ampm': return hour % 12;
    case 'clock_hour_of_ampm': return hour % 12 === 0 ? 12 : hour % 12;
    case 'ampm_of_day': return hour < 12 ? 0 : 1;
    case 'minute_of_hour': return d.getUTCMinutes();
    case 'minute_of_day': return Math.floor(milliOfDay / 60000);
    case 'second_of_minute': return d.getUTCSeconds();
    case 'second_of_day': return Math.floor(milliOfDay / 1000);
    case 'milli_of_second': return d.getUTCMilliseconds();
    case 'milli_of_day': return milliOfDay;
    case 'micro_of_second': return d.getUTCMilliseconds() * 1000;
    case 'micro_of_day': return milliOfDay * 1000;
    case 'nano_of_second': return d.getUTCMilliseconds() * 1000000;
    case 'nano_of_day': return BigInt(milliOfDay) * 1000000n;
    case 'instant_seconds': return Math.floor(ms / 1000);
    case 'offset_seconds': return 0;
    default:
      throw new EvalFailure('java.lang.IllegalArgumentException', `No enum constant java.time.temporal.ChronoField.${part.toUpperCase()}`);
  }
}

/** DATE_DIFF answers an integer; a larger difference is an InvalidArgumentException, as in Elasticsearch. */
function intRange(v: number): number {
  if (v < -2147483648 || v > 2147483647) {
    throw new EvalFailure('org.elasticsearch.xpack.esql.core.InvalidArgumentException', `[${v}] out of [integer] range`);
  }
  return v;
}

/** `end - start` in whole units, truncated toward zero, as java.time's ChronoUnit.between. */
function dateDiff(unit: string, a: number, b: number): number {
  const fixed: Record<string, number> = {
    millisecond: 1, milliseconds: 1, ms: 1, second: 1000, seconds: 1000, ss: 1000, s: 1000,
    minute: 60000, minutes: 60000, mi: 60000, n: 60000, hour: 3600000, hours: 3600000, hh: 3600000,
    day: 86400000, days: 86400000, dd: 86400000, d: 86400000, dayofyear: 86400000, dy: 86400000, y: 86400000,
    weekday: 86400000, weekdays: 86400000, dw: 86400000, week: 604800000, weeks: 604800000, wk: 604800000, ww: 604800000,
  };
  const u = unit.toLowerCase();
  if (u in fixed) return intRange(Math.trunc((b - a) / fixed[u]));
  if (['microsecond', 'microseconds', 'mcs'].includes(u)) return intRange((b - a) * 1000);
  if (['nanosecond', 'nanoseconds', 'ns'].includes(u)) return intRange((b - a) * 1000000);
  const da = new Date(a);
  const db = new Date(b);
  let months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + (db.getUTCMonth() - da.getUTCMonth());
  const restA = a - Date.UTC(da.getUTCFullYear(), da.getUTCMonth(), 1);
  const restB = b - Date.UTC(db.getUTCFullYear(), db.getUTCMonth(), 1);
  if (months > 0 && restB < restA) months--;
  if (months < 0 && restB > restA) months++;
  if (['month', 'months', 'mm', 'm'].includes(u)) return months;
  if (['quarter', 'quarters', 'qq', 'q'].includes(u)) return Math.trunc(months / 3);
  if (['year', 'years', 'yyyy', 'yy'].includes(u)) return Math.trunc(months / 12);
  throw new EvalFailure('java.lang.IllegalArgumentException', `A value of [YEAR, QUARTER, MONTH, DAYOFYEAR, DAY, WEEK, WEEKDAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND] or their aliases is required; received [${unit}]`);
}
