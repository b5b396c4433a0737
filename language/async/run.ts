// One execution this engine is responsible for (a procedure, a PARALLEL parent, or a branch).
// The stored document is the only truth: a Run writes through compare-and-set, and after every write or
// re-read it reacts to what it sees (start the body, arm the deadline, stop on cancel, run handlers,
// give up when another engine took its lease). Nothing a Run knows is only in memory.

import type { Clock, TimerHandle } from './clock';
import { msOf } from './clock';
import type { ErrorInfo, ExecutionDocument, StateReason } from './document';
import { MAX_OUTPUT_LINES } from './document';
import type { Decide, Documents, UpdateOutcome, Versioned } from './documents';
import { StopRequest } from './errors';
import type { BodyContext, HandlerContext } from './spec';
import * as t from './transitions';

export type ExecutionView = Omit<ExecutionDocument, 'status'> & {
  /** `RUNNING (owner unreachable)` when the owner stopped renewing its lease and nobody swept it yet. */
  status: ExecutionDocument['status'] | 'RUNNING (owner unreachable)';
};

/** `takeover`: this engine took the run over from a kernel that stopped renewing its lease. */
export type ExecutionEventType = 'state' | 'progress' | 'print' | 'takeover';

export interface ExecutionEvent {
  type: ExecutionEventType;
  execution_id: string;
  document: ExecutionDocument;
  /** The printed line, for `print` events. */
  text?: string;
}

/** What a Run needs from its engine. */
export interface RunHost {
  readonly documents: Documents;
  readonly clock: Clock;
  readonly cancelGraceMs: number;
  readonly halted: boolean;
  actor(): t.Actor;
  describeError(err: unknown, procedure: string | null): ErrorInfo;
  emit(event: ExecutionEvent): void;
  /** Someone listens to events (building an event copies the document). */
  readonly listening: boolean;
  /** A background step failed for a reason other than a lost race (the store is down, a bug). */
  reportError(err: unknown, executionId: string): void;
  forget(run: Run): void;
}

/** What differs between a procedure, a PARALLEL parent and a branch. */
export interface RunStrategy {
  readonly hasHandlers: boolean;
  body(ctx: BodyContext): Promise<unknown>;
  /** Runs the handlers of a decided run; returns what to store at settlement. */
  handle(doc: ExecutionDocument, ctx: HandlerContext): Promise<t.Settlement>;
}

type Phase = 'active' | 'handling' | 'settled' | 'abandoned';

