// Control flow: statement sequences, IF, WHILE/LOOP, FOR over a range or a collection, FORALL, EXIT/CONTINUE
// (WHEN), RETURN, TRY/CATCH/FINALLY, THROW and SWITCH. Completion signals (EXIT, CONTINUE, RETURN) are return
// values of statement closures, not exceptions; loops give the scheduler a tick at every back-edge.
import type * as A from '../ast';
import { ScriptError } from '../errors';
import { Value, isDoc, typeOf, toText } from '../values';
import { Cursor } from '../data/cursor';
import * as op from './operators';
import type { Compiler } from './compile';
import type { BlockScope } from './scope';
import { CONTINUE, Completion, EXIT, ExprFn, Frame, R, RET, RETURN, StmtFn, ctxOf, isPromise, loop } from './runtime';
import { NONE, Sequence, ifAfter, resumeSequence, returnAfter, then } from './steps';
import { asScriptError, bulkError, errorDocument } from './error-values';
import { rangePlan } from './for-range';
import { normalizeWhole } from '../long-integers';
import { cursorLoopRows } from './data-statements';

type Stmt<K extends A.Stmt['kind']> = Extract<A.Stmt, { kind: K }>;

/** Statements run one after another; a completion signal (or an error) stops the sequence. */
export function sequence(fns: StmtFn[], stmts: A.Stmt[]): StmtFn {
  const n = fns.length;
  if (n === 0) return NONE;
  if (n === 1) return fns[0];
  // Synchronous statements never create a closure here: V8 would allocate a context per call for any
  // inner function that captures `f` or `i`, so the suspended case is handled by a separate function.
  const seq: Sequence = { fns, stmts, n, run: () => undefined };
  seq.run = (f: Frame, i: number): R<Completion> => {
    for (; i < n; i++) {
      const c = fns[i](f);
      if (c !== undefined) {
        if (isPromise(c)) return resumeSequence(seq, f, c, i + 1);
        return c;
      }
    }
    return undefined;
  };
  if (n === 2) {
    // unrolled: the body of many small routines (e.g. IF ... END IF; RETURN ...)
    const [a, b] = fns;
    return (f) => {
      const c = a(f);
      if (c !== undefined) {
        if (isPromise(c)) return resumeSequence(seq, f, c, 1);
        return c;
      }
      return b(f);
    };
  }
  const run = seq.run;
  return (f) => run(f, 0);
}

export class ControlFlow {
  constructor(private readonly c: Compiler) {}

  /** EXIT and CONTINUE, with an optional WHEN condition. */
  exitOrContinue(s: Stmt<'exit' | 'continue'>, scope: BlockScope): StmtFn {
    const sig = s.kind === 'exit' ? EXIT : CONTINUE;
    if (!s.when) return () => sig;
    const c = this.c.expr(s.when, scope);
    const sp = s.when.span;
    const decide = (v: Value): Completion => (op.truth(v, sp) ? sig : undefined);
    return (f) => then(c(f), decide);
  }

  returnStmt(s: Stmt<'return'>, scope: BlockScope): StmtFn {
    if (!s.value) return (f) => { f[RET] = null; return RETURN; };
    const fast = this.c.fast?.returnLocal(s.value, scope);
    if (fast) return fast;
    const e = this.c.expr(s.value, scope);
    return (f) => {
      const v = e(f);
      if (isPromise(v)) return returnAfter(v, f);
      f[RET] = v;
      return RETURN;
    };
  }

