// Reading and writing members: `d.k`, `d['k']`, `a[i]`, `m[key]`, and the same on the left of SET.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Value, isDoc, toText, typeOf } from '../values';
import { MAX_ARRAY_LENGTH, limitError } from '../limits';

/**
 * An index past the end. One equal to the length is the mistake of counting from 1 (the reference's tutorials
 * do): the message says where indices start. Index 0 of an empty array is usually `FOR i IN 0..ARRAY_LENGTH(a) - 1`,
 * which counts down (0, -1) when the array is empty: the message says how to loop instead.
 */
function outOfRange(what: 'array' | 'string', key: number | bigint, length: number, sp: A.Span): ScriptError {
  const hint = key === length && length > 0 ? `; ${what} indices start at 0, so the last is [${length - 1}]`
    : key === 0 && length === 0 && what === 'array'
      ? '; the array is empty (FOR i IN 0..ARRAY_LENGTH(a) - 1 counts down from 0 to -1 when a is empty; FOR x IN a runs zero times)'
      : '';
  return new ScriptError('index_error', `${what} index ${key} out of range (length ${length})${hint}`, sp);
}

/**
 * An array or string index as a double. A whole NUMBER may be a bigint (an exact long past 2^53, or a whole number
 * a store or a built-in handed over as one): it converts exactly inside the safe range, and past it lands beyond
 * any length, so it gets the ordinary out-of-range error.
 */
function position(what: 'array' | 'string', key: Value, sp: A.Span): number {
  if (typeof key === 'number' && Number.isInteger(key)) return key;
  if (typeof key === 'bigint') return Number(key);
  throw new ScriptError('type_error', `${what} index must be an integer NUMBER, got ${typeOf(key)}`, sp);
}

/** `v.key` / `v[key]`: documents and maps by key (missing -> NULL), arrays and strings by 0-based index. */
export function getMember(v: Value, key: Value, sp: A.Span, safe: boolean): Value {
  if (v === null) {
    if (safe) return null;
    throw new ScriptError('null_reference_error', `cannot read ${typeof key === 'string' ? `'${key}'` : toText(key)} of NULL`, sp);
  }
  if (Array.isArray(v)) {
    const k = position('array', key, sp);
    const i = k < 0 ? v.length + k : k;
    if (i < 0 || i >= v.length) throw outOfRange('array', key as number | bigint, v.length, sp);
    return v[i];
  }
  if (v instanceof Map) return v.has(key) ? v.get(key)! : null;
  if (typeof v === 'string') {
    const k = position('string', key, sp);
    const i = k < 0 ? v.length + k : k;
    if (i < 0 || i >= v.length) throw outOfRange('string', key as number | bigint, v.length, sp);
    return v[i];
  }
  if (isDoc(v)) {
    const k = typeof key === 'string' ? key : toText(key);
    return Object.prototype.hasOwnProperty.call(v, k) ? v[k] : null;
  }
  throw new ScriptError('type_error', `cannot read a member of ${typeOf(v)}`, sp);
}

export function setMember(target: Value, key: Value, value: Value, sp: A.Span): void {
  if (Array.isArray(target)) {
    const k = position('array', key, sp);
    const i = k < 0 ? target.length + k : k;
    if (i < 0 || i > target.length) throw outOfRange('array', key as number | bigint, target.length, sp);
    if (i >= MAX_ARRAY_LENGTH) throw limitError(`array too long: more than the limit of ${MAX_ARRAY_LENGTH} elements`, sp);
    target[i] = value;
    return;
  }
  if (target instanceof Map) { target.set(key, value); return; }
  if (isDoc(target)) {
    const k = typeof key === 'string' ? key : toText(key);
    Object.defineProperty(target, k, { value, writable: true, enumerable: true, configurable: true });
    return;
  }
  if (target === null) throw new ScriptError('null_reference_error', `cannot set ${toText(key)} of NULL`, sp);
  throw new ScriptError('type_error', `cannot set a member of ${typeOf(target)}`, sp);
}
