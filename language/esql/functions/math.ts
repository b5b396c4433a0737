// Math functions: ABS, ROUND, ROUND_TO, CEIL, FLOOR, POW, SQRT, LOG, COPY_SIGN, SCALB, trigonometry, constants.
import { DataType, isNumeric, isWholeNumber, normalizeLong } from '../types';
import { EvalFailure } from '../errors';
import { checkInt, comparatorFor, longOp } from '../values';
import { Compiled, typeError } from '../registry';
import { coerceNumber, expect, mathFn, ordinal, roundHalfUp, roundWhole, sameTypeNumeric, scalar, standardEvaluator, widenNumeric } from './common';
import type { FunctionRegistry } from '../registry';

/** Java's Math.absExact: the absolute value of the most negative integer or long does not exist. */
function absExact(x: unknown, t: DataType): unknown {
  if (t === 'integer' && x === -2147483648) throw new EvalFailure('java.lang.ArithmeticException', 'Overflow to represent absolute value of Integer.MIN_VALUE');
  if (t === 'long' && BigInt(x as number | bigint) === -(2n ** 63n)) throw new EvalFailure('java.lang.ArithmeticException', 'Overflow to represent absolute value of Long.MIN_VALUE');
  if (typeof x === 'bigint') return normalizeLong(x < 0n ? -x : x);
  return Math.abs(x as number);
}

