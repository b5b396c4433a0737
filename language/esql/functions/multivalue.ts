// Multivalue functions (MV_*).
import type { ScalarFunction } from '../registry';
import { DataType, isNumeric, normalizeLong } from '../types';
import { canonicalIp } from './ip-address';
import { EvalFailure } from '../errors';
import { checkInt, comparatorFor, compareValues, longOp } from '../values';
import { expect, fromList, kahanSum, mvFunction, mvList, noText, scalar } from './common';
import type { FunctionRegistry } from '../registry';

export function defineMultivalueFunctions(r: FunctionRegistry): void {
  const sameAsFirst: ScalarFunction['resolve'] = (t) => (t[0] === 'text' ? 'keyword' : t[0]);
  r.define(mvFunction('mv_count', 'Number of values.', 'MV_COUNT(field) -> integer', 1, () => 'integer', (v) => v.length));
  r.define(mvFunction('mv_min', 'Smallest value.', 'MV_MIN(field) -> type of field', 1, sameAsFirst, (v, _r, [t]) => v.reduce((a, b) => (comparatorFor(t)(b, a) < 0 ? b : a))));
  r.define(mvFunction('mv_max', 'Largest value.', 'MV_MAX(field) -> type of field', 1, sameAsFirst, (v, _r, [t]) => v.reduce((a, b) => (comparatorFor(t)(b, a) > 0 ? b : a))));
  r.define(mvFunction('mv_first', 'First value.', 'MV_FIRST(field) -> type of field', 1, sameAsFirst, (v) => v[0]));
  r.define(mvFunction('mv_last', 'Last value.', 'MV_LAST(field) -> type of field', 1, sameAsFirst, (v) => v[v.length - 1]));
  r.define(mvFunction('mv_sum', 'Sum of the values.', 'MV_SUM(number) -> type of number', 1, (t, a) => expect(`MV_SUM(${a[0].text})`, a, 0, isNumeric, 'numeric') ?? t[0],
    (v, _r, [t]) => {
      if (t === 'double') return kahanSum(v as number[]);
      let s: unknown = 0;
      for (const x of v) s = t === 'integer' ? checkInt((s as number) + (x as number)) : longOp('+', s, x, t);
      return s;
    }));
  r.define(mvFunction('mv_avg', 'Average of the values.', 'MV_AVG(number) -> double', 1, (_t, a) => expect(`MV_AVG(${a[0].text})`, a, 0, isNumeric, 'numeric') ?? 'double',
    (v) => kahanSum(v.map(Number)) / v.length));
  r.define(mvFunction('mv_median', 'Median of the values.', 'MV_MEDIAN(number) -> type of number', 1, (t, a) => expect(`MV_MEDIAN(${a[0].text})`, a, 0, isNumeric, 'numeric') ?? t[0],
    (v, _r, [t]) => medianOf(v, t)));
  r.define(mvFunction('mv_concat', 'Joins the values with a delimiter.', 'MV_CONCAT(string, delimiter) -> keyword', 2, () => 'keyword',
    (v, [d]) => (d === null ? null : v.join(String(d)))));
  r.define(mvFunction('mv_dedupe', 'Removes duplicate values.', 'MV_DEDUPE(field) -> type of field', 1, sameAsFirst,
    (v) => fromList([...new Map(v.map((x) => [typeof x === 'bigint' ? `${x}n` : x, x])).values()])));
  r.define(mvFunction('mv_sort', 'Sorts the values (order "ASC" or "DESC").', 'MV_SORT(field [, order]) -> type of field', [1, 2], sameAsFirst,
    (v, [order], [t]) => {
      const o = order === undefined ? 'ASC' : String(order).toUpperCase();
      if (o !== 'ASC' && o !== 'DESC') {
        throw new EvalFailure('org.elasticsearch.xpack.esql.core.InvalidArgumentException', `Invalid order value in [MV_SORT], expected one of [ASC, DESC] but got [${order}]`);
      }
      const c = comparatorFor(t);
      return fromList([...v].sort((a, b) => (o === 'DESC' ? c(b, a) : c(a, b))));
    }));
  r.define(mvFunction('mv_slice', 'Values from start to end (inclusive, 0-based, negative from the end).', 'MV_SLICE(field, start [, end]) -> type of field', [2, 3], sameAsFirst,
    (v, [start, end]) => {
      if (start === null) return null;
      let s = Number(start);
      let e = end === undefined || end === null ? s : Number(end);
      if (s < 0) s += v.length;
      if (e < 0) e += v.length;
      if (s > e) throw new EvalFailure('org.elasticsearch.xpack.esql.core.InvalidArgumentException', `Start offset is greater than end offset`);
      return fromList(v.slice(Math.max(0, s), Math.max(0, e + 1)));
    }));
  r.define(scalar({
    name: 'mv_append', category: 'multivalue', args: 2, signature: 'MV_APPEND(field1, field2) -> type of fields',
    doc: 'All values of both fields (null when either is null).', resolve: (t) => noText(t[0] === 'null' ? t[1] : t[0]),
    build: (args) => (row) => {
      const a = args[0].fn(row);
      const b = args[1].fn(row);
      if (a === null || a === undefined || b === null || b === undefined) return null;
      return fromList([...mvList(a), ...mvList(b)]);
    },
  }));
  r.define(scalar({
    name: 'mv_zip', category: 'multivalue', args: [2, 3], signature: 'MV_ZIP(field1, field2 [, delimiter]) -> keyword',
    doc: 'Pairs values of two fields, joined by the delimiter (default ",").', resolve: () => 'keyword',
    build: (args) => (row) => {
      const a = mvList(args[0].fn(row));
      const b = mvList(args[1].fn(row));
      const d = args[2] ? args[2].fn(row) : ',';
      if (!a.length && !b.length) return null;
      const n = Math.max(a.length, b.length);
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(i < a.length && i < b.length ? `${a[i]}${d}${b[i]}` : String(i < a.length ? a[i] : b[i]));
      return fromList(out);
    },
  }));

  r.define(mvFunction('mv_percentile', 'The percentile of the values.', 'MV_PERCENTILE(number, percentile) -> type of number', 2,
    (t, a) => expect(`MV_PERCENTILE(${a[0].text}, ${a[1].text})`, a, 0, isNumeric, 'numeric') ?? (t[0] === 'double' ? 'double' : t[0]),
    (v, [p], [t]) => {
      const sorted = v.map(Number).sort((x, y) => x - y);
      const pct = Number(p);
      if (pct < 0 || pct > 100) throw new EvalFailure('java.lang.IllegalArgumentException', `Percentile parameter must be a number between 0 and 100, found [${pct}]`);
      const rank = (pct / 100) * (sorted.length - 1);
      const lo = Math.floor(rank);
      const value = sorted[lo] + (sorted[Math.ceil(rank)] - sorted[lo]) * (rank - lo);
      return t === 'double' ? value : Math.trunc(value);
    }));
  // Set functions: null is the empty set.
  const setKey = (t: DataType) => (v: unknown): string => (t === 'ip' ? canonicalIp(String(v), 'decimal') ?? String(v) : typeof v === 'bigint' ? `${v}` : `${typeof v}:${v}`);
  const setFunction = (name: string, doc: string, result: 'boolean' | 'same',
    f: (a: unknown[], b: unknown[], key: (v: unknown) => string) => unknown): void => {
    r.define(scalar({
      name, category: 'multivalue', args: 2, signature: `${name.toUpperCase()}(field1, field2) -> ${result === 'same' ? 'type of fields' : 'boolean'}`, doc,
      resolve: (t, a) => {
        const [x, y] = t.map(noText);
        if (x !== 'null' && y !== 'null' && x !== y) {
          return `second argument of [${name.toUpperCase()}(${a[0].text}, ${a[1].text})] must be [${x}], found value [${a[1].text}] type [${t[1]}]`;
        }
        return result === 'boolean' ? 'boolean' : x === 'null' ? y : x;
      },
      build: (args, _ctx, type) => {
        const key = setKey(result === 'boolean' ? noText(args[0].type === 'null' ? args[1].type : args[0].type) : type);
        return (row) => f(mvList(args[0].fn(row)), mvList(args[1].fn(row)), key);
      },
    }));
  };
  setFunction('mv_contains', 'Whether every value of the second field is a value of the first.', 'boolean', (a, b, key) => {
    const have = new Set(a.map(key));
    return b.every((v) => have.has(key(v)));
  });
  setFunction('mv_intersects', 'Whether a value of the second field is a value of the first.', 'boolean', (a, b, key) => {
    const have = new Set(a.map(key));
    return b.some((v) => have.has(key(v)));
  });
  setFunction('mv_union', 'The distinct values of both fields (null only when both are null).', 'same', (a, b, key) => {
    const seen = new Map<string, unknown>();
    for (const v of [...a, ...b]) if (!seen.has(key(v))) seen.set(key(v), v);
    return fromList([...seen.values()]);
  });
  setFunction('mv_intersection', 'The distinct values found in both fields (null when there are none).', 'same', (a, b, key) => {
    const other = new Set(b.map(key));
    const seen = new Map<string, unknown>();
    for (const v of a) if (other.has(key(v)) && !seen.has(key(v))) seen.set(key(v), v);
    return fromList([...seen.values()]);
  });
  r.define(mvFunction('mv_pseries_weighted_sum', 'Sum of the values, each divided by its position (from 1) to the power p.',
    'MV_PSERIES_WEIGHTED_SUM(number, p) -> double', 2,
    (_t, a) => expect(`MV_PSERIES_WEIGHTED_SUM(${a[0].text}, ${a[1].text})`, a, 0, (t) => t === 'double', 'double') ??
      (a[1].constant ? expect(`MV_PSERIES_WEIGHTED_SUM(${a[0].text}, ${a[1].text})`, a, 1, isNumeric, 'numeric')
        : `second argument of [MV_PSERIES_WEIGHTED_SUM(${a[0].text}, ${a[1].text})] must be a constant, received [${a[1].text}]`) ?? 'double',
    (v, [p]) => kahanSum(v.map((x, i) => Number(x) / Math.pow(i + 1, Number(p))))));
  r.define(mvFunction('mv_median_absolute_deviation', 'The median of the distances of the values from their median.',
    'MV_MEDIAN_ABSOLUTE_DEVIATION(number) -> type of number', 1,
    (t, a) => expect(`MV_MEDIAN_ABSOLUTE_DEVIATION(${a[0].text})`, a, 0, isNumeric, 'numeric') ?? t[0],
    (v, _r, [t]) => {
      if (t === 'double') {
        const m = medianOf(v as number[], t) as number;
        return medianOf((v as number[]).map((x) => Math.abs(x - m)), t);
      }
      const big = v.map((x) => BigInt(x as number | bigint));
      const m = BigInt(medianOf(big, t) as number | bigint);
      return medianOf(big.map((x) => (x > m ? x - m : m - x)), t);
    }));
}

/** The median as MV_MEDIAN computes it: the middle value, or the mean of the two middle ones (whole numbers: floored). */
function medianOf(values: unknown[], type: DataType): unknown {
  const s = [...values].sort(compareValues);
  const m = s.length >> 1;
  if (s.length % 2) return typeof s[m] === 'bigint' ? normalizeLong(s[m] as bigint) : s[m];
  if (type === 'double') return ((s[m - 1] as number) + (s[m] as number)) / 2;
  const sum = BigInt(s[m - 1] as number | bigint) + BigInt(s[m] as number | bigint);
  return normalizeLong(sum / 2n - (sum < 0n && sum % 2n !== 0n ? 1n : 0n));
}
