// The runtime value model. Values are plain JavaScript values so that arithmetic stays fast:
//   NULL -> null, NUMBER -> number (a bigint for a whole number beyond 2^53: long-integers.ts),
//   STRING -> string, BOOLEAN -> boolean, DATE -> Date,
//   ARRAY -> Value[], DOCUMENT -> plain object, MAP -> Map, functions -> FunctionValue,
//   host objects (cursors, execution handles) -> HostValue.
// One rendering function (`toText`) serves PRINT, `||` and display.
import type { Runtime } from './evaluator/runtime';
import { stringifyExact } from './exact-json';
import { compareNumeric, normalizeWhole } from './long-integers';

export type Value =
  | null
  | number
  | bigint
  | string
  | boolean
  | Date
  | Value[]
  | Doc
  | Map<Value, Value>
  | FunctionValue
  | HostValue;

export interface Doc {
  [key: string]: Value;
}

/**
 * A callable value: a lambda, or a reference to a built-in or user routine. `caller` is the runtime of the code
 * that calls it (its output, interrupt signal and call stack): a function kept in a session variable and called
 * from a background execution runs as part of that execution, not of the cell that made it.
 */
export class FunctionValue {
  constructor(
    readonly name: string,
    readonly arity: number,
    readonly call: (args: Value[], caller?: Runtime) => Value | Promise<Value>,
  ) {}
}

/** An opaque runtime object (cursor, execution handle) with its own type name and text. */
export abstract class HostValue {
  abstract readonly typeName: string;
  abstract toText(): string;
  toJSON(): unknown {
    return this.toText();
  }
}

export type TypeName = 'NULL' | 'NUMBER' | 'STRING' | 'BOOLEAN' | 'DATE' | 'ARRAY' | 'DOCUMENT' | 'MAP' | 'FUNCTION' | string;

export function isDoc(v: Value | undefined): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Map)
    && !(v instanceof FunctionValue) && !(v instanceof HostValue);
}

export function typeOf(v: Value): TypeName {
  switch (typeof v) {
    case 'number': return 'NUMBER';
    case 'bigint': return 'NUMBER';
    case 'string': return 'STRING';
    case 'boolean': return 'BOOLEAN';
  }
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) return 'ARRAY';
  if (v instanceof Date) return 'DATE';
  if (v instanceof Map) return 'MAP';
  if (v instanceof FunctionValue) return 'FUNCTION';
  if (v instanceof HostValue) return v.typeName;
  return 'DOCUMENT';
}

export function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? n.toFixed(0) : String(n);
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}

/** Converts a value to something `stringifyExact` renders the way escript prints it (bigints stay bigints). */
export function toJsonable(v: Value): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number': return Number.isFinite(v) ? v : formatNumber(v);
    case 'bigint':
    case 'string':
    case 'boolean': return v;
  }
  if (Array.isArray(v)) return v.map(toJsonable);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[typeof k === 'string' ? k : toText(k)] = toJsonable(x);
    return o;
  }
  if (v instanceof FunctionValue) return `<function ${v.name}>`;
  if (v instanceof HostValue) return v.toJSON();
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) o[k] = toJsonable(v[k]);
  return o;
}

/** The one text rendering: strings as-is, integers without `.0`, booleans `true`/`false` (as the reference and
 * JSON print them), documents and arrays as JSON, dates ISO-8601. */
export function toText(v: Value): string {
  if (v === null || v === undefined) return 'NULL';
  switch (typeof v) {
    case 'string': return v;
    case 'number':
    case 'bigint': return formatNumber(v);
    case 'boolean': return v ? 'true' : 'false';
  }
  if (v instanceof Date) return v.toISOString();
  if (v instanceof FunctionValue) return `<function ${v.name}>`;
  if (v instanceof HostValue) return v.toText();
  return stringifyExact(toJsonable(v));
}

/** A value as a text table's cell: NULL prints `null`, as in ES|QL's own tables, so every table reads the same. */
export function toCellText(v: Value): string {
  return v === null || v === undefined ? 'null' : toText(v);
}

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  // a bigint equals a double of the same value (a whole double past 2^53 that came from double arithmetic)
  if (typeof a === 'bigint' || typeof b === 'bigint') return (typeof a === 'number' || typeof b === 'number') && a == b; // eslint-disable-line eqeqeq
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equals(v, b.get(k)!)) return false;
    return true;
  }
  if (isDoc(a) && isDoc(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!(k in b) || !equals(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Ordering for numbers, strings, dates and booleans; undefined when the two are not comparable. */
export function compare(a: Value, b: Value): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : undefined;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return compareNumeric(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

/** Deep copy of arrays, documents and maps (used where a value must not be shared). */
export function deepCopy(v: Value): Value {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, deepCopy(x)]));
  if (isDoc(v)) {
    const o: Doc = {};
    for (const k of Object.keys(v)) o[k] = deepCopy(v[k]);
    return o;
  }
  return v;
}

/** Converts parsed JSON into a value (objects become documents; a bigint from the store stays exact). */
export function fromJson(j: unknown): Value {
  if (j === null || j === undefined) return null;
  if (Array.isArray(j)) return j.map(fromJson);
  if (typeof j === 'object') {
    const o: Doc = {};
    for (const [k, x] of Object.entries(j as object)) o[k] = fromJson(x);
    return o;
  }
  if (typeof j === 'bigint') return normalizeWhole(j);
  return j as Value;
}
