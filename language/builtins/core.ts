// Argument helpers shared by the built-in library files. Errors thrown here get the call's position from the
// evaluator.
import { ScriptError } from '../errors';
import { Value, Doc, isDoc, typeOf } from '../values';
import { isNumeric } from '../long-integers';

export function argError(fn: string, message: string): never {
  throw new ScriptError('argument_error', `${fn}: ${message}`);
}

/** A NUMBER argument as a double (a whole number past 2^53 rounds: built-ins that keep it exact use `numeric`). */
export function num(fn: string, v: Value, what = 'argument'): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'number') argError(fn, `${what} must be a NUMBER, got ${typeOf(v)}`);
  return v;
}

/** A NUMBER argument as it is: a double or an exact bigint. */
export function numeric(fn: string, v: Value, what = 'argument'): number | bigint {
  if (!isNumeric(v)) argError(fn, `${what} must be a NUMBER, got ${typeOf(v)}`);
  return v;
}

export function int(fn: string, v: Value, what = 'argument'): number {
  const n = num(fn, v, what);
  if (!Number.isInteger(n)) argError(fn, `${what} must be an integer, got ${n}`);
  return n;
}

export function str(fn: string, v: Value, what = 'argument'): string {
  if (typeof v !== 'string') argError(fn, `${what} must be a STRING, got ${typeOf(v)}`);
  return v;
}

export function arr(fn: string, v: Value, what = 'argument'): Value[] {
  if (!Array.isArray(v)) argError(fn, `${what} must be an ARRAY, got ${typeOf(v)}`);
  return v;
}

export function doc(fn: string, v: Value, what = 'argument'): Doc {
  if (!isDoc(v)) argError(fn, `${what} must be a DOCUMENT, got ${typeOf(v)}`);
  return v;
}

export function map(fn: string, v: Value, what = 'argument'): Map<Value, Value> {
  if (v instanceof Map) return v;
  if (isDoc(v)) return new Map(Object.entries(v));
  return argError(fn, `${what} must be a MAP, got ${typeOf(v)}`);
}

export function bool(fn: string, v: Value, what = 'argument'): boolean {
  if (typeof v !== 'boolean') argError(fn, `${what} must be a BOOLEAN, got ${typeOf(v)}`);
  return v;
}

/** Runs `step` over items in order; stays synchronous while every step is. */
export function eachMaybeAsync<T>(items: readonly T[], step: (item: T, i: number) => Value | Promise<Value>,
  onResult: (v: Value, i: number) => boolean | void): void | Promise<void> {
  for (let i = 0; i < items.length; i++) {
    const r = step(items[i], i);
    if (r instanceof Promise) {
      return r.then(async (v) => {
        if (onResult(v, i) === false) return;
        for (let j = i + 1; j < items.length; j++) if (onResult(await step(items[j], j), j) === false) return;
      });
    }
    if (onResult(r, i) === false) return;
  }
  return undefined;
}

export function after<T>(x: void | Promise<void>, k: () => T): T | Promise<T> {
  return x instanceof Promise ? x.then(k) : k();
}
