// Speed shortcuts. Each one repeats a piece of semantics defined elsewhere (operators.ts, members.ts,
// operators' three-valued logic) for the hottest shapes, and hands everything else to that general code. They
// are on unless `CompilerOptions.fastPaths` is false; test/language/evaluator/fast-paths.test.ts runs the
// conformance corpus with them on and off and requires the same prints, results and errors, so a shortcut that
// drifts from its original fails there.
//
// `+ - *` on doubles keep whole numbers exact (operators.ts): a result within ±(2^53-1) is returned, one
// comparison; anything past it goes to the general operator, which redoes it exactly.
//
// Each shortcut is one closure per operator or shape: compiled code shared by many sites would otherwise see
// many targets at one call and V8 would stop inlining it.
import type * as A from '../ast';
import type { Value } from '../values';
import { isDoc } from '../values';
import { SAFE } from '../long-integers';
import type { BlockScope } from './scope';
import { ExprFn, Frame, R, RET, RETURN, StmtFn, isPromise } from './runtime';
import { binaryAfterLeft, binaryAfterRight, thenF } from './steps';

type Binary = Extract<A.Expr, { kind: 'binary' }>;
type Op2 = (a: Value, b: Value) => Value;

/** The frame slot of `x` when it is a local of the current frame (the only locals read without a walk). */
function localSlot(x: A.Expr, scope: BlockScope): number | undefined {
  if (x.kind !== 'var') return undefined;
  const r = scope.resolve(x.name);
  return r && r.depth === 0 ? r.v.slot : undefined;
}

export class FastPaths {
  /**
   * `local OP number-literal` and `local OP local`, read straight from the frame: `n - 1`, `n < 2`, `i * j`.
   * Operands that are not both numbers go to the general operator `k`.
   */
  localOperands(e: Binary, scope: BlockScope, k: Op2): ExprFn | undefined {
    const ls = localSlot(e.left, scope);
    if (ls === undefined) return undefined;
    const lit = e.right.kind === 'literal' && typeof e.right.value === 'number' ? e.right.value : undefined;
    // rs < 0: the right operand is the literal c
    const rs = lit === undefined ? localSlot(e.right, scope) : -1;
    if (rs === undefined) return undefined;
    const c = lit ?? 0;
    switch (e.op) {
      case '+': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; if (typeof a === 'number' && typeof b === 'number') { const r = a + b; if (Math.abs(r) <= SAFE) return r; } return k(a, b); };
      case '-': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; if (typeof a === 'number' && typeof b === 'number') { const r = a - b; if (Math.abs(r) <= SAFE) return r; } return k(a, b); };
      case '*': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; if (typeof a === 'number' && typeof b === 'number') { const r = a * b; if (Math.abs(r) <= SAFE) return r; } return k(a, b); };
      // modulo by zero is the general operator's error
      case '%': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; return typeof a === 'number' && typeof b === 'number' && b !== 0 ? a % b : k(a, b); };
      case '<': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; return typeof a === 'number' && typeof b === 'number' ? a < b : k(a, b); };
      case '<=': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; return typeof a === 'number' && typeof b === 'number' ? a <= b : k(a, b); };
      case '>': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; return typeof a === 'number' && typeof b === 'number' ? a > b : k(a, b); };
      case '>=': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; return typeof a === 'number' && typeof b === 'number' ? a >= b : k(a, b); };
      case '==': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; return typeof a === 'number' && typeof b === 'number' ? a === b : k(a, b); };
      case '!=': return (f) => { const a = f[ls], b = rs < 0 ? c : f[rs]; return typeof a === 'number' && typeof b === 'number' ? a !== b : k(a, b); };
    }
    return undefined;
  }

  /** `a + b` and `a - b` on any operands: two numbers are added without calling the operator. */
  numberSum(e: Binary, l: ExprFn, r: ExprFn, k: Op2): ExprFn | undefined {
    if (e.op === '+') {
      return (f) => {
        const a = l(f);
        if (isPromise(a)) return binaryAfterLeft(a, f, r, k);
        const b = r(f);
        if (isPromise(b)) return binaryAfterRight(a, b, k);
        if (typeof a === 'number' && typeof b === 'number') { const s = a + b; if (Math.abs(s) <= SAFE) return s; }
        return k(a, b);
      };
    }
    if (e.op === '-') {
      return (f) => {
        const a = l(f);
        if (isPromise(a)) return binaryAfterLeft(a, f, r, k);
        const b = r(f);
        if (isPromise(b)) return binaryAfterRight(a, b, k);
        if (typeof a === 'number' && typeof b === 'number') { const s = a - b; if (Math.abs(s) <= SAFE) return s; }
        return k(a, b);
      };
    }
    return undefined;
  }

  /** `-x` on a number, `NOT x` on a boolean. */
  unary(op: '-' | 'NOT', a: ExprFn, general: (v: Value) => Value): ExprFn {
    if (op === '-') return (f) => { const v = a(f); return typeof v === 'number' ? -v : isPromise(v) ? v.then(general) : general(v); };
    return (f) => { const v = a(f); return v === true ? false : v === false ? true : isPromise(v) ? v.then(general) : general(v); };
  }

  /** `d.k` on a document: an own property, or NULL. */
  field(o: ExprFn, name: string, read: (v: Value) => Value): ExprFn {
    return (f) => {
      const v = o(f);
      if (isPromise(v)) return v.then(read);
      if (isDoc(v)) return Object.prototype.hasOwnProperty.call(v, name) ? v[name] : null;
      return read(v);
    };
  }

  /**
   * AND/OR whose left operand is a boolean: FALSE AND x / TRUE OR x without evaluating x, and a boolean right
   * operand returned as it is. `combine` and `right` are the three-valued general code.
   */
  logical(isAnd: boolean, l: ExprFn, r: ExprFn, combine: (a: boolean, bv: Value) => Value,
    right: (av: Value, f: Frame) => R<Value>): ExprFn {
    const stop = !isAnd;
    return (f) => {
      const av = l(f);
      if (av === stop) return stop;
      if (av === !stop) {
        const bv = r(f);
        if (bv === true || bv === false) return bv;
        return isPromise(bv) ? bv.then((x) => combine(!stop, x)) : combine(!stop, bv);
      }
      return thenF(av, f, right);
    };
  }

  /** `RETURN local`: the slot is copied without calling the expression. */
  returnLocal(value: A.Expr, scope: BlockScope): StmtFn | undefined {
    const slot = localSlot(value, scope);
    if (slot === undefined) return undefined;
    return (f) => { f[RET] = f[slot]; return RETURN; };
  }
}