export function defineMathFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'abs', category: 'math', args: 1, signature: 'ABS(number) -> type of number', doc: 'The absolute value.',
    resolve: (_t, a) => sameTypeNumeric(`ABS(${a[0].text})`, a),
    // Unsigned values are their own absolute value: the argument passes through (multivalues too).
    build: (args, ctx, type) => (type === 'unsigned_long' ? args[0].fn : standardEvaluator(args, ctx, ([x], [t]) => absExact(x, t))),
  }));
  r.define(scalar({
    name: 'round', category: 'math', args: [1, 2], signature: 'ROUND(number [, decimals]) -> type of number',
    doc: 'Rounds to the given number of decimal digits (default 0), half away from zero.',
    resolve: (types, a) => {
      const e = expect(`ROUND(${a.map((x) => x.text).join(', ')})`, a, 0, isNumeric, 'numeric') ??
        (a[1] ? expect(`ROUND(${a.map((x) => x.text).join(', ')})`, a, 1, isWholeNumber, 'whole number') : null);
      return e ?? types[0];
    },
    build: (args, ctx, type) => {
      if (args.length === 2 && args[1].type === 'null') return () => null;
      return standardEvaluator(args, ctx, ([x, d]) => {
        const decimals = d === undefined ? 0 : Number(d);
        if (type === 'double') return roundHalfUp(x as number, decimals);
        return roundWhole(x as number | bigint, decimals, type);
      });
    },
  }));
  for (const [name, f] of [['ceil', Math.ceil], ['floor', Math.floor]] as const) {
    r.define(scalar({
      name, category: 'math', args: 1, signature: `${name.toUpperCase()}(number) -> type of number`,
      doc: `Rounds ${name === 'ceil' ? 'up' : 'down'} to a whole number (whole-number types are returned unchanged).`,
      resolve: (_t, a) => sameTypeNumeric(`${name.toUpperCase()}(${a[0].text})`, a),
      impl: ([x], [t]) => (t === 'double' ? f(x as number) : x),
    }));
  }
  r.define(scalar({
    name: 'pow', category: 'math', args: 2, signature: 'POW(base, exponent) -> double', doc: 'base raised to exponent.',
    resolve: (_t, a) => expect(`POW(${a[0].text}, ${a[1].text})`, a, 0, isNumeric, 'numeric') ??
      expect(`POW(${a[0].text}, ${a[1].text})`, a, 1, isNumeric, 'numeric') ?? 'double',
    impl: ([b, e]) => {
      const r2 = Math.pow(Number(b), Number(e));
      if (!Number.isFinite(r2)) throw new EvalFailure('java.lang.ArithmeticException', `not a finite double number: ${r2}`);
      return r2;
    },
  }));
  r.define(mathFn('sqrt', 'Square root.', Math.sqrt, (x) => (x < 0 ? 'Square root of negative' : null)));
  r.define(mathFn('cbrt', 'Cube root.', Math.cbrt));
  r.define(mathFn('exp', 'e raised to the number.', Math.exp));
  r.define(mathFn('log10', 'Logarithm base 10.', Math.log10, (x) => (x <= 0 ? 'Log of non-positive number' : null)));
  r.define(mathFn('sin', 'Sine (radians).', Math.sin));
  r.define(mathFn('cos', 'Cosine (radians).', Math.cos));
  r.define(mathFn('tan', 'Tangent (radians).', Math.tan));
  r.define(mathFn('asin', 'Arcsine.', Math.asin, (x) => (x < -1 || x > 1 ? 'Asin input out of range' : null)));
  r.define(mathFn('acos', 'Arccosine.', Math.acos, (x) => (x < -1 || x > 1 ? 'Acos input out of range' : null)));
  r.define(mathFn('atan', 'Arctangent.', Math.atan));
  r.define(mathFn('sinh', 'Hyperbolic sine.', Math.sinh));
  r.define(mathFn('cosh', 'Hyperbolic cosine.', Math.cosh));
  r.define(mathFn('tanh', 'Hyperbolic tangent.', Math.tanh));
  r.define(mathFn('signum', 'The sign: -1.0, 0.0 or 1.0.', Math.sign));
  r.define(scalar({
    name: 'log', category: 'math', args: [1, 2], signature: 'LOG([base,] number) -> double',
    doc: 'Logarithm of number in base (natural logarithm without base).',
    resolve: (_t, a) => {
      const call = `LOG(${a.map((x) => x.text).join(', ')})`;
      return expect(call, a, 0, isNumeric, 'numeric') ?? (a[1] ? expect(call, a, 1, isNumeric, 'numeric') : null) ?? 'double';
    },
    impl: (v) => {
      const [base, x] = v.length === 2 ? [Number(v[0]), Number(v[1])] : [Math.E, Number(v[0])];
      if (x <= 0 || base <= 0) throw new EvalFailure('java.lang.ArithmeticException', 'Log of non-positive number');
      if (base === 1) throw new EvalFailure('java.lang.ArithmeticException', 'Log of base 1');
      return v.length === 2 ? Math.log10(x) / Math.log10(base) : Math.log(x);
    },
  }));
  r.define(scalar({
    name: 'atan2', category: 'math', args: 2, signature: 'ATAN2(y, x) -> double', doc: 'Angle of the point (x, y).',
    resolve: () => 'double', impl: ([y, x]) => Math.atan2(Number(y), Number(x)),
  }));
  r.define(scalar({
    name: 'hypot', category: 'math', args: 2, signature: 'HYPOT(a, b) -> double', doc: 'sqrt(a² + b²).',
    resolve: () => 'double', impl: ([a, b]) => Math.hypot(Number(a), Number(b)),
  }));
  for (const [name, value] of [['pi', Math.PI], ['e', Math.E], ['tau', 2 * Math.PI]] as const) {
    r.define(scalar({
      name, category: 'math', args: 0, signature: `${name.toUpperCase()}() -> double`, doc: `The constant ${name}.`,
      resolve: () => 'double', build: () => () => value,
    }));
  }
  r.define(scalar({
    name: 'copy_sign', category: 'math', args: 2, signature: 'COPY_SIGN(magnitude, sign) -> type of magnitude',
    doc: 'The magnitude with the sign of the second number (a negative zero counts as negative).',
    resolve: (_t, a) => {
      const call = `COPY_SIGN(${a[0].text}, ${a[1].text})`;
      const notUnsigned = (t: DataType): boolean => isNumeric(t) && t !== 'unsigned_long';
      return expect(call, a, 0, notUnsigned, 'double, integer or long') ?? expect(call, a, 1, notUnsigned, 'double, integer or long') ?? a[0].type;
    },
    impl: ([m, s], [tm]) => {
      const negative = typeof s === 'bigint' ? s < 0n : (s as number) < 0 || Object.is(s, -0);
      if (tm === 'double') return negative ? -Math.abs(m as number) : Math.abs(m as number);
      const abs = typeof m === 'bigint' ? (m < 0n ? -m : m) : Math.abs(m as number);
      if (tm === 'integer') return checkInt(negative ? -(abs as number) : (abs as number));
      return longOp('*', negative ? -1 : 1, abs, 'long');
    },
  }));
  r.define(scalar({
    name: 'scalb', category: 'math', args: 2, signature: 'SCALB(d, scaleFactor) -> double',
    doc: 'd times 2 to the power scaleFactor, rounded once (as Java\'s Math.scalb).',
    resolve: (_t, a) => {
      const call = `SCALB(${a[0].text}, ${a[1].text})`;
      return expect(call, a, 0, isNumeric, 'numeric') ?? expect(call, a, 1, (t) => t === 'integer' || t === 'long', 'integer or long') ?? 'double';
    },
    impl: ([d, k]) => {
      const r2 = Number(d) * 2 ** Math.max(-2100, Math.min(2100, Number(k)));
      if (!Number.isFinite(r2)) throw new EvalFailure('java.lang.ArithmeticException', `not a finite double number: ${r2 > 0 ? 'Infinity' : '-Infinity'}`);
      return r2;
    },
  }));
  r.define(scalar({
    name: 'round_to', category: 'math', args: [2, 255], signature: 'ROUND_TO(field, point1, point2, ...) -> type of field',
    doc: 'Rounds down to the largest of the constant points not above the value (the smallest point below all of them).',
    resolve: (t, a) => roundToType(t, a),
    build: (args, ctx, type) => {
      const cmp = comparatorFor(type);
      const points = args.slice(1).map((p) => coerceNumber(p.constant!.value, p.type, type)).sort(cmp);
      const field = { ...args[0], fn: (row: unknown[]) => coerceNumber(args[0].fn(row), args[0].type, type) };
      return standardEvaluator([field], ctx, ([v]) => {
        let pick = points[0];
        for (const p of points) if (cmp(p, v) <= 0) pick = p;
        return pick;
      });
    },
  }));
}

/** ROUND_TO's result type: dates with dates, else the wider numeric type of the field and its constant points. */
function roundToType(types: DataType[], a: Compiled[]): DataType | string {
  const call = `ROUND_TO(${a.map((x) => x.text).join(', ')})`;
  const [field, ...points] = types;
  for (let i = 1; i < a.length; i++) {
    if (!a[i].constant || a[i].constant!.value === null || Array.isArray(a[i].constant!.value)) {
      return `${ordinal(i)} argument of [${call}] must be a constant, received [${a[i].text}]`;
    }
  }
  if (field === 'date' || field === 'date_nanos') {
    const bad = points.findIndex((p) => p !== field);
    return bad < 0 ? field : typeError(call, bad + 1, a.length, field === 'date' ? 'datetime' : 'date_nanos', a[bad + 1]);
  }
  const ok = (t: DataType): boolean => t === 'integer' || t === 'long' || t === 'double';
  const bad = types.findIndex((t) => !ok(t));
  if (bad >= 0) return typeError(call, bad, a.length, 'date_nanos, datetime or numeric', a[bad]);
  return widenNumeric(types) ?? 'double';
}
