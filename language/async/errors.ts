// Errors the engine raises or records. `kind` is what a script sees as the error's type.

import type { ErrorInfo, StateReason } from './document';

export type ExecutionErrorKind =
  | 'timeout_error'
  | 'cancelled'
  | 'WORKER_LOST'
  | 'track_conflict'
  | 'execution_not_found'
  | 'execution_expired'
  | 'execution_active'
  | 'pipeline_unavailable'
  | 'invalid_argument';

export class ExecutionError extends Error {
  constructor(readonly kind: ExecutionErrorKind, message: string, readonly info?: ErrorInfo) {
    super(message);
    this.name = 'ExecutionError';
  }
}

/** The `signal.reason` a body sees when it is told to stop: the kind (`cancelled`, `timeout_error`) and why. */
export class StopRequest extends ExecutionError {
  constructor(kind: 'cancelled' | 'timeout_error' | 'WORKER_LOST', message: string, readonly stateReason: StateReason | null) {
    super(kind, message);
    this.name = 'StopRequest';
  }
}

/** Thrown by a PARALLEL's join to fail the parent with a branch's own error description. */
export class RecordedFailure extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = 'RecordedFailure';
  }
}

function readLine(err: Record<string, unknown>): number | null {
  if (typeof err.line === 'number') return err.line;
  const span = err.span as Record<string, unknown> | undefined;
  if (span && typeof span === 'object') {
    if (typeof span.line === 'number') return span.line;
    const start = span.start as Record<string, unknown> | undefined;
    if (start && typeof start.line === 'number') return start.line;
  }
  return null;
}

/**
 * The stored description of any thrown value: the evaluator's errors carry `kind` and a span;
 * anything else is described by its name and message.
 */
export function describeError(err: unknown, procedure: string | null): ErrorInfo {
  if (err instanceof RecordedFailure) return err.info;
  if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    const type =
      (typeof e.kind === 'string' && e.kind) || (typeof e.type === 'string' && e.type) || (typeof e.name === 'string' && e.name) || 'error';
    const message = typeof e.message === 'string' ? e.message : String(err);
    return { type, message, line: readLine(e), procedure: typeof e.procedure === 'string' ? e.procedure : procedure };
  }
  return { type: 'error', message: String(err), line: null, procedure };
}
