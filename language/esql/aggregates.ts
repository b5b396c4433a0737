// ES|QL aggregate functions. Each consumes every value of a multivalued input; nulls are skipped.
import { Accumulator, AggregateFunction, Compiled, FunctionRegistry, typeError } from './registry';
import { isNumeric } from './types';
import { EvalFailure } from './errors';
import { comparatorFor, longOp } from './values';

function each(v: unknown, f: (x: unknown) => void): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) for (const x of v) f(x);
  else f(v);
}

function agg(def: Omit<AggregateFunction, 'kind' | 'minArgs' | 'maxArgs'> & { args: number | [number, number] }): AggregateFunction {
  const [minArgs, maxArgs] = typeof def.args === 'number' ? [def.args, def.args] : def.args;
  const { args: _a, ...rest } = def;
  return { kind: 'aggregate', minArgs, maxArgs, ...rest };
}

function numericArg(name: string, args: Compiled[]): string | null {
  const t = args[0]?.type;
  if (t === undefined || t === 'null' || isNumeric(t)) return null;
  return typeError(`${name}(${args[0].text})`, 0, 1, 'numeric except unsigned_long or counter types', args[0]);
}

/** Compensated (Kahan) summation, as Elasticsearch's double sums use. */
export class DoubleSum {
  sum = 0;
  private c = 0;
  add(v: number): void {
    const y = v - this.c;
    const t = this.sum + y;
    this.c = t - this.sum - y;
    this.sum = t;
  }
}

