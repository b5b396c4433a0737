// The bounds of `FOR i IN a..b [STEP s]`. Within ±(2^53-1) the loop counts in doubles (the fast, usual case);
// a bound past it (an exact long, a bigint) makes it count exactly in BigInt, one whole step at a time, as the
// language's whole numbers are exact over the long range. A range no loop could count is a clear error instead
// of a loop that never ends.
import type { Span } from '../ast';
import { ScriptError } from '../errors';
import { LONG_MAX, LONG_MIN, SAFE } from '../long-integers';
import { Value, typeOf } from '../values';

export type RangePlan =
  | { exact: false; start: number; end: number; step: number }
  | { exact: true; start: bigint; end: bigint; step: bigint };

function numeric(v: Value, what: string, span: Span): number | bigint {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw new ScriptError('type_error', `FOR range ${what} must be a NUMBER, got ${typeOf(v)}`, span);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ScriptError('value_error', `FOR range ${what} must be a finite NUMBER, got ${v}`, span);
  return v;
}

/** A bound or step of an exact range: whole, within the long range. */
function exact(v: number | bigint, what: string, span: Span): bigint {
  if (typeof v === 'number' && !Number.isInteger(v)) {
    throw new ScriptError('value_error', `FOR range ${what} must be a whole NUMBER when a bound is past ±${SAFE} (such a range counts exactly, in whole steps), got ${v}`, span);
  }
  const b = BigInt(v);
  if (b < LONG_MIN || b > LONG_MAX) {
    throw new ScriptError('limit_error', `FOR range ${what} ${v} is outside the long range ${LONG_MIN}..${LONG_MAX}: no loop can count that far`, span);
  }
  return b;
}

/** The distance between adjacent doubles at the magnitude of x (x > 0). */
function spacing(x: number): number {
  return 2 ** (Math.floor(Math.log2(x)) - 52);
}

/**
 * Where the loop starts, ends (inclusive) and the signed step. Like the reference, a range runs from its first
 * bound to its second, downwards when the first is larger (3..1 is 3, 2, 1); REVERSE swaps the bounds; STEP is
 * the size of each step, never its sign.
 */
export function rangePlan(from: Value, to: Value, by: Value, reverse: boolean, span: Span): RangePlan {
  const lo = numeric(from, 'start', span);
  const hi = numeric(to, 'end', span);
  const st = numeric(by, 'STEP', span);
  if (st <= 0) throw new ScriptError('value_error', 'FOR STEP must be positive', span);
  const start = reverse ? hi : lo;
  const end = reverse ? lo : hi;
  if (typeof start === 'number' && typeof end === 'number' && typeof st === 'number' && Math.abs(start) <= SAFE && Math.abs(end) <= SAFE) {
    // a fractional step smaller than the doubles' spacing near the bounds would stop changing the variable
    const widest = Math.max(Math.abs(start), Math.abs(end));
    if (!Number.isInteger(st) && widest > 0 && st < spacing(widest)) {
      throw new ScriptError('limit_error', `FOR STEP ${st} is too small to count from ${start} to ${end}: NUMBERs there are ${spacing(widest)} apart, so the loop would never end`, span);
    }
    return { exact: false, start, end, step: start <= end ? st : -st };
  }
  const s = exact(start, reverse ? 'end' : 'start', span);
  const e = exact(end, reverse ? 'start' : 'end', span);
  const d = exact(st, 'STEP', span);
  return { exact: true, start: s, end: e, step: s <= e ? d : -d };
}
