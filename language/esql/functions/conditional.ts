// Conditional functions: CASE, COALESCE, GREATEST, LEAST, CLAMP.
import type { DataType } from '../types';
import { MV_FAILURE } from '../errors';
import { comparatorFor } from '../values';
import { Row, coerceNumber, commonType, expect, mvList, scalar, standardEvaluator } from './common';
import type { FunctionRegistry } from '../registry';

export function defineConditionalFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'case', category: 'conditional', args: [1, 255],
    signature: 'CASE(condition, value [, condition, value]... [, else]) -> type of the values',
    doc: 'The value of the first condition that is true; the last argument (when the count is odd) otherwise, else null.',
    resolve: (types, args) => {
      const call = `CASE(${args.map((a) => a.text).join(', ')})`;
      for (let i = 0; i + 1 < types.length; i += 2) {
        const e = expect(call, args, i, (t) => t === 'boolean', 'boolean');
        if (e) return e;
      }
      if (types.length === 1) return 'null';
      return commonType(types.map((t, i) => (i % 2 === 1 || (i === types.length - 1 && types.length % 2 === 1) ? t : 'null')), call, args, 0, 1);
    },
    build: (args, ctx, type) => {
      const pairs: { cond: (r: Row) => unknown; value: (r: Row) => unknown; from: DataType }[] = [];
      for (let i = 0; i + 1 < args.length; i += 2) pairs.push({ cond: args[i].fn, value: args[i + 1].fn, from: args[i + 1].type });
      const elseArg = args.length % 2 === 1 ? args[args.length - 1] : null;
      return (row) => {
        for (const p of pairs) {
          const c = p.cond(row);
          if (Array.isArray(c)) {
            ctx.fail(MV_FAILURE(), 'false');
            continue;
          }
          if (c === true) return coerceNumber(p.value(row), p.from, type);
        }
        return elseArg ? coerceNumber(elseArg.fn(row), elseArg.type, type) : null;
      };
    },
  }));
  r.define(scalar({
    name: 'coalesce', category: 'conditional', args: [1, 255],
    signature: 'COALESCE(first, rest...) -> type of the arguments', doc: 'The first argument that is not null.',
    resolve: (types, args) => commonType(types, `COALESCE(${args.map((a) => a.text).join(', ')})`, args, 0, 1),
    build: (args, _ctx, type) => (row) => {
      for (const a of args) {
        const v = a.fn(row);
        if (v !== null && v !== undefined) return coerceNumber(v, a.type, type);
      }
      return null;
    },
  }));
  for (const [name, sign] of [['greatest', 1], ['least', -1]] as const) {
    r.define(scalar({
      name, category: 'conditional', args: [1, 255],
      signature: `${name.toUpperCase()}(first, rest...) -> type of the arguments`,
      doc: `The ${name === 'greatest' ? 'largest' : 'smallest'} of the arguments (every value of multivalued ones); null if any is null.`,
      resolve: (types, args) => commonType(types, `${name.toUpperCase()}(${args.map((a) => a.text).join(', ')})`, args, 0, 1),
      build: (args, _ctx, type) => {
        const cmp = comparatorFor(type);
        return (row) => {
          let best: unknown = null;
          for (const a of args) {
            const v = a.fn(row);
            if (v === null || v === undefined) return null;
            for (const x of mvList(coerceNumber(v, a.type, type))) {
              if (best === null || sign * cmp(x, best) > 0) best = x;
            }
          }
          return best;
        };
      },
    }));
  }
  const clamp = (name: string, doc: string, n: number, f: (c: (a: unknown, b: unknown) => number, v: unknown[]) => unknown): void => {
    r.define(scalar({
      name, category: 'conditional', args: n, doc,
      signature: `${name.toUpperCase()}(field${n === 3 ? ', min, max' : name.endsWith('min') ? ', min' : ', max'}) -> type of field`,
      resolve: (types, args) => commonType(types, `${name.toUpperCase()}(${args.map((a) => a.text).join(', ')})`, args, 0, 1),
      build: (args, ctx, type) => {
        const cmp = comparatorFor(type);
        const coerced = args.map((a) => ({ ...a, fn: (row: Row) => coerceNumber(a.fn(row), a.type, type) }));
        return standardEvaluator(coerced, ctx, (v) => f(cmp, v));
      },
    }));
  };
  clamp('clamp', 'The field limited to the range [min, max].', 3,
    (c, [v, lo, hi]) => (c(v, lo) < 0 ? lo : c(v, hi) > 0 ? hi : v));
  clamp('clamp_min', 'The field, or min when the field is smaller.', 2, (c, [v, lo]) => (c(v, lo) < 0 ? lo : v));
  clamp('clamp_max', 'The field, or max when the field is larger.', 2, (c, [v, hi]) => (c(v, hi) > 0 ? hi : v));
}
