// Run-time state shared by compiled closures: frames, completion signals, the cooperative scheduler (time
// slices, abort checks) and the call-depth guard.
import type { Output } from '../contract';
import type { Span, TypeRef } from '../ast';
import { ScriptError } from '../errors';
import type { Value } from '../values';
import type { DataStore } from '../store/store';
import { checkHeap } from '../limits';

export type R<T> = T | Promise<T>;

/**
 * One routine activation (or a cell): a single array, so a call allocates one object. Slot RET holds the value
 * of a RETURN completion, UP the lexically enclosing frame, AT the `@name` handler arguments of a pipeline
 * handler, CTX the Runtime of the execution it belongs to; local variables start at FIRST_SLOT.
 */
export type Frame = Value[];
export const RET = 0;
export const UP = 1;
export const AT = 2;
export const CTX = 3;
export const FIRST_SLOT = 4;

export function newFrame(size: number, up: Frame | null, ctx: Runtime): Frame {
  const f = new Array<Value>(size);
  f[RET] = null;
  f[UP] = up;
  f[AT] = null;
  f[CTX] = ctx as unknown as Value;
  return f;
}

export function upOf(f: Frame): Frame {
  return f[UP] as Frame;
}

/** The frame `depth` levels out (0 = `f` itself): where a local of an enclosing routine lives. */
export function frameAt(f: Frame, depth: number): Frame {
  let x = f;
  for (let i = 0; i < depth; i++) x = x[UP] as Frame;
  return x;
}

/** The execution a frame runs in (its output, abort signal, time slice and call stack). */
export function ctxOf(f: Frame): Runtime {
  return f[CTX] as unknown as Runtime;
}

/** Completion signals travel as return values of statement closures; `undefined` means "go on". */
export const EXIT = 1;
export const CONTINUE = 2;
export const RETURN = 3;
export type Completion = undefined | typeof EXIT | typeof CONTINUE | typeof RETURN;

export type ExprFn = (f: Frame) => R<Value>;
export type StmtFn = (f: Frame) => R<Completion>;

export function isPromise<T>(x: R<T>): x is Promise<T> {
  // the typeof test first: numbers and strings (the common case) are decided without a prototype walk
  return typeof x === 'object' && x instanceof Promise;
}

/** A top-level variable; cells keep the same object for a name so compiled code can hold on to it. */
export interface GlobalCell {
  readonly name: string;
  v: Value;
  type?: TypeRef;
  /** The checker for `type`, made once at DECLARE (assignments are hot in loops). */
  check?: (v: Value, span: Span | undefined) => Value;
  isConst: boolean;
  defined: boolean;
}

/**
 * What the language uses from the rest of the system, when the host provides it: a data store (ES|QL
 * statements, cursors, first-class index commands, data built-ins), an ES|QL runner for hosts that have no
 * store, and the async execution engine. Absent services make the statements that need them fail with
 * `not_available`.
 */
export interface Services {
  /**
   * Runs an ES|QL query and returns its rows as documents (column name -> value). `params` follow the
   * Elasticsearch request: positional values, or `{name: value}` objects for `?name` placeholders. Used when
   * there is no `store`.
   */
  esql?(query: string, params: unknown[], signal: AbortSignal): Promise<Value[]>;
  /** The data store, or a function that opens it on first use (see language/data/services.ts). */
  store?: DataStore | (() => DataStore);
  /** Releases what the services hold (the store); called by Session.shutdown. */
  close?(): Promise<void>;
}

const SLICE_MS = 10;
const TICKS_PER_CHECK = 1024;
export const MAX_DEPTH = 5000;
/** Every this many nested calls the evaluator continues on a fresh native stack (a power of two: tested by mask). */
export const STACK_HOP = 128;
export const STACK_HOP_MASK = STACK_HOP - 1;

/**
 * The state of one running execution (a cell, later also a background execution): where output goes, its abort
 * signal, its time slice and its escript call stack. Frames point to it (slot CTX), so compiled code shared by
 * several executions always works on the right one.
 */
export class Runtime {
  out: Output = NULL_OUTPUT;
  signal: AbortSignal = new AbortController().signal;
  services: Services = {};
  /** Number of active routine calls; `names`/`sites` hold each one's routine name and call site (1-based). */
  depth = 0;
  readonly names: string[] = [];
  readonly sites: (Span | undefined)[] = [];
  /** Ticks left before the next clock check; hot paths decrement it inline and call `tick` at zero. */
  budget = TICKS_PER_CHECK;
  private sliceStart = performance.now();

  /** Starts a new request: fresh time slice, its output sink and abort signal. */
  begin(out: Output, signal: AbortSignal): void {
    this.out = out;
    this.signal = signal;
    this.depth = 0;
    this.budget = TICKS_PER_CHECK;
    this.sliceStart = performance.now();
  }

  /**
   * Called at loop back-edges and calls. Cheap almost always; every TICKS_PER_CHECK ticks it looks at the clock,
   * and when the slice is used up returns a promise that yields to the event loop (heartbeats, interrupts) first.
   */
  tick(span: Span | undefined): Promise<void> | undefined {
    if (--this.budget > 0) return undefined;
    this.budget = TICKS_PER_CHECK;
    this.checkAbort(span);
    if (performance.now() - this.sliceStart < SLICE_MS) return undefined;
    checkHeap(span);
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.sliceStart = performance.now();
      this.checkAbort(span);
    });
  }

  checkAbort(span: Span | undefined): void {
    if (this.signal.aborted) throw new ScriptError('interrupted', 'execution interrupted', span);
  }

  /**
   * Calls do not catch errors on their way out (that would cost every call a try/catch); an error leaves the
   * call stack as it was where it was thrown. Whoever handles it (TRY, SAVE EXCEPTIONS, the cell) records the
   * frames above its own depth into the error and drops them.
   */
  unwindTo(err: ScriptError, base: number): void {
    if (err.frames.length === 0) {
      for (let d = this.depth; d > base; d--) err.frames.push({ name: this.names[d], span: this.sites[d] });
    }
    this.depth = base;
  }
}

const NULL_OUTPUT: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };

/** Runs `body` once per item with the item in `slot`; EXIT ends the loop, RETURN leaves it. */
export function loop(f: Frame, items: Value[], slot: number, body: StmtFn, span: Span): R<Completion> {
  const run = (i: number): R<Completion> => {
    for (; i < items.length; i++) {
      f[slot] = items[i];
      const c = body(f);
      if (c !== undefined) {
        if (isPromise(c)) {
          const next = i + 1;
          return c.then((c2) => (c2 === EXIT ? undefined : c2 === RETURN ? RETURN : run(next)));
        }
        if (c === EXIT) return undefined;
        if (c === RETURN) return RETURN;
      }
      const t = ctxOf(f).tick(span);
      if (t) {
        const next = i + 1;
        return t.then(() => run(next));
      }
    }
    return undefined;
  };
  return run(0);
}
