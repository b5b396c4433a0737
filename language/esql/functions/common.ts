// Building blocks of the ES|QL scalar functions: type rules, the standard null/multivalue/failure evaluator,
// conversion and multivalue wrappers, and numeric helpers shared by the categories.
import { BuildContext, Compiled, ScalarFunction, typeError } from '../registry';
import { DataType, isNumeric, isString, normalizeLong } from '../types';
import { EvalFailure, MV_FAILURE } from '../errors';
import { checkInt, longOp } from '../values';

export type Row = unknown[];

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

export function expect(call: string, args: Compiled[], i: number, ok: (t: DataType) => boolean, expected: string): string | null {
  const t = args[i]?.type;
  if (t === undefined || t === 'null' || ok(t)) return null;
  return typeError(call, i, args.length, expected, args[i]);
}


export function sameTypeNumeric(text: string, args: Compiled[]): DataType | string {
  return expect(text, args, 0, isNumeric, 'numeric') ?? args[0].type;
}

// ---- building blocks ----------------------------------------------------------------------------------

export function scalar(def: Omit<ScalarFunction, 'kind' | 'minArgs' | 'maxArgs'> & { args: number | [number, number] }): ScalarFunction {
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
    // Every argument is evaluated before any is checked (as Elasticsearch evaluates whole blocks), so an
    // argument's own warnings are recorded even when an earlier one is null.
    const vals = new Array(n);
    for (let i = 0; i < n; i++) vals[i] = fns[i](row);
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v === null || v === undefined) return null;
      if (Array.isArray(v)) {
        ctx.fail(MV_FAILURE());
        return null;
      }
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
export function conversion(name: string, aliases: string[], target: DataType, accepts: (t: DataType) => boolean,
  convert: (v: unknown, from: DataType) => unknown, doc: string): ScalarFunction {
  return scalar({
    name, aliases, category: 'conversion', args: 1, doc, signature: `${name.toUpperCase()}(field) -> ${target}`,
    resolve: (types, args) => {
      if (types[0] === 'null') return target;
      if (!accepts(types[0])) return typeError(`${args[0].text}`, 0, 1, 'any supported type', args[0]).replace(/^argument of \[[^\]]*\]/, `argument of [${name}(${args[0].text})]`);
      return target;
    },
    build: (args, ctx) => conversionEvaluator(args[0], ctx, (v) => convert(v, args[0].type)),
  });
}

/** Applies `convert` to each value of `arg` (a multivalue keeps the values that convert, each failure warned). */
export function conversionEvaluator(arg: Compiled, ctx: BuildContext, convert: (v: unknown) => unknown): (row: Row) => unknown {
  const fn = arg.fn;
  const one = (v: unknown): unknown => {
    try {
      return convert(v);
    } catch (e) {
      if (e instanceof EvalFailure) {
        ctx.fail(e);
        return null;
      }
      throw e;
    }
  };
  return (row) => {
    const v = fn(row);
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) return one(v);
    const out: unknown[] = [];
    for (const x of v) {
      const c = one(x);
      if (c !== null) out.push(c);
    }
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  };
}

export function mvList(v: unknown): unknown[] {
  return v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function fromList(list: unknown[]): unknown {
  return list.length === 0 ? null : list.length === 1 ? list[0] : list;
}

/** A multivalue function: gets all values of its first argument as a list. */
export function mvFunction(name: string, doc: string, signature: string, args: number | [number, number],
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

export function roundWhole(v: number | bigint, decimals: number, type: DataType): number | bigint {
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

export function mathFn(name: string, doc: string, f: (x: number) => number, check?: (x: number) => string | null): ScalarFunction {
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

export function stringArgs(call: string, args: Compiled[], positions: number[]): string | null {
  for (const i of positions) {
    const e = expect(call, args, i, isString, 'string');
    if (e) return e;
  }
  return null;
}

export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Number of code points, without allocating (a surrogate pair counts once). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

export function javaRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g, '(?<$1>'), 'gu');
  } catch (e) {
    throw new EvalFailure('java.util.regex.PatternSyntaxException', (e as Error).message);
  }
}

/** The Java-side result type of a conditional's value arms (numeric types widen, text becomes keyword). */
export function commonType(types: DataType[], call: string, args: Compiled[], firstValueIndex: number, step: number): DataType | string {
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

export function ordinal(i: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'][i] ?? `${i + 1}th`;
}

/** Coerces a value computed as `from` to a widened numeric `to` (integer/long -> double, integer -> long). */
export function coerceNumber(v: unknown, from: DataType, to: DataType): unknown {
  if (v === null || from === to) return v;
  if (Array.isArray(v)) return v.map((x) => coerceNumber(x, from, to));
  if (to === 'double' && from !== 'double') return Number(v);
  return v;
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

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
