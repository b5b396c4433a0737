// ES|QL scalar functions: conditional, math, string, date, conversion and multivalue families.
// Each entry is data: name, signature, doc, type rule and implementation.
import { BuildContext, Compiled, FunctionRegistry, ScalarFunction, typeError } from './registry';
import { DataType, Duration, Period, isNumeric, isString, isWholeNumber, normalizeLong } from './types';
import { EvalFailure, MV_FAILURE } from './errors';
import {
  checkInt, comparatorFor, compareValues, formatJavaDate, longOp, parseJavaDate, toBoolean, toDatetime, toDouble,
  toInteger, toLong, toStringValue, toUnsignedLong, truncateDate,
} from './values';
import { registerAggregates } from './aggregates';

type Row = unknown[];

// ---- type rules -------------------------------------------------------------------------------------

/** Widest numeric type of several (integer < long < double); unsigned_long only with itself. */
export function widenNumeric(types: DataType[]): DataType | null {
  let out: DataType | null = null;
  for (const t of types) {
    if (t === 'null') continue;
    if (!isNumeric(t)) return null;
    if (out === null) out = t;
    else if (out !== t) {
      if (out === 'unsigned_long' || t === 'unsigned_long') return out === 'double' || t === 'double' ? 'double' : null;
      out = out === 'double' || t === 'double' ? 'double' : 'long';
    }
  }
  return out;
}

/** ES|QL computes on keyword, never text: functions returning a string type return keyword. */
export function noText(t: DataType): DataType {
  return t === 'text' ? 'keyword' : t;
}

function expect(call: string, args: Compiled[], i: number, ok: (t: DataType) => boolean, expected: string): string | null {
  const t = args[i]?.type;
  if (t === undefined || t === 'null' || ok(t)) return null;
  return typeError(call, i, args.length, expected, args[i]);
}


function sameTypeNumeric(text: string, args: Compiled[]): DataType | string {
  return expect(text, args, 0, isNumeric, 'numeric') ?? args[0].type;
}

// ---- building blocks ----------------------------------------------------------------------------------

function scalar(def: Omit<ScalarFunction, 'kind' | 'minArgs' | 'maxArgs'> & { args: number | [number, number] }): ScalarFunction {
  const [minArgs, maxArgs] = typeof def.args === 'number' ? [def.args, def.args] : def.args;
  const { args: _a, ...rest } = def;
  return { kind: 'scalar', minArgs, maxArgs, ...rest };
}

/** The standard evaluator: null in -> null out, multivalue -> null + warning, failures -> null + warning. */
export function standardEvaluator(args: Compiled[], ctx: BuildContext,
  impl: (vals: unknown[], types: DataType[]) => unknown): (row: Row) => unknown {
  const types = args.map((a) => a.type);
  const fns = args.map((a) => a.fn);
  const n = fns.length;
  return (row) => {
    const vals = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = fns[i](row);
      if (v === null || v === undefined) return null;
      if (Array.isArray(v)) {
        ctx.fail(MV_FAILURE());
        return null;
      }
      vals[i] = v;
    }
    try {
      return impl(vals, types);
    } catch (e) {
      if (e instanceof EvalFailure) {
        ctx.fail(e);
        return null;
      }
      throw e;
    }
  };
}

/** Conversion functions map over each value of a multivalue, dropping (and warning about) failures. */
function conversion(name: string, aliases: string[], target: DataType, accepts: (t: DataType) => boolean,
  convert: (v: unknown, from: DataType) => unknown, doc: string): ScalarFunction {
  return scalar({
    name, aliases, category: 'conversion', args: 1, doc, signature: `${name.toUpperCase()}(field) -> ${target}`,
    resolve: (types, args) => {
      if (types[0] === 'null') return target;
      if (!accepts(types[0])) return typeError(`${args[0].text}`, 0, 1, 'any supported type', args[0]).replace(/^argument of \[[^\]]*\]/, `argument of [${name}(${args[0].text})]`);
      return target;
    },
    build: (args, ctx) => {
      const from = args[0].type;
      const arg = args[0].fn;
      const one = (v: unknown): unknown => {
        try {
          return convert(v, from);
        } catch (e) {
          if (e instanceof EvalFailure) {
            ctx.fail(e);
            return null;
          }
          throw e;
        }
      };
      return (row) => {
        const v = arg(row);
        if (v === null || v === undefined) return null;
        if (!Array.isArray(v)) return one(v);
        const out: unknown[] = [];
        for (const x of v) {
          const c = one(x);
          if (c !== null) out.push(c);
        }
        return out.length === 0 ? null : out.length === 1 ? out[0] : out;
      };
    },
  });
}

