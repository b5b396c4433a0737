// The asynchronous halves of compiled code, and the small combinators around them. Hot closures call these
// when a value turns out to be a promise instead of creating an arrow function inline: an inline arrow that
// captures the closure's locals makes V8 allocate a context on every call, even when it never runs.
import type * as A from '../ast';
import type { Value } from '../values';
import * as op from './operators';
import type { CompiledRoutine } from './host';
import { getMember } from './members';
import { Completion, ExprFn, FIRST_SLOT, Frame, R, RET, RETURN, StmtFn, ctxOf, isPromise } from './runtime';

/** A variable as something to read and write (locals, session variables). */
export interface LValueRef {
  get: (f: Frame) => Value;
  set: (f: Frame, v: Value) => void;
  type?: A.TypeRef;
  isConst: boolean;
}

export const NONE: StmtFn = () => undefined;

/** `k(x)` now, or after `x` settles. */
export function then<T, U>(x: R<T>, k: (v: T) => R<U>): R<U> {
  return isPromise(x) ? x.then(k) : k(x);
}

// ---------------------------------------------------------------- suspended halves
// Hot closures call these when a value turns out to be a promise, instead of creating an arrow function
// inline: an inline arrow capturing the closure's locals makes V8 allocate a context on every call.

export interface Sequence {
  readonly fns: StmtFn[];
  readonly stmts: A.Stmt[];
  readonly n: number;
  run: (f: Frame, i: number) => R<Completion>;
}

export const DONE = (): Completion => undefined;

/**
 * `k(x, f)`, or after `x` settles. `k` is made once at compile time and gets the frame as an argument, so the
 * synchronous case allocates nothing.
 */
export function thenF<T, U>(x: R<T>, f: Frame, k: (v: T, f: Frame) => R<U>): R<U> {
  if (isPromise(x)) return thenFLater(x, f, k);
  return k(x, f);
}

export function thenFLater<T, U>(x: Promise<T>, f: Frame, k: (v: T, f: Frame) => R<U>): Promise<U> {
  return x.then((v) => k(v, f));
}

export function resumeSequence(seq: Sequence, f: Frame, pending: Promise<Completion>, next: number): Promise<Completion> {
  return pending.then((c) => {
    if (c !== undefined) return c;
    if (next < seq.n) ctxOf(f).checkAbort(seq.stmts[next].span);
    return seq.run(f, next);
  });
}

export function ifAfter(v: Promise<Value>, f: Frame, sp: A.Span, yes: StmtFn, no: StmtFn): Promise<Completion> {
  return v.then((x) => (op.truth(x, sp) ? yes(f) : no(f)));
}

export function returnAfter(v: Promise<Value>, f: Frame): Promise<Completion> {
  return v.then((x) => { f[RET] = x; return RETURN; });
}

export function setAfter(v: Promise<Value>, f: Frame, set: (f: Frame, x: Value) => void): Promise<Completion> {
  return v.then((x) => { set(f, x); return undefined; });
}

export function binaryAfterLeft(a: Promise<Value>, f: Frame, r: ExprFn, k: (a: Value, b: Value) => Value): Promise<Value> {
  return a.then((x) => then(r(f), (y) => k(x, y)));
}

export function binaryAfterRight(a: Value, b: Promise<Value>, k: (a: Value, b: Value) => Value): Promise<Value> {
  return b.then((y) => k(a, y));
}

export function fillAfter(v: Promise<Value>, f: Frame, fr: Frame, r: CompiledRoutine, i: number,
  fill: (f: Frame, fr: Frame, r: CompiledRoutine, from: number) => R<Value>): Promise<Value> {
  return v.then((x) => { fr[FIRST_SLOT + i] = x; return fill(f, fr, r, i + 1); });
}

export function storeAfter(x: Promise<Value>, f: Frame, k: Value,
  store: (x: Value, f: Frame, k: Value) => Completion): Promise<Completion> {
  return x.then((xv) => store(xv, f, k));
}

export function indexAfterObject(v: Promise<Value>, f: Frame, k: ExprFn, sp: A.Span): Promise<Value> {
  return v.then((x) => then(k(f), (key) => getMember(x, key, sp, false)));
}

export function indexAfterKey(v: Value, key: Promise<Value>, sp: A.Span): Promise<Value> {
  return key.then((kv) => getMember(v, kv, sp, false));
}

export function settersFor(refs: (LValueRef | undefined)[], f: Frame): (((v: Value) => void) | undefined)[] {
  return refs.map((ref) => (ref ? (v: Value) => ref.set(f, v) : undefined));
}

/** Evaluates argument closures left to right, going async only if one of them suspends. */
export function evalAll(fns: ExprFn[], f: Frame): R<Value[]> {
  const out = new Array<Value>(fns.length);
  for (let i = 0; i < fns.length; i++) {
    const v = fns[i](f);
    if (isPromise(v)) return evalRest(fns, f, out, i, v);
    out[i] = v;
  }
  return out;
}

async function evalRest(fns: ExprFn[], f: Frame, out: Value[], i: number, pending: Promise<Value>): Promise<Value[]> {
  out[i] = await pending;
  for (let j = i + 1; j < fns.length; j++) out[j] = await fns[j](f);
  return out;
}