/** Percentile with linear interpolation between closest ranks (exact for the data sizes t-digest keeps whole). */
export function percentileOf(sorted: number[], p: number): number | null {
  // Elasticsearch answers null, without a warning, for a percentile outside 0..100.
  if (sorted.length === 0 || !(p >= 0 && p <= 100)) return null;
  if (sorted.length === 1) return sorted[0];
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function registerAggregates(r: FunctionRegistry): void {
  r.define(agg({
    name: 'count', category: 'aggregate', args: [0, 1], signature: 'COUNT([field | *]) -> long',
    doc: 'Number of values (COUNT(*): number of rows).', resolve: () => 'long',
    create: () => {
      let n = 0;
      return { add: (v) => each(v, () => n++), result: () => n };
    },
  }));
  for (const [name, present] of [['present', true], ['absent', false]] as const) {
    r.define(agg({
      name, category: 'aggregate', args: 1, signature: `${name.toUpperCase()}(field) -> boolean`,
      doc: present ? 'True when the field has a value in some row.' : 'True when the field has no value in any row.',
      resolve: () => 'boolean',
      create: () => {
        let any = false;
        return { add: (v) => each(v, () => { any = true; }), result: () => any === present };
      },
    }));
  }
  r.define(agg({
    name: 'count_distinct', category: 'aggregate', args: [1, 2], signature: 'COUNT_DISTINCT(field [, precision]) -> long',
    doc: 'Number of distinct values.', resolve: () => 'long',
    create: () => {
      const seen = new Set<unknown>();
      return { add: (v) => each(v, (x) => seen.add(typeof x === 'bigint' ? `${x}n` : x)), result: () => seen.size };
    },
  }));
  r.define(agg({
    name: 'sum', category: 'aggregate', args: 1, signature: 'SUM(number) -> long or double', doc: 'Sum of the values.',
    resolve: (t, a) => numericArg('SUM', a) ?? (t[0] === 'null' ? 'null' : t[0] === 'double' ? 'double' : t[0] === 'unsigned_long' ? 'unsigned_long' : 'long'),
    create: (type) => {
      if (type === 'double') {
        const s = new DoubleSum();
        let any = false;
        return { add: (v) => each(v, (x) => { any = true; s.add(Number(x)); }), result: () => (any ? s.sum : null) };
      }
      let sum: number | bigint = 0;
      let any = false;
      let failed: EvalFailure | null = null;
      return {
        add: (v) => each(v, (x) => {
          any = true;
          if (failed) return;
          try { sum = longOp('+', sum, x, type); } catch (e) { failed = e as EvalFailure; }
        }),
        result: () => {
          if (failed) throw failed;
          return any ? sum : null;
        },
      };
    },
  }));
  r.define(agg({
    name: 'avg', category: 'aggregate', args: 1, signature: 'AVG(number) -> double', doc: 'Average of the values.',
    resolve: (_t, a) => numericArg('AVG', a) ?? 'double',
    create: (_type, [argType]) => {
      let n = 0;
      if (argType === 'double') {
        const s = new DoubleSum();
        return { add: (v) => each(v, (x) => { n++; s.add(x as number); }), result: () => (n ? s.sum / n : null) };
      }
      let sum = 0n;
      return { add: (v) => each(v, (x) => { n++; sum += BigInt(x as number); }), result: () => (n ? Number(sum) / n : null) };
    },
  }));
  for (const [name, sign] of [['min', -1], ['max', 1]] as const) {
    r.define(agg({
      name, category: 'aggregate', args: 1, signature: `${name.toUpperCase()}(field) -> type of field`,
      doc: `The ${name === 'min' ? 'smallest' : 'largest'} value.`,
      resolve: (t) => (t[0] === 'text' ? 'keyword' : t[0]),
      create: (type) => {
        const cmp = comparatorFor(type);
        let best: unknown = null;
        return { add: (v) => each(v, (x) => { if (best === null || sign * cmp(x, best) > 0) best = x; }), result: () => best };
      },
    }));
  }
  const sortedNumbers = (): { add: (v: unknown) => void; values: number[] } => {
    const values: number[] = [];
    return { values, add: (v) => each(v, (x) => values.push(Number(x))) };
  };
  r.define(agg({
    name: 'median', category: 'aggregate', args: 1, signature: 'MEDIAN(number) -> double', doc: 'The 50th percentile.',
    resolve: (_t, a) => numericArg('MEDIAN', a) ?? 'double',
    create: () => {
      const s = sortedNumbers();
      return { add: s.add, result: () => percentileOf(s.values.sort((a, b) => a - b), 50) };
    },
  }));
  r.define(agg({
    name: 'percentile', category: 'aggregate', args: 2, signature: 'PERCENTILE(number, percentile) -> double',
    doc: 'The value below which the given percentage of values fall.',
    resolve: (_t, a) => numericArg('PERCENTILE', a) ?? 'double',
    create: (_t, _a, [p]) => {
      const s = sortedNumbers();
      return { add: s.add, result: () => percentileOf(s.values.sort((a, b) => a - b), Number(p)) };
    },
  }));
  r.define(agg({
    name: 'median_absolute_deviation', category: 'aggregate', args: 1,
    signature: 'MEDIAN_ABSOLUTE_DEVIATION(number) -> double', doc: 'Median of the deviations from the median.',
    resolve: (_t, a) => numericArg('MEDIAN_ABSOLUTE_DEVIATION', a) ?? 'double',
    create: () => {
      const s = sortedNumbers();
      return {
        add: s.add,
        result: () => {
          const m = percentileOf(s.values.sort((a, b) => a - b), 50);
          if (m === null) return null;
          return percentileOf(s.values.map((x) => Math.abs(x - m)).sort((a, b) => a - b), 50);
        },
      };
    },
  }));
  r.define(agg({
    name: 'std_dev', category: 'aggregate', args: 1, signature: 'STD_DEV(number) -> double',
    doc: 'Population standard deviation.', resolve: (_t, a) => numericArg('STD_DEV', a) ?? 'double',
    create: () => welford((variance) => Math.sqrt(variance)),
  }));
  r.define(agg({
    name: 'variance', category: 'aggregate', args: 1, signature: 'VARIANCE(number) -> double',
    doc: 'Population variance.', resolve: (_t, a) => numericArg('VARIANCE', a) ?? 'double',
    create: () => welford((variance) => variance),
  }));
  r.define(agg({
    name: 'values', category: 'aggregate', args: 1, signature: 'VALUES(field) -> type of field (multivalued)',
    doc: 'All distinct values.', resolve: (t) => (t[0] === 'text' ? 'keyword' : t[0]),
    create: () => {
      const seen = new Map<unknown, unknown>();
      return {
        add: (v) => each(v, (x) => seen.set(typeof x === 'bigint' ? `${x}n` : x, x)),
        result: () => {
          const out = [...seen.values()];
          return out.length === 0 ? null : out.length === 1 ? out[0] : out;
        },
      };
    },
  }));
  r.define(agg({
    name: 'top', category: 'aggregate', args: 3, signature: 'TOP(field, limit, order) -> type of field (multivalued)',
    doc: 'The top values, in "asc" or "desc" order.', resolve: (t) => (t[0] === 'text' ? 'keyword' : t[0]),
    create: (type, _a, [limit, order]) => {
      const all: unknown[] = [];
      const cmp = comparatorFor(type);
      const desc = String(order).toLowerCase() === 'desc';
      return {
        add: (v) => each(v, (x) => all.push(x)),
        result: () => {
          const out = all.sort((a, b) => (desc ? cmp(b, a) : cmp(a, b))).slice(0, Number(limit));
          return out.length === 0 ? null : out.length === 1 ? out[0] : out;
        },
      };
    },
  }));
  r.define(agg({
    name: 'weighted_avg', category: 'aggregate', args: 2, signature: 'WEIGHTED_AVG(number, weight) -> double',
    doc: 'Average weighted by the second argument (pairs where either is null are skipped).',
    resolve: (_t, a) => numericArg('WEIGHTED_AVG', a) ?? 'double',
    create: () => {
      let sum = 0, weights = 0;
      return {
        add: (v) => {
          const [x, w] = v as [unknown, unknown];
          if (x === null || w === null || Array.isArray(x) || Array.isArray(w)) return;
          sum += Number(x) * Number(w);
          weights += Number(w);
        },
        result: () => (weights ? sum / weights : null),
      };
    },
  }));
}

/** Welford's one-pass population variance, finished by `finish` (STD_DEV takes its square root). */
function welford(finish: (variance: number) => number): Accumulator {
  let n = 0, mean = 0, m2 = 0;
  return {
    add: (v) => each(v, (x) => {
      n++;
      const d = Number(x) - mean;
      mean += d / n;
      m2 += d * (Number(x) - mean);
    }),
    result: () => (n ? finish(m2 / n) : null),
  };
}
