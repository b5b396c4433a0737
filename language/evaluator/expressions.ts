// Expressions other than names and calls: literals and constructors, operators (arithmetic, comparison,
// three-valued AND/OR/NOT, ??, IN, LIKE, BETWEEN, IS NULL), ternary and CASE, member access, `@name` handler
// arguments and lambdas. Operator semantics live in operators.ts; the shortcuts for hot shapes in fast-paths.ts.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Value, Doc, FunctionValue, isDoc, typeOf, toText } from '../values';
import { LONG_MAX, LONG_MIN, isNumeric } from '../long-integers';
import * as op from './operators';
import type { Compiler } from './compile';
import { BlockScope, FrameScope } from './scope';
import { AT, ExprFn, Frame, R, ctxOf, isPromise, newFrame, upOf } from './runtime';
import { getMember } from './members';
import { binaryAfterLeft, binaryAfterRight, evalAll, indexAfterKey, indexAfterObject, then, thenF } from './steps';

type Expr<K extends A.Expr['kind']> = Extract<A.Expr, { kind: K }>;
/** The kinds compiled here (names, calls and data expressions are compiled elsewhere). */
export type OwnExpr = Exclude<A.Expr, Expr<'var' | 'call' | 'callProc' | 'searchExpr' | 'async' | 'cursorAttr'>>;

export class Expressions {
  constructor(private readonly c: Compiler) {}