  ifStmt(s: Stmt<'if'>, scope: BlockScope): StmtFn {
    const conds = s.branches.map((b) => this.c.expr(b.cond, scope));
    const spans = s.branches.map((b) => b.cond.span);
    const bodies = s.branches.map((b) => this.c.block(b.body, scope.child()));
    const otherwise = s.else ? this.c.block(s.else, scope.child()) : NONE;
    const n = conds.length;
    if (n === 1) {
      // IF ... THEN ... [ELSE ...] END IF: the most common shape (guards like `IF n < 2 THEN RETURN n; END IF`)
      const c0 = conds[0];
      const b0 = bodies[0];
      const sp = spans[0];
      const hasElse = s.else !== undefined;
      return (f) => {
        const v = c0(f);
        if (v === true) return b0(f);
        if (v !== false && v !== null) {
          if (isPromise(v)) return ifAfter(v, f, sp, b0, otherwise);
          op.truth(v, sp); // a type error
        }
        return hasElse ? otherwise(f) : undefined;
      };
    }
    const from = (f: Frame, i: number): R<Completion> => {
      for (; i < n; i++) {
        const v = conds[i](f);
        if (isPromise(v)) {
          const k = i;
          return v.then((x) => (op.truth(x, spans[k]) ? bodies[k](f) : from(f, k + 1)));
        }
        if (op.truth(v, spans[i])) return bodies[i](f);
      }
      return otherwise(f);
    };
    return (f) => from(f, 0);
  }

  /** WHILE (with a condition) and LOOP (without). */
  whileLoop(cond: ExprFn | undefined, body: StmtFn, span: A.Span): StmtFn {
    const afterBody = (f: Frame, c: Completion): R<Completion> => {
      if (c === EXIT) return undefined;
      if (c === RETURN) return RETURN;
      const t = ctxOf(f).tick(span);
      return t ? t.then(() => run(f)) : run(f);
    };
    const runBody = (f: Frame): R<Completion> => {
      const c = body(f);
      return isPromise(c) ? c.then((c2) => afterBody(f, c2)) : afterBody(f, c);
    };
    const run = (f: Frame): R<Completion> => {
      for (;;) {
        if (cond) {
          const v = cond(f);
          if (v !== true) {
            if (isPromise(v)) return v.then((x) => (op.truth(x, span) ? runBody(f) : undefined));
            if (!op.truth(v, span)) return undefined;
          }
        }
        const c = body(f);
        if (c !== undefined) {
          if (isPromise(c)) return c.then((c2) => afterBody(f, c2));
          if (c === EXIT) return undefined;
          if (c === RETURN) return RETURN;
        }
        const t = ctxOf(f).tick(span);
        if (t) return t.then(() => run(f));
      }
    };
    return run;
  }

  forRange(s: Stmt<'forRange'>, scope: BlockScope): StmtFn {
    const from = this.c.expr(s.from, scope);
    const to = this.c.expr(s.to, scope);
    const step = s.step ? this.c.expr(s.step, scope) : undefined;
    const inner = scope.child();
    const slot = inner.declare(s.var, { kind: 'simple', name: 'NUMBER' }, false).slot;
    const body = this.c.block(s.body, inner);
    const span = s.span;
    const reverse = s.reverse;
    // Runs iterations from `i` on; `d` is the signed step, `end` the inclusive bound. All three are doubles, or
    // all bigints for a range past 2^53 (for-range.ts): `<=`, `>=` and `+` mean the same on both, and the
    // variable holds each value in its usual form (a bigint only past 2^53).
    const run = (f: Frame, i: number | bigint, end: number | bigint, d: number | bigint): R<Completion> => {
      for (; d > 0 ? i <= end : i >= end; i = (i as number) + (d as number)) {
        f[slot] = typeof i === 'number' ? i : normalizeWhole(i);
        const c = body(f);
        if (c !== undefined) {
          if (isPromise(c)) {
            const next = (i as number) + (d as number);
            return c.then((c2) => {
              if (c2 === EXIT) return undefined;
              if (c2 === RETURN) return RETURN;
              const t = ctxOf(f).tick(span);
              return t ? t.then(() => run(f, next, end, d)) : run(f, next, end, d);
            });
          }
          if (c === EXIT) return undefined;
          if (c === RETURN) return RETURN;
        }
        const t = ctxOf(f).tick(span);
        if (t) {
          const next = (i as number) + (d as number);
          return t.then(() => run(f, next, end, d));
        }
      }
      return undefined;
    };
    return (f) => then(from(f), (a) => then(to(f), (b) => then(step ? step(f) : 1, (st) => {
      const plan = rangePlan(a, b, st, reverse, span);
      return run(f, plan.start, plan.end, plan.step);
    })));
  }

