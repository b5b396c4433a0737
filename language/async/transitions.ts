// Every state change as a pure decision on the current document: given what is stored now, what should
// be stored next (or null: nothing to do). The engine applies them with compare-and-set, so a decision
// that lost a race is simply taken again on the fresh document.

import { isoAt, msOf } from './clock';
import type { ErrorInfo, ExecutionDocument, ExecutionState, StateReason } from './document';
import { isTerminal } from './document';

export interface Actor {
  /** The engine's lease owner id. */
  me: string;
  now: number;
  leaseMs: number;
  retentionMs: number;
}

export type AttemptOutcome = { ok: true; value: unknown } | { ok: false; info: ErrorInfo };

export interface Finish {
  /** Also claim the handlers in the same write (the owner, who will run them). */
  claimHandlers: boolean;
  /** Settle in the same write: there are no handlers to run. */
  settle: boolean;
}

export function ownedBy(doc: ExecutionDocument, me: string): boolean {
  // Branches carry no lease of their own: they live and die with their parent.
  return doc.lease === null ? doc.kind === 'BRANCH' : doc.lease.owner_id === me;
}

export function leaseExpired(doc: ExecutionDocument, now: number): boolean {
  const expires = msOf(doc.lease?.expires_at);
  return expires !== null && expires <= now;
}

function setTerminal(
  doc: ExecutionDocument,
  state: ExecutionState,
  a: Actor,
  finish: Finish,
  fields: { result?: unknown; info?: ErrorInfo | null; reason?: StateReason | null },
): ExecutionDocument {
  doc.state = state;
  if (fields.reason !== undefined) doc.state_reason = fields.reason;
  if ('result' in fields) doc.result = fields.result ?? null;
  if (fields.info !== undefined) {
    doc.error_info = fields.info;
    doc.error = fields.info && state !== 'CANCELLED' ? fields.info.message : null;
  }
  doc.completed_at = isoAt(a.now);
  const started = msOf(doc.started_at) ?? msOf(doc.created_at) ?? a.now;
  doc.duration_ms = Math.max(0, a.now - started);
  doc.retry_at = null;
  if (finish.claimHandlers || finish.settle) doc.handlers_started_at = isoAt(a.now);
  if (finish.settle) markSettled(doc, a);
  return doc;
}

function markSettled(doc: ExecutionDocument, a: Actor): void {
  doc.settled_at = isoAt(a.now);
  doc.expires_at = isoAt(a.now + a.retentionMs);
}

function retriesLeft(doc: ExecutionDocument): boolean {
  return doc.attempt < doc.max_attempts;
}

function scheduleRetry(doc: ExecutionDocument, a: Actor, info: ErrorInfo, reason: StateReason | null): ExecutionDocument {
  doc.state = 'RETRY_SCHEDULED';
  doc.state_reason = reason;
  doc.error_info = info;
  doc.error = info.message;
  const wait = doc.backoff_ms * 2 ** (doc.attempt - 1);
  doc.retry_at = isoAt(a.now + wait);
  doc.deadline_at = null;
  return doc;
}

export function timeoutInfo(doc: ExecutionDocument): ErrorInfo {
  return {
    type: 'timeout_error',
    message: `execution ${doc.execution_id} timed out after ${doc.timeout_ms} ms`,
    line: null,
    procedure: doc.procedure_name,
  };
}

export function workerLostInfo(doc: ExecutionDocument): ErrorInfo {
  const owner = doc.owner;
  return {
    type: 'WORKER_LOST',
    message: `the kernel running ${doc.execution_id} (${owner.host} pid ${owner.pid}) stopped renewing its lease`,
    line: null,
    procedure: doc.procedure_name,
  };
}

export function cancelledInfo(doc: ExecutionDocument, reason: StateReason): ErrorInfo {
  return { type: 'cancelled', message: `execution ${doc.execution_id} was cancelled (${reason})`, line: null, procedure: doc.procedure_name };
}

/** The owner's body returned or threw. */
export function afterAttempt(doc: ExecutionDocument, attempt: number, outcome: AttemptOutcome, a: Actor, finish: Finish): ExecutionDocument | null {
  if (doc.attempt !== attempt || !ownedBy(doc, a.me)) return null;
  if (doc.state === 'CANCEL_REQUESTED') {
    return setTerminal(doc, 'CANCELLED', a, finish, { info: cancelledInfo(doc, doc.state_reason ?? 'CANCELLED_BY_USER') });
  }
  if (doc.state !== 'RUNNING') return null;
  if (outcome.ok) return setTerminal(doc, 'COMPLETED', a, finish, { result: outcome.value, info: null, reason: null });
  if (retriesLeft(doc)) return scheduleRetry(doc, a, outcome.info, null);
  return setTerminal(doc, 'FAILED', a, finish, { info: outcome.info, reason: null });
}

