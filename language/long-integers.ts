// Whole numbers are exact over ES|QL's `long` range (-2^63..2^63-1). A NUMBER is a JS double while it is
// within ±(2^53-1), where doubles are exact; a whole number beyond that is a bigint, and only there (one
// representation per whole number: a bigint inside the safe range is turned back into a double). Operations on
// doubles run as doubles; the operators check the result and, when whole operands gave a result past ±(2^53-1),
// redo the operation here in BigInt. A result past the long range is an `arithmetic_error`, never a rounded
// double. A double that is not a safe whole number (a fraction, 1e300, NaN) is a "double": combined with a
// bigint, the bigint becomes a double too.
import type { Span } from './ast';
import { ScriptError } from './errors';

/** 2^53 - 1: the largest whole number every double up to it represents exactly. */
export const SAFE = 9007199254740991;
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;
const SAFE_BIG = 9007199254740991n;

/** A NUMBER: a double or a bigint (a whole number beyond ±(2^53-1)). */
export function isNumeric(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** An exact whole number: a safe integer double or a bigint. */
export function isWhole(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || Number.isSafeInteger(v);
}

/** A NUMBER as a double (a bigint rounds to the nearest double). */
export function toDouble(v: number | bigint): number {
  return typeof v === 'number' ? v : Number(v);
}

export function overflowError(span?: Span): ScriptError {
  return new ScriptError('arithmetic_error',
    'integer overflow: the result is outside the long range -9223372036854775808..9223372036854775807', span);
}

/** An exact whole result: a double when safe, a bigint within the long range, else an overflow error. */
export function exactWhole(b: bigint, span?: Span): number | bigint {
  if (b >= -SAFE_BIG && b <= SAFE_BIG) return Number(b);
  if (b < LONG_MIN || b > LONG_MAX) throw overflowError(span);
  return b;
}

/** The canonical form of a whole bigint from outside (a store, JSON): a double when safe, else the bigint. */
export function normalizeWhole(b: bigint): number | bigint {
  return b >= -SAFE_BIG && b <= SAFE_BIG ? Number(b) : b;
}

/** A number literal's value: whole digits past 2^53 exactly, as a bigint (one past the long range is refused
 * when compiled); anything else as a double. */
export function numberLiteral(text: string): number | bigint {
  if (text.length > 15 && /^\d+$/.test(text)) return normalizeWhole(BigInt(text));
  return Number(text);
}

function big(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/**
 * `a OP b` for + - * on NUMBERs when the double path did not give an exact answer: `r` is the double result.
 * Whole operands are redone in BigInt; anything else keeps the double.
 */
export function wholeArith(op: '+' | '-' | '*', a: number | bigint, b: number | bigint, span?: Span): number | bigint {
  if (isWhole(a) && isWhole(b)) {
    const x = big(a), y = big(b);
    return exactWhole(op === '+' ? x + y : op === '-' ? x - y : x * y, span);
  }
  const x = toDouble(a), y = toDouble(b);
  return op === '+' ? x + y : op === '-' ? x - y : x * y;
}

/** `a + b` on two NUMBERs, exact for whole numbers (the operator's rule, for built-ins that add). */
export function addNumeric(a: number | bigint, b: number | bigint, span?: Span): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Math.abs(r) <= SAFE) return r;
  }
  return wholeArith('+', a, b, span);
}

/**
 * `a / b` with a bigint operand (b not zero): exact when b divides a, else a double quotient, as `/` on doubles
 * gives (7 / 2 = 3.5); it is computed from the exact quotient and remainder, so the fraction is not lost.
 */
export function wholeDivide(a: number | bigint, b: number | bigint, span?: Span): number | bigint {
  if (isWhole(a) && isWhole(b)) {
    const x = big(a), y = big(b);
    const q = x / y, r = x % y;
    if (r === 0n) return exactWhole(q, span);
    return Number(q) + Number(r) / Number(y);
  }
  return toDouble(a) / toDouble(b);
}

/** `a % b` with a bigint operand (b not zero): the remainder takes the sign of `a`, as on doubles. */
export function wholeModulo(a: number | bigint, b: number | bigint, span?: Span): number | bigint {
  if (isWhole(a) && isWhole(b)) return exactWhole(big(a) % big(b), span);
  return toDouble(a) % toDouble(b);
}

/** `-a` on a bigint: only -(-2^63) leaves the range. */
export function wholeNegate(a: bigint, span?: Span): number | bigint {
  return exactWhole(-a, span);
}

/** `base ^ exp` when both are whole and exp >= 0: exact (or an overflow error); undefined otherwise. */
export function wholePower(base: number | bigint, exp: number | bigint, span?: Span): number | bigint | undefined {
  if (!isWhole(base) || !isWhole(exp) || exp < 0) return undefined;
  const x = big(base), e = big(exp);
  // |base| >= 2 and exp >= 64 is past the range at once (and would build a huge bigint)
  if (e >= 64n && (x > 1n || x < -1n)) throw overflowError(span);
  return exactWhole(x ** e, span);
}

/** Ordering of two NUMBERs, either a bigint (JS compares them exactly); undefined for NaN. */
export function compareNumeric(a: number | bigint, b: number | bigint): number | undefined {
  return a < b ? -1 : a > b ? 1 : a == b ? 0 : undefined; // eslint-disable-line eqeqeq
}