  forEach(s: Stmt<'forEach'>, scope: BlockScope): StmtFn {
    const iterable = this.c.expr(s.iterable, scope);
    const inner = scope.child();
    const slot = inner.declare(s.var, undefined, false).slot;
    const body = this.c.block(s.body, inner);
    const span = s.span;
    const run = (f: Frame, items: Value[]): R<Completion> => loop(f, items, slot, body, span);
    return (f) => then(iterable(f), (v) => {
      if (v === null) return undefined;
      if (Array.isArray(v)) return run(f, v.slice());
      if (v instanceof Cursor) return then(cursorLoopRows(v, span), (rows) => run(f, rows));
      if (v instanceof Map) return run(f, [...v.keys()]);
      if (isDoc(v)) return run(f, Object.keys(v));
      throw new ScriptError('type_error', `FOR ... IN needs an ARRAY, got ${typeOf(v)}`, s.iterable.span);
    });
  }

  /**
   * FORALL x IN items action [SAVE EXCEPTIONS]: runs the action (a CALL or a function call) for each element.
   * Without SAVE EXCEPTIONS the first error stops it; with it, failures are collected in `bulk_errors`
   * (documents {index, element, error, message, type, code}; `error` and `message` are the same text) and the rest still run.
   */
  forall(s: Stmt<'forall'>, scope: BlockScope): StmtFn {
    const iterable = this.c.expr(s.iterable, scope);
    const inner = scope.child();
    const slot = inner.declare(s.var, undefined, false).slot;
    const action = this.c.expr(s.action, inner);
    const span = s.span;
    let saveErrors: ((f: Frame, errors: Value[]) => void) | undefined;
    if (s.saveExceptions) {
      if (scope.isCellRoot) {
        const cell = this.c.host.global('bulk_errors');
        saveErrors = (_f, errors) => { cell.v = errors; cell.type = undefined; cell.check = undefined; cell.isConst = false; cell.defined = true; };
      } else {
        const errSlot = (scope.resolve('bulk_errors')?.depth === 0 ? scope.resolve('bulk_errors')!.v : scope.declare('bulk_errors', undefined, false)).slot;
        saveErrors = (f, errors) => { f[errSlot] = errors; };
      }
    }
    const save = saveErrors;
    const run = (f: Frame, items: Value[], i: number, errors: Value[]): R<Completion> => {
      const base = ctxOf(f).depth;
      for (; i < items.length; i++) {
        f[slot] = items[i];
        let r: R<Value>;
        try {
          r = action(f);
        } catch (e) {
          if (!save) throw e;
          errors.push(bulkError(e, i, items[i], span, ctxOf(f), base));
          continue;
        }
        if (isPromise(r)) {
          const next = i + 1;
          return r.then(() => run(f, items, next, errors), (e) => {
            if (!save) throw e;
            errors.push(bulkError(e, next - 1, items[next - 1], span, ctxOf(f), base));
            return run(f, items, next, errors);
          });
        }
        const t = ctxOf(f).tick(span);
        if (t) {
          const next = i + 1;
          return t.then(() => run(f, items, next, errors));
        }
      }
      if (save) save(f, errors);
      return undefined;
    };
    return (f) => then(iterable(f), (v) => {
      if (v === null) return run(f, [], 0, []);
      if (!Array.isArray(v)) throw new ScriptError('type_error', `FORALL needs an ARRAY, got ${typeOf(v)}`, s.iterable.span);
      return run(f, v.slice(), 0, []);
    });
  }

