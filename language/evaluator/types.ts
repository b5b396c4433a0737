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
  }
}

function mismatch(v: Value, t: TypeRef, label: string, span: Span | undefined): never {
  throw new ScriptError('type_error', `${label} is ${typeText(t)}, cannot hold ${typeOf(v)}`, span);
}

/** Returns the value to store (a DATE from an ISO string, a MAP from a document), or throws type_error. */
export function checkType(v: Value, t: TypeRef, label: string, span: Span | undefined): Value {
  if (v === null) return v;
  switch (t.kind) {
    case 'array':
      if (!Array.isArray(v)) return mismatch(v, t, label, span);
      if (t.of) for (const x of v) checkType(x, t.of, `element of ${label}`, span);
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
export function checkerFor(t: TypeRef, label: string): Checker {
  if (t.kind === 'simple') {
    switch (t.name) {
      case 'NUMBER': return (v, span) => (isNumeric(v) || v === null ? v : mismatch(v, t, label, span));
      case 'STRING': return (v, span) => (typeof v === 'string' || v === null ? v : mismatch(v, t, label, span));
      case 'BOOLEAN': return (v, span) => (typeof v === 'boolean' || v === null ? v : mismatch(v, t, label, span));
      case 'ANY': return (v) => v;
    }
  }
  return (v, span) => checkType(v, t, label, span);
}
