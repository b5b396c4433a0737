// What the evaluator hands the engine: callbacks for the body and the handlers, and a serialisable
// description of the pipeline that `resolve` turns back into callbacks (RETRY, recovery after a crash).

import type { ConflictPolicy, ErrorInfo, ExecutionStatus } from './document';

export interface BodyContext {
  readonly executionId: string;
  readonly attempt: number;
  /** Aborted on CANCEL, TIMEOUT, shutdown; `signal.reason` is an ExecutionError saying which. */
  readonly signal: AbortSignal;
  /** PROGRESS(percent [, message]): shown at once, stored with the next write. */
  progress(percent: number, message?: string): Promise<void>;
  /** A PRINT line of the execution (kept with the document, shown in its display). */
  print(text: string): void;
}

export type Body = (ctx: BodyContext) => Promise<unknown>;

export interface BranchOutcome {
  status: ExecutionStatus;
  value?: unknown;
  error?: string;
}

/** The `@` bindings a handler sees; which are present depends on the handler (see async.md). */
export interface Bindings {
  result?: unknown;
  error?: string;
  error_info?: ErrorInfo;
  results?: unknown[];
  outcomes?: BranchOutcome[];
}

export interface HandlerContext {
  readonly executionId: string;
  readonly signal: AbortSignal;
  print(text: string): void;
}

export interface Handler {
  /** Shown in error_info.procedure when the handler fails. */
  name: string;
  run(bindings: Bindings, ctx: HandlerContext): Promise<unknown>;
}

export interface TrackOptions {
  name: string;
  /** What to do when the track already has a run that has not settled. Default REJECT. */
  onConflict?: ConflictPolicy;
}

export interface RetryPolicy {
  /** RETRY n: up to n more attempts after the first. */
  retries: number;
  /** BACKOFF d: the first retry waits d, then 2d, 4d, ... */
  backoffMs?: number;
}

interface CommonSpec {
  /** Serialisable: stored in the document and given back to `resolve` to run the pipeline again. */
  pipeline: unknown;
  track?: TrackOptions;
  timeoutMs?: number;
  finally?: Handler[];
}

/** `p(args) | ON_DONE ... | ON_FAIL ... | FINALLY ... | TRACK AS ... | TIMEOUT ... | RETRY ...` */
export interface ProcedureSpec extends CommonSpec {
  procedure: string;
  /** The evaluated arguments, stored as `parameters`. */
  parameters?: unknown;
  body: Body;
  onDone?: Handler[];
  onFail?: Handler[];
  retry?: RetryPolicy;
}

export interface BranchSpec {
  procedure: string;
  parameters?: unknown;
  body: Body;
}

/** `PARALLEL [...] [MAX n] | ON_ALL_DONE | ON_ANY_FAIL | ON_ALL_SETTLED | ON_ANY_DONE | CANCEL SIBLINGS | ...` */
export interface ParallelSpec extends CommonSpec {
  branches: BranchSpec[];
  max?: number;
  onAllDone?: Handler[];
  onAnyFail?: Handler[];
  onAllSettled?: Handler[];
  onAnyDone?: Handler[];
  cancelSiblings?: boolean;
}

export type PipelineSpec = ProcedureSpec | ParallelSpec;

export function isParallelSpec(spec: PipelineSpec): spec is ParallelSpec {
  return Array.isArray((spec as ParallelSpec).branches);
}

/** Supplied by the session: turns a stored `pipeline` back into a runnable spec (throws if it cannot). */
export type ResolvePipeline = (pipeline: unknown) => PipelineSpec | Promise<PipelineSpec>;
