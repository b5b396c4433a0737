// What the engine tests share: a manual clock, engines on one store, a registry of bodies and handlers
// addressed by name (so a stored pipeline resolves to the same callbacks in every engine, as the session's
// procedures would), bodies the test completes by hand, and waits on engine events instead of sleeps.

import type { DataStore } from '../../../../language/store/store';
import { EngineOptions, ExecutionEngine } from '../../../../language/async/engine';
import type { ExecutionEvent } from '../../../../language/async/run';
import type { Bindings, BodyContext, Handler, HandlerContext, ParallelSpec, PipelineSpec, ProcedureSpec } from '../../../../language/async/spec';
import type { ConflictPolicy, ExecutionState } from '../../../../language/async/document';
import { drain, ManualClock } from './manual-clock';

export type StoreFactory = () => Promise<DataStore>;

/** One start of a hand-driven body. Cooperative by default: it rejects with the abort reason when signalled. */
export class Invocation {
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (err: unknown) => void;
  settled = false;

  constructor(readonly args: unknown[], readonly ctx: BodyContext, ignoresSignal: boolean) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = (v) => {
        this.settled = true;
        resolve(v);
      };
      this.reject = (e) => {
        this.settled = true;
        reject(e);
      };
    });
    if (!ignoresSignal) {
      if (ctx.signal.aborted) this.reject(ctx.signal.reason);
      else ctx.signal.addEventListener('abort', () => this.reject(ctx.signal.reason), { once: true });
    }
  }
}

export class Controlled {
  readonly invocations: Invocation[] = [];
  private waiters: { index: number; resolve: (i: Invocation) => void }[] = [];

  constructor(private readonly ignoresSignal = false) {}

  readonly body = (args: unknown[], ctx: BodyContext): Promise<unknown> => {
    const invocation = new Invocation(args, ctx, this.ignoresSignal);
    this.invocations.push(invocation);
    const index = this.invocations.length - 1;
    for (const w of this.waiters.filter((w) => w.index === index)) w.resolve(invocation);
    this.waiters = this.waiters.filter((w) => w.index !== index);
    return invocation.promise;
  };

  /** The n-th start (0-based) of this body, when it happens. */
  nth(index: number): Promise<Invocation> {
    if (this.invocations[index]) return Promise.resolve(this.invocations[index]);
    return new Promise((resolve) => this.waiters.push({ index, resolve }));
  }

  get running(): number {
    return this.invocations.filter((i) => !i.settled).length;
  }
}

export type BodyFn = (args: unknown[], ctx: BodyContext) => Promise<unknown>;
export type HandlerFn = (bindings: Bindings, ctx: HandlerContext) => Promise<unknown> | unknown;

export interface PipelineDesc {
  procedure: string;
  args?: unknown[];
  onDone?: string[];
  onFail?: string[];
  finally?: string[];
  track?: string;
  onConflict?: ConflictPolicy;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}

export interface ParallelDesc {
  branches: { procedure: string; args?: unknown[] }[];
  max?: number;
  onAllDone?: string[];
  onAnyFail?: string[];
  onAllSettled?: string[];
  onAnyDone?: string[];
  finally?: string[];
  cancelSiblings?: boolean;
  track?: string;
  onConflict?: ConflictPolicy;
  timeoutMs?: number;
}

export interface HandlerCall {
  name: string;
  executionId: string;
  bindings: Bindings;
}

export class Harness {
  readonly clock = new ManualClock();
  readonly bodies = new Map<string, BodyFn>();
  readonly handlers = new Map<string, HandlerFn>();
  /** Every handler call, in order, in every engine. */
  readonly handlerCalls: HandlerCall[] = [];
  readonly engines: ExecutionEngine[] = [];
  readonly backgroundErrors: unknown[] = [];

  constructor(readonly store: DataStore) {
    this.clock.settle = () => this.settle();
  }

  /** Until no engine has a store call in flight across a full event-loop turn. */
  async settle(): Promise<void> {
    for (;;) {
      await drain();
      const busy = this.engines.filter((e) => e.storeCallsInFlight > 0);
      if (busy.length === 0) return;
      await Promise.all(busy.map((e) => e.quiet()));
    }
  }

