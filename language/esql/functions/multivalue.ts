// Multivalue functions (MV_*).
import type { ScalarFunction } from '../registry';
import { isNumeric, normalizeLong } from '../types';
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
    (v, _r, [t]) => {
      const s = [...v].sort(compareValues);
      const m = s.length >> 1;
      if (s.length % 2) return s[m];
      if (t === 'double') return ((s[m - 1] as number) + (s[m] as number)) / 2;
      const sum = BigInt(s[m - 1] as number) + BigInt(s[m] as number);
      return normalizeLong(sum / 2n - (sum < 0n && sum % 2n !== 0n ? 1n : 0n));
    }));
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
}
