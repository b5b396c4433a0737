// BUCKET(field, span) and BUCKET(field, buckets, from, to) for STATS ... BY: dates round down to a calendar
// or fixed interval, numbers to a multiple of the span.
import { Expr } from './ast';
import { Column, ExprCompiler } from './compile';
import { Compiled } from './registry';
import { Duration, Period, isDate, isNumeric, isString } from './types';
import { makeInterval, toDatetime, truncateDate } from './values';
import { EvalFailure } from './errors';
import { standardEvaluator } from './functions';

const DATE_CANDIDATES: (Duration | Period)[] = [
  ...[1, 2, 5, 10, 15, 30].map((s) => ({ kind: 'duration' as const, ms: s * 1000 })),
  ...[1, 2, 5, 10, 15, 30].map((m) => ({ kind: 'duration' as const, ms: m * 60000 })),
  ...[1, 3, 12].map((h) => ({ kind: 'duration' as const, ms: h * 3600000 })),
  { kind: 'period', months: 0, days: 1 }, { kind: 'period', months: 0, days: 7 },
  { kind: 'period', months: 1, days: 0 }, { kind: 'period', months: 3, days: 0 }, { kind: 'period', months: 12, days: 0 },
];

function approxMs(i: Duration | Period): number {
  return i.kind === 'duration' ? i.ms : i.months * 30.4375 * 86400000 + i.days * 86400000;
}

export function bucketCompile(e: Expr & { kind: 'call' }, columns: Column[], compiler: ExprCompiler): Compiled {
  const args = e.args.map((a) => compiler.compile(a, columns));
  if (args.length !== 2 && args.length !== 4) return compiler.fail(e.span, `error building [bucket]: expects 2 or 4 arguments`);
  const field = args[0];
  const ctx = compiler.context(e);
  if (isDate(field.type)) {
    let interval: Duration | Period;
    if (args.length === 2) {
      // A string literal span ("1 week") is read as a date_period or time_duration (implicit casting).
      const literal = args[1].constant && isString(args[1].type) ? temporalAmount(String(args[1].constant.value)) : null;
      const v = literal ?? args[1].constant?.value as Duration | Period | undefined;
      if (!v || (!literal && args[1].type !== 'time_duration' && args[1].type !== 'date_period')) {
        return compiler.fail(e.span, `second argument of [${e.text}] must be [date_period or time_duration], found value [${args[1].text}] type [${args[1].type}]`);
      }
      interval = v;
    } else {
      const n = Number(args[1].constant?.value);
      const from = toDatetime(args[2].constant?.value, args[2].type === 'date' ? 'date' : 'keyword');
      const to = toDatetime(args[3].constant?.value, args[3].type === 'date' ? 'date' : 'keyword');
      interval = DATE_CANDIDATES.find((c) => Math.ceil((to - from) / approxMs(c)) <= n) ?? DATE_CANDIDATES[DATE_CANDIDATES.length - 1];
    }
    return { type: field.type, text: e.text, fn: standardEvaluator([field], ctx, ([v]) => truncateDate(v as number, interval)) };
  }
  if (isNumeric(field.type) || field.type === 'null') {
    let span: number;
    if (args.length === 2) span = Number(args[1].constant?.value);
    else {
      const n = Number(args[1].constant?.value);
      const from = Number(args[2].constant?.value);
      const to = Number(args[3].constant?.value);
      // Elasticsearch's choice: the next power of ten, or half of it when that is still wide enough.
      const precise = (to - from) / n;
      const nextPowerOfTen = 10 ** Math.ceil(Math.log10(precise));
      span = precise < nextPowerOfTen / 2 ? nextPowerOfTen / 2 : nextPowerOfTen;
    }
    // No usable span (zero or negative buckets, an empty range): each value fails as Elasticsearch's division does.
    if (!(span > 0) || !Number.isFinite(span)) {
      return { type: 'double', text: e.text, fn: standardEvaluator([field], ctx, () => { throw new EvalFailure('java.lang.ArithmeticException', '/ by zero'); }) };
    }
    return { type: 'double', text: e.text, fn: standardEvaluator([field], ctx, ([v]) => Math.floor(Number(v) / span) * span) };
  }
  return compiler.fail(e.span, `first argument of [${e.text}] must be [datetime or numeric], found value [${field.text}] type [${field.type}]`);
}

/** "30 minutes", "1 week": a count and a unit, as a time_duration or date_period; null if it is not one. */
function temporalAmount(text: string): Duration | Period | null {
  const parts = text.trim().split(/ +/);
  if (parts.length !== 2 || !/^[+-]?\d+$/.test(parts[0])) return null;
  return (makeInterval(Number(parts[0]), parts[1])?.value as Duration | Period | undefined) ?? null;
}
