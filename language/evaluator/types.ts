// Declared types: checks (and the few safe coercions) applied when a typed variable or parameter is assigned.
import type { Span, TypeRef } from '../ast';
import { ScriptError } from '../errors';
import { Value, FunctionValue, isDoc, typeOf } from '../values';
import { isNumeric } from '../long-integers';

export function typeText(t: TypeRef): string {
  switch (t.kind) {
    case 'simple': return t.name;
    case 'array': return t.of ? `ARRAY OF ${typeText(t.of)}` : 'ARRAY';
    case 'map': return t.value ? `MAP OF ${t.key ? `${typeText(t.key)} TO ` : ''}${typeText(t.value)}` : 'MAP';
    case 'named': return t.name;
  }
}

/** A user-defined record type (CREATE TYPE ... AS RECORD). */
export interface RecordType {
  readonly name: string;
  readonly fields: readonly { readonly name: string; readonly type: TypeRef }[];
}

/** Finds a record type by name when a value is checked (types may be created after the code that uses them). */
export type TypeResolver = (name: string) => RecordType | undefined;

/** What a field of a record starts as when the value leaves it out (the reference's table of defaults). */
export function defaultOf(t: TypeRef, types: TypeResolver | undefined, span: Span | undefined): Value {
  switch (t.kind) {
    case 'array': return [];
    case 'map': return new Map();
    case 'named': return checkRecord({}, t, `a ${t.name}`, span, types);
  }
  switch (t.name) {
    case 'STRING': return '';
    case 'NUMBER': return 0;
    case 'BOOLEAN': return false;
    case 'DOCUMENT': return {};
    default: return null; // DATE, ANY
  }
}

/**
 * A document checked against a record type: every field it has must be declared and hold its type; the ones it
 * leaves out get their defaults (in a copy: the document given is not changed).
 */
function checkRecord(v: Value, t: Extract<TypeRef, { kind: 'named' }>, label: string, span: Span | undefined, types: TypeResolver | undefined): Value {
  const rec = types?.(t.name);
  if (!rec) throw new ScriptError('type_error', `unknown type ${t.name} (${label})`, span);
  if (!isDoc(v)) return mismatch(v, t, label, span);
  for (const k of Object.keys(v)) {
    if (!rec.fields.some((f) => f.name === k)) throw new ScriptError('type_error', `${label} is ${rec.name}, which has no field ${k}`, span);
  }
  let out: Record<string, Value> | undefined;
  for (const f of rec.fields) {
    const has = Object.prototype.hasOwnProperty.call(v, f.name);
    const x = has ? checkType(v[f.name], f.type, `field ${f.name} of ${rec.name}`, span, types) : defaultOf(f.type, types, span);
    if (!has || x !== v[f.name]) {
      out ??= { ...v };
      out[f.name] = x;
    }
  }
  return out ?? v;
}

function mismatch(v: Value, t: TypeRef, label: string, span: Span | undefined): never {
  throw new ScriptError('type_error', `${label} is ${typeText(t)}, cannot hold ${typeOf(v)}`, span);
}

/** Returns the value to store (a DATE from an ISO string, a MAP from a document), or throws type_error. */
export function checkType(v: Value, t: TypeRef, label: string, span: Span | undefined, types?: TypeResolver): Value {
  if (v === null) return v;
  switch (t.kind) {
    case 'named': return checkRecord(v, t, label, span, types);
    case 'array':
      if (!Array.isArray(v)) return mismatch(v, t, label, span);
      if (t.of) for (const x of v) checkType(x, t.of, `element of ${label}`, span, types);
      return v;
    case 'map':
      if (v instanceof Map) return v;
      if (isDoc(v)) return new Map(Object.entries(v));
      return mismatch(v, t, label, span);
  }
  switch (t.name) {
    case 'NUMBER': return isNumeric(v) ? v : mismatch(v, t, label, span);
    case 'STRING': return typeof v === 'string' ? v : mismatch(v, t, label, span);
    case 'BOOLEAN': return typeof v === 'boolean' ? v : mismatch(v, t, label, span);
    case 'DOCUMENT': return isDoc(v) ? v : mismatch(v, t, label, span);
    case 'FUNCTION': return v instanceof FunctionValue ? v : mismatch(v, t, label, span);
    case 'DATE': {
      if (v instanceof Date) return v;
      if (typeof v === 'string') {
        const d = new Date(v);
        if (!Number.isNaN(d.getTime())) return d;
      }
      return mismatch(v, t, label, span);
    }
    default: return v; // ANY
  }
}

export type Checker = (v: Value, span: Span | undefined) => Value;

/** A checker specialised for one declared type (the common scalar types avoid the generic switch). */
export function checkerFor(t: TypeRef, label: string, types?: TypeResolver): Checker {
  if (t.kind === 'simple') {
    switch (t.name) {
      case 'NUMBER': return (v, span) => (isNumeric(v) || v === null ? v : mismatch(v, t, label, span));
      case 'STRING': return (v, span) => (typeof v === 'string' || v === null ? v : mismatch(v, t, label, span));
      case 'BOOLEAN': return (v, span) => (typeof v === 'boolean' || v === null ? v : mismatch(v, t, label, span));
      case 'ANY': return (v) => v;
    }
  }
  return (v, span) => checkType(v, t, label, span, types);
}

/**
 * What `SET v.a[i].b = x` stores into, by declaration: the path walked from the variable's type through record
 * fields and `ARRAY OF` elements, with the label its errors use (the ones construction gives). Undefined where
 * nothing more is declared (DOCUMENT, ANY, a plain ARRAY or MAP). A field the record does not declare is a
 * type_error, as it is when the record is built.
 */
export function memberType(t: TypeRef, keys: readonly Value[], label: string, span: Span | undefined, types: TypeResolver | undefined): { type: TypeRef; label: string } | undefined {
  let at: TypeRef = t;
  let what = label;
  for (const key of keys) {
    if (at.kind === 'named') {
      const rec = types?.(at.name);
      if (!rec) return undefined; // the value's own check reports an unknown type
      const name = typeof key === 'string' ? key : String(key);
      const field = rec.fields.find((f) => f.name === name);
      if (!field) throw new ScriptError('type_error', `${what} is ${rec.name}, which has no field ${name}`, span);
      at = field.type;
      what = `field ${name} of ${rec.name}`;
    } else if (at.kind === 'array' && at.of) {
      at = at.of;
      what = `element of ${what}`;
    } else return undefined;
  }
  return { type: at, label: what };
}
