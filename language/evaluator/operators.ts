// Operator semantics on values. NULL propagates through arithmetic and ordering (SQL style); `==`/`!=` are
// null-safe deep comparisons; conditions accept BOOLEAN or NULL (NULL takes the false branch).
// Whole numbers are exact to the long range (../long-integers.ts): a double result past ±(2^53-1) from whole
// operands, or any bigint operand, takes the exact path; one comparison keeps the common case fast.
import type { Span } from '../ast';
import { ScriptError } from '../errors';
import { Value, typeOf, toText, equals, compare } from '../values';
import { checkConcat } from '../limits';
import {
  SAFE, isNumeric, toDouble, wholeArith, wholeDivide, wholeModulo, wholeNegate,
} from '../long-integers';

function typeError(op: string, a: Value, b: Value, span: Span): never {
  throw new ScriptError('type_error', `operator ${op} cannot be applied to ${typeOf(a)} and ${typeOf(b)}`, span);
}

export function add(a: Value, b: Value, span: Span): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    return Math.abs(r) <= SAFE ? r : wholeArith('+', a, b, span);
  }
  if (a === null || b === null) return null;
  if (typeof a === 'string' || typeof b === 'string') return concat(a, b, span);
  if (isNumeric(a) && isNumeric(b)) return wholeArith('+', a, b, span);
  if (a instanceof Date && isNumeric(b)) return new Date(a.getTime() + toDouble(b) * 86400000);
  return typeError('+', a, b, span);
}

export function sub(a: Value, b: Value, span: Span): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    return Math.abs(r) <= SAFE ? r : wholeArith('-', a, b, span);
  }
  if (a === null || b === null) return null;
  if (isNumeric(a) && isNumeric(b)) return wholeArith('-', a, b, span);
  if (a instanceof Date && isNumeric(b)) return new Date(a.getTime() - toDouble(b) * 86400000);
  if (a instanceof Date && b instanceof Date) return (a.getTime() - b.getTime()) / 86400000;
  return typeError('-', a, b, span);
}

export function mul(a: Value, b: Value, span: Span): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    return Math.abs(r) <= SAFE ? r : wholeArith('*', a, b, span);
  }
  if (a === null || b === null) return null;
  if (isNumeric(a) && isNumeric(b)) return wholeArith('*', a, b, span);
  return typeError('*', a, b, span);
}

export function div(a: Value, b: Value, span: Span): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw new ScriptError('division_error', 'division by zero', span);
    return a / b;
  }
  if (a === null || b === null) return null;
  if (isNumeric(a) && isNumeric(b)) {
    if (b == 0) throw new ScriptError('division_error', 'division by zero', span); // eslint-disable-line eqeqeq
    return wholeDivide(a, b, span);
  }
  return typeError('/', a, b, span);
}

export function mod(a: Value, b: Value, span: Span): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw new ScriptError('division_error', 'modulo by zero', span);
    return a % b;
  }
  if (a === null || b === null) return null;
  if (isNumeric(a) && isNumeric(b)) {
    if (b == 0) throw new ScriptError('division_error', 'modulo by zero', span); // eslint-disable-line eqeqeq
    return wholeModulo(a, b, span);
  }
  return typeError('%', a, b, span);
}

/** `||` (and `+` on a STRING): both sides as text; a result past the string limit is a limit error at `span`. */
export function concat(a: Value, b: Value, span?: Span): Value {
  const x = typeof a === 'string' ? a : toText(a);
  const y = typeof b === 'string' ? b : toText(b);
  checkConcat(x, y, span);
  return x + y;
}

export function order(op: '<' | '<=' | '>' | '>=', a: Value, b: Value, span: Span): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      case '>=': return a >= b;
    }
  }
  if (a === null || b === null) return null;
  const c = compare(a, b); // a bigint with a number too
  if (c === undefined) return typeError(op, a, b, span);
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

export function eq(a: Value, b: Value): boolean {
  return a === b || equals(a, b);
}

export function negate(a: Value, span: Span): Value {
  if (typeof a === 'number') return -a;
  if (a === null) return null;
  if (typeof a === 'bigint') return wholeNegate(a, span);
  throw new ScriptError('type_error', `operator - cannot be applied to ${typeOf(a)}`, span);
}

/** A condition: TRUE, FALSE, or NULL (false branch). Anything else is a type error. */
export function truth(v: Value, span: Span): boolean {
  if (v === true) return true;
  if (v === false || v === null) return false;
  throw new ScriptError('type_error', `condition must be BOOLEAN, got ${typeOf(v)}`, span);
}

/** Three-valued logic operand check. */
export function logicOperand(v: Value, op: string, span: Span): boolean | null {
  if (v === true || v === false || v === null) return v;
  throw new ScriptError('type_error', `operator ${op} needs BOOLEAN operands, got ${typeOf(v)}`, span);
}

/** SQL LIKE: `%` any run, `_` one character; case-sensitive. */
export function like(s: Value, pattern: Value, span: Span): Value {
  if (s === null || pattern === null) return null;
  if (typeof s !== 'string' || typeof pattern !== 'string') return typeError('LIKE', s, pattern, span);
  let re = '';
  for (const ch of pattern) {
    if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(s);
}
