// Number built-ins. NUMBER is a double; results print without `.0` when integral.
import type { BuiltinDef } from './registry';
import { Value, typeOf } from '../values';
import { ScriptError } from '../errors';
import { argError, int, num } from './core';

const N = 'number';
const n1 = [{ name: 'input', type: 'NUMBER' }];

function unary(name: string, doc: string, f: (x: number) => number): BuiltinDef {
  return { name, category: N, params: n1, returns: 'NUMBER', doc, impl: ([x]) => (x === null ? null : f(num(name, x, 'input'))) };
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
  unary('ABS', 'Absolute value of input.', Math.abs),
  unary('CEIL', 'Smallest integer >= input.', Math.ceil),
  unary('FLOOR', 'Largest integer <= input.', Math.floor),
  unary('EXP', 'e raised to the power input.', Math.exp),
  unary('SIGN', '1 when input is positive, -1 when negative, 0 when zero.', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  { name: 'SQRT', category: N, params: n1, returns: 'NUMBER', doc: 'Square root of input (input must not be negative).',
    impl: ([x]) => {
      if (x === null) return null;
      const v = num('SQRT', x, 'input');
      if (v < 0) argError('SQRT', `cannot take the square root of ${v}`);
      return Math.sqrt(v);
    } },
  { name: 'ROUND', category: N, params: [{ name: 'input', type: 'NUMBER' }, { name: 'scale', type: 'NUMBER', optional: true }], returns: 'NUMBER',
    doc: 'input rounded (half away from zero) to scale decimals (default 0).',
    impl: ([x, s]) => (x === null ? null : roundTo(num('ROUND', x, 'input'), s === undefined || s === null ? 0 : int('ROUND', s, 'scale'))) },
  { name: 'TRUNC', category: N, params: [{ name: 'input', type: 'NUMBER' }, { name: 'scale', type: 'NUMBER', optional: true }], returns: 'NUMBER',
    doc: 'input truncated toward zero to scale decimals (default 0).',
    impl: ([x, s]) => (x === null ? null : truncTo(num('TRUNC', x, 'input'), s === undefined || s === null ? 0 : int('TRUNC', s, 'scale'))) },
  { name: 'POWER', category: N, params: [{ name: 'base', type: 'NUMBER' }, { name: 'exponent', type: 'NUMBER' }], returns: 'NUMBER',
    doc: 'base raised to the power exponent.',
    impl: ([b, e]) => (b === null || e === null ? null : num('POWER', b, 'base') ** num('POWER', e, 'exponent')) },
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
      const d = num('MOD', b, 'b');
      if (d === 0) throw new ScriptError('division_error', 'MOD: modulo by zero');
      return num('MOD', a, 'a') % d;
    } },
  { name: 'TO_NUMBER', category: N, params: [{ name: 'value', type: 'ANY' }], returns: 'NUMBER',
    doc: "value as a NUMBER: numbers as they are, numeric strings parsed ('42', '3.5', '1e3'), booleans as 1/0.",
    impl: ([v]) => toNumber(v) },
];

export function toNumber(v: Value): Value {
  if (v === null || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    const n = t === '' ? NaN : Number(t);
    if (Number.isNaN(n)) throw new ScriptError('value_error', `TO_NUMBER: '${v}' is not a number`);
    return n;
  }
  if (v instanceof Date) return v.getTime();
  throw new ScriptError('type_error', `TO_NUMBER: cannot convert ${typeOf(v)} to NUMBER`);
}
