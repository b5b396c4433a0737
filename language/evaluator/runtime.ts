// Run-time state shared by compiled closures: frames, completion signals, the cooperative scheduler (time
// slices, abort checks) and the call-depth guard.
import type { Output } from '../contract';
import type { Span, TypeRef } from '../ast';
import { ScriptError } from '../errors';
import type { Value } from '../values';

export type R<T> = T | Promise<T>;

/** Local variables of one routine activation (or of a cell); `up` is the lexically enclosing frame. */
export interface Frame {
  s: Value[];
  up: Frame | null;
  /** The value carried by a RETURN completion. */
  ret: Value;
  /** `@result`-style handler arguments when running a pipeline handler. */
  at?: Record<string, Value>;
}

/** Completion signals travel as return values of statement closures; `undefined` means "go on". */
export const EXIT = 1;
export const CONTINUE = 2;
export const RETURN = 3;
export type Completion = undefined | typeof EXIT | typeof CONTINUE | typeof RETURN;

export type ExprFn = (f: Frame) => R<Value>;
export type StmtFn = (f: Frame) => R<Completion>;

export function isPromise<T>(x: R<T>): x is Promise<T> {
  return x instanceof Promise;
}

/** A top-level variable; cells keep the same object for a name so compiled code can hold on to it. */
export interface GlobalCell {
  readonly name: string;
  v: Value;
  type?: TypeRef;
  isConst: boolean;
  defined: boolean;
}

/** Services that plug in later (data store, ES|QL engine, async executions); absent for now. */
export interface Services {
  esql?(query: string, params: Record<string, Value> | Value[], signal: AbortSignal): Promise<Value[]>;
  executions?: unknown;
}

const SLICE_MS = 10;
const TICKS_PER_CHECK = 1024;
export const MAX_DEPTH = 5000;
/** Every this many nested calls the evaluator continues on a fresh native stack (see `enterCall`). */
export const STACK_HOP = 150;

export class Runtime {
  out: Output = NULL_OUTPUT;
  signal: AbortSignal = new AbortController().signal;
  services: Services = {};
  depth = 0;
  private budget = TICKS_PER_CHECK;
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
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.sliceStart = performance.now();
      this.checkAbort(span);
    });
  }

  checkAbort(span: Span | undefined): void {
    if (this.signal.aborted) throw new ScriptError('interrupted', 'execution interrupted', span);
  }
}

const NULL_OUTPUT: Output = { print() {}, display() {}, updateDisplay() {}, clear() {} };