  compile(e: OwnExpr, scope: BlockScope): ExprFn {
    switch (e.kind) {
      case 'literal': {
        const v = e.value;
        if (typeof v === 'bigint' && (v < LONG_MIN || v > LONG_MAX)) {
          throw new ScriptError('arithmetic_error', `integer literal ${v} is outside the long range -9223372036854775808..9223372036854775807 (write ${v}.0 for a double)`, e.span);
        }
        return () => v;
      }
      case 'template': {
        const parts = e.parts.map((p) => (typeof p === 'string' ? ((() => p) as ExprFn) : this.c.expr(p, scope)));
        return (f) => then(evalAll(parts, f), (vs) => vs.map((v) => (typeof v === 'string' ? v : toText(v))).join(''));
      }
      case 'array': {
        const items = e.items.map((i) => this.c.expr(i, scope));
        return (f) => evalAll(items, f);
      }
      case 'document': {
        const keys = e.fields.map((x) => x.key);
        const vals = e.fields.map((x) => this.c.expr(x.value, scope));
        const build = (vs: Value[]): Value => {
          const d: Doc = {};
          for (let i = 0; i < keys.length; i++) d[keys[i]] = vs[i];
          return d;
        };
        return (f) => then(evalAll(vals, f), build);
      }
      case 'map': {
        const ks = e.entries.map((x) => this.c.expr(x.key, scope));
        const vals = e.entries.map((x) => this.c.expr(x.value, scope));
        return (f) => then(evalAll(ks, f), (kv) => then(evalAll(vals, f), (vv) => {
          const m = new Map<Value, Value>();
          kv.forEach((k, i) => m.set(k, vv[i]));
          return m;
        }));
      }
      case 'at': {
        const name = e.name;
        return (f) => {
          for (let x: Frame | null = f; x; x = upOf(x)) {
            const at = x[AT];
            if (at !== null && isDoc(at) && name in at) return at[name];
          }
          throw new ScriptError('name_error', `@${name} is only available inside a pipeline handler`, e.span);
        };
      }
      case 'unary': return this.unary(e, scope);
      case 'binary': return this.binary(e, scope);
      case 'logical': return this.logical(e, scope);
      case 'ternary': {
        const c = this.c.expr(e.cond, scope);
        const a = this.c.expr(e.then, scope);
        const b = this.c.expr(e.else, scope);
        const sp = e.cond.span;
        const pick = (v: Value, f: Frame): R<Value> => (op.truth(v, sp) ? a(f) : b(f));
        return (f) => thenF(c(f), f, pick);
      }
      case 'isNull': {
        const a = this.c.expr(e.operand, scope);
        const neg = e.negated;
        const test = (v: Value): Value => (v === null) !== neg;
        return (f) => then(a(f), test);
      }
      case 'in': {
        const a = this.c.expr(e.operand, scope);
        const neg = e.negated;
        if (Array.isArray(e.list)) {
          const items = e.list.map((x) => this.c.expr(x, scope));
          return (f) => then(a(f), (v) => then(evalAll(items, f), (xs) => (v === null ? null : xs.some((x) => op.eq(v, x)) !== neg)));
        }
        const coll = this.c.expr(e.list, scope);
        const sp = e.span;
        return (f) => then(a(f), (v) => then(coll(f), (c) => {
          if (c === null || v === null) return null;
          let found: boolean;
          if (Array.isArray(c)) found = c.some((x) => op.eq(v, x));
          else if (c instanceof Map) found = c.has(v);
          else if (isDoc(c)) found = typeof v === 'string' && v in c;
          else if (typeof c === 'string' && typeof v === 'string') found = c.includes(v);
          else throw new ScriptError('type_error', `IN needs an ARRAY, got ${typeOf(c)}`, sp);
          return found !== neg;
        }));
      }
      case 'like': {
        const a = this.c.expr(e.operand, scope);
        const p = this.c.expr(e.pattern, scope);
        const neg = e.negated;
        const sp = e.span;
        return (f) => then(a(f), (v) => then(p(f), (pat) => {
          const r = op.like(v, pat, sp);
          return r === null ? null : r !== neg;
        }));
      }
      case 'between': {
        const a = this.c.expr(e.operand, scope);
        const lo = this.c.expr(e.low, scope);
        const hi = this.c.expr(e.high, scope);
        const neg = e.negated;
        const sp = e.span;
        return (f) => then(a(f), (v) => then(lo(f), (l) => then(hi(f), (h) => {
          const x = op.order('>=', v, l, sp);
          const y = op.order('<=', v, h, sp);
          if (x === null || y === null) return null;
          return (x === true && y === true) !== neg;
        })));
      }
      case 'field': return this.field(e, scope);
      case 'index': {
        const o = this.c.expr(e.object, scope);
        const k = this.c.expr(e.index, scope);
        const sp = e.span;
        return (f) => {
          const v = o(f);
          if (isPromise(v)) return indexAfterObject(v, f, k, sp);
          const key = k(f);
          if (isPromise(key)) return indexAfterKey(v, key, sp);
          return getMember(v, key, sp, false);
        };
      }
      case 'case': return this.caseExpr(e, scope);
      case 'lambda': {
        const frame = new FrameScope(scope, false);
        const inner = new BlockScope(null, frame);
        const slots = e.params.map((p) => inner.declare(p, undefined, false).slot);
        const body = this.c.expr(e.body, inner);
        const n = slots.length;
        return (f) => new FunctionValue('lambda', n, (args, caller) => {
          const fr = newFrame(frame.size, f, caller ?? ctxOf(f));
          for (let i = 0; i < n; i++) fr[slots[i]] = i < args.length ? args[i] : null;
          return body(fr);
        });
      }
    }
  }

  /** `CASE x WHEN v THEN r ... ELSE d END` (compares with =) and `CASE WHEN cond THEN r ... END`. */
  private caseExpr(e: Expr<'case'>, scope: BlockScope): ExprFn {
    const subject = e.subject ? this.c.expr(e.subject, scope) : undefined;
    const whens = e.whens.map((w) => this.c.expr(w.when, scope));
    const spans = e.whens.map((w) => w.when.span);
    const thens = e.whens.map((w) => this.c.expr(w.then, scope));
    const otherwise = e.else ? this.c.expr(e.else, scope) : () => null;
    const from = (f: Frame, subj: Value, i: number): R<Value> => {
      for (; i < whens.length; i++) {
        const w = whens[i](f);
        const k = i;
        const decide = (x: Value): boolean => (subject ? op.eq(subj, x) : op.truth(x, spans[k]));
        if (isPromise(w)) return w.then((x) => (decide(x) ? thens[k](f) : from(f, subj, k + 1)));
        if (decide(w)) return thens[i](f);
      }
      return otherwise(f);
    };
    return subject ? (f) => then(subject(f), (v) => from(f, v, 0)) : (f) => from(f, null, 0);
  }