/** The TIMEOUT timer fired; PING may have moved the deadline since it was set. */
export function atDeadline(doc: ExecutionDocument, a: Actor, finish: Finish): ExecutionDocument | null {
  const deadline = msOf(doc.deadline_at);
  if (doc.state !== 'RUNNING' || !ownedBy(doc, a.me) || deadline === null || deadline > a.now) return null;
  const info = timeoutInfo(doc);
  if (retriesLeft(doc)) return scheduleRetry(doc, a, info, 'TIMEOUT');
  return setTerminal(doc, 'TIMED_OUT', a, finish, { info, reason: 'TIMEOUT' });
}

/** Starts the next attempt of a run waiting in RETRY_SCHEDULED. */
export function beginRetry(doc: ExecutionDocument, a: Actor): ExecutionDocument | null {
  const at = msOf(doc.retry_at);
  if (doc.state !== 'RETRY_SCHEDULED' || !ownedBy(doc, a.me) || (at !== null && at > a.now)) return null;
  doc.attempt += 1;
  doc.state = 'RUNNING';
  doc.retry_at = null;
  doc.deadline_at = doc.timeout_ms !== null ? isoAt(a.now + doc.timeout_ms) : null;
  return doc;
}

/** A queued PARALLEL branch gets its slot. */
export function launch(doc: ExecutionDocument, a: Actor): ExecutionDocument | null {
  if (doc.state !== 'PENDING') return null;
  doc.state = 'RUNNING';
  doc.started_at = isoAt(a.now);
  doc.deadline_at = doc.timeout_ms !== null ? isoAt(a.now + doc.timeout_ms) : null;
  return doc;
}

/** CANCEL [FORCE]: the first decision wins; cancelling a decided run changes nothing. */
export function requestCancel(doc: ExecutionDocument, a: Actor, force: boolean, reason: StateReason, finish: Finish): ExecutionDocument | null {
  if (isTerminal(doc.state)) return null;
  const nothingRunning = doc.state === 'PENDING' || doc.state === 'RETRY_SCHEDULED';
  if (force || nothingRunning) {
    const keepReason = doc.state === 'CANCEL_REQUESTED' ? doc.state_reason ?? reason : reason;
    return setTerminal(doc, 'CANCELLED', a, finish, { info: cancelledInfo(doc, keepReason), reason: keepReason });
  }
  if (doc.state === 'CANCEL_REQUESTED') return null;
  doc.state = 'CANCEL_REQUESTED';
  doc.state_reason = reason;
  return doc;
}

/** COMPLETE(value) / FAIL(message) from outside the body: first wins, later calls change nothing. */
export function completeExternally(doc: ExecutionDocument, value: unknown, a: Actor, finish: Finish): ExecutionDocument | null {
  if (isTerminal(doc.state) || doc.state === 'CANCEL_REQUESTED') return null;
  return setTerminal(doc, 'COMPLETED', a, finish, { result: value, info: null, reason: 'COMPLETED_EXTERNALLY' });
}

export function failExternally(doc: ExecutionDocument, message: string, a: Actor, finish: Finish): ExecutionDocument | null {
  if (isTerminal(doc.state) || doc.state === 'CANCEL_REQUESTED') return null;
  const info: ErrorInfo = { type: 'external_failure', message, line: null, procedure: doc.procedure_name };
  return setTerminal(doc, 'FAILED', a, finish, { info, reason: 'FAILED_EXTERNALLY' });
}

/** PING: keep-alive, the deadline moves to now + TIMEOUT. */
export function ping(doc: ExecutionDocument, a: Actor): ExecutionDocument | null {
  if (isTerminal(doc.state) || doc.timeout_ms === null) return null;
  doc.deadline_at = isoAt(a.now + doc.timeout_ms);
  return doc;
}

export function renewLease(doc: ExecutionDocument, a: Actor): ExecutionDocument | null {
  if (doc.settled_at !== null || doc.lease === null || doc.lease.owner_id !== a.me) return null;
  doc.lease = { ...doc.lease, expires_at: isoAt(a.now + a.leaseMs) };
  return doc;
}