function mvList(v: unknown): unknown[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function fromList(list: unknown[]): unknown {
  return list.length === 0 ? null : list.length === 1 ? list[0] : list;
}

/** A multivalue function: gets all values of its first argument as a list. */
function mvFunction(name: string, doc: string, signature: string, args: number | [number, number],
  resolve: ScalarFunction['resolve'], impl: (values: unknown[], rest: unknown[], types: DataType[]) => unknown): ScalarFunction {
  return scalar({
    name, category: 'multivalue', args, doc, signature, resolve,
    build: (compiled, ctx) => {
      const types = compiled.map((c) => c.type);
      const fns = compiled.map((c) => c.fn);
      return (row) => {
        const first = fns[0](row);
        if (first === null || first === undefined) return null;
        const rest: unknown[] = [];
        for (let i = 1; i < fns.length; i++) {
          const v = fns[i](row);
          if (Array.isArray(v)) {
            ctx.fail(MV_FAILURE());
            return null;
          }
          rest.push(v);
        }
        try {
          return impl(mvList(first), rest, types);
        } catch (e) {
          if (e instanceof EvalFailure) {
            ctx.fail(e);
            return null;
          }
          throw e;
        }
      };
    },
  });
}

// ---- numeric helpers ----------------------------------------------------------------------------------

/** Rounds half away from zero at `decimals`, on the shortest decimal form (as BigDecimal.valueOf does). */
export function roundHalfUp(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  if (decimals < 0) {
    const f = 10 ** -decimals;
    return Math.sign(x) * Math.round(Math.abs(x) / f) * f;
  }
  const s = Math.abs(x).toString();
  if (s.includes('e')) {
    const f = 10 ** decimals;
    return Math.sign(x) * Math.round(Math.abs(x) * f) / f;
  }
  const [int, frac = ''] = s.split('.');
  if (frac.length <= decimals) return x;
  const kept = int + frac.slice(0, decimals);
  let n = BigInt(kept);
  if (frac.charCodeAt(decimals) >= 53 /* '5' */) n += 1n;
  const str = n.toString().padStart(decimals + 1, '0');
  const v = Number(decimals ? `${str.slice(0, str.length - decimals)}.${str.slice(str.length - decimals)}` : str);
  return x < 0 ? -v : v;
}

function roundWhole(v: number | bigint, decimals: number, type: DataType): number | bigint {
  if (decimals >= 0) return v;
  // Beyond 20 digits every whole number of these types rounds to zero.
  if (decimals < -20) return 0;
  const f = 10n ** BigInt(-decimals);
  const b = BigInt(v);
  const half = f / 2n;
  const abs = b < 0n ? -b : b;
  let r = ((abs + half) / f) * f;
  if (b < 0n) r = -r;
  if (type === 'integer') return checkInt(Number(r));
  return longOp('+', normalizeLong(r), 0, type);
}

function mathFn(name: string, doc: string, f: (x: number) => number, check?: (x: number) => string | null): ScalarFunction {
  return scalar({
    name, category: 'math', args: 1, doc, signature: `${name.toUpperCase()}(number) -> double`,
    resolve: (_t, args) => expect(`${name.toUpperCase()}(${args[0].text})`, args, 0, isNumeric, 'numeric') ?? 'double',
    impl: ([x]) => {
      const n = Number(x);
      const problem = check?.(n);
      if (problem) throw new EvalFailure('java.lang.ArithmeticException', problem);
      return f(n);
    },
  });
}

function stringArgs(call: string, args: Compiled[], positions: number[]): string | null {
  for (const i of positions) {
    const e = expect(call, args, i, isString, 'string');
    if (e) return e;
  }
  return null;
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

function javaRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g, '(?<$1>'), 'gu');
  } catch (e) {
    throw new EvalFailure('java.util.regex.PatternSyntaxException', (e as Error).message);
  }
}