  private unary(e: Expr<'unary'>, scope: BlockScope): ExprFn {
    const a = this.c.expr(e.operand, scope);
    const sp = e.span;
    if (e.op === '+') {
      return (f) => then(a(f), (v) => {
        if (!isNumeric(v) && v !== null) throw new ScriptError('type_error', `operator + cannot be applied to ${typeOf(v)}`, sp);
        return v;
      });
    }
    const general = e.op === '-'
      ? (v: Value): Value => op.negate(v, sp)
      : (v: Value): Value => { const b = op.logicOperand(v, 'NOT', sp); return b === null ? null : !b; };
    return this.c.fast?.unary(e.op, a, general) ?? ((f) => then(a(f), general));
  }

  private field(e: Expr<'field'>, scope: BlockScope): ExprFn {
    const o = this.c.expr(e.object, scope);
    const name = e.name;
    const sp = e.span;
    const safe = e.safe;
    const read = (v: Value): Value => getMember(v, name, sp, safe);
    const plain = this.c.fast?.field(o, name, read) ?? ((f) => then(o(f), read));
    if (e.object.kind !== 'var' || scope.resolve(e.object.name)) return plain;
    // `pkg.x`: a package's public variable, when `pkg` names a package and no variable
    const pkg = e.object.name;
    const cell = this.c.host.global(pkg);
    const defs = this.c.host.schema;
    return (f) => (!cell.defined && defs.isPackage(pkg) ? defs.packageVariable(pkg, name, sp).v : plain(f));
  }

  private binary(e: Expr<'binary'>, scope: BlockScope): ExprFn {
    const l = this.c.expr(e.left, scope);
    const r = this.c.expr(e.right, scope);
    const sp = e.span;
    let k: (a: Value, b: Value) => Value;
    switch (e.op) {
      case '+': k = (a, b) => op.add(a, b, sp); break;
      case '-': k = (a, b) => op.sub(a, b, sp); break;
      case '*': k = (a, b) => op.mul(a, b, sp); break;
      case '/': k = (a, b) => op.div(a, b, sp); break;
      case '%': k = (a, b) => op.mod(a, b, sp); break;
      case '||': k = (a, b) => op.concat(a, b, sp); break;
      case '==': k = op.eq; break;
      case '!=': k = (a, b) => !op.eq(a, b); break;
      case '<': case '<=': case '>': case '>=': {
        const o = e.op;
        k = (a, b) => op.order(o, a, b, sp);
        break;
      }
    }
    const fast = this.c.fast;
    const shortcut = fast && (fast.localOperands(e, scope, k) ?? fast.numberSum(e, l, r, k));
    if (shortcut) return shortcut;
    return (f) => {
      const a = l(f);
      if (isPromise(a)) return binaryAfterLeft(a, f, r, k);
      const b = r(f);
      if (isPromise(b)) return binaryAfterRight(a, b, k);
      return k(a, b);
    };
  }

  private logical(e: Expr<'logical'>, scope: BlockScope): ExprFn {
    const l = this.c.expr(e.left, scope);
    const r = this.c.expr(e.right, scope);
    const sp = e.span;
    if (e.op === '??') {
      const orElse = (a: Value, f: Frame): R<Value> => (a !== null ? a : r(f));
      return (f) => thenF(l(f), f, orElse);
    }
    // Three-valued AND/OR; booleans on both sides (the usual case) are decided without any closure.
    const isAnd = e.op === 'AND';
    const name = e.op;
    const combine = (a: boolean | null, bv: Value): Value => {
      const b = op.logicOperand(bv, name, sp);
      if (isAnd) return b === false ? false : a === null || b === null ? null : true;
      return b === true ? true : a === null || b === null ? null : false;
    };
    const right = (av: Value, f: Frame): R<Value> => {
      const a = op.logicOperand(av, name, sp);
      if (isAnd ? a === false : a === true) return a;
      const bv = r(f);
      if (isPromise(bv)) return bv.then((x) => combine(a, x));
      return combine(a, bv);
    };
    const fast = this.c.fast?.logical(isAnd, l, r, combine, right);
    return fast ?? ((f) => thenF(l(f), f, right));
  }
}