/** The owner claims the handlers of a run decided by someone else (COMPLETE, FAIL, CANCEL FORCE). */
export function claimHandlers(doc: ExecutionDocument, a: Actor): ExecutionDocument | null {
  if (!isTerminal(doc.state) || doc.handlers_started_at !== null || !ownedBy(doc, a.me)) return null;
  doc.handlers_started_at = isoAt(a.now);
  return doc;
}

export interface Settlement {
  /** The last non-null return of an ON_DONE (ON_ALL_DONE) handler; null when none returned one. */
  handlerResult: unknown;
  /** An ON_DONE handler failed: the run fails with its error. */
  handlerFailure: ErrorInfo | null;
  handlerErrors: ErrorInfo[];
}

export function settle(doc: ExecutionDocument, a: Actor, s: Settlement): ExecutionDocument | null {
  if (!isTerminal(doc.state) || doc.settled_at !== null || !ownedBy(doc, a.me)) return null;
  if (s.handlerFailure) {
    doc.state = 'FAILED';
    doc.state_reason = 'HANDLER_FAILED';
    doc.error_info = s.handlerFailure;
    doc.error = s.handlerFailure.message;
  }
  // `result` stays the procedure's own return value; the handlers' is kept beside it.
  doc.handler_result = s.handlerResult ?? null;
  doc.handler_errors = [...doc.handler_errors, ...s.handlerErrors];
  markSettled(doc, a);
  return doc;
}

/**
 * A sweeping engine takes over a run whose owner stopped renewing its lease. What it does next follows
 * from the document it wrote: RETRY_SCHEDULED (run again), a claimed terminal state (run the handlers),
 * or settled (handlers had already started once: they are not run twice).
 */
export function takeOver(doc: ExecutionDocument, a: Actor, canRetry: boolean): ExecutionDocument | null {
  if (doc.settled_at !== null || doc.kind === 'BRANCH' || doc.lease === null) return null;
  if (doc.lease.owner_id === a.me || !leaseExpired(doc, a.now)) return null;
  doc.lease = { owner_id: a.me, epoch: doc.lease.epoch + 1, expires_at: isoAt(a.now + a.leaseMs) };
  const claim: Finish = { claimHandlers: true, settle: false };
  switch (doc.state) {
    case 'PENDING':
    case 'RUNNING':
      if (canRetry && retriesLeft(doc)) return scheduleRetry(doc, a, workerLostInfo(doc), 'WORKER_LOST');
      return setTerminal(doc, 'LOST', a, claim, { info: workerLostInfo(doc), reason: 'WORKER_LOST' });
    case 'RETRY_SCHEDULED':
      if (canRetry) return doc;
      return setTerminal(doc, 'LOST', a, claim, { info: workerLostInfo(doc), reason: 'WORKER_LOST' });
    case 'CANCEL_REQUESTED':
      return setTerminal(doc, 'CANCELLED', a, claim, { info: cancelledInfo(doc, doc.state_reason ?? 'CANCELLED_BY_USER') });
    default:
      if (doc.handlers_started_at === null) {
        doc.handlers_started_at = isoAt(a.now);
        return doc;
      }
      doc.state_reason = 'HANDLERS_INTERRUPTED';
      markSettled(doc, a);
      return doc;
  }
}

/** Settles a run nobody can carry on (its pipeline cannot be resolved here): LOST, handlers not run. */
export function abandonUnresolvable(doc: ExecutionDocument, a: Actor, info: ErrorInfo): ExecutionDocument | null {
  if (doc.settled_at !== null || !ownedBy(doc, a.me)) return null;
  if (!isTerminal(doc.state)) {
    setTerminal(doc, 'LOST', a, { claimHandlers: true, settle: false }, { info, reason: 'PIPELINE_UNAVAILABLE' });
  } else {
    doc.handler_errors = [...doc.handler_errors, info];
  }
  markSettled(doc, a);
  return doc;
}

/** A recovering engine closes a branch its dead owner left unfinished. */
export function markBranchLost(doc: ExecutionDocument, a: Actor): ExecutionDocument | null {
  if (doc.settled_at !== null) return null;
  if (isTerminal(doc.state)) {
    markSettled(doc, a);
    return doc;
  }
  return setTerminal(doc, 'LOST', a, { claimHandlers: true, settle: true }, { info: workerLostInfo(doc), reason: 'WORKER_LOST' });
}
