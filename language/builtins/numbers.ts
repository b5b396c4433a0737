// Number built-ins. NUMBER is a double, or a bigint for a whole number past 2^53 (../long-integers.ts): ABS,
// CEIL, FLOOR, SIGN, ROUND, TRUNC, POWER, MOD and TO_NUMBER keep such numbers exact; the others (SQRT, LOG, EXP)
// compute in doubles. Results print without `.0` when integral.
import type { BuiltinDef } from './registry';
import { Value, typeOf } from '../values';
import { ScriptError } from '../errors';
import { argError, int, num, numeric } from './core';
import { LONG_MAX, LONG_MIN, SAFE, exactWhole, normalizeWhole, wholeModulo, wholePower } from '../long-integers';

const N = 'number';
const n1 = [{ name: 'input', type: 'NUMBER' }];

function unary(name: string, doc: string, f: (x: number) => number): BuiltinDef {
  return { name, category: N, params: n1, returns: 'NUMBER', doc, impl: ([x]) => (x === null ? null : f(num(name, x, 'input'))) };
}

/** A built-in that leaves a whole number past 2^53 exact: `big` handles the bigint, `f` the double. */
function exactUnary(name: string, doc: string, f: (x: number) => number, big: (x: bigint) => number | bigint): BuiltinDef {
  return { name, category: N, params: n1, returns: 'NUMBER', doc, impl: ([x]) => {
    if (x === null) return null;
    const v = numeric(name, x, 'input');
    return typeof v === 'bigint' ? big(v) : f(v);
  } };
}

/** ROUND/TRUNC of a bigint at `scale` decimals: unchanged for scale >= 0, else to a multiple of 10^-scale. */
function roundWhole(x: bigint, scale: number, halfUp: boolean): number | bigint {
  if (scale >= 0) return x;
  if (scale < -19) return 0;
  const unit = 10n ** BigInt(-scale);
  const sign = x < 0n ? -1n : 1n;
  const abs = x * sign;
  let q = abs / unit;
  if (halfUp && (abs % unit) * 2n >= unit) q += 1n;
  return exactWhole(sign * q * unit);
}

/** Rounds half away from zero at `scale` decimals, without binary artefacts (ROUND(1.005, 2) = 1.01). */
function roundTo(x: number, scale: number): number {
  const factor = 10 ** scale;
  const shifted = Number((Math.abs(x) * factor).toPrecision(15));
  return (Math.sign(x) * Math.round(shifted)) / factor;
}

function truncTo(x: number, scale: number): number {
  const factor = 10 ** scale;
  return Math.trunc(Number((x * factor).toPrecision(15))) / factor;
}