interface Attempt {
  attempt: number;
  controller: AbortController;
  done: Promise<void>;
  /** The body returned or threw: there is nothing left to stop. */
  finished: boolean;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export class Run {
  private current: Versioned;
  private phase: Phase = 'active';
  private queue: Promise<unknown> = Promise.resolve();
  private attemptRun: Attempt | null = null;
  private deadline: { at: string; timer: TimerHandle } | null = null;
  private retryTimer: { at: string; timer: TimerHandle } | null = null;
  private graceTimer: TimerHandle | null = null;
  private output: string[];
  private progress: ExecutionDocument['progress'];
  private progressQueued: Promise<unknown> | null = null;
  /** Made when handlers run (or the run is given up): most runs never need one. */
  private handlerController: AbortController | null = null;
  private readonly settledSignal = deferred<ExecutionDocument | null>();

  constructor(private readonly host: RunHost, initial: Versioned, readonly strategy: RunStrategy) {
    this.current = initial;
    this.output = [...(initial.doc.output ?? [])];
    this.progress = { ...initial.doc.progress };
  }

  get id(): string {
    return this.current.doc.execution_id;
  }

  get document(): ExecutionDocument {
    return { ...this.current.doc, output: [...this.output], progress: { ...this.progress } };
  }

  /** Resolves with the settled document, or null if this engine gave the run up (lease lost, halted). */
  get settled(): Promise<ExecutionDocument | null> {
    return this.settledSignal.promise;
  }

  /** The stored version this run last saw. */
  get version(): { seqNo: number; primaryTerm: number } {
    return this.current;
  }

  /** Another kernel may change its document now: it is neither finished here nor a branch still queued. */
  get watched(): boolean {
    if (this.phase === 'settled' || this.phase === 'abandoned') return false;
    const doc = this.current.doc;
    return !(doc.kind === 'BRANCH' && doc.state === 'PENDING');
  }

  get isTopLevel(): boolean {
    return this.current.doc.kind !== 'BRANCH';
  }

  private get finish(): t.Finish {
    return { claimHandlers: true, settle: !this.strategy.hasHandlers };
  }

  /** Applies a decision with compare-and-set, one write at a time, then reacts to the stored result. */
  update(decide: Decide): Promise<UpdateOutcome> {
    const step = this.queue.then(async () => {
      if (this.host.halted || this.phase === 'abandoned') return { applied: false, current: this.current };
      const outcome = await this.host.documents.update(this.current, (doc) => {
        const next = decide(doc);
        // The owner's PRINT lines and PROGRESS ride along with whatever it writes.
        if (next && t.ownedBy(next, this.host.actor().me)) {
          next.output = [...this.output];
          next.progress = { ...this.progress };
        }
        return next;
      });
      this.observe(outcome.current);
      return outcome;
    });
    this.queue = step.catch(() => undefined);
    return step;
  }

  /** Takes in a newer stored version (from our own write, a re-read, or a control verb) and reacts. */
  observe(stored: Versioned | null): void {
    if (this.phase === 'settled' || this.phase === 'abandoned') return;
    if (stored === null) {
      this.abandon();
      return;
    }
    if (stored.seqNo > this.current.seqNo || stored.primaryTerm > this.current.primaryTerm) {
      const stateChanged = stored.doc.state !== this.current.doc.state;
      this.current = stored;
      this.emit(stateChanged ? 'state' : 'progress');
    }
    this.react();
  }

  /** Starts the run from its stored state (a new run, or one taken over from a dead engine). */
  begin(): void {
    this.emit('state');
    this.react();
  }

  private emit(type: ExecutionEvent['type'], text?: string): void {
    if (!this.host.listening) return;
    this.host.emit({ type, execution_id: this.id, document: this.document, ...(text !== undefined ? { text } : {}) });
  }

  private react(): void {
    if (this.phase === 'settled' || this.phase === 'abandoned') return;
    const doc = this.current.doc;
    if (!t.ownedBy(doc, this.host.actor().me)) return this.abandon();
    if (doc.settled_at !== null) return this.finishSettled();
    switch (doc.state) {
      case 'PENDING':
        return;
      case 'RUNNING':
        if (this.attemptRun?.attempt !== doc.attempt) this.startAttempt(doc.attempt);
        this.armDeadline(doc.deadline_at);
        return;
      case 'RETRY_SCHEDULED':
        this.clearDeadline();
        this.abortBody(() => new StopRequest('timeout_error', doc.error ?? 'attempt abandoned for a retry', doc.state_reason));
        this.armRetry(doc.retry_at);
        return;
      case 'CANCEL_REQUESTED':
        this.abortBody(() => this.abortReasonFor(doc));
        this.armGrace();
        return;
      default:
        this.clearTimers();
        this.abortBody(() => this.abortReasonFor(doc));
        if (doc.handlers_started_at === null) {
          this.background(this.update((d) => t.claimHandlers(d, this.host.actor())));
        } else if (this.phase === 'active') {
          this.background(this.runHandlers(doc));
        }
    }
  }

  private finishSettled(): void {
    this.phase = 'settled';
    this.clearTimers();
    this.abortBody(() => this.abortReasonFor(this.current.doc));
    this.host.forget(this);
    this.settledSignal.resolve(this.document);
  }

  private abortReasonFor(doc: ExecutionDocument): StopRequest {
    if (doc.state === 'TIMED_OUT') return new StopRequest('timeout_error', doc.error ?? 'timed out', 'TIMEOUT');
    const reason = doc.state_reason ?? 'CANCELLED_BY_USER';
    if (doc.state === 'CANCELLED' || doc.state === 'CANCEL_REQUESTED') return new StopRequest('cancelled', `execution ${doc.execution_id} was cancelled (${reason})`, reason);
    return new StopRequest('cancelled', `execution ${doc.execution_id} is already ${doc.state}`, doc.state_reason);
  }

  private startAttempt(attempt: number): void {
    if (this.phase !== 'active') return;
    const previous = this.attemptRun;
    const controller = new AbortController();
    const record: Attempt = { attempt, controller, done: Promise.resolve(), finished: false };
    this.attemptRun = record;
    record.done = (async () => {
      if (previous) await this.untilStoppedOrGrace(previous);
      let outcome: t.AttemptOutcome;
      if (controller.signal.aborted) {
        outcome = { ok: false, info: this.host.describeError(controller.signal.reason, this.current.doc.procedure_name) };
      } else {
        try {
          outcome = { ok: true, value: await this.strategy.body(this.bodyContext(attempt, controller.signal)) };
        } catch (err) {
          outcome = { ok: false, info: this.host.describeError(err, this.current.doc.procedure_name) };
        }
      }
      record.finished = true;
      if (this.phase === 'abandoned') return;
      await this.update((d) => t.afterAttempt(d, attempt, outcome, this.host.actor(), this.finish));
    })().catch((err) => this.host.reportError(err, this.id));
  }

  private bodyContext(attempt: number, signal: AbortSignal): BodyContext {
    return {
      executionId: this.id,
      attempt,
      signal,
      progress: (percent, message) => this.setProgress(percent, message),
      print: (text) => this.print(text),
    };
  }

  private handlerContext(): HandlerContext {
    this.handlerController ??= new AbortController();
    return { executionId: this.id, signal: this.handlerController.signal, print: (text) => this.print(text) };
  }

  print(text: string): void {
    this.output.push(text);
    if (this.output.length > MAX_OUTPUT_LINES) this.output.splice(0, this.output.length - MAX_OUTPUT_LINES);
    this.emit('print', text);
  }

  /** Shown at once; stored by the next write, and coalesced: many calls during one write cost one more write. */
  setProgress(percent: number, message?: string): Promise<void> {
    const clamped = Math.max(0, Math.min(100, Number.isFinite(percent) ? percent : 0));
    this.progress = { percent: clamped, message: message ?? null };
    this.emit('progress');
    if (!this.progressQueued) {
      this.progressQueued = this.update((doc) => {
        this.progressQueued = null;
        return doc.settled_at === null && t.ownedBy(doc, this.host.actor().me) ? doc : null;
      });
    }
    return this.progressQueued.then(() => undefined);
  }

  private async runHandlers(doc: ExecutionDocument): Promise<void> {
    this.phase = 'handling';
    // A body told to stop gets to finish its last statement before the handlers run (bounded by the grace).
    if (this.attemptRun) await this.untilStoppedOrGrace(this.attemptRun);
    const settlement = await this.strategy.handle(doc.execution_id === this.id ? this.current.doc : doc, this.handlerContext());
    const outcome = await this.update((d) => t.settle(d, this.host.actor(), settlement));
    if (!outcome.applied && outcome.current?.doc.settled_at == null) this.abandon();
  }

  /** A control verb's decision, taken as the owner: a write that decides the outcome also claims the handlers. */
  decide(decision: (doc: ExecutionDocument, finish: t.Finish) => ExecutionDocument | null): Promise<UpdateOutcome> {
    return this.update((d) => decision(d, this.finish));
  }

  /** CANCEL from this engine (also used by shutdown and by a PARALLEL cancelling its branches). */
  cancel(reason: StateReason, force: boolean): Promise<UpdateOutcome> {
    return this.decide((d, finish) => t.requestCancel(d, this.host.actor(), force, reason, finish));
  }

  renewLease(): Promise<UpdateOutcome> {
    return this.update((d) => t.renewLease(d, this.host.actor()));
  }

  /** A queued PARALLEL branch gets its slot. */
  launch(): Promise<UpdateOutcome> {
    return this.update((d) => t.launch(d, this.host.actor()));
  }

  /** This engine no longer owns the run (another engine took the lease, or the engine halted). */
  abandon(): void {
    if (this.phase === 'settled' || this.phase === 'abandoned') return;
    this.phase = 'abandoned';
    this.clearTimers();
    const lost = new StopRequest('WORKER_LOST', `this kernel no longer owns ${this.id}`, 'WORKER_LOST');
    this.abortBody(() => lost);
    (this.handlerController ??= new AbortController()).abort(lost);
    this.host.forget(this);
    this.settledSignal.resolve(null);
  }

  /** `reason` is made only when there is a body to stop (an Error with a stack is not free). */
  private abortBody(reason: () => StopRequest): void {
    const attempt = this.attemptRun;
    if (attempt && !attempt.finished && !attempt.controller.signal.aborted) attempt.controller.abort(reason());
  }

  private untilStoppedOrGrace(attempt: Attempt): Promise<void> {
    if (attempt.finished) return Promise.resolve();
    const done = attempt.done;
    return new Promise((resolve) => {
      const timer = this.host.clock.setTimer(this.host.cancelGraceMs, resolve);
      done.then(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  private armDeadline(at: string | null): void {
    if (this.deadline?.at === at) return;
    this.clearDeadline();
    const ms = msOf(at);
    if (at === null || ms === null) return;
    const timer = this.host.clock.setTimer(ms - this.host.clock.now(), () => {
      this.deadline = null;
      this.background(
        this.update((d) => t.atDeadline(d, this.host.actor(), this.finish)).then((o) => {
          // The deadline moved (PING) or passed unnoticed: arm again from the stored value.
          if (!o.applied) this.react();
        }),
      );
    });
    this.deadline = { at, timer };
  }

  private armRetry(at: string | null): void {
    if (this.retryTimer?.at === at) return;
    this.retryTimer?.timer.cancel();
    const ms = msOf(at) ?? this.host.clock.now();
    if (ms <= this.host.clock.now()) {
      // No backoff left to wait (BACKOFF 0, or a run taken over after its retry time): go on at once.
      this.retryTimer = null;
      this.background(this.update((d) => t.beginRetry(d, this.host.actor())));
      return;
    }
    const timer = this.host.clock.setTimer(ms - this.host.clock.now(), () => {
      this.retryTimer = null;
      this.background(this.update((d) => t.beginRetry(d, this.host.actor())));
    });
    this.retryTimer = { at: at ?? '', timer };
  }

  /** A cooperative cancel that the body ignores becomes a forced one after the grace period. */
  private armGrace(): void {
    if (this.graceTimer) return;
    this.graceTimer = this.host.clock.setTimer(this.host.cancelGraceMs, () => {
      this.graceTimer = null;
      const reason = this.current.doc.state_reason ?? 'CANCELLED_BY_USER';
      this.background(this.cancel(reason, true));
    });
  }

  private clearDeadline(): void {
    this.deadline?.timer.cancel();
    this.deadline = null;
  }

  private clearTimers(): void {
    this.clearDeadline();
    this.retryTimer?.timer.cancel();
    this.retryTimer = null;
    this.graceTimer?.cancel();
    this.graceTimer = null;
  }

  private background(p: Promise<unknown>): void {
    p.catch((err) => this.host.reportError(err, this.id));
  }
}
