// Math functions: ABS, ROUND, CEIL, FLOOR, POW, SQRT, LOG, trigonometry, constants.
import { isNumeric, isWholeNumber } from '../types';
import { EvalFailure } from '../errors';
import { checkInt, longOp } from '../values';
import { expect, mathFn, roundHalfUp, roundWhole, sameTypeNumeric, scalar, standardEvaluator } from './common';
import type { FunctionRegistry } from '../registry';

export function defineMathFunctions(r: FunctionRegistry): void {
  r.define(scalar({
    name: 'abs', category: 'math', args: 1, signature: 'ABS(number) -> type of number', doc: 'The absolute value.',
    resolve: (_t, a) => sameTypeNumeric(`ABS(${a[0].text})`, a),
    // Unsigned values are their own absolute value: the argument passes through (multivalues too).
    build: (args, ctx, type) => (type === 'unsigned_long' ? args[0].fn : standardEvaluator(args, ctx, ([x], [t]) => {
      if (t === 'integer') return checkInt(Math.abs(x as number));
      if (typeof x === 'bigint') return longOp('*', x < 0n ? -1 : 1, x, t);
      return Math.abs(x as number);
    })),
    impl: ([x], [t]) => {
      if (t === 'integer') return checkInt(Math.abs(x as number));
      if (typeof x === 'bigint') return longOp('*', x < 0n ? -1 : 1, x, t);
      return Math.abs(x as number);
    },
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
}
