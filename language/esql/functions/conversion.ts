// Conversion functions (TO_*), applied to each value of a multivalue.
import { DataType, Duration, Period, isNumeric, isString } from '../types';
import { ScalarFunction, typeError } from '../registry';
import { makeInterval, toBoolean, toDateNanos, toDatetime, toDouble, toInteger, toLong, toStringValue, toUnsignedLong } from '../values';
import { conversion, conversionEvaluator, scalar } from './common';
import { localIfUnzoned } from './zone';
import type { FunctionRegistry } from '../registry';

export function defineConversionFunctions(r: FunctionRegistry): void {
  const any = (): boolean => true;
  const convertible = (...ok: DataType[]) => (t: DataType): boolean => ok.includes(t);
  r.define(conversion('to_string', ['to_str'], 'keyword', any, toStringValue, 'Converts to a string.'));
  r.define(conversion('to_text', [], 'text', any, toStringValue, 'Converts to text.'));
  r.define(conversion('to_integer', ['to_int'], 'integer', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toInteger, 'Converts to an integer.'));
  r.define(conversion('to_long', [], 'long', convertible('boolean', 'date', 'date_nanos', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toLong, 'Converts to a long.'));
  r.define(conversion('to_double', ['to_dbl'], 'double', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toDouble, 'Converts to a double.'));
  r.define(conversion('to_unsigned_long', ['to_ul', 'to_ulong'], 'unsigned_long', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toUnsignedLong, 'Converts to an unsigned long.'));
  r.define(conversion('to_boolean', ['to_bool'], 'boolean', convertible('boolean', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toBoolean, 'Converts to a boolean (strings: "true" in any case; numbers: not zero).'));
  // Text without an offset of its own is a local time of the query's time zone.
  const toDate = conversion('to_datetime', ['to_dt'], 'date', convertible('date', 'date_nanos', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toDatetime, 'Converts to a date; text without an offset is read in the query\'s time zone.');
  r.define({
    ...toDate,
    build: (args, ctx) => conversionEvaluator(args[0], ctx, (v) => {
      const ms = toDatetime(v, args[0].type);
      return isString(args[0].type) ? localIfUnzoned(ms, String(v), ctx.timeZone) : ms;
    }),
  });
  const toNanos = conversion('to_date_nanos', [], 'date_nanos', convertible('date', 'date_nanos', 'keyword', 'text', 'double', 'long', 'unsigned_long'), toDateNanos, 'Converts to a nanosecond-resolution date (held to the millisecond here); text without an offset is read in the query\'s time zone.');
  r.define({
    ...toNanos,
    build: (args, ctx) => conversionEvaluator(args[0], ctx, (v) => {
      const ms = toDateNanos(v, args[0].type);
      return isString(args[0].type) ? toDateNanos(localIfUnzoned(ms, String(v), ctx.timeZone), 'date') : ms;
    }),
  });
  const numeric = (t: DataType): boolean => isNumeric(t);
  r.define(conversion('to_degrees', [], 'double', numeric, (v) => Number(v) * (180 / Math.PI), 'Converts radians to degrees.'));
  r.define(conversion('to_radians', [], 'double', numeric, (v) => Number(v) * (Math.PI / 180), 'Converts degrees to radians.'));
  r.define(conversion('to_version', ['to_ver'], 'version', convertible('version', 'keyword', 'text'), (v) => String(v), 'Converts to a version.'));
  r.define(temporalConversion('to_dateperiod', 'date_period'));
  r.define(temporalConversion('to_timeduration', 'time_duration'));
}

const TEMPORAL_NAME: Record<string, string> = { date_period: 'DATE_PERIOD', time_duration: 'TIME_DURATION' };

/** `"3 days"` -> a date_period, `"2 hours"` -> a time_duration: a constant, as Elasticsearch requires. */
function temporalConversion(name: string, target: 'date_period' | 'time_duration'): ScalarFunction {
  const other = target === 'date_period' ? 'time_duration' : 'date_period';
  const parse = (text: string): Duration | Period => {
    const parts = text.trim().split(/ +/);
    const iv = parts.length === 2 && /^[+-]?\d+$/.test(parts[0]) ? makeInterval(Number(parts[0]), parts[1]) : null;
    if (iv?.type === target) return iv.value as Duration | Period;
    const hint = iv ? `, did you mean ${TEMPORAL_NAME[other]}?` : '';
    throw new Error(`Cannot parse [${text}] to ${TEMPORAL_NAME[target]}${hint}`);
  };
  return scalar({
    name, category: 'conversion', args: 1, signature: `${name.toUpperCase()}(field) -> ${target}`,
    doc: `Converts a constant string such as "3 ${target === 'date_period' ? 'days' : 'hours'}" to a ${target}.`,
    resolve: (types, args) => {
      const call = `${name.toUpperCase()}(${args[0].text})`;
      if (types[0] === target || types[0] === 'null') return target;
      if (!isString(types[0])) return typeError(call, 0, 1, `${target} or string`, args[0]).replace(/^argument of \[[^\]]*\]/, `argument of [${name}(${args[0].text})]`);
      if (!args[0].constant) return `argument of [${call}] must be a constant, received [${args[0].text}]`;
      try {
        if (args[0].constant.value !== null) parse(String(args[0].constant.value));
      } catch (e) {
        return (e as Error).message;
      }
      return target;
    },
    build: (args) => {
      const v = args[0].constant?.value ?? null;
      const value = v === null ? null : typeof v === 'string' ? parse(v) : v;
      return () => value;
    },
  });
}