  tryStmt(s: Stmt<'try'>, scope: BlockScope): StmtFn {
    const body = this.c.block(s.body, scope.child());
    const catches = s.catches.map((c) => {
      const inner = scope.child();
      const slot = inner.declare('error', { kind: 'simple', name: 'DOCUMENT' }, false).slot;
      return { type: c.type?.toLowerCase(), slot, body: this.c.block(c.body, inner) };
    });
    const fin = s.finally ? this.c.block(s.finally, scope.child()) : undefined;
    const span = s.span;

    const withFinally = (f: Frame, c: Completion): R<Completion> => {
      if (!fin) return c;
      const fc = fin(f);
      return isPromise(fc) ? fc.then((x) => (x !== undefined ? x : c)) : fc !== undefined ? fc : c;
    };
    // FINALLY runs exactly once, then the error goes on.
    const finallyThenThrow = (f: Frame, err: ScriptError): R<Completion> => {
      if (!fin) throw err;
      const fc = fin(f);
      if (isPromise(fc)) return fc.then(() => { throw err; });
      throw err;
    };
    const onError = (f: Frame, e: unknown, base: number): R<Completion> => {
      const err = asScriptError(e, span);
      ctxOf(f).unwindTo(err, base);
      if (err.kind === 'interrupted') return finallyThenThrow(f, err);
      const handler = catches.find((c) => c.type === undefined || c.type === err.kind.toLowerCase()
        || (c.type === 'error' || c.type === 'exception' || c.type === 'others'));
      if (!handler) return finallyThenThrow(f, err);
      f[handler.slot] = errorDocument(err);
      let hc: R<Completion>;
      const fail = (e2: unknown): R<Completion> => {
        const err2 = asScriptError(e2, span);
        ctxOf(f).unwindTo(err2, base);
        return finallyThenThrow(f, err2);
      };
      try {
        hc = handler.body(f);
      } catch (e2) {
        return fail(e2);
      }
      if (isPromise(hc)) return hc.then((c) => withFinally(f, c), fail);
      return withFinally(f, hc);
    };
    return (f) => {
      const base = ctxOf(f).depth;
      let c: R<Completion>;
      try {
        c = body(f);
      } catch (e) {
        return onError(f, e, base);
      }
      if (isPromise(c)) return c.then((x) => withFinally(f, x), (e) => onError(f, e, base));
      return withFinally(f, c);
    };
  }

  throwStmt(s: Stmt<'throw'>, scope: BlockScope): StmtFn {
    const value = this.c.expr(s.value, scope);
    const code = s.code ? this.c.expr(s.code, scope) : undefined;
    return (f) => then(value(f), (v) => then(code ? code(f) : null, (c) => {
      let err: ScriptError;
      if (isDoc(v)) {
        const kind = typeof v.type === 'string' ? v.type : 'user_error';
        err = new ScriptError(kind, typeof v.message === 'string' ? v.message : toText(v), s.span);
        err.code = c !== null ? c : (v.code ?? null);
      } else {
        err = new ScriptError('user_error', toText(v), s.span);
        err.code = c;
      }
      throw err;
    }));
  }

  switchStmt(s: Stmt<'switch'>, scope: BlockScope): StmtFn {
    const value = this.c.expr(s.value, scope);
    const matches = s.cases.map((c) => this.c.expr(c.match, scope));
    const bodies = s.cases.map((c) => this.c.block(c.body, scope.child()));
    const otherwise = s.default ? this.c.block(s.default, scope.child()) : NONE;
    const from = (f: Frame, v: Value, i: number): R<Completion> => {
      for (; i < matches.length; i++) {
        const m = matches[i](f);
        if (isPromise(m)) {
          const k = i;
          return m.then((x) => (op.eq(v, x) ? bodies[k](f) : from(f, v, k + 1)));
        }
        if (op.eq(v, m)) return bodies[i](f);
      }
      return otherwise(f);
    };
    return (f) => then(value(f), (v) => from(f, v, 0));
  }
}