/** The Java-side result type of a conditional's value arms (numeric types widen, text becomes keyword). */
function commonType(types: DataType[], call: string, args: Compiled[], firstValueIndex: number, step: number): DataType | string {
  let result: DataType = 'null';
  for (let i = firstValueIndex; i < types.length; i += step) {
    const t = noText(types[i]);
    if (t === 'null') continue;
    if (result === 'null') { result = t; continue; }
    if (result === t) continue;
    const w = widenNumeric([result, t]);
    if (w) { result = w; continue; }
    return `${ordinal(i)} argument of [${call}] must be [${result}], found value [${args[i].text}] type [${args[i].type}]`;
  }
  return result;
}

function ordinal(i: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'][i] ?? `${i + 1}th`;
}

/** Coerces a value computed as `from` to a widened numeric `to` (integer/long -> double, integer -> long). */
export function coerceNumber(v: unknown, from: DataType, to: DataType): unknown {
  if (v === null || from === to) return v;
  if (Array.isArray(v)) return v.map((x) => coerceNumber(x, from, to));
  if (to === 'double' && from !== 'double') return Number(v);
  return v;
}

// ---- the table ----------------------------------------------------------------------------------------

export function defineScalarFunctions(r: FunctionRegistry): void {
  // Conditional
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

  // Math
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

  // String
  const str1 = (name: string, doc: string, result: DataType | 'same', f: (s: string) => unknown): void => {
    r.define(scalar({
      name, category: 'string', args: 1, doc, signature: `${name.toUpperCase()}(string) -> ${result === 'same' ? 'keyword' : result}`,
      resolve: (t, a) => stringArgs(`${name.toUpperCase()}(${a[0].text})`, a, [0]) ?? (result === 'same' ? noText(t[0] === 'null' ? 'keyword' : t[0]) : result),
      impl: ([s]) => f(String(s)),
    }));
  };
  str1('length', 'Number of characters.', 'integer', (s) => codePoints(s).length);
  str1('byte_length', 'Number of UTF-8 bytes.', 'integer', (s) => Buffer.byteLength(s, 'utf8'));
  str1('bit_length', 'Number of bits of the UTF-8 bytes.', 'integer', (s) => Buffer.byteLength(s, 'utf8') * 8);
  str1('trim', 'Removes leading and trailing whitespace.', 'same', (s) => s.replace(/^\s+|\s+$/g, ''));
  str1('ltrim', 'Removes leading whitespace.', 'same', (s) => s.replace(/^\s+/, ''));
  str1('rtrim', 'Removes trailing whitespace.', 'same', (s) => s.replace(/\s+$/, ''));
  str1('to_upper', 'Upper case.', 'same', (s) => s.toUpperCase());
  str1('to_lower', 'Lower case.', 'same', (s) => s.toLowerCase());
  str1('reverse', 'The characters in reverse order.', 'same', (s) => codePoints(s).reverse().join(''));
  r.define(scalar({
    name: 'concat', category: 'string', args: [2, 255], signature: 'CONCAT(string1, string2, ...) -> keyword',
    doc: 'Joins the strings; null if any is null.',
    resolve: (_t, a) => stringArgs(`CONCAT(${a.map((x) => x.text).join(', ')})`, a, a.map((_x, i) => i)) ?? 'keyword',
    impl: (v) => v.join(''),
  }));
  r.define(scalar({
    name: 'substring', category: 'string', args: [2, 3], signature: 'SUBSTRING(string, start [, length]) -> keyword',
    doc: 'Part of a string from 1-based start (negative counts from the end), of the given length.',
    resolve: (_t, a) => stringArgs(`SUBSTRING(${a.map((x) => x.text).join(', ')})`, a, [0]) ?? 'keyword',
    impl: ([s, start, len]) => {
      const cps = codePoints(String(s));
      let st = Number(start);
      if (st < 0) st = Math.max(cps.length + st + 1, 1);
      else if (st === 0) st = 1;
      const from = st - 1;
      const to = len === undefined ? cps.length : Math.min(cps.length, from + Math.max(0, Number(len)));
      return from >= cps.length ? '' : cps.slice(from, to).join('');
    },
  }));
  r.define(scalar({
    name: 'left', category: 'string', args: 2, signature: 'LEFT(string, length) -> keyword', doc: 'The first length characters.',
    resolve: (_t, a) => stringArgs(`LEFT(${a[0].text}, ${a[1].text})`, a, [0]) ?? 'keyword',
    impl: ([s, n]) => codePoints(String(s)).slice(0, Math.max(0, Number(n))).join(''),
  }));
  r.define(scalar({
    name: 'right', category: 'string', args: 2, signature: 'RIGHT(string, length) -> keyword', doc: 'The last length characters.',
    resolve: (_t, a) => stringArgs(`RIGHT(${a[0].text}, ${a[1].text})`, a, [0]) ?? 'keyword',
    impl: ([s, n]) => {
      const cps = codePoints(String(s));
      const k = Math.max(0, Number(n));
      return k === 0 ? '' : cps.slice(Math.max(0, cps.length - k)).join('');
    },
  }));
  for (const [name, f] of [['starts_with', (s: string, p: string) => s.startsWith(p)], ['ends_with', (s: string, p: string) => s.endsWith(p)]] as const) {
    r.define(scalar({
      name, category: 'string', args: 2, signature: `${name.toUpperCase()}(string, prefix) -> boolean`,
      doc: `Whether the string ${name === 'starts_with' ? 'starts' : 'ends'} with the other.`,
      resolve: (_t, a) => stringArgs(`${name.toUpperCase()}(${a[0].text}, ${a[1].text})`, a, [0, 1]) ?? 'boolean',
      impl: ([s, p]) => f(String(s), String(p)),
    }));
  }
  r.define(scalar({
    name: 'locate', category: 'string', args: [2, 3], signature: 'LOCATE(string, substring [, start]) -> integer',
    doc: '1-based position of substring in string (0 when absent).',
    resolve: (_t, a) => stringArgs(`LOCATE(${a.map((x) => x.text).join(', ')})`, a, [0, 1]) ?? 'integer',
    impl: ([s, sub, start]) => {
      const cps = codePoints(String(s));
      const from = start === undefined ? 0 : Math.max(0, Number(start) - 1);
      const idx = cps.slice(from).join('').indexOf(String(sub));
      return idx < 0 ? 0 : from + codePoints(cps.slice(from).join('').slice(0, idx)).length + 1;
    },
  }));
  r.define(scalar({
    name: 'replace', category: 'string', args: 3, signature: 'REPLACE(string, regex, replacement) -> keyword',
    doc: 'Replaces every match of the regular expression.',
    resolve: (_t, a) => stringArgs(`REPLACE(${a.map((x) => x.text).join(', ')})`, a, [0, 1, 2]) ?? 'keyword',
    impl: ([s, re, rep]) => String(s).replace(javaRegex(String(re)), String(rep).replace(/\$(\d)/g, '$$$1')),
  }));
  r.define(scalar({
    name: 'split', category: 'string', args: 2, signature: 'SPLIT(string, delimiter) -> keyword (multivalued)',
    doc: 'Splits a string into a multivalue.',
    resolve: (_t, a) => stringArgs(`SPLIT(${a[0].text}, ${a[1].text})`, a, [0, 1]) ?? 'keyword',
    impl: ([s, d]) => fromList(String(s).split(String(d))),
  }));
  r.define(scalar({
    name: 'repeat', category: 'string', args: 2, signature: 'REPEAT(string, number) -> keyword', doc: 'The string repeated.',
    resolve: (_t, a) => stringArgs(`REPEAT(${a[0].text}, ${a[1].text})`, a, [0]) ?? 'keyword',
    impl: ([s, n]) => {
      if (Number(n) < 0) throw new EvalFailure('java.lang.IllegalArgumentException', `Number parameter cannot be negative, found [${n}]`);
      return String(s).repeat(Number(n));
    },
  }));
  r.define(scalar({
    name: 'space', category: 'string', args: 1, signature: 'SPACE(number) -> keyword', doc: 'A string of spaces.',
    resolve: () => 'keyword', impl: ([n]) => ' '.repeat(Math.max(0, Number(n))),
  }));

  // Date
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
    impl: (v, t) => {
      if (v.length === 1) return new Date(v[0] as number).toISOString();
      // Older releases took (date, format): accept both orders, told apart by type.
      return t[0] === 'date' ? formatJavaDate(v[0] as number, String(v[1])) : formatJavaDate(v[1] as number, String(v[0]));
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

  // Conversion
  const any = (): boolean => true;
  const convertible = (...ok: DataType[]) => (t: DataType): boolean => ok.includes(t);
  r.define(conversion('to_string', ['to_str'], 'keyword', any, toStringValue, 'Converts to a string.'));
  r.define(conversion('to_text', [], 'text', any, toStringValue, 'Converts to text.'));
  r.define(conversion('to_integer', ['to_int'], 'integer', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toInteger, 'Converts to an integer.'));
  r.define(conversion('to_long', [], 'long', convertible('boolean', 'date', 'date_nanos', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toLong, 'Converts to a long.'));
  r.define(conversion('to_double', ['to_dbl'], 'double', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toDouble, 'Converts to a double.'));
  r.define(conversion('to_unsigned_long', ['to_ul', 'to_ulong'], 'unsigned_long', convertible('boolean', 'date', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toUnsignedLong, 'Converts to an unsigned long.'));
  r.define(conversion('to_boolean', ['to_bool'], 'boolean', convertible('boolean', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toBoolean, 'Converts to a boolean (strings: "true" in any case; numbers: not zero).'));
  r.define(conversion('to_datetime', ['to_dt'], 'date', convertible('date', 'date_nanos', 'keyword', 'text', 'double', 'long', 'unsigned_long', 'integer'), toDatetime, 'Converts to a date.'));
  r.define(conversion('to_ip', [], 'ip', convertible('ip', 'keyword', 'text'), (v) => {
    const s = String(v);
    if (!/^[\d.]+$/.test(s) && !s.includes(':')) throw new EvalFailure('java.lang.IllegalArgumentException', `'${s}' is not an IP string literal.`);
    return s;
  }, 'Converts to an IP address.'));
  const numeric = (t: DataType): boolean => isNumeric(t);
  r.define(conversion('to_degrees', [], 'double', numeric, (v) => (Number(v) * 180) / Math.PI, 'Converts radians to degrees.'));
  r.define(conversion('to_radians', [], 'double', numeric, (v) => (Number(v) * Math.PI) / 180, 'Converts degrees to radians.'));
  r.define(conversion('to_version', ['to_ver'], 'version', convertible('version', 'keyword', 'text'), (v) => String(v), 'Converts to a version.'));

  // Multivalue
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
    doc: 'All values of both fields.', resolve: (t) => noText(t[0] === 'null' ? t[1] : t[0]),
    build: (args) => (row) => {
      const a = args[0].fn(row);
      const b = args[1].fn(row);
      if (a === null) return b;
      if (b === null) return a;
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

  registerAggregates(r);
}

export function kahanSum(values: number[]): number {
  let sum = 0;
  let c = 0;
  for (const v of values) {
    const y = v - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum;
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

/** `end - start` in whole units, truncated toward zero, as java.time's ChronoUnit.between. */
function dateDiff(unit: string, a: number, b: number): number {
  const fixed: Record<string, number> = {
    millisecond: 1, milliseconds: 1, ms: 1, second: 1000, seconds: 1000, ss: 1000, s: 1000,
    minute: 60000, minutes: 60000, mi: 60000, n: 60000, hour: 3600000, hours: 3600000, hh: 3600000,
    day: 86400000, days: 86400000, dd: 86400000, d: 86400000, dayofyear: 86400000, dy: 86400000, y: 86400000,
    weekday: 86400000, weekdays: 86400000, dw: 86400000, week: 604800000, weeks: 604800000, wk: 604800000, ww: 604800000,
  };
  const u = unit.toLowerCase();
  if (u in fixed) return checkInt(Math.trunc((b - a) / fixed[u]));
  if (['microsecond', 'microseconds', 'mcs'].includes(u)) return checkInt((b - a) * 1000);
  if (['nanosecond', 'nanoseconds', 'ns'].includes(u)) return checkInt((b - a) * 1000000);
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
