// What the engine's callers see: its options, the handle a launch returns, the STATUS view, and the outcomes
// of WAIT and of the control verbs.

import type { DataStore } from '../store/store';
import type { Clock } from './clock';
import type { ErrorInfo, ExecutionDocument, ExecutionKind } from './document';
import type { ExecutionView } from './run';
import type { ResolvePipeline } from './spec';

export interface EngineOptions {
  store: DataStore;
  clock?: Clock;
  /** Turns a stored pipeline back into callbacks: needed for RETRY and for taking over runs with handlers. */
  resolve?: ResolvePipeline;
  kernelId?: string;
  notebook?: string | null;
  /** How long a lease lasts without renewal (default 30 s); renewed every third of that unless set. */
  leaseMs?: number;
  renewEveryMs?: number;
  /** Settled runs are kept this long, then answer EXPIRED (default 7 days). */
  retentionMs?: number;
  /** Period of the background sweep (LOST runs, retention); 0 turns it off (default 60 s). */
  sweepEveryMs?: number;
  /** How long a cancelled or timed-out body may take to stop before handlers run anyway (default 5 s). */
  cancelGraceMs?: number;
  /** Poll period of WAIT on runs owned by other kernels (default 500 ms). */
  waitEveryMs?: number;
  /**
   * How often the engine checks whether another kernel changed one of its runs (CANCEL, COMPLETE, FAIL, PING):
   * one check for all runs; default 250 ms on a store that tells when others wrote (embedded), else 500 ms.
   * 0 turns it off (changes are then noticed at the next lease renewal).
   */
  watchEveryMs?: number;
  /**
   * How often the engine looks for the earliest lease expiry of other kernels' running executions, to take a
   * dead kernel's runs over as their lease runs out (default a third of the lease, at most 5 s; on the embedded
   * store only when another connection wrote). 0 turns it off (the sweep still takes them over).
   */
  lostCheckEveryMs?: number;
  /** Make every write visible to ES|QL at once (slower; lists are otherwise near-real-time). */
  refresh?: boolean;
  describeError?: (err: unknown, procedure: string | null) => ErrorInfo;
}

/** What `start` and `parallel` return at once. */
export interface ExecutionHandle {
  execution_id: string;
  track_name: string | null;
  name: string | null;
  procedure_name: string;
  kind: ExecutionKind;
  status: ExecutionDocument['status'];
  state: ExecutionDocument['state'];
  created_at: string;
  /** ON CONFLICT ATTACH found a run on the track: this is that run, nothing new was started. */
  attached: boolean;
}

export type Lookup = 'NOT_FOUND' | 'EXPIRED';

export interface StatusView extends ExecutionView {
  owner_reachable: boolean;
  wait_timed_out?: boolean;
}

export interface WaitOptions {
  /** Give up (returning the status with `wait_timed_out`) after this long; the run goes on. */
  timeoutMs?: number;
  /** Poll period for a run of another kernel (default the engine's `waitEveryMs`). */
  everyMs?: number;
  /** The waiter went away (an interrupt): `wait` rejects with the signal's reason and stops polling. */
  signal?: AbortSignal;
}

export type WaitOutcome =
  /** Settled COMPLETED: the procedure's own return value (`result`; the handlers' is `handler_result`). */
  | { kind: 'result'; value: unknown; document: StatusView }
  /** Settled otherwise (FAILED, TIMED_OUT, LOST, CANCELLED): the status document. */
  | { kind: 'settled'; document: StatusView }
  /** Not settled within the wait's TIMEOUT: the status with `wait_timed_out = true`. The run goes on. */
  | { kind: 'timed_out'; document: StatusView };

/** The value `EXECUTION(x) | WAIT` evaluates to: the result when it completed, else the status document. */
export function waitValue(outcome: WaitOutcome): unknown {
  return outcome.kind === 'result' ? outcome.value : outcome.document;
}

export interface ControlOutcome {
  /** False when an earlier decision had already won (the call changed nothing). */
  changed: boolean;
  document: StatusView;
}

export interface SweepReport {
  recovered: number;
  expired: number;
}

export interface StartOptions {
  /** RETRY verb: the run this one re-runs. */
  retryOf?: string;
}

/** The engine's settings when EngineOptions leaves them out. */
export const ENGINE_DEFAULTS = {
  leaseMs: 30_000,
  retentionMs: 7 * 24 * 3600_000,
  sweepEveryMs: 60_000,
  cancelGraceMs: 5_000,
  waitEveryMs: 500,
  /** On a store that says when others wrote (the check is free), and on one that must be asked. */
  watchEveryMs: { told: 250, asked: 500 },
  lostCheckMaxMs: 5_000,
};

/** What `start` and `parallel` return: the handle document of the run. */
export function handleOf(doc: ExecutionDocument): ExecutionHandle {
  return {
    execution_id: doc.execution_id,
    track_name: doc.track_name,
    name: doc.track_name,
    procedure_name: doc.procedure_name,
    kind: doc.kind,
    status: doc.status,
    state: doc.state,
    created_at: doc.created_at,
    attached: false,
  };
}
