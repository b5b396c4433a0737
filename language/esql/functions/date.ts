// Date functions: NOW, DATE_TRUNC, DATE_FORMAT, DATE_PARSE, DATE_EXTRACT, DATE_DIFF, DATE_UNIT_COUNT, DAY_NAME,
// MONTH_NAME. Local times (calendar truncation, formatting, extraction, day-based differences) are read in the
// query's time zone (`SET time_zone`, BuildContext.timeZone), UTC by default.
import { isString, type DataType, type Duration, type Period } from '../types';
import { EvalFailure } from '../errors';
import { toDatetime, truncateDate } from '../values';
import { Compiled, typeError } from '../registry';
import { expect, scalar, standardEvaluator } from './common';
import { formatIsoDate, formatJavaDate, localDate, parseJavaDate } from './date-format';
import { dateUnit, unitCount, unitsBetween } from './date-units';
import { functionOptions } from './options';
import { localIfUnzoned, validTimeZone } from './zone';
import type { FunctionRegistry } from '../registry';

const isDate = (t: DataType): boolean => t === 'date' || t === 'date_nanos';

export function defineDateFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'now', category: 'date', args: 0, signature: 'NOW() -> date', doc: 'The time the query started.',
    resolve: () => 'date', build: (_a, ctx) => () => ctx.now,
  }));
  r.define(scalar({
    name: 'date_trunc', category: 'date', args: 2, signature: 'DATE_TRUNC(interval, date) -> date',
    doc: 'Rounds a date down to the interval (`1 hour`, `1 month`, ...) on the local time of the query\'s time zone.',
    resolve: (t, a) => {
      if (isDate(t[0]) && (t[1] === 'time_duration' || t[1] === 'date_period')) return t[0]; // older (date, interval) order
      return expect(`DATE_TRUNC(${a[0].text}, ${a[1].text})`, a, 0, (x) => x === 'time_duration' || x === 'date_period', 'dateperiod or timeduration') ??
        expect(`DATE_TRUNC(${a[0].text}, ${a[1].text})`, a, 1, isDate, 'date_nanos or datetime') ?? (t[1] === 'date_nanos' ? 'date_nanos' : 'date');
    },
    build: (args, ctx) => standardEvaluator(args, ctx, ([i, d], [t0]) => (isDate(t0)
      ? truncateDate(i as number, d as Duration | Period, ctx.timeZone)
      : truncateDate(d as number, i as Duration | Period, ctx.timeZone))),
  }));
  r.define(scalar({
    name: 'date_format', category: 'date', args: [1, 2], signature: 'DATE_FORMAT([format,] date) -> keyword',
    doc: 'Formats a date with a Java date pattern (default ISO-8601), in the query\'s time zone.',
    resolve: () => 'keyword',
    build: (args, ctx) => {
      return standardEvaluator(args, ctx, (v, t) => {
        if (v.length === 1) return formatIsoDate(v[0] as number, ctx.timeZone);
        // Older releases took (date, format): accept both orders, told apart by type.
        const [date, format] = t[0] === 'date' ? [v[0], v[1]] : [v[1], v[0]];
        return formatJavaDate(date as number, String(format), ctx.timeZone);
      });
    },
  }));
  r.define(scalar({
    name: 'date_parse', category: 'date', args: [1, 3],
    signature: 'DATE_PARSE([format,] string [, {"time_zone": zone, "locale": tag}]) -> date',
    doc: 'Parses a date with a Java date pattern (default ISO-8601); local times are read in the query\'s (or the given) time zone.',
    resolve: (t, a) => {
      const hasOptions = t[t.length - 1] === 'map';
      const strings = hasOptions ? a.slice(0, -1) : a;
      if (strings.length === 0 || strings.length > 2) return `error building [date_parse]: expects between 1 and 2 arguments before its options`;
      const call = `DATE_PARSE(${a.map((x) => x.text).join(', ')})`;
      for (let i = 0; i < strings.length; i++) {
        if (strings[i].type !== 'null' && !isString(strings[i].type)) return typeError(call, i, a.length, 'string', strings[i]);
      }
      const opts = hasOptions ? dateParseOptions(a[a.length - 1], call) : {};
      return typeof opts === 'string' ? opts : 'date';
    },
    build: (args, ctx) => {
      const hasOptions = args[args.length - 1].type === 'map';
      const opts = (hasOptions ? dateParseOptions(args[args.length - 1], '') : {}) as { time_zone?: string; locale?: string };
      const zone = opts.time_zone ?? ctx.timeZone;
      const strings = hasOptions ? args.slice(0, -1) : args;
      return standardEvaluator(strings, ctx, (v) => {
        if (v.length === 1) return localIfUnzoned(toDatetime(v[0], 'keyword'), String(v[0]), zone);
        const ms = parseJavaDate(String(v[1]), String(v[0]), zone, opts.locale);
        if (Number.isNaN(ms)) {
          throw new EvalFailure('java.lang.IllegalArgumentException', `failed to parse date field [${v[1]}] with format [${v[0]}]`);
        }
        return ms;
      });
    },
  }));
  r.define(scalar({
    name: 'date_extract', category: 'date', args: 2, signature: 'DATE_EXTRACT(part, date) -> long',
    doc: 'A part of a date in the query\'s time zone: year, month_of_year, day_of_month, hour_of_day, minute_of_hour, day_of_week, ...',
    resolve: () => 'long',
    build: (args, ctx) => standardEvaluator(args, ctx, ([part, d]) => dateExtract(String(part), d as number, ctx.timeZone)),
  }));
  r.define(scalar({
    name: 'date_diff', category: 'date', args: 3, signature: 'DATE_DIFF(unit, start, end) -> integer',
    doc: 'end - start in whole units (millisecond, second, minute, hour, day, week, month, quarter, year); days and longer on the local calendar.',
    resolve: () => 'integer',
    build: (args, ctx) => standardEvaluator(args, ctx, ([unit, a, b]) =>
      intRange(unitsBetween(dateUnit(String(unit)), a as number, b as number, ctx.timeZone))),
  }));
  r.define(scalar({
    name: 'date_unit_count', category: 'date', args: 3, signature: 'DATE_UNIT_COUNT(to_unit, from_unit, date) -> long',
    doc: 'How many `to_unit`s the `from_unit` period containing the date holds (days in its month, hours in its day, ...).',
    resolve: (_t, a) => {
      const call = `DATE_UNIT_COUNT(${a.map((x) => x.text).join(', ')})`;
      return expect(call, a, 0, isString, 'string') ?? expect(call, a, 1, isString, 'string') ??
        expect(call, a, 2, isDate, 'datetime or date_nanos') ?? 'long';
    },
    build: (args, ctx) => standardEvaluator(args, ctx, ([to, from, d]) =>
      unitCount(dateUnit(String(to)), dateUnit(String(from)), d as number, ctx.timeZone)),
  }));
  r.define(scalar({
    name: 'day_name', category: 'date', args: 1, signature: 'DAY_NAME(date) -> keyword', doc: 'The English day name, in the query\'s time zone.',
    resolve: () => 'keyword', build: (args, ctx) => standardEvaluator(args, ctx, ([d]) => formatJavaDate(d as number, 'EEEE', ctx.timeZone)),
  }));
  r.define(scalar({
    name: 'month_name', category: 'date', args: 1, signature: 'MONTH_NAME(date) -> keyword', doc: 'The English month name, in the query\'s time zone.',
    resolve: () => 'keyword', build: (args, ctx) => standardEvaluator(args, ctx, ([d]) => formatJavaDate(d as number, 'MMMM', ctx.timeZone)),
  }));
}

function dateParseOptions(arg: Compiled, call: string): Record<string, unknown> | string {
  const opts = functionOptions(call, arg, { time_zone: 'string', locale: 'string' });
  if (typeof opts === 'string') return opts;
  if (opts.time_zone !== undefined && !validTimeZone(String(opts.time_zone))) return `Invalid time zone [${opts.time_zone}] in [${call}]`;
  return opts;
}

/** java.time ChronoField values of a date-time in `zone`. */
function dateExtract(part: string, ms: number, zone?: string): number | bigint {
  const d = localDate(ms, zone);
  const local = d.getTime();
  const dayMs = 86400000;
  const milliOfDay = local - Math.floor(local / dayMs) * dayMs;
  const dayOfYear = Math.floor((local - Date.UTC(d.getUTCFullYear(), 0, 1)) / dayMs) + 1;
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
    case 'epoch_day': return Math.floor(local / dayMs);
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
    case 'offset_seconds': return Math.round((local - ms) / 1000);
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