export const numberBuiltins: BuiltinDef[] = [
  exactUnary('ABS', 'Absolute value of input.', Math.abs, (x) => exactWhole(x < 0n ? -x : x)),
  exactUnary('CEIL', 'Smallest integer >= input.', Math.ceil, (x) => x),
  exactUnary('FLOOR', 'Largest integer <= input.', Math.floor, (x) => x),
  unary('EXP', 'e raised to the power input.', Math.exp),
  exactUnary('SIGN', '1 when input is positive, -1 when negative, 0 when zero.', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), (x) => (x > 0n ? 1 : -1)),
  { name: 'SQRT', category: N, params: n1, returns: 'NUMBER', doc: 'Square root of input (input must not be negative).',
    impl: ([x]) => {
      if (x === null) return null;
      const v = num('SQRT', x, 'input');
      if (v < 0) argError('SQRT', `cannot take the square root of ${v}`);
      return Math.sqrt(v);
    } },
  { name: 'ROUND', category: N, params: [{ name: 'input', type: 'NUMBER' }, { name: 'scale', type: 'NUMBER', optional: true }], returns: 'NUMBER',
    doc: 'input rounded (half away from zero) to scale decimals (default 0).',
    impl: ([x, s]) => {
      if (x === null) return null;
      const v = numeric('ROUND', x, 'input');
      const scale = s === undefined || s === null ? 0 : int('ROUND', s, 'scale');
      return typeof v === 'bigint' ? roundWhole(v, scale, true) : roundTo(v, scale);
    } },
  { name: 'TRUNC', category: N, params: [{ name: 'input', type: 'NUMBER' }, { name: 'scale', type: 'NUMBER', optional: true }], returns: 'NUMBER',
    doc: 'input truncated toward zero to scale decimals (default 0).',
    impl: ([x, s]) => {
      if (x === null) return null;
      const v = numeric('TRUNC', x, 'input');
      const scale = s === undefined || s === null ? 0 : int('TRUNC', s, 'scale');
      return typeof v === 'bigint' ? roundWhole(v, scale, false) : truncTo(v, scale);
    } },
  { name: 'POWER', category: N, params: [{ name: 'base', type: 'NUMBER' }, { name: 'exponent', type: 'NUMBER' }], returns: 'NUMBER',
    doc: 'base raised to the power exponent (exact, or an overflow error past the long range, for whole numbers and a whole exponent >= 0).',
    impl: ([b, e]) => {
      if (b === null || e === null) return null;
      const base = numeric('POWER', b, 'base'), exp = numeric('POWER', e, 'exponent');
      if (typeof base === 'number' && typeof exp === 'number') {
        const r = base ** exp;
        if (Math.abs(r) <= SAFE) return r;
      }
      return wholePower(base, exp) ?? Number(base) ** Number(exp);
    } },
  { name: 'LOG', category: N, params: [{ name: 'input', type: 'NUMBER' }, { name: 'base', type: 'NUMBER', optional: true }], returns: 'NUMBER',
    doc: 'Natural logarithm of input, or its logarithm in base when given.',
    impl: ([x, b]) => {
      if (x === null) return null;
      const v = num('LOG', x, 'input');
      if (v <= 0) argError('LOG', `logarithm of ${v} is undefined`);
      if (b === undefined || b === null) return Math.log(v);
      const base = num('LOG', b, 'base');
      if (base <= 0 || base === 1) argError('LOG', `invalid base ${base}`);
      const r = Math.log(v) / Math.log(base);
      const rounded = Math.round(r);
      return Math.abs(r - rounded) < 1e-12 ? rounded : r;
    } },
  { name: 'MOD', category: N, params: [{ name: 'a', type: 'NUMBER' }, { name: 'b', type: 'NUMBER' }], returns: 'NUMBER',
    doc: 'Remainder of a divided by b (with the sign of a).',
    impl: ([a, b]) => {
      if (a === null || b === null) return null;
      const d = numeric('MOD', b, 'b');
      if (d == 0) throw new ScriptError('division_error', 'MOD: modulo by zero'); // eslint-disable-line eqeqeq
      const x = numeric('MOD', a, 'a');
      return typeof x === 'number' && typeof d === 'number' ? x % d : wholeModulo(x, d);
    } },
  { name: 'TO_NUMBER', category: N, params: [{ name: 'value', type: 'ANY' }], returns: 'NUMBER',
    doc: "value as a NUMBER: numbers as they are, numeric strings parsed ('42', '3.5', '1e3'), booleans as 1/0.",
    impl: ([v]) => toNumber(v) },
];

export function toNumber(v: Value): Value {
  if (v === null || typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    // whole digits past 2^53 are read exactly (within the long range; past it they are a double)
    if (/^[+-]?\d{16,}$/.test(t)) {
      const b = BigInt(t);
      if (b >= LONG_MIN && b <= LONG_MAX) return normalizeWhole(b);
    }
    const n = t === '' ? NaN : Number(t);
    if (Number.isNaN(n)) throw new ScriptError('value_error', `TO_NUMBER: '${v}' is not a number`);
    return n;
  }
  if (v instanceof Date) return v.getTime();
  throw new ScriptError('type_error', `TO_NUMBER: cannot convert ${typeOf(v)} to NUMBER`);
}
