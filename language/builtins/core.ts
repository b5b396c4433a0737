// Argument helpers shared by the built-in library files.
import { ScriptError } from '../errors';
import { Value, typeOf } from '../values';

export function argError(fn: string, message: string): never {
  throw new ScriptError('argument_error', `${fn}: ${message}`);
}

export function num(fn: string, v: Value, what = 'argument'): number {
  if (typeof v !== 'number') argError(fn, `${what} must be a NUMBER, got ${typeOf(v)}`);
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