  engine(options: Partial<EngineOptions> = {}): ExecutionEngine {
    const engine = new ExecutionEngine({
      store: this.store,
      clock: this.clock,
      resolve: (pipeline) => this.resolve(pipeline),
      leaseMs: 30_000,
      sweepEveryMs: 0,
      cancelGraceMs: 5_000,
      waitEveryMs: 500,
      // Most tests say which engine takes a dead kernel's run over (sweep, WAIT): the lease watch, which would
      // do it on its own as the lease runs out, is switched on by the tests about it.
      lostCheckEveryMs: 0,
      ...options,
    });
    engine.onError((err) => this.backgroundErrors.push(err));
    this.engines.push(engine);
    return engine;
  }

  body(name: string, fn: BodyFn): void {
    this.bodies.set(name, fn);
  }

  controlled(name: string, ignoresSignal = false): Controlled {
    const c = new Controlled(ignoresSignal);
    this.bodies.set(name, c.body);
    return c;
  }

  /** Registers a handler that logs its call; `fn` may return a replacement @result or throw. */
  handler(name: string, fn: HandlerFn = () => null): void {
    this.handlers.set(name, fn);
  }

  callsOf(name: string): HandlerCall[] {
    return this.handlerCalls.filter((c) => c.name === name);
  }

  private toHandlers(names: string[] | undefined): Handler[] | undefined {
    return names?.map((name) => ({
      name,
      run: async (bindings: Bindings, ctx: HandlerContext) => {
        this.handlerCalls.push({ name, executionId: ctx.executionId, bindings });
        const fn = this.handlers.get(name);
        if (!fn) throw new Error(`no handler ${name}`);
        return fn(bindings, ctx);
      },
    }));
  }

  private bodyOf(procedure: string, args: unknown[]): (ctx: BodyContext) => Promise<unknown> {
    const fn = this.bodies.get(procedure);
    if (!fn) throw new Error(`procedure ${procedure} is not defined`);
    return (ctx) => fn(args, ctx);
  }

  spec(desc: PipelineDesc): ProcedureSpec {
    const args = desc.args ?? [];
    return {
      procedure: desc.procedure,
      parameters: args,
      pipeline: desc,
      body: this.bodyOf(desc.procedure, args),
      onDone: this.toHandlers(desc.onDone),
      onFail: this.toHandlers(desc.onFail),
      finally: this.toHandlers(desc.finally),
      track: desc.track ? { name: desc.track, onConflict: desc.onConflict } : undefined,
      timeoutMs: desc.timeoutMs,
      retry: desc.retries !== undefined ? { retries: desc.retries, backoffMs: desc.backoffMs } : undefined,
    };
  }

  parallelSpec(desc: ParallelDesc): ParallelSpec {
    return {
      pipeline: desc,
      branches: desc.branches.map((b) => ({ procedure: b.procedure, parameters: b.args ?? [], body: this.bodyOf(b.procedure, b.args ?? []) })),
      max: desc.max,
      onAllDone: this.toHandlers(desc.onAllDone),
      onAnyFail: this.toHandlers(desc.onAnyFail),
      onAllSettled: this.toHandlers(desc.onAllSettled),
      onAnyDone: this.toHandlers(desc.onAnyDone),
      finally: this.toHandlers(desc.finally),
      cancelSiblings: desc.cancelSiblings,
      track: desc.track ? { name: desc.track, onConflict: desc.onConflict } : undefined,
      timeoutMs: desc.timeoutMs,
    };
  }

  resolve(pipeline: unknown): PipelineSpec {
    const desc = pipeline as PipelineDesc | ParallelDesc;
    return 'branches' in desc ? this.parallelSpec(desc) : this.spec(desc);
  }

  /** The first event of `engine` matching `match` from now on. */
  until(engine: ExecutionEngine, match: (e: ExecutionEvent) => boolean): Promise<ExecutionEvent> {
    return new Promise((resolve) => {
      const off = engine.onEvent((e) => {
        if (match(e)) {
          off();
          resolve(e);
        }
      });
    });
  }

  untilState(engine: ExecutionEngine, id: string, state: ExecutionState): Promise<ExecutionEvent> {
    return this.until(engine, (e) => e.execution_id === id && e.document.state === state);
  }
}
