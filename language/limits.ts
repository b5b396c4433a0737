// Resource limits a script meets as errors (kind `limit_error`, at the expression that crossed them) instead of
// the engine's own failures (V8's "Invalid string length" with no position, or an out-of-memory abort that kills
// the kernel). The figures are documented in README ("Reliability").
import { getHeapStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import type { Span } from './ast';
import { ScriptError } from './errors';
import type { Value } from './values';

/** Longest STRING a script may build, in UTF-16 code units (V8's own ceiling is ~536 million). */
export const MAX_STRING_LENGTH = 100_000_000;
/** Most elements an ARRAY may hold. */
export const MAX_ARRAY_LENGTH = 20_000_000;
/** A cell stops with a limit error when the JavaScript heap is this full (checked every time slice, ~10 ms). */
export const MAX_HEAP_FRACTION = 0.75;
/** Values at least this long also trigger the heap check (a few big allocations can fill the heap between slices). */
const BIG = 1 << 16;

const HEAP_LIMIT = getHeapStatistics().heap_size_limit;
const HEAP_CEILING = HEAP_LIMIT * MAX_HEAP_FRACTION;
let collect: (() => void) | null | undefined;

/** A full garbage collection, so that garbage not yet collected does not count against the cell (null: unavailable). */
function fullGc(): (() => void) | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/**
 * Stops the cell with a limit error when the heap is past MAX_HEAP_FRACTION of V8's limit after a full
 * collection: near the limit V8 aborts the whole process, which would lose every variable of the session.
 */
export function checkHeap(span: Span | undefined): void {
  if (getHeapStatistics().used_heap_size <= HEAP_CEILING) return;
  fullGc()?.();
  const used = getHeapStatistics().used_heap_size;
  if (used <= HEAP_CEILING) return;
  const mb = (n: number) => Math.round(n / 2 ** 20);
  throw limitError(`memory limit: the heap holds ${mb(used)} MB, over ${Math.round(MAX_HEAP_FRACTION * 100)}% of its ${mb(HEAP_LIMIT)} MB; free large variables (SET x = NULL)`, span);
}

export function limitError(message: string, span: Span | undefined): ScriptError {
  return new ScriptError('limit_error', message, span);
}

/** `a.length + b.length` would pass the string limit: the error, else nothing (call before concatenating). */
export function checkConcat(a: string, b: string, span: Span | undefined): void {
  if (a.length + b.length > MAX_STRING_LENGTH) {
    throw limitError(`string too long: ${a.length + b.length} characters exceeds the limit of ${MAX_STRING_LENGTH}`, span);
  }
}

/** Checks a value a built-in or operator produced against the string and array limits; returns it. */
export function checkSize<T extends Value>(v: T, span: Span | undefined): T {
  if (typeof v === 'string') {
    if (v.length > MAX_STRING_LENGTH) throw limitError(`string too long: ${v.length} characters exceeds the limit of ${MAX_STRING_LENGTH}`, span);
    if (v.length >= BIG) checkHeap(span);
  } else if (Array.isArray(v)) {
    if (v.length > MAX_ARRAY_LENGTH) throw limitError(`array too long: ${v.length} elements exceeds the limit of ${MAX_ARRAY_LENGTH}`, span);
    if (v.length >= BIG) checkHeap(span);
  }
  return v;
}

/** Engine failures that mean a limit was passed, as limit errors; null for any other error. */
export function engineLimitError(e: unknown, span: Span | undefined): ScriptError | null {
  if (!(e instanceof RangeError)) return null;
  if (/Invalid string length/i.test(e.message)) return limitError(`string too long: exceeds the engine's limit (the script limit is ${MAX_STRING_LENGTH} characters)`, span);
  if (/Invalid array length|Array buffer allocation failed|Invalid typed array length/i.test(e.message)) {
    return limitError(`array too long: exceeds the engine's limit (the script limit is ${MAX_ARRAY_LENGTH} elements)`, span);
  }
  return null;
}

/**
 * A built-in about to build a string of `length` characters: the limit error before it is allocated (V8 would
 * first allocate up to its own ceiling, or fail with no position). `what` names the built-in.
 */
export function ensureStringFits(what: string, length: number): void {
  if (length > MAX_STRING_LENGTH) {
    throw limitError(`${what}: string too long: ${length} characters exceeds the limit of ${MAX_STRING_LENGTH}`, undefined);
  }
}

/** A built-in about to build an array of `length` elements: the limit error before it is allocated. */
export function ensureArrayFits(what: string, length: number): void {
  if (length > MAX_ARRAY_LENGTH) {
    throw limitError(`${what}: array too long: ${length} elements exceeds the limit of ${MAX_ARRAY_LENGTH}`, undefined);
  }
}

/** How many times `part` occurs in `text` (not overlapping), counting no further than `stopAt`. */
export function occurrences(text: string, part: string, stopAt = Infinity): number {
  if (part === '') return text.length + 1;
  let n = 0;
  for (let at = text.indexOf(part); at >= 0 && n < stopAt; at = text.indexOf(part, at + part.length)) n++;
  return n;
}

/** Joins strings after checking the total length against the string limit (CONCAT, ARRAY_JOIN). */
export function joinWithin(what: string, parts: string[], separator: string): string {
  let total = parts.length > 1 ? separator.length * (parts.length - 1) : 0;
  for (const p of parts) total += p.length;
  ensureStringFits(what, total);
  return parts.join(separator);
}
